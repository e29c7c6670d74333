"""The county peak forecast: same weeks of past seasons, scaled by what is posted, against labour available."""

from __future__ import annotations

from datetime import date, timedelta

from app.labour.forecast import county_forecast
from app.labour.models import DemandSlot, LabourDemand
from tests.factories import NOW
from tests.labour.factories import START, curve, make_county, make_demand, make_worker


def past_season(session, farm, year_back: int, headcount: int) -> None:
    """A recorded demand a year (or more) back: 4 weeks from the same week, both halves, every day."""
    start = START.replace(year=START.year - year_back)
    session.add(LabourDemand(enterprise_id=farm.id, title="往年采收", task="harvest", city_code="2113", county="朝阳县",
                             township="大平房镇", pay_kind="day", pay_rate=150, hours_per_half_day=4, status="closed",
                             created_at=NOW, slots=[DemandSlot(day=start + timedelta(days=i), half=h,
                                                               headcount=headcount)
                                                    for i in range(28) for h in ("am", "pm")]))
    session.flush()


def test_forecast_scales_past_seasons_by_the_posted_demand(session):
    county = make_county(session)
    past_season(session, county.farm, 1, 10)
    past_season(session, county.farm, 2, 30)
    # Posted so far: the first week only, at half the past mean (20 a half-day): ratio 0.5.
    make_demand(session, county.hr, curve=curve(days=7, headcount=10, start=date(2026, 11, 30)))
    make_worker(session, county.staff, periods=[(date(2026, 11, 30), date(2026, 12, 13))])
    result = county_forecast(session, city_code="2113", county="朝阳县", start=date(2026, 11, 30),
                             end=date(2026, 12, 27))
    assert result.seasons == 2 and result.ratio == 0.5
    first, second = result.weeks[0], result.weeks[1]
    assert first.posted == 140 and first.forecast == 140
    assert second.posted == 0 and second.past == 280.0 and second.forecast == 140
    assert (first.available, second.available, result.weeks[2].available) == (14, 14, 0)
    assert result.peak.forecast == 140


def test_forecast_without_history_is_what_is_posted(session):
    county = make_county(session)
    make_demand(session, county.hr, curve=curve(days=2, headcount=3))
    result = county_forecast(session, city_code="2113", county="朝阳县", start=START, end=START + timedelta(days=13))
    assert result.seasons == 0 and result.ratio == 1.0
    assert [w.forecast for w in result.weeks] == [w.posted for w in result.weeks]
    assert sum(w.posted for w in result.weeks) == 12
