"""A room's seats: at most `capacity` candidates are placed in it (no limit when it has none)."""

from __future__ import annotations

from app.assessment.models import AssessmentSession
from app.errors import ValidationFailed
from app.translation import N_


def check_capacity(capacity: int | None, *, taken: int = 0, room: str = "") -> int | None:
    """A capacity that is empty or a positive number of seats, and not below the candidates already placed."""
    if capacity is None:
        return None
    if capacity <= 0:
        raise ValidationFailed(N_("A room's capacity is at least 1 seat (leave it empty for no limit)."),
                               field="capacity")
    if capacity < taken:
        raise ValidationFailed(N_("Room {room} already has {count} candidates, so its capacity cannot be {capacity}: "
                                  "move candidates to another room first, or keep a capacity of at least {count}.",
                                  room=room, count=taken, capacity=capacity), field="capacity")
    return capacity


def require_seat(sitting: AssessmentSession, *, field: str) -> None:
    """Refuse placing one more candidate in a room whose seats are all taken."""
    if sitting.capacity is not None and len(sitting.candidates) >= sitting.capacity:
        raise ValidationFailed(N_("Room {room} is full: it has {capacity} seats and {count} candidates. Choose another "
                                  "room, or raise the room's capacity first.", room=sitting.room,
                                  capacity=sitting.capacity, count=len(sitting.candidates)), field=field)
