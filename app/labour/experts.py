"""Weekend engineers (周末工程师): experts from central cities serving firms elsewhere, their visits and allowance.

Staff register experts and record visits on the expert's behalf (experts have no account of their own yet);
the firm that asked confirms each visit, and the allowance is computed then from the rules (data, not code).
The confirmed visits are the expert's service record, shown with their levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, scope_by_role
from app.audit.services import record_event
from app.catalog.models import Occupation
from app.clock import local_date
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.labour.seasonal import parse_money, require_staff
from app.labour.sharing_models import AllowanceRule, Expert, ExpertRequest, ExpertVisit
from app.people.access import person_in_scope
from app.regions import LIAONING_CITIES
from app.translation import N_


def _occupation(session: Session, code: str | None, *, required: bool) -> Occupation | None:
    code = (code or "").strip()
    if not code:
        if required:
            raise ValidationFailed(N_("Choose an occupation."), field="occupation_code")
        return None
    found = session.scalar(select(Occupation).where(Occupation.code == code).order_by(Occupation.edition.desc()))
    if found is None:
        raise ValidationFailed(N_("Unknown occupation code {code}.", code=code), field="occupation_code")
    return found


def register_expert(session: Session, *, actor: User, now: datetime, person_id: int, occupation_code: str,
                    level_digit: int, home_city_code: str, cities: list[str], availability: str,
                    titles: str | None = None) -> Expert:
    """Register a person as a weekend engineer serving the given cities."""
    require_staff(actor)
    person = person_in_scope(session, actor=actor, person_id=person_id)
    occupation = _occupation(session, occupation_code, required=True)
    if not 1 <= level_digit <= 5:
        raise ValidationFailed(N_("Choose the expert's level."), field="level_digit")
    if home_city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="home_city_code")
    if not cities or any(c not in LIAONING_CITIES for c in cities):
        raise ValidationFailed(N_("Choose the cities the expert serves."), field="cities")
    availability = (availability or "").strip()
    if not availability:
        raise ValidationFailed(N_("Say when the expert is available (e.g. weekends)."), field="availability")
    if session.scalar(select(Expert.id).where(Expert.person_id == person.id)) is not None:
        raise Conflict(N_("{name} is already registered as an expert.", name=person.name), field="person_id")
    expert = Expert(person_id=person.id, occupation_code=occupation.code, occupation_name=occupation.name,
                    level_digit=level_digit, titles=(titles or "").strip()[:200] or None,
                    home_city_code=home_city_code, cities=list(dict.fromkeys(cities)), availability=availability[:200],
                    created_by_id=actor.id, created_at=now)
    session.add(expert)
    session.flush()
    record_event(session, actor=actor, now=now, action="expert.register", object_type="expert", object_id=expert.id,
                 new={"person_id": person.id, "occupation": occupation.code, "level": level_digit, "cities": cities})
    return expert


def list_experts(session: Session, *, actor: User, city_code: str | None = None) -> list[Expert]:
    """Registered experts (everyone signed in may look for one), optionally those serving a city."""
    experts = list(session.scalars(select(Expert).order_by(Expert.level_digit, Expert.id)))
    return [e for e in experts if city_code is None or city_code in e.cities]


def request_scope(actor: User) -> ColumnElement[bool]:
    """Requests the actor may see: their firm's, or every one for staff."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: ExpertRequest.enterprise_id == actor.organisation_id})


def request_expert(session: Session, *, actor: User, now: datetime, problem: str, city_code: str,
                   occupation_code: str | None = None) -> ExpertRequest:
    """A firm describes a problem it wants an expert's help with."""
    if not actor.has_role(Role.ENTERPRISE_HR):
        raise NotAllowed(N_("Only enterprise HR may ask for an expert."))
    problem = (problem or "").strip()
    if len(problem) < 6:
        raise ValidationFailed(N_("Describe the problem in at least 6 characters."), field="problem")
    if city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    occupation = _occupation(session, occupation_code, required=False)
    row = ExpertRequest(enterprise_id=actor.organisation_id, occupation_code=occupation.code if occupation else None,
                        problem=problem[:4000], city_code=city_code, status="open", created_by_id=actor.id,
                        created_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="expert_request.create", object_type="expert_request",
                 object_id=row.id, new={"city": city_code, "occupation": row.occupation_code})
    return row


def get_request(session: Session, *, actor: User, request_id: int) -> ExpertRequest:
    """A request in the actor's scope."""
    row = session.scalar(select(ExpertRequest).where(ExpertRequest.id == request_id, request_scope(actor)))
    if row is None:
        raise NotFound(N_("The request does not exist or is outside your data scope."))
    return row


def list_requests(session: Session, *, actor: User) -> list[ExpertRequest]:
    """Requests in scope, newest first."""
    return list(session.scalars(select(ExpertRequest).where(request_scope(actor))
                                .order_by(ExpertRequest.id.desc()).limit(300)))


def assign_expert(session: Session, *, actor: User, now: datetime, request_id: int, expert_id: int) -> ExpertRequest:
    """Staff match an open request with an expert who serves the firm's city."""
    require_staff(actor)
    row = get_request(session, actor=actor, request_id=request_id)
    if row.status != "open":
        raise InvalidTransition(N_("Only an open request can be given an expert."))
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise ValidationFailed(N_("Choose a registered expert."), field="expert_id")
    if row.city_code not in expert.cities:
        raise ValidationFailed(N_("The expert does not serve this city."), field="expert_id")
    row.expert_id, row.status = expert.id, "assigned"
    session.flush()
    record_event(session, actor=actor, now=now, action="expert_request.assign", object_type="expert_request",
                 object_id=row.id, new={"expert_id": expert.id})
    return row


def record_visit(session: Session, *, actor: User, now: datetime, request_id: int, visited_on: date,
                 hours: Decimal | str, outcome: str, solved: bool) -> ExpertVisit:
    """Staff record a visit of the assigned expert with its hours and outcome."""
    require_staff(actor)
    row = get_request(session, actor=actor, request_id=request_id)
    if row.status != "assigned" or row.expert_id is None:
        raise InvalidTransition(N_("Visits are recorded once an expert is assigned and until the request closes."))
    if visited_on > local_date(now):
        raise ValidationFailed(N_("The visit date is after today."), field="visited_on")
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        raise ValidationFailed(N_("Enter the hours, e.g. 6."), field="hours") from None
    if not hours.is_finite() or not Decimal(0) < hours <= Decimal(16):
        raise ValidationFailed(N_("A visit lasts more than 0 and at most 16 hours."), field="hours")
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationFailed(N_("Describe the outcome."), field="outcome")
    visit = ExpertVisit(request_id=row.id, expert_id=row.expert_id, visited_on=visited_on, hours=hours,
                        outcome=outcome[:4000], solved=solved, recorded_by_id=actor.id, recorded_at=now)
    session.add(visit)
    session.flush()
    record_event(session, actor=actor, now=now, action="expert_visit.record", object_type="expert_request",
                 object_id=row.id, new={"visited_on": visited_on.isoformat(), "hours": str(hours), "solved": solved})
    return visit


def rule_for(session: Session, expert: Expert, day: date) -> AllowanceRule | None:
    """The most specific allowance rule in force on a day that covers the expert's level."""
    rules = session.scalars(select(AllowanceRule).where(
        AllowanceRule.valid_from <= day, AllowanceRule.max_level_digit >= expert.level_digit)
        .order_by(AllowanceRule.max_level_digit, AllowanceRule.valid_from.desc()))
    return next((r for r in rules if r.valid_until is None or r.valid_until >= day), None)


def allowance(rule: AllowanceRule, visit: ExpertVisit) -> Decimal:
    """Per visit + per hour × hours (+ the bonus when the problem was solved)."""
    return (rule.per_visit + rule.per_hour * visit.hours + (rule.solved_bonus if visit.solved else 0)).quantize(
        Decimal("0.01"))


def confirm_visit(session: Session, *, actor: User, now: datetime, visit_id: int) -> ExpertVisit:
    """The firm confirms a visit; the allowance is computed from the rule in force on the visit's day."""
    visit = session.get(ExpertVisit, visit_id)
    if visit is None:
        raise NotFound(N_("The visit does not exist."))
    if not (actor.has_role(Role.ENTERPRISE_HR) and actor.organisation_id == visit.request.enterprise_id):
        raise NotAllowed(N_("Only HR of the firm that asked for the expert may confirm a visit."))
    if visit.confirmed_at is not None:
        raise InvalidTransition(N_("The visit has already been confirmed."))
    rule = rule_for(session, visit.expert, visit.visited_on)
    if rule is None:
        raise ValidationFailed(N_("No allowance rule covers this expert's level on the visit's day; ask the HR & "
                                  "social security department to add one."))
    visit.allowance, visit.rule_id = allowance(rule, visit), rule.id
    visit.confirmed_at, visit.confirmed_by_id = now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="expert_visit.confirm", object_type="expert_request",
                 object_id=visit.request_id, new={"visit_id": visit.id, "allowance": str(visit.allowance),
                                                  "rule_id": rule.id})
    return visit


def add_allowance_rule(session: Session, *, actor: User, now: datetime, name: str, max_level_digit: int,
                       per_hour, per_visit, solved_bonus, valid_from: date,
                       valid_until: date | None = None) -> AllowanceRule:
    """Staff add an allowance rule (rates in yuan)."""
    require_staff(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Name the rule."), field="name")
    if not 1 <= max_level_digit <= 5:
        raise ValidationFailed(N_("Choose the lowest level the rule applies to."), field="max_level_digit")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed(N_("The rule ends before it starts."), field="valid_until")
    rule = AllowanceRule(name=name[:100], max_level_digit=max_level_digit, per_hour=parse_money(per_hour, "per_hour"),
                         per_visit=parse_money(per_visit, "per_visit"),
                         solved_bonus=parse_money(solved_bonus, "solved_bonus"), valid_from=valid_from,
                         valid_until=valid_until)
    session.add(rule)
    session.flush()
    record_event(session, actor=actor, now=now, action="allowance_rule.create", object_type="allowance_rule",
                 object_id=rule.id, new={"name": rule.name, "per_hour": str(rule.per_hour)})
    return rule


@dataclass(frozen=True)
class ServiceRecord:
    """An expert's confirmed service: the evidence counted in their level history."""

    visits: int
    hours: Decimal
    solved: int
    allowance: Decimal


def service_record(session: Session, *, expert_id: int) -> ServiceRecord:
    """Totals of an expert's confirmed visits."""
    visits = list(session.scalars(select(ExpertVisit).where(ExpertVisit.expert_id == expert_id,
                                                            ExpertVisit.confirmed_at.is_not(None))))
    return ServiceRecord(len(visits), sum((v.hours for v in visits), Decimal(0)), sum(1 for v in visits if v.solved),
                         sum((v.allowance or Decimal(0) for v in visits), Decimal(0)))
