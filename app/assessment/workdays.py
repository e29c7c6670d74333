"""Working days for notice periods (公示): weekends and public holidays are skipped, make-up days (调休) count.

The pure function takes the calendar as sets, so it is tested without a database; the holiday table
feeds it in production.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.calendar import Holiday, calendar, is_working_day
from app.database import get_or_not_found
from app.errors import NotAllowed, ValidationFailed
from app.translation import N_


def notice_end_date(
    published_on: date, working_days: int, holidays: Collection[date] = (), makeup_workdays: Collection[date] = ()
) -> date:
    """The last day of a notice of N working days counted from the working day after publication.

    Published on Friday 2026-09-25 for 5 working days with 10-01..10-08 off: Mon 28, Tue 29, Wed 30,
    Fri 10-09 and Mon 10-12 (or Sat 10-10 if that is a make-up working day) — the notice ends then.
    """
    if working_days < 1:
        raise ValueError("a notice lasts at least one working day")
    day, counted = published_on, 0
    while counted < working_days:
        day += timedelta(days=1)
        if is_working_day(day, holidays, makeup_workdays):
            counted += 1
    return day


def notice_end_for(session: Session, *, published_on: date, working_days: int) -> date:
    """The notice end date using the recorded holidays."""
    holidays, makeup = calendar(session, start=published_on)
    return notice_end_date(published_on, working_days, holidays, makeup)


def list_holidays(session: Session, *, year: int | None = None) -> list[Holiday]:
    """Recorded holidays and make-up days, in date order."""
    stmt = select(Holiday).order_by(Holiday.day)
    if year is not None:
        stmt = stmt.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.scalars(stmt))


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may maintain holidays."))


def add_holiday(
    session: Session, *, actor: User | None, now: datetime, day: date, name: str, is_makeup_workday: bool = False
) -> Holiday:
    """Record a public holiday, or a weekend day that is a make-up working day (调休)."""
    _require_admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Please enter the name of the holiday."), field="name")
    if is_makeup_workday and day.weekday() < 5:
        raise ValidationFailed(N_("{day} is not a weekend day, so it cannot be a make-up working day.",
                                  day=day.isoformat()), field="day")
    if session.scalar(select(Holiday.id).where(Holiday.day == day)) is not None:
        raise ValidationFailed(N_("{day} is already recorded.", day=day.isoformat()), field="day")
    holiday = Holiday(day=day, name=name[:50], is_makeup_workday=is_makeup_workday, created_at=now)
    session.add(holiday)
    session.flush()
    record_event(session, actor=actor, now=now, action="holiday.add", object_type="holiday", object_id=holiday.id,
                 new={"day": day.isoformat(), "name": holiday.name, "makeup_workday": is_makeup_workday})
    return holiday


def remove_holiday(session: Session, *, actor: User, now: datetime, holiday_id: int) -> None:
    """Remove a recorded day (notice periods already computed keep their end dates)."""
    _require_admin(actor)
    holiday = get_or_not_found(session, Holiday, holiday_id, N_("This day is not recorded."))
    old = {"day": holiday.day.isoformat(), "name": holiday.name, "makeup_workday": holiday.is_makeup_workday}
    session.delete(holiday)
    session.flush()
    record_event(session, actor=actor, now=now, action="holiday.remove", object_type="holiday",
                 object_id=holiday_id, old=old)
