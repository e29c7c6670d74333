"""A person's level history on the 新八级工 ladder: awards by route, current grade per occupation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.ladder import grade_by_key
from app.clock import local_date
from app.errors import NotAllowed, ValidationFailed
from app.people.access import person_in_scope
from app.people.models import LEVEL_ROUTES, LevelAward
from app.people.validation import check_occupation_code, check_text
from app.translation import N_, Message, joined

APPOINTMENT = "enterprise_appointment"
# Who records levels: 人社, evaluation organisations (exams), enterprises (appointments, direct recognition).
AWARD_ROLES = frozenset({Role.ADMIN, Role.EVALUATION_STAFF, Role.ENTERPRISE_HR})


def record_level_award(session: Session, *, actor: User | None, now: datetime, person_id: int, occupation_code: str,
                       occupation_name: str, grade_key: str, route: str, awarded_on: date,
                       level_digit: int | None = None, term_until: date | None = None,
                       awarded_by_org_id: int | None = None, source_type: str | None = None,
                       source_id: str | int | None = None, note: str | None = None) -> LevelAward:
    """Append a level award; grades without a digit come only by enterprise appointment, the others never do."""
    if actor is not None and not actor.has_role(*AWARD_ROLES):
        raise NotAllowed(N_("Your role may not record skill levels."))
    person = person_in_scope(session, actor=actor, person_id=person_id)
    try:
        grade = grade_by_key(grade_key)
    except ValueError:
        raise ValidationFailed(N_("Unknown grade: {grade}.", grade=grade_key), field="grade_key") from None
    if level_digit is not None and level_digit != grade.digit:
        if grade.digit is None:
            raise ValidationFailed(N_("{grade} has no level code; {entered} was entered.", grade=grade.name,
                                      entered=level_digit), field="level_digit")
        raise ValidationFailed(N_("{grade} has level code {code}; {entered} was entered.", grade=grade.name,
                                  code=grade.digit, entered=level_digit), field="level_digit")
    if route not in LEVEL_ROUTES:
        raise ValidationFailed(N_("Unknown route: {route}.", route=route), field="route")
    _check_route(grade.name, grade.is_enterprise_appointment, route)
    code = check_occupation_code(occupation_code)
    if code is None:
        raise ValidationFailed(N_("Enter the occupation code."), field="occupation_code")
    if awarded_on > local_date(now):
        raise ValidationFailed(N_("The date obtained {date} is after today.", date=awarded_on.isoformat()),
                               field="awarded_on")
    if term_until is not None:
        if route != APPOINTMENT:
            raise ValidationFailed(N_("Only grades appointed by an enterprise have a term."), field="term_until")
        if term_until <= awarded_on:
            raise ValidationFailed(
                N_("The end of the term, {until}, should be after the appointment date, {awarded}.",
                   until=term_until.isoformat(), awarded=awarded_on.isoformat()), field="term_until"
            )
    if awarded_by_org_id is not None and session.get(Organisation, awarded_by_org_id) is None:
        raise ValidationFailed(N_("The awarding organisation does not exist."), field="awarded_by_org_id")
    award = LevelAward(
        person_id=person.id, occupation_code=code,
        occupation_name=check_text(occupation_name, field="occupation_name", what=N_("occupation name"), max_length=100,
                                   required=True),
        grade_key=grade.key, level_digit=grade.digit, route=route, awarded_on=awarded_on, term_until=term_until,
        awarded_by_org_id=awarded_by_org_id, source_type=source_type,
        source_id=None if source_id is None else str(source_id),
        note=check_text(note, field="note", what=N_("note"), max_length=500), created_at=now,
    )
    session.add(award)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.level_award", object_type="person", object_id=person.id,
        new={"award_id": award.id, "occupation_code": code, "grade": grade.key, "route": route,
             "awarded_on": awarded_on.isoformat(), "term_until": term_until.isoformat() if term_until else None,
             "source": f"{source_type}:{award.source_id}" if source_type else None},
    )
    return award


def _check_route(grade_name: Message, is_appointment_grade: bool, route: str) -> None:
    if is_appointment_grade and route != APPOINTMENT:
        raise ValidationFailed(N_("{grade} comes from appointment by an enterprise; the route should be “{route}”.",
                                  grade=grade_name, route=LEVEL_ROUTES[APPOINTMENT]), field="route")
    if not is_appointment_grade and route == APPOINTMENT:
        others = [label for key, label in LEVEL_ROUTES.items() if key != APPOINTMENT]
        routes = N_("{first} or {last}", first=joined(others[:-1]), last=others[-1])
        raise ValidationFailed(N_("{grade} is a skill-level certificate grade; the route should be {routes}.",
                                  grade=grade_name, routes=routes), field="route")


def level_history(session: Session, person_id: int) -> list[LevelAward]:
    """Every level award of a person, oldest first."""
    stmt = select(LevelAward).where(LevelAward.person_id == person_id).order_by(LevelAward.awarded_on, LevelAward.id)
    return list(session.scalars(stmt))


def current_levels(session: Session, person_id: int, *, as_of: date | None = None) -> dict[str, LevelAward]:
    """The highest grade per occupation code; with ``as_of``, appointments whose term has ended drop out."""
    best: dict[str, LevelAward] = {}
    for award in level_history(session, person_id):
        if as_of is not None and (award.awarded_on > as_of or (award.term_until and award.term_until < as_of)):
            continue
        held = best.get(award.occupation_code)
        # History is oldest first, so on equal rank the later award (e.g. a renewed appointment) wins.
        if held is None or grade_by_key(award.grade_key).rank >= grade_by_key(held.grade_key).rank:
            best[award.occupation_code] = award
    return best
