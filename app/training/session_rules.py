"""Where a session may go: inside its class's dates, clear of the class's other sessions and of its teacher's.

One check for every path that puts a session on a timetable (one session added, a pattern created, a session
moved), so that each refuses the same way, naming the date and time.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation
from app.errors import ValidationFailed
from app.training.models import ClassSession, TrainingClass, TrainingProject
from app.translation import N_


def _when(day: date, start: time, end: time) -> str:
    return f"{day.isoformat()} {start:%H:%M}–{end:%H:%M}"


def _hm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _overlapping(session: Session, *, day: date, start: time, end: time, ignore: Collection[int]):
    stmt = select(ClassSession).where(ClassSession.session_date == day, ClassSession.start_time < end,
                                      ClassSession.end_time > start).order_by(ClassSession.start_time)
    if ignore:
        stmt = stmt.where(ClassSession.id.not_in(list(ignore)))
    return stmt


def hold_timetables(session: Session, klass: TrainingClass) -> None:
    """Lock the class's institution row until commit, so two writers cannot both pass the overlap check.

    Teachers are checked within one institution, so its row serialises every timetable change that could clash
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the POST's BEGIN IMMEDIATE already serialises writers).
    """
    session.scalar(select(Organisation.id).where(Organisation.id == klass.project.institution_id).with_for_update())


def check_fits(session: Session, klass: TrainingClass, *, session_date: date, start_time: time, end_time: time,
               teacher: str | None, ignore: Collection[int] = (), field: str = "start_time") -> None:
    """Refuse a session outside the class period, or overlapping a session of its class or of its teacher."""
    when = _when(session_date, start_time, end_time)
    if not klass.start_date <= session_date <= klass.end_date:
        raise ValidationFailed(N_("{when}: the session date must lie within the class period ({start} to {end}).",
                                  when=when, start=klass.start_date.isoformat(), end=klass.end_date.isoformat()),
                               field="session_date" if field == "start_time" else field)
    stmt = _overlapping(session, day=session_date, start=start_time, end=end_time, ignore=ignore)
    own = session.scalars(stmt.where(ClassSession.class_id == klass.id)).first()
    if own is not None:
        raise ValidationFailed(N_("{when}: the time overlaps the session “{topic}” from {start} to {end}.", when=when,
                                  topic=own.topic, start=_hm(own.start_time), end=_hm(own.end_time)),
                               field=field)
    if teacher:
        # Teachers are named, not linked to accounts: the same name in another institution is another person.
        other = session.scalars(stmt.join(TrainingClass).join(TrainingProject).where(
            ClassSession.teacher == teacher, TrainingProject.institution_id == klass.project.institution_id)).first()
        if other is not None:
            raise ValidationFailed(
                N_("{when}: {teacher} already teaches “{topic}” in {class_name} from {start} to {end}.", when=when,
                   teacher=teacher, topic=other.topic, class_name=other.training_class.name,
                   start=_hm(other.start_time), end=_hm(other.end_time)),
                field="teacher" if field == "start_time" else field)
