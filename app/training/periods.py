"""Calendar arithmetic for contracts and training periods (pure): whole months and days between dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from app.translation import N_, Message


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def span(first: date, last: date) -> tuple[int, int]:
    """Whole months and remaining days from `first` to `last`, both days included.

    1 Jan – 31 Dec is (12, 0): a one-year contract; 1 Jan – 30 Nov is (11, 0).
    """
    after = last + timedelta(days=1)
    months = (after.year - first.year) * 12 + after.month - first.month
    if add_months(first, months) > after:
        months -= 1
    return months, (after - add_months(first, months)).days


def describe_span(first: date, last: date) -> Message:
    """A span as a marked message, e.g. '11 months 29 days' ('11 个月 29 天') or '2 years' ('2 年')."""
    months, days = span(first, last)
    years, rest = divmod(months, 12)
    parts = (([N_("{n} year(s)", n=years)] if years else []) + ([N_("{n} month(s)", n=rest)] if rest else [])
             + ([N_("{n} day(s)", n=days)] if days else []))
    if len(parts) == 3:
        return N_("{first} {second} {third}", first=parts[0], second=parts[1], third=parts[2])
    if len(parts) == 2:
        return N_("{first} {second}", first=parts[0], second=parts[1])
    return parts[0] if parts else N_("{n} day(s)", n=0)


def at_least_months(first: date, last: date, months: int) -> bool:
    """Whether the inclusive period first..last lasts at least this many months."""
    return last + timedelta(days=1) >= add_months(first, months)


def at_most_months(first: date, last: date, months: int) -> bool:
    """Whether the inclusive period first..last lasts at most this many months."""
    return last + timedelta(days=1) <= add_months(first, months)
