"""The demo: 朝阳 with a spring peak, 200 workers and a published schedule; Shenyang sharing; weekend engineers."""

from __future__ import annotations

from sqlalchemy import func, select

from app.database import utcnow, write_intent
from app.demo import load_demo
from app.labour.models import Notification, ScheduleRun, SeasonalContract, SeasonalWorker
from app.labour.sharing_models import ExpertVisit, SharedAgreement


def test_demo_has_a_published_spring_schedule_sharing_and_engineers(session):
    with write_intent():
        load_demo(session, now=utcnow())
    assert session.scalar(select(func.count()).select_from(SeasonalWorker)) == 200
    run = session.scalar(select(ScheduleRun).where(ScheduleRun.status == "published"))
    assert run is not None and run.county == "朝阳县" and 0 < run.covered <= run.demanded
    assert run.start_date.month == 4
    contracts = session.scalar(select(func.count()).select_from(SeasonalContract))
    assert contracts > 50 and session.scalar(select(func.count()).select_from(Notification)) == contracts
    agreement = session.scalar(select(SharedAgreement))
    assert agreement.charge <= agreement.cost and agreement.lender.city_code == "2101"
    visits = list(session.scalars(select(ExpertVisit)))
    assert len(visits) == 3 and all(v.confirmed_at and v.allowance > 0 for v in visits)
