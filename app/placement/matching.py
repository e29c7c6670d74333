"""Matching: ranked candidates for an open demand, and open demands that fit a person — each with reasons.

Ranking runs in SQL over grouped sub-queries (best level held, latest completed training), so it never
walks every person in Python. Score: certificate in the occupation 40, completed training 20, each level
above the minimum 10, same city 30 (elsewhere in Liaoning 10), training finished within 6 months 10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.catalog.ladder import level_label
from app.catalog.models import Occupation
from app.demand.models import JobDemand
from app.demand.services import get_demand, open_clause
from app.errors import InvalidTransition
from app.people.access import person_in_scope
from app.people.models import LevelAward, Person
from app.placement.interest_models import DemandInterest
from app.placement.models import Invitation, Placement
from app.regions import city_name
from app.training.models import Enrolment, TrainingClass, TrainingProject
from app.translation import N_, Message

RECENT_DAYS = 183


@dataclass
class Candidate:
    """A person ranked for a demand, with the reasons behind the score."""

    person_id: int
    name: str
    id_masked: str
    score: int
    best_digit: int | None
    completed_on: date | None
    city_code: str | None
    invitation_status: str | None = None
    reasons: list[Message] = field(default_factory=list)
    interested: bool = False  # the person said so from their own account (placement.own_matches)

    @property
    def reasons_text(self) -> Message:
        """The reasons as one marked text ("a; b"; in Chinese "a；b")."""
        return reasons_text(self.reasons)


def reasons_text(reasons: list[Message]) -> Message:
    """Reasons as one marked text, each translated."""
    text = reasons[0] if reasons else N_("none")
    for reason in reasons[1:]:
        text = N_("{reasons}; {reason}", reasons=text, reason=reason)
    return text


def _best_levels(occupation_code: str):
    return (select(LevelAward.person_id.label("person_id"), func.min(LevelAward.level_digit).label("best"))
            .where(LevelAward.occupation_code == occupation_code, LevelAward.level_digit.is_not(None))
            .group_by(LevelAward.person_id).subquery("best"))


def _completions(occupation_id: int):
    return (select(Enrolment.person_id.label("person_id"), func.max(Enrolment.completed_on).label("done"),
                   func.max(Organisation.city_code).label("city"))
            .join(TrainingClass, Enrolment.class_id == TrainingClass.id)
            .join(TrainingProject, TrainingClass.project_id == TrainingProject.id)
            .join(Organisation, TrainingProject.institution_id == Organisation.id)
            .where(TrainingProject.occupation_id == occupation_id, Enrolment.status == "completed")
            .group_by(Enrolment.person_id).subquery("done"))


def _reasons(c: Candidate, demand: JobDemand, today: date) -> list[Message]:
    reasons = []
    if c.best_digit is not None:
        reasons.append(N_("Holds a {occupation} certificate at {level}", occupation=demand.occupation.name,
                          level=level_label(c.best_digit)))
        if demand.min_level_digit and c.best_digit < demand.min_level_digit:
            reasons.append(N_("Level above the required {level}", level=level_label(demand.min_level_digit)))
    if c.completed_on is not None:
        if c.completed_on >= today - timedelta(days=RECENT_DAYS):
            reasons.append(N_("Completed {occupation} training on {day} (within six months)",
                              day=c.completed_on.isoformat(), occupation=demand.occupation.name))
        else:
            reasons.append(N_("Completed {occupation} training on {day}", day=c.completed_on.isoformat(),
                              occupation=demand.occupation.name))
    if c.city_code == demand.city_code:
        reasons.append(N_("In {city} (same city)", city=city_name(demand.city_code)))
    elif c.city_code:
        reasons.append(N_("In {city} (in the province)", city=city_name(c.city_code)))
    return reasons


def candidates_for_demand(session: Session, *, actor: User, demand_id: int, today: date,
                          limit: int = 50) -> list[Candidate]:
    """Certified or trained people for an open demand, not already working, best first."""
    demand = get_demand(session, actor=actor, demand_id=demand_id, today=today)
    if demand.effective_status(today) != "open":
        raise InvalidTransition(N_("Only an open job demand can be matched with people."))
    best, done = _best_levels(demand.occupation.code), _completions(demand.occupation_id)
    registered_city = select(Organisation.city_code).where(Organisation.id == Person.registered_by_org_id)
    city = func.coalesce(done.c.city, registered_city.scalar_subquery())
    min_digit = demand.min_level_digit
    level_ok = best.c.best.is_not(None) if min_digit else or_(best.c.best.is_not(None), done.c.done.is_not(None))
    if min_digit:
        level_ok = and_(level_ok, best.c.best <= min_digit)
    above = (literal(min_digit or 5) - func.coalesce(best.c.best, literal(min_digit or 5))) * 10
    score = (case((best.c.best.is_not(None), 40), else_=0) + case((done.c.done.is_not(None), 20), else_=0)
             + case((best.c.best.is_not(None), above), else_=0)
             + case((city == demand.city_code, 30), else_=10)
             + case((done.c.done >= today - timedelta(days=RECENT_DAYS), 10), else_=0)).label("score")
    working = exists().where(Placement.person_id == Person.id, Placement.status == "active")
    interested = exists().where(DemandInterest.demand_id == demand.id, DemandInterest.person_id == Person.id)
    stmt = (select(Person.id, Person.name, Person.id_masked, score, best.c.best, done.c.done, city.label("city"),
                   Invitation.status, interested.label("interested"))
            .outerjoin(best, best.c.person_id == Person.id).outerjoin(done, done.c.person_id == Person.id)
            .outerjoin(Invitation, and_(Invitation.person_id == Person.id, Invitation.demand_id == demand.id))
            .where(level_ok, ~working).order_by(score.desc(), Person.id).limit(limit))
    found = []
    for pid, name, masked, points, digit, completed, city_code, invited, wants in session.execute(stmt):
        candidate = Candidate(pid, name, masked, int(points), digit, completed, city_code, invited,
                              interested=bool(wants))
        candidate.reasons = _reasons(candidate, demand, today)
        found.append(candidate)
    return found


@dataclass(frozen=True)
class FittingDemand:
    """An open demand a person fits, with why."""

    demand: JobDemand
    score: int
    reasons: list[Message]

    @property
    def reasons_text(self) -> Message:
        """The reasons as one marked text."""
        return reasons_text(self.reasons)


def demands_for_person(session: Session, *, actor: User, person_id: int, today: date,
                       limit: int = 30) -> list[FittingDemand]:
    """Open demands whose occupation the person trained or holds a level in, and whose minimum level they meet."""
    person = person_in_scope(session, actor=actor, person_id=person_id)
    return fitting_demands(session, person=person, today=today, limit=limit)


def fitting_demands(session: Session, *, person: Person, today: date, limit: int = 30) -> list[FittingDemand]:
    """The demands of `demands_for_person` for a person the caller has established (staff scope, or own account)."""
    levels = dict(session.execute(
        select(LevelAward.occupation_code, func.min(LevelAward.level_digit))
        .where(LevelAward.person_id == person.id, LevelAward.level_digit.is_not(None))
        .group_by(LevelAward.occupation_code)).all())
    trained = dict(session.execute(
        select(Occupation.code, func.max(Organisation.city_code))
        .select_from(Enrolment).join(TrainingClass, Enrolment.class_id == TrainingClass.id)
        .join(TrainingProject, TrainingClass.project_id == TrainingProject.id)
        .join(Occupation, TrainingProject.occupation_id == Occupation.id)
        .join(Organisation, TrainingProject.institution_id == Organisation.id)
        .where(Enrolment.person_id == person.id, Enrolment.status == "completed").group_by(Occupation.code)).all())
    codes = set(levels) | set(trained)
    if not codes:
        return []
    home = next(iter(trained.values()), None) or session.scalar(
        select(Organisation.city_code).where(Organisation.id == person.registered_by_org_id))
    demands = session.scalars(select(JobDemand).join(Occupation, JobDemand.occupation_id == Occupation.id)
                              .where(open_clause(today), Occupation.code.in_(codes)).limit(500))
    fitting = []
    for demand in demands:
        digit = levels.get(demand.occupation.code)
        if demand.min_level_digit and (digit is None or digit > demand.min_level_digit):
            continue
        score, reasons = 0, []
        if digit is not None:
            score += 40
            reasons.append(N_("Holds a certificate at {level}", level=level_label(digit)))
        if demand.occupation.code in trained:
            score += 20
            reasons.append(N_("Completed training in this occupation"))
        if demand.city_code == home:
            score += 30
            reasons.append(N_("In {city} (same city)", city=city_name(home)))
        else:
            score += 10
            reasons.append(N_("Workplace in {city} (in the province)", city=city_name(demand.city_code)))
        fitting.append(FittingDemand(demand, score, reasons))
    fitting.sort(key=lambda f: (-f.score, f.demand.id))
    return fitting[:limit]
