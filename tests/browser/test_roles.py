"""Each role logs in with a real browser and lands on its own dashboard."""

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

ROLES = [
    ("admin", "人社管理", "系统管理"),
    ("inst_sy", "培训机构", "职业目录"),
    ("eval", "评价机构", "职业目录"),
    ("assessor1", "考评员", "职业目录"),
    ("hr_sy", "企业人力资源", "职业目录"),
]


@pytest.mark.parametrize(("username", "title", "nav_item"), ROLES)
def test_role_logs_in_and_sees_its_dashboard(live_server, page, username, title, nav_item, tmp_path):
    log_in(page, live_server, username)
    page.wait_for_url(f"{live_server}/dashboard")
    assert page.locator("#dashboard-title").inner_text().strip() == title
    assert page.locator("nav").get_by_text(nav_item).first.is_visible()
    page.screenshot(path=str(tmp_path / f"dashboard-{username}.png"), full_page=True)


def test_wrong_password_stays_on_login_with_message(live_server, page):
    log_in(page, live_server, "admin", "Not-the-password-1")
    assert "用户名或密码错误" in page.content()
    assert page.input_value("#username") == "admin"


def test_logout_returns_to_login_and_dashboard_is_closed(live_server, page):
    log_in(page, live_server, "hr_sy")
    page.wait_for_url(f"{live_server}/dashboard")
    page.click("#logout")
    page.wait_for_url(f"{live_server}/login")
    page.goto(f"{live_server}/dashboard")
    assert page.url.startswith(f"{live_server}/login")


def test_language_switch_to_english(live_server, page):
    log_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server}/dashboard")
    page.click("text=English")
    assert page.locator("#dashboard-title").inner_text().strip() == "HR & social security administration"
