"""Seasonal demand curves posted by enterprises, and workers' availability and injury cover.

Enterprise HR posts and sees its own demand; HR & social security staff (the county's and townships' employment
service, role `admin`) see every demand and register workers, directly or for the township; a worker has no
account of their own yet, so staff record what the worker tells them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.organisations import chosen_enterprise
from app.accounts.roles import Role, scope_by_role
from app.audit.services import record_event
from app.clock import local_date
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.labour.models import DemandSlot, InjuryCover, LabourDemand, SeasonalWorker, WorkerPeriod
from app.labour.vocabulary import COVER_KINDS, HALVES, PAY_KINDS, REGISTRATION_CHANNELS, TASKS
from app.people.access import person_in_scope
from app.people.models import HeldCertificate
from app.regions import LIAONING_CITIES
from app.translation import N_

MAX_CURVE_DAYS = 366
MAX_PAY_RATE = Decimal("100000")
STAFF_ONLY = N_("Only HR & social security staff (the county or township employment service) may do this.")


def require_staff(actor: User) -> None:
    """Refuse anyone but HR & social security staff."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(STAFF_ONLY)


def _text(value: str | None, name: str, limit: int, message) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(message, field=name)
    if len(value) > limit:
        raise ValidationFailed(N_("At most {limit} characters.", limit=limit), field=name)
    return value


def parse_money(value, field_name: str) -> Decimal:
    """A non-negative amount in yuan with at most two decimals."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(N_("Enter an amount in yuan, e.g. 180 or 0.85."), field=field_name) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) or amount > MAX_PAY_RATE:
        raise ValidationFailed(N_("Enter an amount in yuan between 0 and 100,000 with at most two decimals."),
                               field=field_name)
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class CurvePoint:
    """Headcount wanted on a day's half."""

    day: date
    half: str
    headcount: int


@dataclass(frozen=True)
class DemandDetails:
    """What an enterprise posts."""

    title: str
    task: str
    city_code: str
    county: str
    township: str
    pay_kind: str
    pay_rate: Decimal | str
    curve: list[CurvePoint] = field(default_factory=list)
    hours_per_half_day: int = 4
    required_certificate: str | None = None
    enterprise_id: int | None = None


def demand_scope(actor: User) -> ColumnElement[bool]:
    """Demand the actor may see: their enterprise's, or every one for staff."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: LabourDemand.enterprise_id == actor.organisation_id})


def _check_curve(curve: list[CurvePoint], today: date) -> None:
    if not curve:
        raise ValidationFailed(N_("Give the headcount for at least one half-day."), field="curve")
    seen = set()
    for point in curve:
        if point.half not in HALVES:
            raise ValidationFailed(N_("A half-day is 'am' or 'pm', not {half}.", half=point.half), field="curve")
        if not 1 <= point.headcount <= 500:
            raise ValidationFailed(N_("The headcount on {day} must be 1–500.", day=point.day.isoformat()),
                                   field="curve")
        if point.day < today:
            raise ValidationFailed(N_("The day {day} has passed.", day=point.day.isoformat()), field="curve")
        if (point.day, point.half) in seen:
            raise ValidationFailed(N_("The half-day {day} {half} is given twice.", day=point.day.isoformat(),
                                      half=HALVES[point.half]), field="curve")
        seen.add((point.day, point.half))
    days = [p.day for p in curve]
    if (max(days) - min(days)).days >= MAX_CURVE_DAYS:
        raise ValidationFailed(N_("A demand curve may span at most a year."), field="curve")


def post_demand(session: Session, *, actor: User, now: datetime, details: DemandDetails) -> LabourDemand:
    """Post seasonal demand for the actor's enterprise (staff may post for any enterprise)."""
    if actor.has_role(Role.ENTERPRISE_HR) and not actor.has_role(Role.ADMIN):
        if details.enterprise_id not in (None, actor.organisation_id):
            raise NotAllowed(N_("You may post demand only for your own enterprise."))
        enterprise_id = actor.organisation_id
    elif actor.has_role(Role.ADMIN):
        enterprise_id = details.enterprise_id
        chosen_enterprise(session, enterprise_id, missing=N_("Choose a registered enterprise."))
    else:
        raise NotAllowed(N_("Only enterprise HR or HR & social security staff may post seasonal demand."))
    title = _text(details.title, "title", 100, N_("Enter a title."))
    if details.task not in TASKS:
        raise ValidationFailed(N_("Choose a task."), field="task")
    if details.city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    county = _text(details.county, "county", 50, N_("Enter the county."))
    township = _text(details.township, "township", 50, N_("Enter the township."))
    if details.pay_kind not in PAY_KINDS:
        raise ValidationFailed(N_("Choose pay per day or per piece."), field="pay_kind")
    rate = parse_money(details.pay_rate, "pay_rate")
    if rate <= 0:
        raise ValidationFailed(N_("The pay rate must be more than zero."), field="pay_rate")
    if not 1 <= details.hours_per_half_day <= 6:
        raise ValidationFailed(N_("A half-day's work is 1–6 hours."), field="hours_per_half_day")
    certificate = (details.required_certificate or "").strip() or None
    _check_curve(details.curve, local_date(now))
    demand = LabourDemand(
        enterprise_id=enterprise_id, title=title, task=details.task, city_code=details.city_code, county=county,
        township=township, pay_kind=details.pay_kind, pay_rate=rate, hours_per_half_day=details.hours_per_half_day,
        required_certificate=certificate, status="posted", created_by_id=actor.id, created_at=now,
        slots=[DemandSlot(day=p.day, half=p.half, headcount=p.headcount) for p in details.curve],
    )
    session.add(demand)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_demand.post", object_type="labour_demand",
                 object_id=demand.id, new={"task": demand.task, "township": township, "half_days": len(details.curve),
                                           "headcount": sum(p.headcount for p in details.curve)})
    return demand


def get_demand(session: Session, *, actor: User, demand_id: int) -> LabourDemand:
    """A demand in the actor's scope."""
    demand = session.scalar(select(LabourDemand).where(LabourDemand.id == demand_id, demand_scope(actor)))
    if demand is None:
        raise NotFound(N_("The seasonal demand does not exist or is outside your data scope."))
    return demand


def list_demands(session: Session, *, actor: User, county: str | None = None, limit: int = 300) -> list[LabourDemand]:
    """Demand in scope, newest first."""
    stmt = select(LabourDemand).where(demand_scope(actor)).order_by(LabourDemand.id.desc()).limit(limit)
    if county:
        stmt = stmt.where(LabourDemand.county == county)
    return list(session.scalars(stmt))


def close_demand(session: Session, *, actor: User, now: datetime, demand_id: int) -> LabourDemand:
    """Stop scheduling a demand (its assignments stay)."""
    demand = get_demand(session, actor=actor, demand_id=demand_id)
    if demand.status != "posted":
        raise InvalidTransition(N_("The demand is already closed."))
    demand.status = "closed"
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_demand.close", object_type="labour_demand",
                 object_id=demand.id, old={"status": "posted"}, new={"status": "closed"})
    return demand


@dataclass(frozen=True)
class WorkerDetails:
    """What a worker tells the employment service about their availability."""

    person_id: int
    city_code: str
    county: str
    home_township: str
    townships: list[str]
    tasks: list[str]
    periods: list[tuple[date, date]]
    preferred_tasks: list[str] = field(default_factory=list)
    channel: str = "township"


def _check_worker(details: WorkerDetails) -> tuple[str, str, list[str]]:
    if details.city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    county = _text(details.county, "county", 50, N_("Enter the county."))
    home = _text(details.home_township, "home_township", 50, N_("Enter the home township."))
    townships = list(dict.fromkeys([home] + [t.strip()[:50] for t in details.townships if t.strip()]))
    if not details.tasks or any(t not in TASKS for t in details.tasks):
        raise ValidationFailed(N_("Choose at least one task the worker can do."), field="tasks")
    if any(t not in details.tasks for t in details.preferred_tasks):
        raise ValidationFailed(N_("Preferred tasks must be among the tasks the worker can do."),
                               field="preferred_tasks")
    if details.channel not in REGISTRATION_CHANNELS:
        raise ValidationFailed(N_("Choose how the worker registered."), field="channel")
    if not details.periods:
        raise ValidationFailed(N_("Give at least one period when the worker is available."), field="periods")
    for start, end in details.periods:
        if end < start:
            raise ValidationFailed(N_("A period ends ({end}) before it starts ({start}).", start=start.isoformat(),
                                      end=end.isoformat()), field="periods")
        if (end - start).days > MAX_CURVE_DAYS:
            raise ValidationFailed(N_("A period may last at most a year."), field="periods")
    return county, home, townships


def register_worker(session: Session, *, actor: User, now: datetime, details: WorkerDetails) -> SeasonalWorker:
    """Record a worker's availability (once per person; change it with update_availability)."""
    require_staff(actor)
    person = person_in_scope(session, actor=actor, person_id=details.person_id)
    county, home, townships = _check_worker(details)
    if session.scalar(select(SeasonalWorker.id).where(SeasonalWorker.person_id == person.id)) is not None:
        raise Conflict(N_("{name} is already registered for seasonal work.", name=person.name), field="person_id")
    worker = SeasonalWorker(
        person_id=person.id, city_code=details.city_code, county=county, home_township=home, townships=townships,
        tasks=list(details.tasks), preferred_tasks=list(details.preferred_tasks), channel=details.channel,
        registered_by_org_id=actor.organisation_id, created_by_id=actor.id, created_at=now, updated_at=now,
        periods=[WorkerPeriod(start_date=s, end_date=e) for s, e in details.periods],
    )
    session.add(worker)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_worker.register", object_type="labour_worker",
                 object_id=worker.id, new={"person_id": person.id, "townships": townships, "tasks": worker.tasks,
                                           "channel": details.channel})
    return worker


def get_worker(session: Session, *, actor: User, worker_id: int) -> SeasonalWorker:
    """A registered worker; staff see every one."""
    require_staff(actor)
    worker = session.get(SeasonalWorker, worker_id)
    if worker is None:
        raise NotFound(N_("The worker is not registered for seasonal work."))
    return worker


def update_availability(session: Session, *, actor: User, now: datetime, worker_id: int,
                        periods: list[tuple[date, date]]) -> SeasonalWorker:
    """Replace a worker's periods of availability."""
    worker = get_worker(session, actor=actor, worker_id=worker_id)
    _check_worker(WorkerDetails(worker.person_id, worker.city_code, worker.county, worker.home_township,
                                worker.townships, worker.tasks, periods, worker.preferred_tasks, worker.channel))
    old = [(p.start_date.isoformat(), p.end_date.isoformat()) for p in worker.periods]
    worker.periods = [WorkerPeriod(start_date=s, end_date=e) for s, e in periods]
    worker.updated_at = now
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_worker.availability", object_type="labour_worker",
                 object_id=worker.id, old={"periods": old},
                 new={"periods": [(s.isoformat(), e.isoformat()) for s, e in periods]})
    return worker


def list_workers(session: Session, *, actor: User, county: str | None = None, limit: int = 2000) -> list[SeasonalWorker]:
    """Registered workers (staff only), by id."""
    require_staff(actor)
    stmt = select(SeasonalWorker).order_by(SeasonalWorker.id).limit(limit)
    if county:
        stmt = stmt.where(SeasonalWorker.county == county)
    return list(session.scalars(stmt))


def record_cover(session: Session, *, actor: User, now: datetime, worker_id: int, kind: str, insurer: str,
                 policy_number: str, start_date: date, end_date: date) -> InjuryCover:
    """Record the work-injury or occupational-injury policy covering a worker."""
    worker = get_worker(session, actor=actor, worker_id=worker_id)
    if kind not in COVER_KINDS:
        raise ValidationFailed(N_("Choose the kind of cover."), field="kind")
    insurer = _text(insurer, "insurer", 100, N_("Enter the insurer."))
    policy_number = _text(policy_number, "policy_number", 50, N_("Enter the policy number."))
    if end_date < start_date:
        raise ValidationFailed(N_("The cover ends before it starts."), field="end_date")
    cover = InjuryCover(worker_id=worker.id, kind=kind, insurer=insurer, policy_number=policy_number,
                        start_date=start_date, end_date=end_date, recorded_by_id=actor.id, recorded_at=now)
    session.add(cover)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_worker.cover", object_type="labour_worker",
                 object_id=worker.id, new={"kind": kind, "policy": policy_number, "from": start_date.isoformat(),
                                           "to": end_date.isoformat()})
    return cover


def certificates_of(session: Session, person_ids: list[int]) -> dict[int, set[str]]:
    """Occupation codes of the certificates each person holds in the system."""
    held: dict[int, set[str]] = {pid: set() for pid in person_ids}
    for pid, code in session.execute(select(HeldCertificate.person_id, HeldCertificate.occupation_code).where(
            HeldCertificate.person_id.in_(person_ids), HeldCertificate.occupation_code.is_not(None))):
        held[pid].add(code)
    return held


def available_days(worker: SeasonalWorker, start: date, end: date) -> list[date]:
    """Days between start and end (inclusive) inside one of the worker's periods."""
    days = set()
    for p in worker.periods:
        day = max(p.start_date, start)
        while day <= min(p.end_date, end):
            days.add(day)
            day += timedelta(days=1)
    return sorted(days)
