"""Recording a start of work: checks, scheduled follow-ups, the demand it fills, and evidence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.organisations import chosen_enterprise, own_enterprise
from app.accounts.roles import Role
from app.audit.services import record_event
from app.clock import local_date
from app.demand.models import JobDemand
from app.demand.services import change_demand_status, get_demand
from app.errors import Conflict, InvalidTransition, ValidationFailed
from app.people.access import grant_person_access, person_in_scope
from app.placement.models import FollowUp, Placement, PlacementEvidence
from app.placement.scope import (
    add_months,
    get_placement_to_maintain,
    require_recorder,
    scope_clause,
)
from app.placement.vocabulary import EVIDENCE_KINDS, FOLLOW_UP_MONTHS, REGISTRATION_DUE_DAYS
from app.training.storage import store_document
from app.translation import N_

MAX_WAGE = 1_000_000
MAX_AHEAD_DAYS = 90


@dataclass(frozen=True)
class PlacementDetails:
    """What is recorded when someone starts work."""

    person_id: int
    start_date: date
    contract_months: int
    monthly_wage: int
    enterprise_id: int | None = None
    demand_id: int | None = None
    job_title: str | None = None
    note: str | None = None


def _enterprise(session: Session, actor: User, enterprise_id: int | None) -> Organisation:
    if actor.has_role(Role.ENTERPRISE_HR) and not actor.has_role(Role.ADMIN):
        return own_enterprise(actor, enterprise_id,
                              not_own=N_("You may record only people who work at your own enterprise."))
    return chosen_enterprise(session, enterprise_id, missing=N_("Choose a registered employer."))


def _demand(session: Session, actor: User, demand_id: int | None, enterprise: Organisation,
            today: date) -> JobDemand | None:
    if demand_id is None:
        return None
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise ValidationFailed(N_("Only the employer or HR & social security administrators may record a placement "
                                  "against a job demand."), field="demand_id")
    demand = get_demand(session, actor=actor, demand_id=demand_id, today=today)
    if demand.enterprise_id != enterprise.id:
        raise ValidationFailed(N_("The chosen job demand does not belong to this enterprise."), field="demand_id")
    if demand.effective_status(today) != "open":
        raise ValidationFailed(N_("The chosen job demand is no longer open."), field="demand_id")
    return demand


def _check(details: PlacementDetails, today: date) -> None:
    if details.start_date > today + timedelta(days=MAX_AHEAD_DAYS):
        raise ValidationFailed(N_("The start date {day} is more than {days} days after today.",
                                  day=details.start_date.isoformat(), days=MAX_AHEAD_DAYS), field="start_date")
    if not 1 <= details.contract_months <= 600:
        raise ValidationFailed(N_("The contract must last 1–600 months."), field="contract_months")
    if not 0 <= details.monthly_wage <= MAX_WAGE:
        raise ValidationFailed(N_("The monthly wage must be 0–1,000,000 yuan."), field="monthly_wage")


def placed_count(session: Session, demand_id: int) -> int:
    """Placements (not cancelled) recorded against a demand."""
    return session.scalar(select(func.count(Placement.id)).where(
        Placement.demand_id == demand_id, Placement.status != "cancelled")) or 0


def record_placement(session: Session, *, actor: User, now: datetime, details: PlacementDetails) -> Placement:
    """Record a start of work, schedule the 3/6/12-month follow-ups and close a demand whose headcount is met."""
    require_recorder(actor)
    today = local_date(now)
    person = person_in_scope(session, actor=actor, person_id=details.person_id)
    enterprise = _enterprise(session, actor, details.enterprise_id)
    demand = _demand(session, actor, details.demand_id, enterprise, today)
    _check(details, today)
    current = session.scalar(select(Placement).where(Placement.person_id == person.id, Placement.status == "active"))
    if current is not None:
        raise Conflict(N_("{name} has worked at {enterprise} since {day}: record the leaving first.",
                          name=person.name, day=current.start_date.isoformat(), enterprise=current.enterprise.name),
                       field="person_id")
    title = (details.job_title or "").strip() or (demand.title if demand else "")
    if not title:
        raise ValidationFailed(N_("Enter the job title."), field="job_title")
    placement = Placement(
        person_id=person.id, enterprise_id=enterprise.id, demand_id=demand.id if demand else None,
        occupation_code=demand.occupation.code if demand else None, job_title=title[:100],
        start_date=details.start_date, contract_months=details.contract_months, monthly_wage=details.monthly_wage,
        status="active", registration_due_on=details.start_date + timedelta(days=REGISTRATION_DUE_DAYS),
        note=(details.note or "").strip() or None, created_by_id=actor.id, created_at=now,
    )
    placement.follow_ups = [FollowUp(months=m, due_on=add_months(details.start_date, m)) for m in FOLLOW_UP_MONTHS]
    session.add(placement)
    session.flush()
    grant_person_access(session, actor=None, now=now, person_id=person.id, organisation_id=enterprise.id,
                        reason="placement")
    record_event(session, actor=actor, now=now, action="placement.create", object_type="placement",
                 object_id=placement.id, new={"person_id": person.id, "enterprise_id": enterprise.id,
                                              "demand_id": placement.demand_id, "start": details.start_date.isoformat(),
                                              "contract_months": details.contract_months,
                                              "wage": details.monthly_wage})
    if demand is not None and placed_count(session, demand.id) >= demand.headcount:
        change_demand_status(session, actor=actor, now=now, demand_id=demand.id, to_status="filled")
    return placement


def add_evidence(
    session: Session, *, actor: User, now: datetime, placement_id: int, kind: str, dated_on: date,
    reference: str | None = None, data: bytes | None = None, filename: str | None = None,
    storage_dir: Path | None = None, follow_up_id: int | None = None,
) -> PlacementEvidence:
    """Attach a contract, social-insurance or wage record, or the employment registration (a file or a reference)."""
    placement = get_placement_to_maintain(session, actor=actor, placement_id=placement_id)
    if kind not in EVIDENCE_KINDS:
        raise ValidationFailed(N_("Unknown kind of evidence: {kind}.", kind=kind), field="kind")
    reference = (reference or "").strip() or None
    if reference is not None and len(reference) > 100:
        raise ValidationFailed(N_("The number may have at most 100 characters."), field="reference")
    if reference is None and not data:
        raise ValidationFailed(N_("Upload a file or enter the document's number (at least one of them)."),
                               field="reference")
    if dated_on > local_date(now):
        raise ValidationFailed(N_("The document date {day} is after today.", day=dated_on.isoformat()),
                               field="dated_on")
    stored = store_document(data, storage_dir=storage_dir, folder="placements") if data else None
    row = PlacementEvidence(
        placement_id=placement.id, follow_up_id=follow_up_id, kind=kind, reference=reference,
        file_path=stored.path if stored else None, file_sha256=stored.sha256 if stored else None,
        file_name=(filename or "")[:200] or None if stored else None, dated_on=dated_on,
        recorded_by_id=actor.id, recorded_at=now,
    )
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="placement.evidence", object_type="placement",
                 object_id=placement.id, new={"kind": kind, "reference": reference,
                                              "sha256": row.file_sha256, "follow_up_id": follow_up_id})
    return row


def record_leaving(session: Session, *, actor: User, now: datetime, placement_id: int, left_on: date) -> Placement:
    """Mark an active placement as ended on a date."""
    placement = get_placement_to_maintain(session, actor=actor, placement_id=placement_id)
    if placement.status != "active":
        raise InvalidTransition(N_("Only a placement of someone at work can record leaving."), field="left_on")
    if left_on < placement.start_date or left_on > local_date(now):
        raise ValidationFailed(N_("The leaving date must lie between the start date and today."), field="left_on")
    placement.status, placement.left_on = "left", left_on
    session.flush()
    record_event(session, actor=actor, now=now, action="placement.left", object_type="placement",
                 object_id=placement.id, old={"status": "active"}, new={"status": "left", "left_on": left_on.isoformat()})
    return placement


def list_placements(session: Session, *, actor: User, status: str | None = None, enterprise_id: int | None = None,
                    limit: int = 300) -> list[Placement]:
    """Placements in the actor's scope, newest start first."""
    stmt = select(Placement).where(scope_clause(actor)).order_by(Placement.start_date.desc(), Placement.id.desc())
    if status:
        stmt = stmt.where(Placement.status == status)
    if enterprise_id:
        stmt = stmt.where(Placement.enterprise_id == enterprise_id)
    return list(session.scalars(stmt.limit(limit)))


@dataclass(frozen=True)
class RegistrationReminder:
    """A hire whose employment registration (就业登记) has no evidence yet."""

    placement: Placement
    due_on: date
    overdue: bool
    days_left: int


def registration_reminders(session: Session, *, actor: User, today: date) -> list[RegistrationReminder]:
    """Active placements in scope without employment-registration evidence, soonest due first."""
    registered = select(PlacementEvidence.placement_id).where(PlacementEvidence.kind == "employment_registration")
    rows = session.scalars(select(Placement).where(
        scope_clause(actor), Placement.status == "active", Placement.id.not_in(registered),
    ).order_by(Placement.registration_due_on).limit(200))
    return [RegistrationReminder(p, p.registration_due_on, p.registration_due_on < today,
                                 (p.registration_due_on - today).days) for p in rows]
