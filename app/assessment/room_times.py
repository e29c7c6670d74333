"""When a room may be held, marked and signed off: inside its plan's exam dates, no score before it starts,
no sign-off before it ends. Times come from the caller's `now`; dates are Beijing calendar dates."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.assessment.models import AssessmentSession, PlanComponent
from app.catalog.models import COMPONENT_LABELS
from app.clock import LOCAL_ZONE, local_date
from app.errors import InvalidTransition, ValidationFailed
from app.translation import N_


def local_text(moment: datetime) -> str:
    """A moment as the local (Beijing) date and time, e.g. 2026-12-15 09:00."""
    return moment.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")


def ends_at(sitting: AssessmentSession) -> datetime:
    """When the room's exam ends."""
    return sitting.starts_at + timedelta(minutes=sitting.duration_minutes)


def check_room_date(item: PlanComponent, starts_at: datetime, *, field: str = "day") -> None:
    """Refuse a room whose local date is not its component's exam date (or outside the plan's exam dates)."""
    day = local_date(starts_at)
    label = COMPONENT_LABELS[item.component]
    if item.exam_on is not None:
        if day != item.exam_on:
            raise ValidationFailed(N_("The room is on {day}, but the plan holds {component} on {exam_day}: a room lies "
                                      "within its plan's exam dates.", day=day.isoformat(), component=label,
                                      exam_day=item.exam_on.isoformat()), field=field)
        return
    days = sorted(c.exam_on for c in item.plan.components if c.exam_on is not None)
    if days and not days[0] <= day <= days[-1]:
        raise ValidationFailed(N_("The room is on {day}, outside the plan's exam dates {first} to {last}.",
                                  day=day.isoformat(), first=days[0].isoformat(), last=days[-1].isoformat()),
                               field=field)


def require_started(sitting: AssessmentSession, now: datetime, *, field: str | None = None) -> None:
    """Refuse scores before the room's exam has started."""
    if now < sitting.starts_at:
        raise InvalidTransition(N_("Room {room} starts at {start}: scores can be entered from then on.",
                                   room=sitting.room, start=local_text(sitting.starts_at)), field=field)


def require_ended(sitting: AssessmentSession, now: datetime, *, field: str | None = None) -> None:
    """Refuse a sign-off before the room's exam has ended."""
    end = ends_at(sitting)
    if now < end:
        raise InvalidTransition(N_("Room {room} ends at {end}: its scores can be signed off from then on.",
                                   room=sitting.room, end=local_text(end)), field=field)
