"""One timetabled session moved, edited or cancelled, with the same checks as when it was added."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.database import get_or_not_found
from app.errors import InvalidTransition, ValidationFailed
from app.training.models import Attendance, ClassSession
from app.training.progress import hours_text
from app.training.projects import _text, class_for_change, session_hours
from app.training.session_rules import check_fits, hold_timetables
from app.translation import N_


def session_for_change(session: Session, *, actor: User, session_id: int) -> ClassSession:
    """A session of a class the actor's institution runs."""
    row = get_or_not_found(session, ClassSession, session_id,
                           N_("The session does not exist or is outside your data scope."))
    class_for_change(session, actor=actor, class_id=row.class_id)
    return row


def _recorded(session: Session, session_id: int) -> tuple[int, Decimal]:
    count, most = session.execute(select(func.count(Attendance.id), func.max(Attendance.hours))
                                  .where(Attendance.session_id == session_id)).one()
    return count, Decimal(most or 0)


def _when(row: ClassSession) -> str:
    return f"{row.session_date.isoformat()} {row.start_time:%H:%M}"


def _values(row: ClassSession) -> dict[str, str | None]:
    return {"date": row.session_date.isoformat(), "time": f"{row.start_time:%H:%M}-{row.end_time:%H:%M}",
            "hours": str(row.hours), "topic": row.topic, "teacher": row.teacher, "venue": row.venue}


def update_session(session: Session, *, actor: User, now: datetime, session_id: int, session_date: date,
                   start_time: time, end_time: time, hours: Decimal, topic: str, teacher: str | None = None,
                   venue: str | None = None) -> ClassSession:
    """Move a session (date, times) or edit it; once attendance is recorded only what it covers may change."""
    row = session_for_change(session, actor=actor, session_id=session_id)
    klass = row.training_class
    hours = session_hours(start_time, end_time, hours)
    count, most = _recorded(session, row.id)
    moved = (session_date, start_time, end_time) != (row.session_date, row.start_time, row.end_time)
    if count and moved:
        raise InvalidTransition(N_("Attendance is already recorded for the session on {when}, so it cannot be moved.",
                                   when=_when(row)),
                                field="session_date")
    if count and hours < most:
        raise ValidationFailed(N_("A trainee is recorded with {most} hours in this session; it cannot have fewer.",
                                  most=hours_text(most)), field="hours")
    teacher = _text(teacher, field="teacher", what=N_("teacher"), max_length=100, required=False)
    hold_timetables(session, klass)
    check_fits(session, klass, session_date=session_date, start_time=start_time, end_time=end_time, teacher=teacher,
               ignore=[row.id])
    old = _values(row)
    row.session_date, row.start_time, row.end_time, row.hours = session_date, start_time, end_time, hours
    row.topic = _text(topic, field="topic", what=N_("topic"), max_length=200)
    row.teacher = teacher
    row.venue = _text(venue, field="venue", what=N_("venue"), max_length=200, required=False)
    session.flush()
    new = _values(row)
    if new != old:
        record_event(session, actor=actor, now=now, action="training_class.update_session",
                     object_type="training_class", object_id=klass.id,
                     old={"session_id": row.id, **old}, new={"session_id": row.id, **new})
    return row


def cancel_session(session: Session, *, actor: User, now: datetime, session_id: int) -> int:
    """Cancel (delete) a session on which no attendance is recorded; returns its class's id."""
    row = session_for_change(session, actor=actor, session_id=session_id)
    count, _most = _recorded(session, row.id)
    if count:
        raise InvalidTransition(N_("Attendance is already recorded for the session on {when} ({n} trainees), so it "
                                   "cannot be cancelled.",
                                   when=_when(row), n=count))
    class_id, old = row.class_id, {"session_id": row.id, **_values(row)}
    klass = row.training_class
    klass.sessions.remove(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="training_class.cancel_session", object_type="training_class",
                 object_id=class_id, old=old)
    return class_id
