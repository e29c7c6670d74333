"""The loop closed in a real browser: a demand's candidate is invited, hired, and found retained at 6 months."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.catalog.models import Occupation
from app.database import utcnow, write_intent
from app.demand.models import JobDemand
from app.demand.services import DemandDetails, create_demand
from app.placement.models import Placement
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_demand_to_retained_worker(live_server, page, session, tmp_path):
    today = utcnow().date()
    hr = session.scalar(select(User).where(User.username == "hr_sy"))
    electrician = session.scalar(select(Occupation).where(Occupation.code == "6-31-01-03"))
    with write_intent():
        demand = create_demand(session, actor=hr, now=utcnow(), details=DemandDetails(
            occupation_id=electrician.id, title="浏览器测试电工", headcount=1, city_code="2101", wage_min=6000,
            wage_max=8000, valid_until=today + timedelta(days=30)))
        session.commit()
    demand_id = demand.id
    log_in(page, live_server, "hr_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    assert page.locator("#placement-card").is_visible()
    page.goto(f"{live_server}/demands/{demand_id}")
    page.click("#find-candidates")
    page.wait_for_url(f"{live_server}/placements/demands/{demand_id}/candidates")
    first = page.locator("#candidates button[id^=invite-]").first
    person_id = first.get_attribute("id").removeprefix("invite-")
    assert "同城" in page.locator(f"#candidate-{person_id}").inner_text()
    first.click()
    page.click(f"#inv-{person_id}-interview")
    page.click(f"#inv-{person_id}-offer")
    page.click(f"#inv-{person_id}-hire")
    page.fill("#start_date", (today - timedelta(days=190)).isoformat())
    page.fill("#contract_months", "24")
    page.fill("#monthly_wage", "6800")
    page.click("#submit")
    page.wait_for_url(f"{live_server}/placements/*")
    assert "/placements/" in page.url and page.locator("#follow-up-6").is_visible()
    page.select_option("#months", "6")
    page.select_option("#outcome", "retained")
    page.fill("#follow-up-form #checked_on", today.isoformat())
    page.select_option("#evidence_kind", "social_insurance")
    page.fill("#follow-up-form #reference", "SB-2026-06-0001")
    page.click("#follow-up-form [type=submit]")
    page.wait_for_load_state()
    assert "SB-2026-06-0001" in page.locator("#evidence").inner_text()
    assert page.locator("#follow-up-6 .badge").inner_text() in ("在岗", "Retained")
    page.screenshot(path=str(tmp_path / "placement.png"), full_page=True)
    session.rollback()
    placement = session.scalar(select(Placement).where(Placement.demand_id == demand_id))
    assert placement.person_id == int(person_id) and placement.follow_ups[1].outcome == "retained"
    assert session.get(JobDemand, demand_id).status == "filled"
    page.goto(f"{live_server}/demands/{demand_id}")
    assert page.locator("#pipeline-placed").inner_text() == "1"
