"""The main assessment path in a real browser: registration → staffing → keyboard score sheets → sign-off → publish."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.clock import local_date
from app.database import utcnow
from app.demo.assessment import DEMO_CANDIDATE_IDS
from app.web import actions as web_actions
from app.web.assessment import sheets as sheets_views
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def as_user(browser, base: str, username: str):
    """A fresh browser context logged in as the user."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, base, username)
    page.wait_for_url(f"{base}/dashboard")
    return page


def open_room(page, component: str, room: str, day: date, staff: list[tuple[str, str]]) -> None:
    """Open a room on the sessions tab and assign its staff; ends on the room's page."""
    page.select_option("#component", component)
    page.fill("#room", room)
    page.fill("#day", day.isoformat())
    page.fill("#start", "09:00")
    page.click("form[action$='/sessions'] #submit")
    for name, role in staff:
        page.select_option("#user_id", label=name)
        page.select_option("#role", role)
        page.click("form[action$='/assign'] #submit")
        page.wait_for_selector("#assignment-table")


def confirm(page, box: str) -> None:
    """Open a confirmation step and confirm it."""
    page.click(f"#{box} > summary")
    page.click(f"#{box} button[type=submit]")


def type_sheet(page, values: list[str], reason: str = "") -> None:
    """Type scores down the open column with Tab, as a keyboard user does, then save with Enter."""
    if reason:
        page.fill("#reason", reason)
    page.locator(".score-input").first.focus()
    for value in values:
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.locator(".score-input").last.press("Enter")


def test_registration_staffing_scores_sign_off_and_publish(live_server, page, browser, tmp_path, monkeypatch):
    base, today = live_server, local_date(utcnow())  # the demo dates its plan by the Beijing calendar
    log_in(page, base, "eval")
    page.goto(f"{base}/assessment/plans")
    page.get_by_text("车工（数控车工）四级/中级工职业技能等级认定").first.click()
    plan_url = page.url

    # Registration: two walk-in candidates by the ID numbers they present; eligibility is checked and shown.
    for number in DEMO_CANDIDATE_IDS[:2]:
        page.fill("#id_number", number)
        page.click("form[action$='/register'] #submit")
    table = page.locator("#registration-table").inner_text()
    assert "王建军" in table and "刘春艳" in table and "累计从事本职业或相关职业工作满 6 年" in table
    assert "马志强" in table and "需满 6 年" in table  # the demo's ineligible walk-in, with the reason
    page.screenshot(path=str(tmp_path / "assessment-plan.png"), full_page=True)
    confirm(page, "action-close")
    confirm(page, "action-start")
    assert "考核进行中" in page.locator("h1").inner_text()

    # Staffing: a refusal is shown on the form, then two fully staffed rooms are confirmed.
    page.goto(plan_url + "/sessions")
    open_room(page, "theory", "理论考场 302", today + timedelta(days=20),
              [("孙志刚", "invigilator"), ("周丽娜", "invigilator"), ("郑春生", "supervisor")])
    page.click("#confirm-session")
    assert "已确认" in page.locator("h1").inner_text()
    theory_url = page.url
    page.goto(plan_url + "/sessions")
    open_room(page, "practical", "数控实训车间 B", today + timedelta(days=21),
              [("孙志刚", "leader"), ("周丽娜", "examiner")])
    page.select_option("#user_id", label="郑春生")
    page.select_option("#role", "examiner")
    page.click("form[action$='/assign'] #submit")
    assert "郑春生尚未登记车工（6-18-01-01）的本人等级，不能担任考评员" in page.locator("form[action$='/assign']").inner_text()
    assert page.locator("#confirm-session").is_disabled()
    for name, role in (("吴德明", "examiner"), ("郑春生", "supervisor")):
        page.select_option("#user_id", label=name)
        page.select_option("#role", role)
        page.click("form[action$='/assign'] #submit")
    page.screenshot(path=str(tmp_path / "assessment-session.png"), full_page=True)
    page.click("#confirm-session")
    practical_url = page.url

    # The exams are over: the pages now read a clock the day after the practical room (no score before a start).
    after = datetime.combine(today + timedelta(days=22), time(2, 0), tzinfo=UTC)
    monkeypatch.setattr(web_actions, "utcnow", lambda: after)
    monkeypatch.setattr(sheets_views, "utcnow", lambda: after)

    # Theory scores are entered by the evaluation staff from the marked papers.
    page.goto(theory_url + "/sheet")
    type_sheet(page, ["82", "58.5"])
    assert page.locator(".score-input").nth(0).input_value() == "82.0"
    assert page.locator(".score-input").nth(1).input_value() == "58.5"

    # Practical: an examiner opens the sheet; the leader enters their own column, then the team's marks from the
    # paper sheets, member by member and with a reason.
    examiner = as_user(browser, base, "assessor2")
    examiner.goto(practical_url + "/sheet")
    leader = as_user(browser, base, "assessor1")
    leader.goto(f"{base}/assessment/my-sessions")
    leader.locator("#my-sessions tr", has_text="数控实训车间 B").locator("a[href$='/sheet']").click()
    type_sheet(leader, ["80", "90"])
    for member, marks in (("周丽娜", ["84", "88"]), ("吴德明", ["83", "86"])):
        leader.locator("#sheet-columns a", has_text=member).click()
        type_sheet(leader, marks, reason="按纸质评分表代为录入")
    leader.locator("#sheet-columns a", has_text="周丽娜").click()
    assert leader.locator(".score-input").nth(0).input_value() == "84.0"
    leader.screenshot(path=str(tmp_path / "assessment-sheet.png"), full_page=True)

    # The examiner's stale sheet: the save is refused for those cells, showing both values and keeping the typed.
    type_sheet(examiner, ["79", "91"])
    messages = examiner.locator(".row-message").all_inner_texts()
    assert len(messages) == 2 and "84.0" in messages[0] and "孙志刚" in messages[0] and "79" in messages[0]
    assert examiner.locator(".score-input").nth(0).input_value() == "79"
    examiner.screenshot(path=str(tmp_path / "assessment-sheet-conflict.png"), full_page=True)

    # The quality supervisor signs both rooms off; the sheets are locked.
    supervisor = as_user(browser, base, "assessor4")
    for room in ("理论考场 302", "数控实训车间 B"):
        supervisor.goto(f"{base}/assessment/my-sessions")
        supervisor.locator("#my-sessions tr", has_text=room).locator("a[href$='/sheet']").click()
        confirm(supervisor, "sign-off")
        assert supervisor.locator(".score-input").count() == 0
    supervisor.goto(f"{base}/assessment/my-sessions")
    for room in ("理论考场 302", "数控实训车间 B"):
        assert "已签字确认" in supervisor.locator("#my-sessions tr", has_text=room).inner_text()

    # Publish: results by component, and the notice end date counted in working days.
    page.goto(plan_url + "/results")
    confirm(page, "publish-results")
    notice = page.locator("#notice").inner_text()
    assert "2026" in notice or str(today.year) in notice
    results = page.locator("#result-table").inner_text()
    assert "王建军" in results and "刘春艳" in results and "58.5" in results and "82.3" in results
    page.screenshot(path=str(tmp_path / "assessment-results.png"), full_page=True)
