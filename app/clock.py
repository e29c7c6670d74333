"""The province's calendar: instants are stored in UTC, but "today" is the date in Beijing time.

Every rule that compares a date someone typed (a certificate obtained on, a session held on, a demand valid
until) with "today" must use the same calendar, or a check made between 16:00 and 24:00 UTC refuses the local
date it was given as "after today".
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def local_date(now: datetime) -> date:
    """The calendar date in China for an aware datetime."""
    return now.astimezone(LOCAL_ZONE).date()
