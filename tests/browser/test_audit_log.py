"""The audit log in Chromium as the administrator: filter, page, open a change, and read it on a phone."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("AUDIT_SCREENSHOTS")  # a folder to keep screenshots in, when set


def _shot(page, name: str, *, full_page: bool = True) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/audit-{name}.png", full_page=full_page)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 2")


def _event_ids(page) -> list[str]:
    return page.eval_on_selector_all(".audit-row", "rows => rows.map(r => r.dataset.event)")


def test_audit_log_filters_pages_shows_changes_and_fits_a_phone(live_server, page, browser):
    log_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server}/dashboard")
    page.goto(f"{live_server}/admin/audit")
    assert _fits(page)
    first = _event_ids(page)
    assert len(first) == 50
    _shot(page, "desktop")

    page.click("#audit-older")
    page.wait_for_url("**after=**")
    second = _event_ids(page)
    assert second and not set(first) & set(second)
    page.click("#audit-newer")
    page.wait_for_url("**before=**")
    assert _event_ids(page) == first

    page.select_option("#f-action", "assessment.score_entry")
    page.click("#audit-filter button[type=submit]")
    page.wait_for_url("**action=assessment.score_entry**")
    rows = page.locator(".audit-row")
    assert rows.count() > 0
    assert all(text == "录入成绩" for text in page.locator(".audit-row .fw-semibold span").all_inner_texts())
    rows.first.locator("summary").click()
    diff = rows.first.locator(".audit-diff")
    assert diff.is_visible() and "值" in diff.inner_text()
    _shot(page, "filtered-diff")

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    small = phone.new_page()
    log_in(small, live_server, "admin")
    small.wait_for_url(f"{live_server}/dashboard")
    small.goto(f"{live_server}/admin/audit?object_type=person")
    person_row = small.locator(".audit-row").first
    person_row.locator("summary").click()
    assert "\\u" not in person_row.inner_text() and _fits(small)
    _shot(small, "phone", full_page=False)
    person_row.scroll_into_view_if_needed()
    _shot(small, "phone-diff", full_page=False)
    phone.close()


# A session page is for evaluation staff only (the administrator is refused it), so its link is never shown; the
# demo world holds no issued certificate yet (tests/web/test_audit_log.py checks the certificate page).
OBJECT_PAGES = {
    "person": "/people/1", "training_class": "/classes/1", "assessment_plan": "/assessment/plans/1",
    "organisation": "/admin/organisations/1",
}


def test_object_pages_link_to_their_own_history(live_server, page):
    log_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server}/dashboard")
    for object_type, path in OBJECT_PAGES.items():
        page.goto(f"{live_server}{path}")
        link = page.locator("a.audit-history-link")
        assert link.count() == 1, path
        assert link.get_attribute("href") == f"/admin/audit?object_type={object_type}&object_id=1", path
    page.goto(f"{live_server}/people/1")
    page.click("a.audit-history-link")
    page.wait_for_url("**object_type=person&object_id=1")
    objects = page.locator(".audit-row a[href*='object_type=']").all_inner_texts()
    assert objects and set(objects) == {"人员 #1"}
    _shot(page, "person-history", full_page=False)
