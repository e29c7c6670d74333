"""The background job that solves a schedule run: queued → running → solved, progress against the time limit."""

from __future__ import annotations

from datetime import timedelta

from app.labour.models import ScheduleRun
from app.labour.runs import create_run
from app.tasks import start_schedule_run
from tests.factories import NOW
from tests.labour.factories import START, curve, make_county, make_demand, make_worker


def test_the_queued_job_solves_the_run_and_records_the_outcome(app, session):
    county = make_county(session)
    make_demand(session, county.hr, curve=curve(days=2, headcount=3))
    make_worker(session, county.staff)
    run = create_run(session, actor=county.staff, now=NOW, city_code="2113", county="朝阳县", start_date=START,
                     end_date=START + timedelta(days=5), time_limit_seconds=3)
    assert run.progress_at(NOW) == 0
    session.commit()
    assert start_schedule_run(app, run.id) is True  # HUEY_IMMEDIATE: queued and run inline
    session.rollback()
    run = session.get(ScheduleRun, run.id)
    assert run.status == "solved" and run.started_at is not None and run.progress_at(NOW) == 100
    assert (run.demanded, run.covered) == (12, 4)
    assert {u["reason"] for u in run.unmet} == {"no_skill"} and sum(u["missing"] for u in run.unmet) == 8


def test_a_run_that_is_not_queued_is_left_alone(app, session):
    county = make_county(session)
    run = create_run(session, actor=county.staff, now=NOW, city_code="2113", county="朝阳县", start_date=START,
                     end_date=START + timedelta(days=5), time_limit_seconds=3)
    run.status = "failed"
    session.commit()
    start_schedule_run(app, run.id)
    session.rollback()
    assert session.get(ScheduleRun, run.id).status == "failed"
