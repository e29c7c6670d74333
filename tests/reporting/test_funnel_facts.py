"""The precomputed funnel (per-class facts) agrees exactly with the direct computation, and stays fresh."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.errors import ValidationFailed
from app.reporting.employment import class_employment
from app.reporting.facts import (
    class_employment_from_facts,
    facts_as_of,
    funnel_from_facts,
    is_stale,
    refresh_funnel_facts,
    report_for,
)
from app.reporting.funnel import FunnelFilters, funnel
from app.reporting.models import FunnelFact, ReportRefresh
from app.tasks import run_funnel_refresh
from tests.conftest import login
from tests.factories import bearer_headers, make_org, make_user
from tests.placement.factories import assess, award, enrol, people, place
from tests.training.factories import institution_staff, make_class, make_project

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.fixture
def two_institutions(session, chain):
    """The hand-checked Shenyang class, a second Q1 class of the same project, and a Dalian institution's Q2 class.

    Second Shenyang class (2 Mar 2026): 3 enrolled, 3 completed, 1 assessed and passed, 1 placed.
    Dalian class (6 Apr 2026): 4 enrolled · 3 completed · assessed 2 (1 passed) · certified 1 · placed 2 ·
    retained 1; person 3's result is in a plan registering before the class started (not counted).
    """
    second = replace(chain, klass=make_class(session, chain.staff, chain.project, start_date=date(2026, 3, 2),
                                             end_date=date(2026, 3, 30)))
    folks = people(session, second, 3)
    for person in folks:
        enrol(session, second, person)
    assess(session, second, folks[0], passed=True)
    place(session, second, folks[0], start=date(2026, 4, 1))
    dalian = make_org(session, "institution", name="大连技师学院", city_code="2102")
    staff = institution_staff(session, dalian)
    project = make_project(session, staff)
    klass = make_class(session, staff, project, start_date=date(2026, 4, 6), end_date=date(2026, 5, 30))
    third = replace(chain, staff=staff, institution=dalian, project=project, klass=klass, people=[])
    folks = people(session, third, 4)
    for i, person in enumerate(folks):
        enrol(session, third, person, status="withdrawn" if i == 3 else "completed")
    assess(session, third, folks[0], passed=True, deadline=date(2026, 6, 1))
    assess(session, third, folks[1], passed=False, deadline=date(2026, 6, 1))
    assess(session, third, folks[3], passed=True, deadline=date(2026, 4, 1))
    award(session, folks[0], on=date(2026, 6, 20))
    place(session, third, folks[0], start=date(2026, 7, 1), retained_6=True)
    place(session, third, folks[1], start=date(2026, 7, 15), retained_6=False)
    session.commit()
    return chain, third


def _filter_cases(chain, third):
    occupation_id, other_occupation = chain.occupation.id, chain.occupation.id + 1
    return [
        FunnelFilters(), FunnelFilters(quarter="2026Q1"), FunnelFilters(quarter="2026Q2"),
        FunnelFilters(quarter="2025Q4"), FunnelFilters(city_code="2101"), FunnelFilters(city_code="2102"),
        FunnelFilters(city_code="2103"), FunnelFilters(occupation_id=occupation_id),
        FunnelFilters(occupation_id=other_occupation), FunnelFilters(institution_id=chain.institution.id),
        FunnelFilters(institution_id=third.institution.id), FunnelFilters(project_id=chain.project.id),
        FunnelFilters(project_id=third.project.id), FunnelFilters(quarter="2026Q1", city_code="2101"),
        FunnelFilters(quarter="2026Q2", city_code="2101"), FunnelFilters(quarter="2026Q2", city_code="2102",
                                                                          occupation_id=occupation_id),
        FunnelFilters(institution_id=chain.institution.id, project_id=third.project.id),
    ]


def test_facts_agree_with_both_direct_computations_under_every_filter(session, two_institutions):
    chain, third = two_institutions
    state = refresh_funnel_facts(session, now=NOW)
    assert (state.refreshed_at, state.row_count) == (NOW, 3)
    for filters in _filter_cases(chain, third):
        from_facts = funnel_from_facts(session, filters)
        for strategy in ("lookup", "bulk"):
            assert from_facts == funnel(session, filters, strategy=strategy), (filters, strategy)
    # The hand counts: the original class alone, then all three classes.
    original = FunnelFilters(quarter="2026Q1", project_id=chain.project.id)
    assert [s.count for s in funnel_from_facts(session, original)][1:] == [13, 11, 7, 6, 4, 4, 2]
    assert [s.count for s in funnel_from_facts(session, FunnelFilters(quarter="2026Q2"))][1:] == [4, 3, 2, 1, 1, 2, 1]
    assert [s.count for s in funnel_from_facts(session, FunnelFilters())][1:] == [17, 14, 9, 7, 5, 6, 3]


def test_class_employment_from_facts_agrees_with_the_direct_computation(session, two_institutions):
    chain, third = two_institutions
    refresh_funnel_facts(session, now=NOW)
    for filters in _filter_cases(chain, third):
        for window in (2, 6):
            direct = class_employment(session, filters, window_months=window, today=TODAY)
            assert class_employment_from_facts(session, filters, window_months=window, today=TODAY) == direct
    rows = class_employment_from_facts(session, FunnelFilters(), window_months=2, today=TODAY)
    # Latest class end first: Dalian (4 started, 2 placed by 30 Jul), the March class (1 of 3), the hand-checked
    # class (2 of 10 by 27 Apr).
    assert [(r.class_id, r.started, r.employed, r.tier_percent) for r in rows] == [
        (third.klass.id, 4, 2, 60), (rows[1].class_id, 3, 1, 0), (chain.klass.id, 10, 2, 0)]
    assert [r.employed for r in class_employment_from_facts(session, FunnelFilters(), window_months=6,
                                                            today=TODAY)] == [2, 1, 3]
    with pytest.raises(ValidationFailed):
        class_employment_from_facts(session, FunnelFilters(), window_months=3, today=TODAY)


def test_the_hand_checked_fixture_gives_the_same_figures_from_facts(session, chain):
    refresh_funnel_facts(session, now=NOW)
    steps = funnel_from_facts(session, FunnelFilters())
    assert steps == funnel(session, FunnelFilters())
    assert [(s.key, s.count) for s in steps] == [
        ("demand", 5), ("enrolled", 10), ("completed", 8), ("assessed", 6), ("passed", 5), ("certified", 4),
        ("placed", 3), ("retained", 2)]
    with pytest.raises(ValidationFailed):
        funnel_from_facts(session, FunnelFilters(quarter="2026-3"))


def test_refresh_replaces_the_figures_and_records_when(session, chain):
    assert facts_as_of(session) is None and funnel_from_facts(session, FunnelFilters())[1].count == 0
    refresh_funnel_facts(session, now=NOW)
    session.commit()
    extra = people(session, chain, 1)[0]
    enrol(session, chain, extra)
    place(session, chain, extra, start=date(2026, 5, 1), retained_6=True)
    session.commit()
    # Until the next refresh the report shows the figures as of the last one (the demand step is live).
    assert [s.count for s in funnel_from_facts(session, FunnelFilters())][1:] == [10, 8, 6, 5, 4, 3, 2]
    later = NOW + timedelta(minutes=5)
    # Another refresh finished while this one waited: fresh enough, nothing is rebuilt.
    assert refresh_funnel_facts(session, now=later, max_age_seconds=600).refreshed_at == NOW
    state = refresh_funnel_facts(session, now=later)
    assert (state.refreshed_at, state.row_count, facts_as_of(session)) == (later, 1, later)
    assert [s.count for s in funnel_from_facts(session, FunnelFilters())][1:] == [11, 9, 6, 5, 4, 4, 3]
    assert session.scalar(select(func.count()).select_from(FunnelFact)) == 1
    assert session.scalar(select(func.count()).select_from(ReportRefresh)) == 1


def test_staleness_rule():
    assert is_stale(None, now=NOW, max_age_seconds=600)
    assert is_stale(NOW, now=NOW, max_age_seconds=0)
    assert not is_stale(NOW - timedelta(seconds=600), now=NOW, max_age_seconds=600)
    assert is_stale(NOW - timedelta(seconds=601), now=NOW, max_age_seconds=600)


def test_institution_scope_applies_to_the_facts(session, two_institutions):
    chain, third = two_institutions
    refresh_funnel_facts(session, now=NOW)
    assert [s.count for s in report_for(session, actor=third.staff, filters=FunnelFilters())][1:] == [
        4, 3, 2, 1, 1, 2, 1]
    # Asking for the other institution does not widen the scope.
    assert report_for(session, actor=third.staff,
                      filters=FunnelFilters(institution_id=chain.institution.id))[1].count == 4
    assert report_for(session, actor=chain.staff, filters=FunnelFilters())[1].count == 13
    assert report_for(session, actor=chain.admin, filters=FunnelFilters())[1].count == 17


def test_periodic_task_rebuilds_the_facts(app, session, chain):
    task = app.extensions["huey_tasks"]["refresh_funnel_facts"]
    assert task.name == "reporting.refresh_funnel_facts"
    periodic = task.task_class()
    assert periodic.validate_datetime(datetime(2026, 11, 24, 10, 20))  # every 10 minutes by default
    assert not periodic.validate_datetime(datetime(2026, 11, 24, 10, 21))
    assert any(type(t) is task.task_class for t in app.extensions["huey"]._registry.periodic_tasks)
    task()  # HUEY_IMMEDIATE: runs inline
    session.rollback()
    assert facts_as_of(session) is not None
    assert session.scalar(select(FunnelFact.enrolled)) == 10
    as_of, rows, _ms = run_funnel_refresh(app)
    session.rollback()
    assert rows == 1 and facts_as_of(session) == as_of


def test_page_and_api_show_figures_as_of_and_refresh_when_older_than_the_maximum_age(app, session, chain):
    app.config["FUNNEL_FACTS_MAX_AGE_SECONDS"] = 3600
    make_user(session, "admin", username="facts_admin")
    token = bearer_headers(session, chain.admin)
    client = app.test_client()
    login(client, "facts_admin")
    page = client.get("/reports/funnel").get_data(as_text=True)  # no facts yet: built now
    assert 'id="figures-as-of"' in page and "<td class=\"text-end\">10</td>" in page.split('id="step-enrolled"')[1]
    session.rollback()
    first = facts_as_of(session)
    assert first is not None
    extra = people(session, chain, 1)[0]
    enrol(session, chain, extra)
    session.commit()
    body = client.get("/api/v1/reports/funnel", headers=token).get_json()
    assert body["figures_as_of"] == first.isoformat()  # younger than an hour: not rebuilt
    assert [s["count"] for s in body["steps"]][:3] == [5, 10, 8]
    app.config["FUNNEL_FACTS_MAX_AGE_SECONDS"] = 0
    body = client.get("/api/v1/reports/funnel", headers=token).get_json()
    assert body["figures_as_of"] > first.isoformat() and [s["count"] for s in body["steps"]][:3] == [5, 11, 9]
    page = client.get("/reports/funnel").get_data(as_text=True)
    assert "<td class=\"text-end\">11</td>" in page.split('id="step-enrolled"')[1]
    # A malformed quarter is refused before any rebuild.
    session.rollback()
    before = facts_as_of(session)
    assert client.get("/api/v1/reports/funnel?quarter=2026-3", headers=token).status_code == 422
    session.rollback()
    assert facts_as_of(session) == before


def test_cli_rebuilds_the_facts(app, session, chain):
    result = app.test_cli_runner().invoke(args=["reports", "refresh-funnel"])
    assert result.exit_code == 0, result.output
    assert "Funnel figures rebuilt for 1 classes" in result.output
    session.rollback()
    assert session.scalar(select(FunnelFact.enrolled)) == 10 and facts_as_of(session) is not None
