"""The working-day calendar: public holidays and make-up working days (调休), and the pure day rules.

It sits low in the chain so that every stage may read it: training skips holidays when it timetables a class,
assessment counts working days for notice periods (公示). Maintaining the calendar stays with assessment
(app.assessment.workdays), where the administrators' screens are.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, Date, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.database import Entity, stamp


class Holiday(Entity):
    """A public holiday, or a make-up working day (调休) on a weekend, for counting working days."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False)
    is_makeup_workday: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = stamp()

    __table_args__ = (Index("ix_holidays_workday", "is_makeup_workday", "day"),)


def is_working_day(day: date, holidays: Collection[date] = (), makeup_workdays: Collection[date] = ()) -> bool:
    """Monday to Friday unless a holiday; a weekend day only when it is a make-up working day."""
    if day in makeup_workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def calendar(session: Session, *, start: date, days: int = 400) -> tuple[set[date], set[date]]:
    """Holidays and make-up working days recorded from ``start`` for the next ``days`` days."""
    rows = session.scalars(
        select(Holiday).where(Holiday.day >= start, Holiday.day <= start + timedelta(days=days))
    )
    holidays, makeup = set(), set()
    for row in rows:
        (makeup if row.is_makeup_workday else holidays).add(row.day)
    return holidays, makeup


def makeup_workdays_between(session: Session, *, first: date, last: date) -> dict[date, str]:
    """The make-up working days (调休上班日) from ``first`` to ``last``, with their names."""
    rows = session.scalars(select(Holiday).where(Holiday.day >= first, Holiday.day <= last,
                                                 Holiday.is_makeup_workday.is_(True)))
    return {row.day: row.name for row in rows}


def holidays_between(session: Session, *, first: date, last: date) -> dict[date, str]:
    """The public holidays (not make-up working days) from ``first`` to ``last``, with their names."""
    rows = session.scalars(select(Holiday).where(Holiday.day >= first, Holiday.day <= last,
                                                 Holiday.is_makeup_workday.is_(False)))
    return {row.day: row.name for row in rows}
