"""A county's peak forecast: the same weeks of past seasons, adjusted by what has been posted, against the labour
available (worker half-days with injury cover)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.labour.models import DemandSlot, LabourDemand, SeasonalWorker
from app.labour.seasonal import available_days
from app.translation import N_

PAST_SEASONS = 3
MAX_DAYS = 366
RATIO_BOUNDS = (0.5, 2.0)


@dataclass(frozen=True)
class WeekPoint:
    """One ISO week of the season, in worker half-days."""

    week_start: date
    past: float  # mean of the same ISO week in past seasons that recorded demand
    posted: int
    forecast: int
    available: int


@dataclass(frozen=True)
class Forecast:
    """The weeks of a season and the adjustment applied to the past."""

    city_code: str
    county: str
    weeks: list[WeekPoint]
    ratio: float
    seasons: int

    @property
    def peak(self) -> WeekPoint | None:
        """The week of the highest forecast."""
        return max(self.weeks, key=lambda w: w.forecast, default=None)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weekly(session: Session, city_code: str, county: str, start: date, end: date) -> dict[tuple[int, int], int]:
    """Headcount half-days per (ISO year, ISO week) in [start, end]."""
    rows = session.execute(select(DemandSlot.day, func.sum(DemandSlot.headcount)).join(LabourDemand).where(
        LabourDemand.city_code == city_code, LabourDemand.county == county,
        DemandSlot.day.between(start, end)).group_by(DemandSlot.day))
    weeks: dict[tuple[int, int], int] = defaultdict(int)
    for day, total in rows:
        iso = day.isocalendar()
        weeks[(iso.year, iso.week)] += int(total)
    return weeks


def _years_back(day: date, years: int) -> date:
    """The same day some years earlier (28 February for a 29th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def county_forecast(session: Session, *, city_code: str, county: str, start: date, end: date) -> Forecast:
    """Weekly forecast of demand between start and end, and the labour available then."""
    if end < start or (end - start).days > MAX_DAYS:
        raise ValidationFailed(N_("The season must end after it starts and last at most a year."), field="end")
    if start.year < 2000 or end.year > 2100:
        raise ValidationFailed(N_("Choose a season between 2000 and 2100."), field="start")
    mondays = []
    monday = _monday(start)
    while monday <= end:
        mondays.append(monday)
        monday += timedelta(days=7)
    posted = _weekly(session, city_code, county, mondays[0], mondays[-1] + timedelta(days=6)) if mondays else {}
    past_by_week: dict[int, list[int]] = defaultdict(list)
    seasons = 0
    for back in range(1, PAST_SEASONS + 1):
        earlier = _weekly(session, city_code, county, _years_back(start, back) - timedelta(days=7),
                          _years_back(end, back) + timedelta(days=7))
        if not earlier:
            continue
        seasons += 1
        for m in mondays:
            past_by_week[m.isocalendar().week].append(earlier.get((m.isocalendar().year - back,
                                                                   m.isocalendar().week), 0))
    past = {week: sum(values) / len(values) for week, values in past_by_week.items() if values}
    # Adjust the past by how this season's posted demand compares with it, on the weeks already posted.
    posted_weeks = [m for m in mondays if posted.get(tuple(m.isocalendar())[:2], 0)]
    past_total = sum(past.get(m.isocalendar().week, 0) for m in posted_weeks)
    posted_total = sum(posted[tuple(m.isocalendar())[:2]] for m in posted_weeks)
    ratio = posted_total / past_total if past_total else 1.0
    ratio = min(max(ratio, RATIO_BOUNDS[0]), RATIO_BOUNDS[1])
    available = _available(session, city_code, county, mondays[0], mondays[-1] + timedelta(days=6)) if mondays else {}
    weeks = []
    for m in mondays:
        key = tuple(m.isocalendar())[:2]
        history = past.get(m.isocalendar().week, 0.0)
        now_posted = posted.get(key, 0)
        weeks.append(WeekPoint(m, round(history, 1), now_posted, max(now_posted, round(history * ratio)),
                               available.get(m, 0)))
    return Forecast(city_code, county, weeks, round(ratio, 2), seasons)


def _available(session: Session, city_code: str, county: str, start: date, end: date) -> dict[date, int]:
    """Worker half-days available with cover, per week (Monday)."""
    per_week: dict[date, int] = defaultdict(int)
    for worker in session.scalars(select(SeasonalWorker).where(SeasonalWorker.city_code == city_code,
                                                               SeasonalWorker.county == county)):
        for day in available_days(worker, start, end):
            if worker.cover_on(day) is not None:
                per_week[_monday(day)] += 2
    return per_week
