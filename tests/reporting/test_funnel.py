"""The funnel, per-class employment and tiers on the fixture whose numbers are worked out by hand (conftest.py)."""

from datetime import UTC, date, datetime

import pytest

from app.errors import NotAllowed, ValidationFailed
from app.reporting.employment import class_employment, parse_tiers, tier_for
from app.reporting.facts import refresh_funnel_facts, report_for
from app.reporting.funnel import FunnelFilters, funnel
from tests.factories import make_org, make_user

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("strategy", ["lookup", "bulk", None])
def test_funnel_counts_and_conversions_match_the_hand_count(session, chain, strategy):
    steps = funnel(session, FunnelFilters(), strategy=strategy)
    assert [(s.key, s.count) for s in steps] == [
        ("demand", 5), ("enrolled", 10), ("completed", 8), ("assessed", 6), ("passed", 5), ("certified", 4),
        ("placed", 3), ("retained", 2)]
    conversions = [None if s.conversion is None else round(s.conversion, 4) for s in steps]
    assert conversions == [None, 2.0, 0.8, 0.75, 0.8333, 0.8, 0.75, 0.6667]


def test_filters_by_quarter_institution_city_occupation_and_project(session, chain):
    assert [s.count for s in funnel(session, FunnelFilters(quarter="2026Q1"))] == [5, 10, 8, 6, 5, 4, 3, 2]
    assert [s.count for s in funnel(session, FunnelFilters(quarter="2026Q1"), strategy="bulk")] == [
        5, 10, 8, 6, 5, 4, 3, 2]
    assert [s.count for s in funnel(session, FunnelFilters(quarter="2026Q2"))] == [0] * 8
    assert funnel(session, FunnelFilters(city_code="2102"))[1].count == 0
    assert funnel(session, FunnelFilters(city_code="2101"))[1].count == 10
    assert funnel(session, FunnelFilters(institution_id=chain.institution.id))[0].count == 5
    other = make_org(session, "institution", city_code="2101")
    assert [s.count for s in funnel(session, FunnelFilters(institution_id=other.id))] == [0] * 8
    assert funnel(session, FunnelFilters(project_id=chain.project.id))[7].count == 2
    assert funnel(session, FunnelFilters(occupation_id=chain.occupation.id + 1))[1].count == 0
    with pytest.raises(ValidationFailed):
        funnel(session, FunnelFilters(quarter="2026-3"))


def test_institution_sees_only_its_own_classes_and_enterprise_may_not_read(session, chain):
    refresh_funnel_facts(session, now=datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    other_staff = make_user(session, "institution_staff")
    assert report_for(session, actor=other_staff, filters=FunnelFilters())[1].count == 0
    assert report_for(session, actor=chain.staff, filters=FunnelFilters())[1].count == 10
    with pytest.raises(NotAllowed):
        report_for(session, actor=chain.hr, filters=FunnelFilters())


def test_class_employment_within_two_and_six_months(session, chain):
    # Class ends 27 Feb: 2-month window to 27 Apr takes the 10 Mar and 20 Apr starts; 6 months adds 1 Jun.
    (two,) = class_employment(session, FunnelFilters(), window_months=2, today=TODAY)
    assert (two.started, two.employed, two.window_ends, two.tier_percent) == (10, 2, date(2026, 4, 27), 0)
    assert two.rate == pytest.approx(0.2) and not two.window_open
    (six,) = class_employment(session, FunnelFilters(), window_months=6, today=TODAY)
    assert (six.employed, six.window_ends) == (3, date(2026, 8, 27))
    with pytest.raises(ValidationFailed):
        class_employment(session, FunnelFilters(), window_months=3, today=TODAY)


def test_subsidy_tiers_follow_the_configured_thresholds():
    tiers = parse_tiers("80:100,65:80,50:60,0:0")
    assert [tier_for(r, tiers) for r in (0.0, 0.49, 0.5, 0.649, 0.65, 0.79, 0.8, 1.0)] == [0, 0, 60, 60, 80, 80,
                                                                                           100, 100]
    assert tier_for(0.55, parse_tiers("50:70,0:0")) == 70
    with pytest.raises(ValidationFailed):
        parse_tiers("80:100,65:80")
    with pytest.raises(ValidationFailed):
        parse_tiers("80-100")
