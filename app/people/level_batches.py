"""Many level awards at once (a competition's promotions by result), each checked as `record_level_award` checks
it, written with one multi-row INSERT for the awards and one for their audit events.

Fast path (house rule 10): bench/competition_marking.py promotes 666 of 2,000 competitors; writing them one by one
through `record_level_award` (a flush per award and per audit event) took about 0.9 s of the 1.8 s the whole
ranking and promotion took on SQLite; in one batch the awards take a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.catalog.ladder import grade_by_key
from app.clock import local_date
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.people.access import has_access
from app.people.levels import AWARD_ROLES, _check_route
from app.people.models import LEVEL_ROUTES, LevelAward, Person
from app.people.validation import check_occupation_code
from app.translation import N_


@dataclass(frozen=True)
class AwardRequest:
    """One certificate-grade award to record (appointment grades, with their terms, go through record_level_award)."""

    person_id: int
    occupation_code: str
    occupation_name: str
    grade_key: str
    route: str
    awarded_on: date
    awarded_by_org_id: int | None = None
    source_type: str | None = None
    source_id: str | None = None
    note: str | None = None


def _checked(request: AwardRequest, today: date) -> dict:
    try:
        grade = grade_by_key(request.grade_key)
    except ValueError:
        raise ValidationFailed(N_("Unknown grade: {grade}.", grade=request.grade_key), field="grade_key") from None
    if request.route not in LEVEL_ROUTES:
        raise ValidationFailed(N_("Unknown route: {route}.", route=request.route), field="route")
    _check_route(grade.name, grade.is_enterprise_appointment, request.route)
    code = check_occupation_code(request.occupation_code)
    if code is None:
        raise ValidationFailed(N_("Enter the occupation code."), field="occupation_code")
    if request.awarded_on > today:
        raise ValidationFailed(N_("The date obtained {date} is after today.", date=request.awarded_on.isoformat()),
                               field="awarded_on")
    return {"person_id": request.person_id, "occupation_code": code,
            "occupation_name": request.occupation_name.strip()[:100], "grade_key": grade.key,
            "level_digit": grade.digit, "route": request.route, "awarded_on": request.awarded_on,
            "term_until": None, "awarded_by_org_id": request.awarded_by_org_id, "source_type": request.source_type,
            "source_id": request.source_id, "note": (request.note or "")[:500] or None}


def record_level_awards(session: Session, *, actor: User, now: datetime,
                        requests: Sequence[AwardRequest]) -> list[int]:
    """Append the awards (all or nothing) and their audit events; returns the new awards' ids in order."""
    if not requests:
        return []
    if not actor.has_role(*AWARD_ROLES):
        raise NotAllowed(N_("Your role may not record skill levels."))
    wanted = {r.person_id for r in requests}
    found = set(session.scalars(select(Person.id).where(Person.id.in_(wanted))))
    if found != wanted or not all(has_access(session, actor=actor, person_id=p) for p in wanted):
        raise NotFound(N_("The person does not exist or is outside your data scope."))
    today = local_date(now)
    rows = [_checked(request, today) for request in requests]
    for row in rows:
        row["created_at"] = now
    ids = list(session.scalars(insert(LevelAward).returning(LevelAward.id, sort_by_parameter_order=True), rows))
    session.execute(insert(AuditEvent), [
        {"at": now, "actor_id": actor.id, "actor_name": actor.username, "organisation_id": actor.organisation_id,
         "action": "person.level_award", "object_type": "person", "object_id": str(row["person_id"]),
         "old_value": None, "new_value": {
             "award_id": award_id, "occupation_code": row["occupation_code"], "grade": row["grade_key"],
             "route": row["route"], "awarded_on": row["awarded_on"].isoformat(), "term_until": None,
             "source": f"{row['source_type']}:{row['source_id']}" if row["source_type"] else None},
         "note": None} for award_id, row in zip(ids, rows, strict=True)])
    return ids
