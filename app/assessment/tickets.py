"""Admission tickets (准考证) as frozen views of plain strings, and the registration list as a workbook.

Tickets are official documents and always Chinese (`in_chinese`); the workbook is in the language of the
`translate` function the edge passes (English by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, Registration, SessionCandidate
from app.assessment.registration import eligibility_summary, next_ticket_number, plan_heading
from app.assessment.scope import plan_for_staff, plan_visible
from app.assessment.vocabulary import REGISTRATION_SOURCES, REGISTRATION_STATUSES
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS
from app.clock import LOCAL_ZONE
from app.errors import InvalidTransition, NotFound
from app.idnumbers import ID_TYPE_LABELS
from app.spreadsheets import simple_workbook
from app.translation import N_, Translate, english, in_chinese, joined, render

_MAX_PHOTO = 2 * 1024 * 1024
# Longest value per printed field; the design is tested at these lengths to stay on one A5 sheet.
TICKET_CAPS = {"holder_name": 14, "occupation_name": 14, "variant_name": 12, "org_name": 30, "venue": 32,
               "plan_title": 40, "place": 14}


def _fit(text: str, field: str) -> str:
    """Cut a value to its printed length, marking the cut with an ellipsis."""
    cap = TICKET_CAPS[field]
    return text if len(text) <= cap else text[: cap - 1] + "…"


@dataclass(frozen=True)
class TicketLine:
    """One component the candidate sits: when and where, as printed."""

    component: str
    day: str
    time: str
    place: str


@dataclass(frozen=True)
class AdmissionTicketView:
    """Everything printed on one 准考证, as plain strings (never ORM objects)."""

    ticket_number: str
    holder_name: str
    id_type: str
    id_masked: str
    plan_title: str
    occupation_name: str
    variant_name: str  # "--" when the plan has no 工种/职业方向
    level_label: str
    org_name: str
    venue: str
    lines: tuple[TicketLine, ...]
    photo: bytes | None = None

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name == "photo":
                if value is not None and not isinstance(value, bytes):
                    raise TypeError("photo must be bytes or None")
            elif name == "lines":
                if not all(isinstance(line, TicketLine) for line in value):
                    raise TypeError("lines must be TicketLine values")
            elif not isinstance(value, str):
                raise TypeError(f"AdmissionTicketView.{name} must be str, got {type(value).__name__}")


def _photo(storage_dir: Path | None, photo_path: str | None) -> bytes | None:
    if storage_dir is None or not photo_path:
        return None
    path = (storage_dir / photo_path).resolve()
    if not path.is_relative_to(storage_dir.resolve()) or not path.is_file() or path.stat().st_size > _MAX_PHOTO:
        return None
    return path.read_bytes()


def ticket_view(session: Session, registration: Registration, *, storage_dir: Path | None = None
                ) -> AdmissionTicketView:
    """The admission ticket of an admitted registration."""
    if not registration.admitted or not registration.ticket_number:
        raise InvalidTransition(N_("{name} is not admitted to the assessment and has no admission ticket.",
                                   name=registration.person.name))
    plan = registration.plan
    placements = {c.plan_component_id: c.session for c in session.scalars(
        select(SessionCandidate).where(SessionCandidate.registration_id == registration.id))}
    carried = {c.component for c in registration.carried}
    lines = []
    for item in plan.components:
        label = in_chinese(COMPONENT_LABELS[item.component])
        if item.component in carried:
            lines.append(TicketLine(label, "--", "--", in_chinese(N_("Score retained, exempt"))))
            continue
        sitting = placements.get(item.id)
        if sitting is not None:
            start = sitting.starts_at.astimezone(LOCAL_ZONE)
            lines.append(TicketLine(label, start.strftime("%Y-%m-%d"), start.strftime("%H:%M"), _fit(sitting.room, "place")))
        else:
            to_be_set = in_chinese(N_("To be set"))
            day = item.exam_on.isoformat() if item.exam_on else to_be_set
            lines.append(TicketLine(label, day, item.exam_time or to_be_set, in_chinese(N_("Room to be set"))))
    person = registration.person
    return AdmissionTicketView(
        ticket_number=registration.ticket_number, holder_name=_fit(person.name, "holder_name"),
        id_type=in_chinese(ID_TYPE_LABELS.get(person.id_type, person.id_type)), id_masked=person.id_masked,
        plan_title=_fit(plan.title, "plan_title"), occupation_name=_fit(plan.occupation.name, "occupation_name"),
        variant_name=_fit(plan.variant_name or "--", "variant_name"), level_label=in_chinese(level_label(plan.level_digit)),
        org_name=_fit(plan.organisation.name, "org_name"), venue=_fit(plan.venue, "venue"),
        lines=tuple(lines), photo=_photo(storage_dir, person.photo_path),
    )


def unnumbered(plan: AssessmentPlan) -> list[Registration]:
    """Admitted registrations without a ticket number (recorded before numbering at admission, or imported)."""
    return sorted((r for r in plan.registrations if r.admitted and not r.ticket_number), key=lambda r: r.id)


def assign_ticket_numbers(session: Session, plan: AssessmentPlan) -> list[Registration]:
    """Give every admitted registration of the plan lacking one the next ticket number, in registration order."""
    registrations = unnumbered(plan)
    for registration in registrations:
        registration.ticket_number = next_ticket_number(session, plan)
    session.flush()
    return registrations


def number_tickets(session: Session, *, actor: User, now: datetime, plan_id: int) -> int:
    """Staff of the plan's organisation number the admitted candidates who have no ticket number; how many."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status == "cancelled":
        raise InvalidTransition(N_("The assessment plan is cancelled: its candidates need no admission tickets."))
    numbered = assign_ticket_numbers(session, plan)
    if numbered:
        record_event(session, actor=actor, now=now, action="assessment.number_tickets",
                     object_type="assessment_plan", object_id=plan.id,
                     new={"tickets": {str(r.id): r.ticket_number for r in numbered}})
    return len(numbered)


def plan_tickets(session: Session, *, actor: User, plan_id: int, registration_id: int | None = None,
                 storage_dir: Path | None = None) -> list[AdmissionTicketView]:
    """Tickets of a plan's admitted candidates (or of one registration), in ticket order.

    Refused while an admitted candidate has no ticket number: a set of tickets silently missing someone would
    be printed and handed out as complete.
    """
    plan = plan_visible(session, actor=actor, plan_id=plan_id)
    admitted = [r for r in plan.registrations if r.admitted]
    if registration_id is not None:
        admitted = [r for r in admitted if r.id == registration_id]
        if not admitted:
            raise NotFound(N_("This candidate has no admission ticket."))
    missing = [r for r in admitted if not r.ticket_number]
    if missing and registration_id is not None:
        raise InvalidTransition(N_("{name} has no ticket number yet, so the admission ticket cannot be printed: "
                                   "give ticket numbers on the plan page first.", name=missing[0].person.name))
    if missing:
        raise InvalidTransition(N_("Admitted candidates without a ticket number: {count}. The admission tickets "
                                   "cannot be printed until they are given numbers on the plan page.",
                                   count=len(missing)))
    admitted.sort(key=lambda r: r.ticket_number or "")
    return [ticket_view(session, r, storage_dir=storage_dir) for r in admitted]


REGISTRATION_HEADERS = (N_("Ticket number"), N_("Candidate name"), N_("ID type"), N_("ID number"), N_("Registration source"),
                        N_("Eligibility check"), N_("Condition met, or why not eligible"), N_("Reason for exception"),
                        N_("Retained scores"))



def registration_workbook(plan: AssessmentPlan, translate: Translate = english) -> bytes:
    """The plan's registration list as an Excel workbook, ID numbers masked.

    Headers, labels and the sheet name are in the language `translate` gives (the web edge passes gettext).
    """
    rows = []
    for reg in sorted(plan.registrations, key=lambda r: (r.ticket_number or "~", r.id)):
        person = reg.person
        rows.append(tuple(render(value, translate) for value in (
            reg.ticket_number or "", person.name, ID_TYPE_LABELS.get(person.id_type, person.id_type), person.id_masked,
            REGISTRATION_SOURCES[reg.source], REGISTRATION_STATUSES[reg.status], eligibility_summary(reg),
            reg.override_reason or "", joined(COMPONENT_LABELS[c.component] for c in reg.carried),
        )))
    headers = [render(header, translate) for header in REGISTRATION_HEADERS]
    title = plan_heading(plan, translate)[:31].replace("/", "／")
    return simple_workbook(title, headers, rows, text_columns=(0, 3))
