"""Calendar quarters as report periods: '2026Q3' ↔ [1 Jul 2026, 1 Oct 2026)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from app.errors import ValidationFailed
from app.translation import N_

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """First day of the quarter and first day of the next one."""
    match = _QUARTER.match(quarter or "")
    if not match:
        raise ValidationFailed(N_("Write the quarter as 2026Q3, not “{quarter}”.", quarter=quarter), field="quarter")
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, end


def quarter_of(day: date) -> str:
    """The quarter a date falls in."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def recent_quarters(today: date, count: int = 8) -> list[str]:
    """The last `count` quarters, oldest first, ending with today's."""
    year, q = today.year, (today.month - 1) // 3 + 1
    found = []
    for _ in range(count):
        found.append(f"{year}Q{q}")
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return list(reversed(found))


def as_datetime(day: date) -> datetime:
    """Midnight UTC of a date, for comparing with timestamp columns."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
