"""Job demands: recording, editing, scope, status changes and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.organisations import chosen_enterprise, own_enterprise
from app.accounts.roles import OrgKind, Role, scope_by_role
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import Occupation
from app.catalog.shortage import shortage_entry_for
from app.clock import local_date
from app.demand.models import DEMAND_STATUSES, JobDemand
from app.demand.wording import check_wording
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.regions import LIAONING_CITIES
from app.translation import N_

MAX_HEADCOUNT = 10_000
MAX_WAGE = 1_000_000
# Which stored status may become which; "expired" is reached only through expire_demands.
TRANSITIONS: dict[str, frozenset[str]] = {
    "open": frozenset({"filled", "closed"}),
    "filled": frozenset({"open", "closed"}),
    "expired": frozenset({"closed"}),
    "closed": frozenset(),
}


@dataclass(frozen=True)
class DemandDetails:
    """What an enterprise writes in a vacancy posting."""

    occupation_id: int
    title: str
    headcount: int
    city_code: str
    wage_min: int
    wage_max: int
    valid_until: date
    variant_name: str | None = None
    min_level_digit: int | None = None
    requirements: str | None = None


def _require_recorder(actor: User) -> None:
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise NotAllowed(N_("Only enterprise HR staff or HR & social security administrators may record job "
                            "demands."))


def scope_clause(actor: User, today: date) -> ColumnElement[bool]:
    """Demands the actor may see: own enterprise's, open ones for institutions, all for administrators."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: JobDemand.enterprise_id == actor.organisation_id,
                                 Role.INSTITUTION_STAFF: open_clause(today)})


def open_clause(today: date) -> ColumnElement[bool]:
    """Demands still open: status open and not past their date."""
    return and_(JobDemand.status == "open", JobDemand.valid_until >= today)


def _enterprise_for(session: Session, actor: User, enterprise_id: int | None) -> Organisation:
    if not actor.has_role(Role.ADMIN):
        return own_enterprise(actor, enterprise_id,
                              not_own=N_("You may record job demands only for your own enterprise."))
    if enterprise_id is None:
        raise ValidationFailed(N_("Choose the enterprise you record the demand for."), field="enterprise_id")
    return chosen_enterprise(session, enterprise_id,
                             missing=N_("A job demand can only belong to a registered enterprise."))


def _checked(session: Session, details: DemandDetails, today: date) -> dict:
    occupation = session.get(Occupation, details.occupation_id)
    if occupation is None or not occupation.active:
        raise ValidationFailed(N_("The occupation does not exist or is no longer in use."), field="occupation_id")
    title = (details.title or "").strip()
    if not title:
        raise ValidationFailed(N_("Enter the job title."), field="title")
    check_wording(title, field="title")
    variant = (details.variant_name or "").strip() or None
    if variant is not None and variant not in {v.name for v in occupation.variants}:
        known = "; ".join(v.name for v in occupation.variants) or N_("none")
        raise ValidationFailed(N_("{occupation} has no trade “{variant}” (choose from: {known}).",
                                  occupation=occupation.name, variant=variant, known=known), field="variant_name")
    digit = details.min_level_digit
    if digit is not None:
        standard = occupation.current_standard
        if digit not in (1, 2, 3, 4, 5):
            raise ValidationFailed(N_("The minimum level must be 1–5."), field="min_level_digit")
        if standard is not None and digit not in standard.level_digits:
            raise ValidationFailed(N_("The current standard of {occupation} has no level {level}.",
                                      occupation=occupation.name, level=level_label(digit)), field="min_level_digit")
    if not 1 <= details.headcount <= MAX_HEADCOUNT:
        raise ValidationFailed(N_("The number of people wanted must be between 1 and {most}.", most=MAX_HEADCOUNT),
                               field="headcount")
    if details.city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("The place of work must be a prefecture-level city of Liaoning."),
                               field="city_code")
    if details.wage_min < 0 or details.wage_max > MAX_WAGE:
        raise ValidationFailed(N_("The monthly wage must be 0–1,000,000 yuan."), field="wage_min")
    if details.wage_min > details.wage_max:
        raise ValidationFailed(
            N_("The lowest monthly wage of {low} yuan is above the highest of {high} yuan.", low=details.wage_min,
               high=details.wage_max), field="wage_max"
        )
    if details.valid_until < today:
        raise ValidationFailed(N_("The demand would stand until {day}, which is before today.",
                                  day=details.valid_until.isoformat()), field="valid_until")
    requirements = (details.requirements or "").strip() or None
    check_wording(requirements, field="requirements")
    return {
        "occupation_id": occupation.id, "variant_name": variant, "title": title, "min_level_digit": digit,
        "headcount": details.headcount, "city_code": details.city_code, "wage_min": details.wage_min,
        "wage_max": details.wage_max, "requirements": requirements, "valid_until": details.valid_until,
    }


def _audit_view(demand: JobDemand) -> dict:
    return {
        "enterprise_id": demand.enterprise_id, "occupation_id": demand.occupation_id, "title": demand.title,
        "variant": demand.variant_name, "min_level": demand.min_level_digit, "headcount": demand.headcount,
        "city": demand.city_code, "wage": [demand.wage_min, demand.wage_max],
        "valid_until": demand.valid_until.isoformat(), "status": demand.status, "is_shortage": demand.is_shortage,
    }


def _mark_shortage(session: Session, demand: JobDemand, occupation_code: str, today: date) -> None:
    entry = shortage_entry_for(session, occupation_code=occupation_code, on=today)
    demand.is_shortage = entry is not None
    demand.shortage_quarter = entry.catalogue.quarter if entry is not None else None


def create_demand(
    session: Session, *, actor: User, now: datetime, details: DemandDetails, enterprise_id: int | None = None
) -> JobDemand:
    """Record a demand for the actor's enterprise (administrators: for the enterprise named)."""
    _require_recorder(actor)
    enterprise = _enterprise_for(session, actor, enterprise_id)
    values = _checked(session, details, local_date(now))
    demand = JobDemand(enterprise_id=enterprise.id, status="open", created_by_id=actor.id, created_at=now,
                       updated_at=now, status_changed_at=now, **values)
    _mark_shortage(session, demand, session.get(Occupation, values["occupation_id"]).code, local_date(now))
    session.add(demand)
    session.flush()
    record_event(session, actor=actor, now=now, action="demand.create", object_type="job_demand",
                 object_id=demand.id, new=_audit_view(demand))
    return demand


def get_demand(session: Session, *, actor: User, demand_id: int, today: date) -> JobDemand:
    """One demand inside the actor's scope (NotFound outside it)."""
    demand = session.scalar(select(JobDemand).where(JobDemand.id == demand_id, scope_clause(actor, today)))
    if demand is None:
        raise NotFound(N_("The job demand does not exist or is outside your data scope."))
    return demand


def _demand_for_change(session: Session, actor: User, demand_id: int, today: date) -> JobDemand:
    _require_recorder(actor)
    return get_demand(session, actor=actor, demand_id=demand_id, today=today)


def update_demand(session: Session, *, actor: User, now: datetime, demand_id: int, details: DemandDetails) -> JobDemand:
    """Change an open demand; the shortage flag is recomputed if the occupation changes."""
    demand = _demand_for_change(session, actor, demand_id, local_date(now))
    status = demand.effective_status(local_date(now))
    if status != "open":
        raise InvalidTransition(N_("Only an open job demand can be changed (status now: {status}).",
                                   status=DEMAND_STATUSES[status]))
    values = _checked(session, details, local_date(now))
    old = _audit_view(demand)
    occupation_changed = values["occupation_id"] != demand.occupation_id
    for key, value in values.items():
        setattr(demand, key, value)
    if occupation_changed:
        _mark_shortage(session, demand, session.get(Occupation, values["occupation_id"]).code, local_date(now))
    demand.updated_at = now
    session.flush()
    session.refresh(demand, ["occupation"])
    record_event(session, actor=actor, now=now, action="demand.update", object_type="job_demand",
                 object_id=demand.id, old=old, new=_audit_view(demand))
    return demand


def change_demand_status(
    session: Session, *, actor: User, now: datetime, demand_id: int, to_status: str, reason: str | None = None
) -> JobDemand:
    """Mark a demand filled, closed or open again; refuses changes the state machine does not allow.

    Closing a demand that still stands (open or filled) needs a reason, kept with the audit event.
    """
    demand = _demand_for_change(session, actor, demand_id, local_date(now))
    current = demand.effective_status(local_date(now))
    if to_status not in DEMAND_STATUSES:
        raise ValidationFailed(N_("Unknown status: {status}.", status=to_status), field="status")
    if to_status not in TRANSITIONS[current]:
        raise InvalidTransition(
            N_("A job demand cannot change from “{old}” to “{new}”.", old=DEMAND_STATUSES[current],
               new=DEMAND_STATUSES[to_status]), field="status"
        )
    if to_status == "open" and demand.valid_until < local_date(now):
        raise InvalidTransition(N_("The demand has expired: change its valid-until date before opening it again."),
                                field="status")
    reason = (reason or "").strip()[:300] or None
    if to_status == "closed" and current in ("open", "filled") and reason is None:
        raise ValidationFailed(N_("Give the reason for closing the job demand early."), field="reason")
    _set_status(session, demand, to_status, actor=actor, now=now, old=demand.status, note=reason)
    return demand


def _set_status(session: Session, demand: JobDemand, to_status: str, *, actor: User | None, now: datetime,
                old: str, note: str | None = None) -> None:
    demand.status, demand.status_changed_at, demand.updated_at = to_status, now, now
    session.flush()
    record_event(session, actor=actor, now=now, action="demand.status", object_type="job_demand",
                 object_id=demand.id, old={"status": old}, new={"status": to_status}, note=note)


def expire_demands(session: Session, *, now: datetime) -> int:
    """Mark every open demand past its valid-until date as expired; returns how many changed."""
    stale = session.scalars(
        select(JobDemand).where(JobDemand.status == "open", JobDemand.valid_until < local_date(now))
    ).all()
    for demand in stale:
        _set_status(session, demand, "expired", actor=None, now=now, old="open")
    return len(stale)


def list_demands(
    session: Session, *, actor: User, today: date, status: str | None = None, occupation_id: int | None = None,
    city_code: str | None = None, limit: int = 200,
) -> list[JobDemand]:
    """Demands in the actor's scope, newest first; status filters by what users see (expired included)."""
    stmt = select(JobDemand).where(scope_clause(actor, today)).order_by(JobDemand.id.desc()).limit(limit)
    if status == "open":
        stmt = stmt.where(open_clause(today))
    elif status == "expired":
        stmt = stmt.where(or_(JobDemand.status == "expired",
                              and_(JobDemand.status == "open", JobDemand.valid_until < today)))
    elif status:
        stmt = stmt.where(JobDemand.status == status)
    if occupation_id:
        stmt = stmt.where(JobDemand.occupation_id == occupation_id)
    if city_code:
        stmt = stmt.where(JobDemand.city_code == city_code)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class DemandTally:
    """Open demands and the people they ask for, for one city or occupation."""

    key: str
    label: str
    demands: int
    headcount: int


def open_demand_tallies(session: Session, *, today: date) -> tuple[list[DemandTally], list[DemandTally]]:
    """Open demands grouped by city and by occupation (for the 人社 overview)."""
    count, heads = func.count(JobDemand.id), func.coalesce(func.sum(JobDemand.headcount), 0)
    by_city = session.execute(
        select(JobDemand.city_code, count, heads).where(open_clause(today)).group_by(JobDemand.city_code)
        .order_by(heads.desc())
    ).all()
    by_occupation = session.execute(
        select(Occupation.code, Occupation.name, count, heads).join(Occupation, JobDemand.occupation)
        .where(open_clause(today)).group_by(Occupation.code, Occupation.name).order_by(heads.desc())
    ).all()
    return (
        [DemandTally(code, LIAONING_CITIES.get(code, (code,))[0], n, int(h)) for code, n, h in by_city],
        [DemandTally(code, name, n, int(h)) for code, name, n, h in by_occupation],
    )


def enterprises(session: Session) -> list[Organisation]:
    """Every registered enterprise (administrators choose one when recording on its behalf)."""
    return list(session.scalars(select(Organisation).where(Organisation.kind == OrgKind.ENTERPRISE)
                                .order_by(Organisation.name)))


def currently_in_shortage(session: Session, *, demand: JobDemand, today: date) -> bool:
    """Whether the demand's occupation is on the shortage catalogue in force today (live check)."""
    return shortage_entry_for(session, occupation_code=demand.occupation.code, on=today) is not None
