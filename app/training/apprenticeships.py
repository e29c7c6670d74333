"""Enterprise new-type apprenticeships: recording, scope and the planned → filed → in_training → end states."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.organisations import chosen_enterprise, own_enterprise
from app.accounts.roles import OrgKind, Role, scope_by_role, sees_organisation
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import Occupation
from app.clock import local_date
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.access import person_in_scope
from app.people.validation import age_on, check_name
from app.training.apprenticeship_models import Apprenticeship
from app.training.enrolments import ensure_access
from app.training.models import MIN_WORKING_AGE
from app.training.periods import at_least_months, at_most_months, describe_span, span
from app.training.vocabulary import APPRENTICESHIP_STATUSES, DOCUMENT_KINDS
from app.translation import N_, joined

MIN_MONTHS, MAX_MONTHS = 12, 36
MIN_CONTRACT_MONTHS = 12
TARGET_DIGITS = (4, 3, 2, 1)  # 中级工 … 高级技师
TRANSITIONS: dict[str, frozenset[str]] = {
    "planned": frozenset({"filed", "terminated"}),
    "filed": frozenset({"in_training", "terminated"}),
    "in_training": frozenset({"completed", "terminated"}),
    "completed": frozenset(),
    "terminated": frozenset(),
}
ACTIVE_STATES = ("planned", "filed", "in_training")


def scope_clause(actor: User) -> ColumnElement[bool]:
    """Apprenticeships the actor may see: its enterprise's or institution's; administrators all."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: Apprenticeship.enterprise_id == actor.organisation_id,
                                 Role.INSTITUTION_STAFF: Apprenticeship.institution_id == actor.organisation_id})


def get_apprenticeship(session: Session, *, actor: User, apprenticeship_id: int) -> Apprenticeship:
    """One apprenticeship in the actor's scope (NotFound outside it)."""
    found = session.scalar(select(Apprenticeship).where(Apprenticeship.id == apprenticeship_id, scope_clause(actor)))
    if found is None:
        raise NotFound(N_("The apprenticeship does not exist or is outside your data scope."))
    return found


def apprenticeship_for_change(session: Session, *, actor: User, apprenticeship_id: int) -> Apprenticeship:
    """An apprenticeship the actor's enterprise runs (administrators: any)."""
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise NotAllowed(N_("Only enterprise HR staff or HR & social security administrators may handle "
                            "apprenticeships."))
    found = get_apprenticeship(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if not sees_organisation(actor, found.enterprise_id):
        raise NotFound(N_("The apprenticeship does not exist or is outside your data scope."))
    return found


def list_apprenticeships(session: Session, *, actor: User, status: str | None = None) -> list[Apprenticeship]:
    """Apprenticeships in the actor's scope, newest first."""
    stmt = select(Apprenticeship).where(scope_clause(actor)).order_by(Apprenticeship.id.desc())
    if status:
        stmt = stmt.where(Apprenticeship.status == status)
    return list(session.scalars(stmt))


def _enterprise(session: Session, actor: User, enterprise_id: int | None) -> Organisation:
    if not actor.has_role(Role.ADMIN):
        if not actor.has_role(Role.ENTERPRISE_HR):
            raise NotAllowed(N_("Only enterprise HR staff or HR & social security administrators may record "
                                "apprentices."))
        return own_enterprise(actor, enterprise_id,
                              not_own=N_("You may record apprentices only for your own enterprise."))
    return chosen_enterprise(session, enterprise_id, missing=N_("Choose the apprentice's enterprise."))


def _check_contract(first: date, last: date) -> None:
    if last <= first:
        raise ValidationFailed(N_("The labour contract must end after it starts."), field="contract_end")
    if not at_least_months(first, last, MIN_CONTRACT_MONTHS):
        raise ValidationFailed(
            N_("The labour contract lasts {length} ({first} to {last}); a new-type apprentice needs a contract of "
               "at least one year.", length=describe_span(first, last), first=first.isoformat(),
               last=last.isoformat()), field="contract_end")


def _check_period(first: date, last: date) -> int:
    if last <= first:
        raise ValidationFailed(N_("The planned end must come after the planned start."), field="planned_end")
    if not (at_least_months(first, last, MIN_MONTHS) and at_most_months(first, last, MAX_MONTHS)):
        raise ValidationFailed(
            N_("The training period lasts {length}; it must last {low}–{high} months.",
               length=describe_span(first, last), low=MIN_MONTHS, high=MAX_MONTHS), field="planned_end")
    return span(first, last)[0]


def _check_levels(occupation: Occupation, target: int, mentor: int) -> None:
    if target not in TARGET_DIGITS:
        shown = level_label(target) if target in (1, 2, 3, 4, 5) else str(target)
        raise ValidationFailed(N_("A new-type apprenticeship aims at intermediate worker up to senior technician, "
                                  "not {level}.", level=shown), field="target_level_digit")
    standard = occupation.current_standard
    if standard is None or target not in standard.level_digits:
        raise ValidationFailed(N_("The current standard of {occupation} has no level {level}.",
                                  occupation=occupation.name, level=level_label(target)), field="target_level_digit")
    if mentor not in (1, 2, 3, 4, 5):
        raise ValidationFailed(N_("The mentor's level must be 1–5."), field="mentor_level_digit")
    if mentor > target:
        raise ValidationFailed(
            N_("The mentor's level ({mentor}) is below the apprentice's target level ({target}); the mentor must "
               "hold at least the target level.", mentor=level_label(mentor), target=level_label(target)),
            field="mentor_level_digit")


def create_apprenticeship(session: Session, *, actor: User, now: datetime, person_id: int, institution_id: int,
                          occupation_id: int, target_level_digit: int, contract_start: date, contract_end: date,
                          planned_start: date, planned_end: date, mentor_name: str, mentor_level_digit: int,
                          teacher_name: str, variant_name: str | None = None,
                          enterprise_id: int | None = None) -> Apprenticeship:
    """Record a planned apprenticeship for an employee of the enterprise, checking contract, period and levels."""
    enterprise = _enterprise(session, actor, enterprise_id)
    person = person_in_scope(session, actor=actor, person_id=person_id)
    if person.employer_org_id not in (None, enterprise.id):
        raise ValidationFailed(N_("The employer registered for {name} is not {enterprise}.", name=person.name,
                                  enterprise=enterprise.name), field="person_id")
    institution = session.get(Organisation, institution_id)
    if institution is None or institution.kind != OrgKind.INSTITUTION:
        raise ValidationFailed(N_("Choose the partner training institution."), field="institution_id")
    occupation = session.get(Occupation, occupation_id)
    if occupation is None or not occupation.active:
        raise ValidationFailed(N_("The occupation does not exist or is no longer in use."), field="occupation_id")
    variant = (variant_name or "").strip() or None
    if variant is not None and variant not in {v.name for v in occupation.variants}:
        raise ValidationFailed(N_("{occupation} has no trade “{variant}”.", occupation=occupation.name,
                                  variant=variant), field="variant_name")
    _check_levels(occupation, target_level_digit, mentor_level_digit)
    _check_contract(contract_start, contract_end)
    months = _check_period(planned_start, planned_end)
    if contract_start > planned_start or contract_end < planned_end:
        raise ValidationFailed(N_("The labour contract must cover the whole training period."), field="contract_end")
    age = age_on(person.birth_date, planned_start)
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(N_("{name} is under {low} when training starts ({age}).", name=person.name,
                                  low=MIN_WORKING_AGE, age=age), field="person_id")
    busy = session.scalar(select(Apprenticeship.id).where(Apprenticeship.person_id == person.id,
                                                          Apprenticeship.status.in_(ACTIVE_STATES)))
    if busy is not None:
        raise ValidationFailed(N_("{name} already has an apprenticeship that has not ended (number {number}).",
                                  name=person.name, number=busy), field="person_id")
    record = Apprenticeship(
        enterprise_id=enterprise.id, institution_id=institution.id, person_id=person.id, occupation_id=occupation.id,
        variant_name=variant, target_level_digit=target_level_digit, contract_start=contract_start,
        contract_end=contract_end, planned_start=planned_start, planned_end=planned_end, planned_months=months,
        mentor_name=check_name(mentor_name, field="mentor_name"), mentor_level_digit=mentor_level_digit,
        teacher_name=check_name(teacher_name, field="teacher_name"), status="planned", created_by_id=actor.id,
        created_at=now, status_changed_at=now,
    )
    session.add(record)
    session.flush()
    ensure_access(session, person_id=person.id, organisation_id=enterprise.id, reason="apprenticeship", now=now)
    ensure_access(session, person_id=person.id, organisation_id=institution.id, reason="apprenticeship", now=now)
    record_event(session, actor=actor, now=now, action="apprenticeship.create", object_type="apprenticeship",
                 object_id=record.id, new={
                     "enterprise_id": enterprise.id, "institution_id": institution.id, "person_id": person.id,
                     "occupation": occupation.code, "target_level": target_level_digit, "months": months,
                     "contract": [contract_start.isoformat(), contract_end.isoformat()],
                     "mentor": [record.mentor_name, mentor_level_digit], "teacher": record.teacher_name})
    return record


def _refuse_unless_ready(record: Apprenticeship, to_status: str, today: date, reason: str | None) -> None:
    if to_status == "filed":
        missing = [label for kind, label in DOCUMENT_KINDS.items() if record.document(kind) is None]
        if missing:
            raise InvalidTransition(N_("Upload every document before filing. Missing: {missing}.",
                                       missing=joined(missing)), field="documents")
    elif to_status == "in_training" and today < record.planned_start:
        raise InvalidTransition(N_("The training period starts on {start}, which has not come yet.",
                                   start=record.planned_start.isoformat()), field="status")
    elif to_status == "completed" and today < record.planned_end and not reason:
        raise InvalidTransition(
            N_("The planned end is {end}: give the reason for completing early.",
               end=record.planned_end.isoformat()), field="reason")
    elif to_status == "terminated" and not reason:
        raise ValidationFailed(N_("Give the reason for terminating the apprenticeship."), field="reason")


def change_apprenticeship_status(
    session: Session, *, actor: User, now: datetime, apprenticeship_id: int, to_status: str, reason: str | None = None
) -> Apprenticeship:
    """File, start, complete or terminate an apprenticeship; illegal changes are refused and every change audited."""
    record = apprenticeship_for_change(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if to_status not in APPRENTICESHIP_STATUSES:
        raise ValidationFailed(N_("Unknown status: {status}.", status=to_status), field="status")
    current = record.status
    if to_status not in TRANSITIONS[current]:
        raise InvalidTransition(N_("An apprenticeship cannot change from “{old}” to “{new}”.",
                                   old=APPRENTICESHIP_STATUSES[current], new=APPRENTICESHIP_STATUSES[to_status]),
                                field="status")
    reason = (reason or "").strip()[:300] or None
    today = local_date(now)
    _refuse_unless_ready(record, to_status, today, reason)
    if to_status == "filed":
        record.filed_at = now
    elif to_status == "in_training":
        record.started_on = today
    elif to_status == "completed":
        record.completed_on = today
        record.early_completion_reason = reason if today < record.planned_end else None
        record.ready_for_assessment_at = now
    elif to_status == "terminated":
        record.terminated_on, record.termination_reason = today, reason
    record.status, record.status_changed_at = to_status, now
    session.flush()
    record_event(session, actor=actor, now=now, action="apprenticeship.status", object_type="apprenticeship",
                 object_id=record.id, old={"status": current}, new={"status": to_status}, note=reason)
    return record


def apprenticeship_counts(session: Session) -> dict[str, int]:
    """Apprenticeships by state (for the 人社 overview)."""
    counts = dict.fromkeys(APPRENTICESHIP_STATUSES, 0)
    counts.update(dict(session.execute(select(Apprenticeship.status, func.count(Apprenticeship.id))
                                       .group_by(Apprenticeship.status)).all()))
    return counts


def institutions(session: Session) -> list[Organisation]:
    """Training institutions an enterprise may choose as its partner."""
    return list(session.scalars(select(Organisation).where(Organisation.kind == OrgKind.INSTITUTION)
                                .order_by(Organisation.name)))
