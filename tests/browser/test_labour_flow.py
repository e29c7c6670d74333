"""Seasonal labour in a real browser: a harvest peak posted, workers registered, the solver run, the schedule
published, a worker's contract and hours confirmed (before township staff), a payment recorded, the county's
peak chart shown; a shared-employment agreement charging a markup is refused."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Organisation
from app.database import utcnow
from app.labour.models import SeasonalContract, WagePayment
from app.labour.sharing_models import SharedAgreement, SharedWorker
from app.people.models import Person
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
COUNTY = "喀左县"


def log_out(page, base):
    page.goto(f"{base}/dashboard")
    page.click("#logout")


def test_harvest_peak_to_paid_worker_and_a_refused_markup(live_server, page, session, tmp_path):
    base, today = live_server, utcnow().date()
    # The farm posts a harvest peak starting today.
    log_in(page, base, "hr_cy")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(f"{base}/labour/demands/new")
    page.fill("#title", "葡萄采收高峰")
    page.select_option("#task", "harvest")
    page.select_option("#city_code", "2113")
    page.fill("#county", COUNTY)
    page.fill("#township", "公营子镇")
    page.fill("#pay_rate", "200")
    page.fill("#curve", f"{today} day 1\n{today + timedelta(days=1)} am 1")
    page.click("#submit")
    page.wait_for_url(f"{base}/labour/demands/*")
    assert page.locator("#curve tbody tr").count() == 3
    log_out(page, base)

    # Township staff register two workers for the county, with injury cover.
    log_in(page, base, "admin")
    page.wait_for_url(f"{base}/dashboard")
    for _ in range(2):
        page.goto(f"{base}/labour/workers/new")
        person_option = page.locator("#person_id option").nth(1).get_attribute("value")
        page.select_option("#person_id", person_option)
        page.select_option("#city_code", "2113")
        page.fill("#county", COUNTY)
        page.fill("#home_township", "公营子镇")
        page.check("input[name=tasks][value=harvest]")
        page.fill("#periods", f"{today} {today + timedelta(days=30)}")
        page.click("#submit")
        page.wait_for_url(f"{base}/labour/workers/*")
        page.select_option("#cover-form #kind", "work_injury")
        page.fill("#cover-form #insurer", "人保财险喀左支公司")
        page.fill("#cover-form #policy_number", f"KZ-{person_option}")
        page.fill("#cover-form #start_date", today.isoformat())
        page.fill("#cover-form #end_date", (today + timedelta(days=60)).isoformat())
        page.click("#cover-form [type=submit]")
        page.wait_for_load_state()
        assert page.locator("#covers li").count() == 1

    # Solve the county's schedule (the queue runs inline in tests) and publish it.
    page.goto(f"{base}/labour")
    page.select_option("#city_code", "2113")
    page.fill("#county", COUNTY)
    page.fill("#start_date", today.isoformat())
    page.fill("#end_date", (today + timedelta(days=6)).isoformat())
    page.fill("#time_limit_seconds", "3")
    page.click("#submit")
    page.wait_for_url(f"{base}/labour/runs/*")
    assert page.locator("#covered").inner_text() == "3"
    page.click("#publish summary")
    page.click("#publish .confirm-step [type=submit]")
    page.wait_for_load_state()
    assert page.locator("#assignments tbody tr").count() == 3

    session.rollback()
    contract = session.scalar(select(SeasonalContract).join(SeasonalContract.demand)
                              .where(SeasonalContract.start_date == today).order_by(SeasonalContract.half_days.desc()))
    contract_url = f"{base}/labour/contracts/{contract.id}"
    log_out(page, base)

    # The farm confirms the contract online; the worker confirms it before township staff.
    log_in(page, base, "hr_cy")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(contract_url)
    page.click("#employer-confirm")
    page.wait_for_load_state()
    log_out(page, base)
    log_in(page, base, "admin")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(contract_url)
    page.select_option("#worker-confirm-form #method", "in_person")
    page.click("#worker-confirm")
    page.wait_for_load_state()
    assert "JC" not in page.locator("#worker-confirmation").inner_text()
    log_out(page, base)

    # The farm records today's hours; the worker confirms them; the farm pays a little short.
    log_in(page, base, "hr_cy")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(contract_url)
    page.fill("#hours-form #day", today.isoformat())
    page.fill("#hours-form #hours", "8")
    page.click("#hours-form [type=submit]")
    page.wait_for_load_state()
    log_out(page, base)
    log_in(page, base, "admin")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(contract_url)
    page.click("#hours .confirm-hours")
    page.wait_for_load_state()
    log_out(page, base)
    log_in(page, base, "hr_cy")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(contract_url)
    page.fill("#payment-form #paid_on", today.isoformat())
    page.fill("#payment-form #period_start", today.isoformat())
    page.fill("#payment-form #period_end", today.isoformat())
    page.fill("#payment-form #amount", "180")
    page.click("#payment-form [type=submit]")
    page.wait_for_load_state()
    assert page.locator("#payments tr.table-warning").count() == 1
    session.rollback()
    payment = session.scalar(select(WagePayment).where(WagePayment.contract_id == contract.id))
    assert str(payment.due) == "200.00" and payment.flagged

    # The county's peak chart against the labour available.
    page.goto(f"{base}/labour/forecast?city_code=2113&county={COUNTY}&start={today}"
              f"&end={today + timedelta(days=27)}")
    assert page.locator("#forecast-chart rect").count() >= 1
    assert page.locator("#peak").is_visible()
    page.screenshot(path=str(tmp_path / "forecast.png"), full_page=True)
    log_out(page, base)

    # Shenyang: a markup over the workers' cost is refused and nothing is recorded.
    lender = session.scalar(select(Organisation).where(Organisation.name == "沈阳北方数控机床有限公司"))
    borrower = session.scalar(select(Organisation).where(Organisation.name == "沈阳盛京汽车零部件有限公司"))
    lent = session.scalar(select(Person).join(SharedWorker, SharedWorker.person_id == Person.id).limit(1))
    before = session.query(SharedAgreement).count()
    log_in(page, base, "hr_sy")
    page.wait_for_url(f"{base}/dashboard")
    page.goto(f"{base}/labour/shared")
    card = page.locator("#agreement-card")
    card.locator("#lender_id").select_option(str(lender.id))
    card.locator("#borrower_id").select_option(str(borrower.id))
    later = today + timedelta(days=90)  # after the demo agreement that already lends this worker
    card.locator("#start_date").fill(later.isoformat())
    card.locator("#end_date").fill((later + timedelta(days=29)).isoformat())
    card.locator("#safety_duties").fill("岗前安全培训，提供劳保用品")
    card.locator("#charge").fill("9000")
    card.locator("#workers").fill(f"{lent.id}, 6000, 1800, {today}, in_person")
    card.locator("[type=submit]").click()
    page.wait_for_load_state()
    assert "7800.00" in page.locator("#agreement-card").inner_text()
    assert card.locator("#charge").input_value() == "9000"
    session.rollback()
    assert session.query(SharedAgreement).count() == before
