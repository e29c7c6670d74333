"""An evaluation officer on a phone, in English, cancels a plan: a blank reason is refused, a real one accepted."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentPlan
from tests.browser.conftest import log_in
from tests.web.english import CJK

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_cancel_a_plan_in_english_on_a_phone(live_server, browser, session, tmp_path):
    plan = session.scalar(select(AssessmentPlan).where(AssessmentPlan.status == "open").order_by(AssessmentPlan.id))
    assert plan is not None, "the demo has an open plan"
    plan_id = plan.id
    session.rollback()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = context.new_page()
    try:
        log_in(page, live_server, "eval")
        page.goto(f"{live_server}/lang/en?next=/assessment/plans/{plan_id}")
        assert page.locator("html").get_attribute("lang") == "en"

        # The first click only opens the step, which says what will happen; nothing is sent yet.
        page.click("#action-cancel summary")
        step = page.locator("#action-cancel form")
        assert "cannot be undone" in step.inner_text()
        # Blanks pass the browser's "required" check: the server must refuse them on the reason field.
        page.fill("#action-cancel-reason", "   ")
        step.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator("#action-cancel").get_attribute("open") is not None  # the step stays open
        error = page.locator("#action-cancel .invalid-feedback").inner_text()
        assert error and not CJK.search(error), error
        assert re.search(r"reason", error, re.I)
        page.screenshot(path=str(tmp_path / "refused-on-a-phone.png"), full_page=True)
        session.rollback()
        assert session.get(AssessmentPlan, plan_id).status == "open"

        page.fill("#action-cancel-reason", "The examination hall is closed for repairs.")
        page.locator("#action-cancel form button[type=submit]").click()
        page.wait_for_load_state()
        assert "Plan cancelled." in page.locator("body").inner_text()
        session.rollback()
        cancelled = session.get(AssessmentPlan, plan_id)
        assert cancelled.status == "cancelled" and cancelled.cancel_reason.startswith("The examination hall")
        page.screenshot(path=str(tmp_path / "cancelled-on-a-phone.png"), full_page=True)
    finally:
        context.close()


def test_close_a_demand_in_chinese_then_switch_to_english(live_server, browser, session, tmp_path):
    """HR closes a standing demand: a blank reason is refused in Chinese, then in English, then a reason closes it."""
    from app.accounts.models import User
    from app.demand.models import JobDemand

    hr = session.scalar(select(User).where(User.username == "hr_sy"))
    demand = session.scalar(select(JobDemand).where(JobDemand.enterprise_id == hr.organisation_id,
                                                    JobDemand.status == "open").order_by(JobDemand.id))
    assert demand is not None, "the demo has an open demand for hr_sy"
    demand_id = demand.id
    session.rollback()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        log_in(page, live_server, "hr_sy")
        page.goto(f"{live_server}/demands/{demand_id}")
        page.click("#demand-closed summary")
        page.fill("#demand-closed-reason", "  ")
        page.locator("#demand-closed form button[type=submit]").click()
        page.wait_for_load_state()
        assert "请填写提前关闭岗位需求的原因" in page.locator("#demand-closed .invalid-feedback").inner_text()
        page.screenshot(path=str(tmp_path / "refused-zh.png"), full_page=True)

        page.goto(f"{live_server}/lang/en?next=/demands/{demand_id}")
        page.click("#demand-closed summary")
        page.fill("#demand-closed-reason", " ")
        page.locator("#demand-closed form button[type=submit]").click()
        page.wait_for_load_state()
        error = page.locator("#demand-closed .invalid-feedback").inner_text()
        assert "reason" in error and not CJK.search(error)
        page.fill("#demand-closed-reason", "The post was cancelled by the board.")
        page.locator("#demand-closed form button[type=submit]").click()
        page.wait_for_load_state()
        assert "Status changed." in page.locator("body").inner_text()
        page.screenshot(path=str(tmp_path / "closed-en.png"), full_page=True)
        session.rollback()
        assert session.get(JobDemand, demand_id).status == "closed"
    finally:
        page.close()
