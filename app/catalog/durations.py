"""Calendar-month arithmetic for "满 N 年" rules: anniversaries, whole months, merged work periods.

Month ends clamp: one month after 31 January is 28 (or 29) February, and a leap-day date reaches its
anniversary on 28 February in common years — the 民法典 art. 203 rule that a period without a
corresponding day ends on the last day of the month.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from app.translation import N_, Message

DAYS_PER_POOLED_MONTH = 30
"""Leftover days of separate work stints are pooled at this many days per month."""


def add_months(start: date, months: int) -> date:
    """Return the date whole calendar months after start, clamped to the target month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


def whole_months(start: date, end: date) -> int:
    """Return how many whole calendar months have elapsed from start to end (0 if end precedes start)."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    # The month count above lands in end's month; step back once if that anniversary is still ahead.
    if add_months(start, months) > end:
        months -= 1
    return months


def merge_periods(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Merge half-open [start, end) date ranges that overlap or touch; drop empty ones; sort by start."""
    merged: list[tuple[date, date]] = []
    for start, end in sorted(p for p in periods if p[0] < p[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def worked_months(periods: Iterable[tuple[date, date]]) -> int:
    """Return whole months covered by half-open [start, end) ranges, counting overlaps once.

    Each merged stint counts in calendar months; the days left over from separate stints are pooled
    at 30 a month, because two half-month stints are one month of work. A single stint is counted by
    the calendar alone.
    """
    stints = merge_periods(periods)
    months = 0
    leftover_days = 0
    for start, end in stints:
        stint_months = whole_months(start, end)
        months += stint_months
        leftover_days += (end - add_months(start, stint_months)).days
    if len(stints) > 1:
        months += leftover_days // DAYS_PER_POOLED_MONTH
    return months


def inclusive_end(last_day: date) -> date:
    """Return the exclusive end of a range whose last day is included."""
    return last_day + timedelta(days=1)


def format_span(months: int) -> Message:
    """Return a marked month count, e.g. 38 → '3 year(s) 2 month(s)' ('3 年 2 个月'), 60 → '5 年', 7 → '7 个月'."""
    years, rest = divmod(months, 12)
    if years and rest:
        return N_("{years} year(s) {months} month(s)", years=years, months=rest)
    if years:
        return N_("{years} year(s)", years=years)
    return N_("{months} month(s)", months=rest)
