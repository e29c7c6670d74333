"""Attendance sheets per session, and the class roster with each trainee's hours, share and on-track flag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import ValidationFailed
from app.training.enrolments import start_if_enrolled
from app.training.models import Attendance, ClassSession, Enrolment, TrainingClass
from app.training.progress import ZERO, Progress, held_hours, hours_text
from app.training.projects import class_for_change, get_class
from app.training.vocabulary import ATTENDANCE_STATUSES, ENROLMENT_STATUSES, LEFT
from app.translation import N_

# Trainees whose attendance may still be recorded or changed.
OPEN_STATES = ("enrolled", "in_training")


@dataclass(frozen=True)
class AttendanceMark:
    """One line of an attendance sheet; hours None means 'the whole session' (present) or 0 (absent)."""

    enrolment_id: int
    status: str
    hours: Decimal | None = None


def _hours_for(mark: AttendanceMark, row: ClassSession, name: str) -> Decimal:
    field = f"hours-{mark.enrolment_id}"
    if mark.status not in ATTENDANCE_STATUSES:
        raise ValidationFailed(N_("{name}: unknown attendance status {status}.", name=name, status=mark.status),
                               field=f"status-{mark.enrolment_id}")
    if mark.hours is None:
        if mark.status == "late":
            raise ValidationFailed(N_("{name}: late or left early, so enter the hours actually attended.", name=name),
                                   field=field)
        return row.hours if mark.status == "present" else ZERO
    try:
        hours = Decimal(str(mark.hours)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("{name}: hours must be a number.", name=name), field=field) from exc
    if hours < 0:
        raise ValidationFailed(N_("{name}: hours cannot be negative.", name=name), field=field)
    if mark.status == "absent" and hours != 0:
        raise ValidationFailed(N_("{name}: an absence has 0 hours.", name=name), field=field)
    if hours > row.hours:
        raise ValidationFailed(N_("{name}: {hours} hours attended exceed the session's {session_hours} hours.",
                                  name=name, hours=hours_text(hours), session_hours=hours_text(row.hours)),
                               field=field)
    return hours


def checked_hours(mark: AttendanceMark, row: ClassSession, name: str) -> Decimal:
    """The hours a mark stands for in a session, or the refusal (named by trainee) of a bad mark."""
    return _hours_for(mark, row, name)


def get_session(session: Session, *, actor: User, session_id: int) -> ClassSession:
    """One timetabled session of a class the actor may see."""
    row = get_or_not_found(
        session, ClassSession, session_id, N_("The session does not exist or is outside your data scope.")
    )
    get_class(session, actor=actor, class_id=row.class_id)
    return row


def record_attendance(
    session: Session, *, actor: User, now: datetime, session_id: int, marks: Sequence[AttendanceMark],
    method: str = "staff",
) -> list[Attendance]:
    """Record or correct a session's attendance sheet, all lines or none; first attendance starts training.
    `method` says how the marks were taken (ATTENDANCE_METHODS): kept on every record written."""
    row = get_session(session, actor=actor, session_id=session_id)
    klass = class_for_change(session, actor=actor, class_id=row.class_id)
    if row.session_date > local_date(now):
        raise ValidationFailed(N_("The session is on {day}, which has not come yet: attendance cannot be recorded.",
                                  day=row.session_date.isoformat()), field="session")
    enrolments = {e.id: e for e in klass.enrolments}
    existing = {a.enrolment_id: a for a in session.scalars(select(Attendance).where(Attendance.session_id == row.id))}
    checked: list[tuple[Enrolment, str, Decimal]] = []
    for mark in marks:
        enrolment = enrolments.get(mark.enrolment_id)
        if enrolment is None:
            raise ValidationFailed(N_("The attendance sheet lists a trainee who is not in this class."), field="session")
        if enrolment.status not in OPEN_STATES:
            raise ValidationFailed(N_("{name} is {status}: attendance can no longer be changed.",
                                      name=enrolment.person.name, status=ENROLMENT_STATUSES[enrolment.status]),
                                   field=f"status-{enrolment.id}")
        checked.append((enrolment, mark.status, _hours_for(mark, row, enrolment.person.name)))
    changes, saved = {}, []
    for enrolment, status, hours in checked:
        record = existing.get(enrolment.id)
        before = None if record is None else f"{record.status}:{hours_text(record.hours)}"
        if record is None:
            record = Attendance(session_id=row.id, enrolment_id=enrolment.id, status=status, hours=hours,
                                method=method, recorded_at=now, recorded_by_id=actor.id)
            session.add(record)
        else:
            if (record.status, record.hours) != (status, hours):
                record.method = method  # an unchanged line keeps the evidence of how it was first taken
            record.status, record.hours, record.recorded_at, record.recorded_by_id = status, hours, now, actor.id
        after = f"{status}:{hours_text(hours)}"
        if before != after:
            changes[str(enrolment.id)] = [before, after]
        saved.append(record)
        if status != "absent":
            start_if_enrolled(session, enrolment, actor=actor, now=now)
    session.flush()
    if changes:
        record_event(session, actor=actor, now=now, action="attendance.record", object_type="class_session",
                     object_id=row.id, old={k: v[0] for k, v in changes.items()},
                     new={k: v[1] for k, v in changes.items()})
    return saved


@dataclass(frozen=True)
class RosterLine:
    """A trainee on the class page."""

    enrolment: Enrolment
    progress: Progress


@dataclass(frozen=True)
class Roster:
    """A class with its trainees' progress."""

    training_class: TrainingClass
    lines: list[RosterLine]
    held: Decimal
    taken: int


def class_roster(session: Session, *, actor: User, class_id: int, today: date) -> Roster:
    """The class's trainees with attended hours, share of reference hours and on-track flag as of today."""
    klass = get_class(session, actor=actor, class_id=class_id)
    held = held_hours(klass.sessions, today)
    totals: dict[int, Decimal] = {}
    for attendance in session.scalars(select(Attendance).join(Enrolment).where(Enrolment.class_id == klass.id)):
        totals[attendance.enrolment_id] = totals.get(attendance.enrolment_id, ZERO) + attendance.hours
    lines = [RosterLine(e, Progress(totals.get(e.id, ZERO), klass.project.reference_hours,
                                    klass.completion_threshold, held)) for e in klass.enrolments]
    return Roster(klass, lines, held, sum(1 for e in klass.enrolments if e.status not in LEFT))


def session_sheet(session: Session, *, actor: User, session_id: int) -> tuple[ClassSession, list[Enrolment],
                                                                               dict[int, Attendance]]:
    """A session, the trainees on its sheet (everyone who has not left) and what was recorded for them."""
    row = get_session(session, actor=actor, session_id=session_id)
    records = {a.enrolment_id: a for a in session.scalars(select(Attendance).where(Attendance.session_id == row.id))}
    trainees = [e for e in row.training_class.enrolments if e.status not in LEFT]
    return row, trainees, records
