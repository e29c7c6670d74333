"""Correcting rooms: edit date, time, room, length and capacity until the first score (afterwards only with a written,
audited reason), delete a room without candidates, move a candidate to another room of the same component."""

from __future__ import annotations

from datetime import datetime
from types import EllipsisType

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.capacity import check_capacity, require_seat
from app.assessment.models import AssessmentSession
from app.assessment.recusal import conflict_message, links_between
from app.assessment.result_models import Score
from app.assessment.room_times import check_room_date, local_text
from app.assessment.scope import check_reason
from app.assessment.staffing import session_for_staff
from app.audit.services import record_event
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.translation import N_


def scored_cells(session: Session, *, sitting_id: int, registration_id: int | None = None) -> int:
    """How many of the room's score cells hold a score (optionally for one candidate)."""
    stmt = select(func.count(Score.id)).where(Score.session_id == sitting_id, Score.value.is_not(None))
    if registration_id is not None:
        stmt = stmt.where(Score.registration_id == registration_id)
    return session.scalar(stmt) or 0


def _room_state(sitting: AssessmentSession) -> dict:
    return {"room": sitting.room, "starts_at": local_text(sitting.starts_at),
            "duration_minutes": sitting.duration_minutes, "capacity": sitting.capacity}


def update_session(
    session: Session, *, actor: User, now: datetime, sitting_id: int, room: str, starts_at: datetime,
    duration_minutes: int, reason: str | None = None, capacity: int | None | EllipsisType = ...,
) -> AssessmentSession:
    """Correct a room's date, time, place, length or capacity (None: no limit; left out: unchanged); once it has
    scores only with a reason (an audited correction)."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    if sitting.status == "signed_off":
        raise InvalidTransition(N_("Room {room} has been signed off: it can no longer be changed.", room=sitting.room))
    room = (room or "").strip()
    if not room:
        raise ValidationFailed(N_("Please enter the room."), field="room")
    if duration_minutes is None or duration_minutes <= 0:
        raise ValidationFailed(N_("The exam must last more than 0 minutes."), field="duration_minutes")
    seats = sitting.capacity if capacity is ... else check_capacity(capacity, taken=len(sitting.candidates),
                                                                     room=sitting.room)
    check_room_date(sitting.plan_component, starts_at)
    scored = scored_cells(session, sitting_id=sitting.id) > 0
    why = check_reason(reason, what=N_("the reason for correcting a room that already has scores")) if scored else None
    if scored and starts_at > now:
        raise ValidationFailed(N_("Room {room} already has scores, so it cannot start later than now.",
                                  room=sitting.room), field="day")
    old = _room_state(sitting)
    sitting.room, sitting.starts_at, sitting.duration_minutes = room[:100], starts_at, duration_minutes
    sitting.capacity = seats
    new = _room_state(sitting)
    if new == old:
        return sitting
    session.flush()
    record_event(session, actor=actor, now=now,
                 action="assessment_session.correct" if scored else "assessment_session.update",
                 object_type="assessment_session", object_id=sitting.id, old=old, new=new, note=why)
    return sitting


def delete_session(session: Session, *, actor: User, now: datetime, sitting_id: int) -> None:
    """Delete a room that has no candidates (its staff assignments go with it)."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    if sitting.candidates:
        raise InvalidTransition(N_("Room {room} still has {count} candidates: move them to another room before "
                                   "deleting it.", room=sitting.room, count=len(sitting.candidates)))
    old = {**_room_state(sitting), "component": sitting.component, "status": sitting.status,
           "assessors": [(a.user_id, a.role) for a in sitting.assignments]}
    session.execute(delete(Score).where(Score.session_id == sitting.id))
    session.delete(sitting)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.delete", object_type="assessment_session",
                 object_id=sitting_id, old=old)


def move_candidate(
    session: Session, *, actor: User, now: datetime, sitting_id: int, registration_id: int, to_sitting_id: int,
) -> AssessmentSession:
    """Move a candidate without scores to another room of the same component that is still being arranged."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    row = next((c for c in sitting.candidates if c.registration_id == registration_id), None)
    if row is None:
        raise NotFound(N_("This candidate is not in this room."), field="registration_id")
    target = session_for_staff(session, actor=actor, sitting_id=to_sitting_id)
    if target.id == sitting.id or target.plan_component_id != sitting.plan_component_id:
        raise ValidationFailed(N_("Choose another room of the same component."), field="to_sitting_id")
    if target.status != "planning":
        raise InvalidTransition(N_("Room {room} is confirmed: candidates can only be moved into a room still being "
                                   "arranged.", room=target.room), field="to_sitting_id")
    require_seat(target, field="to_sitting_id")
    if sitting.status == "signed_off" or scored_cells(session, sitting_id=sitting.id, registration_id=registration_id):
        raise InvalidTransition(N_("{name} already has scores in room {room}: the candidate can no longer be moved.",
                                   name=row.registration.person.name, room=sitting.room), field="registration_id")
    person = row.registration.person
    for assignment in target.assignments:
        links = links_between(session, assessor=assignment.user, people=[person])
        if links:
            raise ValidationFailed(conflict_message(assignment.role, assignment.user, person, links[0]),
                                   field="to_sitting_id")
    session.execute(delete(Score).where(Score.session_id == sitting.id, Score.registration_id == registration_id))
    row.session_id = target.id
    session.flush()
    session.expire(sitting, ["candidates"])
    session.expire(target, ["candidates"])
    record_event(session, actor=actor, now=now, action="assessment_session.move_candidate",
                 object_type="assessment_session", object_id=sitting.id,
                 old={"session_id": sitting.id, "registration_id": registration_id}, new={"session_id": target.id})
    return target
