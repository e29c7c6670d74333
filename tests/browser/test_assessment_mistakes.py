"""Issue 17's scenario: an evaluation organisation and its examiners make the ordinary mistakes and still reach
published, final results and certificates, through the browser only and with no administrator fixing data.

The mistakes: a room typed outside the plan's exam dates, a room opened at the wrong time, a second room that ends
up empty once its candidate is moved back, a practical room nobody of the organisation may supervise (four
assessors, one with a declared relation), marks typed with Tab meant for the next candidates, a typo corrected, two
examiners saving the same sheet at the same moment, and a sign-off tried before the room has ended.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentSession
from app.assessment.result_models import Score
from app.audit.models import AuditEvent
from app.clock import local_date
from app.database import utcnow
from app.demo.assessment import DEMO_CANDIDATE_IDS
from app.web import actions as web_actions
from app.web.assessment import sheets as sheets_views
from tests.browser.conftest import log_in
from tests.browser.test_assessment_flow import as_user, confirm

pytestmark = pytest.mark.browser

PLAN = "车工（数控车工）四级/中级工职业技能等级认定"


class Clock:
    """The clock the pages read, moved forward as the scenario's days pass."""

    def __init__(self, monkeypatch) -> None:
        self.now = utcnow()
        for module in (web_actions, sheets_views):
            monkeypatch.setattr(module, "utcnow", lambda: self.now)

    def set(self, day, hour: int, minute: int = 0) -> None:
        """Beijing time `hour:minute` on `day` (UTC+8, no daylight saving)."""
        self.now = datetime.combine(day, time(hour, minute), tzinfo=UTC) - timedelta(hours=8)


def open_room(page, component: str, room: str, day, start: str) -> None:
    page.select_option("#component", component)
    page.fill("#room", room)
    page.fill("#day", day.isoformat())
    page.fill("#start", start)
    page.click("form[action$='/sessions'] #submit")


def assign(page, staff: list[tuple[str, str]]) -> None:
    for name, role in staff:
        page.select_option("#user_id", label=name)
        page.select_option("#role", role)
        page.click("form[action$='/assign'] #submit")
        assert name in page.locator("#assignment-table").inner_text(), page.locator("main").inner_text()[:1500]


def type_down(page, keys: list[str]) -> None:
    """Keys as typed: values, Tab and Enter."""
    page.locator(".score-input").first.focus()
    for key in keys:
        if key in ("Tab", "Enter", "ArrowDown", "ArrowUp"):
            page.keyboard.press(key)
        else:
            page.keyboard.press("Control+A")
            page.keyboard.type(key)


def column(session, room_id: int, marker_id: int) -> list[Decimal | None]:
    session.rollback()
    cells = session.scalars(select(Score).where(Score.session_id == room_id, Score.marker_id == marker_id)
                            .order_by(Score.registration_id)).all()
    return [c.value for c in cells]


def test_mistakes_on_the_way_to_final_results_and_certificates(live_server, page, browser, session, monkeypatch,
                                                               tmp_path):
    base = live_server
    clock = Clock(monkeypatch)
    today = local_date(clock.now)
    log_in(page, base, "eval")
    page.goto(f"{base}/assessment/plans")
    page.get_by_text(PLAN).first.click()
    plan_url = page.url
    for number in DEMO_CANDIDATE_IDS[:2]:
        page.fill("#id_number", number)
        page.click("form[action$='/register'] #submit")
    confirm(page, "action-close")
    confirm(page, "action-start")

    # 郑春生 is 刘春艳's relative: the relation is recorded, so he may assess neither room.
    page.goto(f"{base}/assessment/assessors")
    relation = page.locator("form[action$='/assessors/relations']")
    relation.locator("#assessor_id").select_option(label="郑春生")
    relation.locator("#id_number").fill(DEMO_CANDIDATE_IDS[1])
    relation.locator("#kind").select_option("relative")
    relation.locator("#submit").click()
    assert "刘春艳" in page.locator("#relations + table").inner_text()

    # The theory room, staffed and confirmed.
    page.goto(plan_url + "/sessions")
    open_room(page, "theory", "理论考场 302", today + timedelta(days=20), "09:00")
    assign(page, [("孙志刚", "invigilator"), ("周丽娜", "invigilator"), ("吴德明", "supervisor")])
    page.click("#confirm-session")
    theory_url = page.url

    # Mistake 1: the practical room typed a day late. Refused on the date, with the room name kept.
    page.goto(plan_url + "/sessions")
    open_room(page, "practical", "数控实训车间 A", today + timedelta(days=22), "08:00")
    form = page.locator("form[action$='/sessions']")
    assert (today + timedelta(days=21)).isoformat() in form.inner_text()  # the plan's practical day is named
    assert page.locator("#room").input_value() == "数控实训车间 A"

    # Mistake 2: opened at 08:00 instead of 13:30 (both candidates in it).
    page.fill("#day", (today + timedelta(days=21)).isoformat())
    page.click("form[action$='/sessions'] #submit")
    room_a_url = page.url
    room_a = int(room_a_url.rstrip("/").split("/")[-1])
    assert page.locator("#candidate-table tbody tr").count() == 2

    # Mistake 3: one candidate is taken out for a second room, then moved back: room B is left empty.
    second_id = page.locator("#candidate-table tbody tr").nth(1).locator("[id^=remove-candidate-]").get_attribute("id")
    confirm(page, second_id)
    page.goto(plan_url + "/sessions")
    open_room(page, "practical", "数控实训车间 B", today + timedelta(days=21), "13:30")
    room_b_url = page.url
    assert page.locator("#candidate-table tbody tr").count() == 1
    page.locator("form.move-candidate button").first.click()  # back to room A
    page.goto(room_b_url)
    assert page.locator("[id^=remove-candidate-]").count() == 0  # room B is empty now
    confirm(page, "delete-session")
    assert "数控实训车间 B" not in page.locator("#session-table").inner_text()
    page.goto(room_a_url)
    assert page.locator("#candidate-table tbody tr").count() == 2

    # Room A's time is corrected before any score: no reason is needed yet.
    page.goto(room_a_url)
    page.click("#edit-session")
    page.fill("#start", "13:30")
    page.click("#submit")
    assert "13:30" in page.locator("h1 + div, .text-muted.small").first.inner_text()
    assign(page, [("孙志刚", "leader"), ("周丽娜", "examiner"), ("吴德明", "examiner")])

    # Mistake 4: nobody of the organisation may supervise room A. The room says why and what would unblock it.
    assert page.locator("#user_id option", has_text="郑春生").count() == 0  # not offered
    gaps = page.locator("#staffing-gaps").inner_text()
    assert "还需 1 名与考生无回避关系的质量督导员" in gaps and "回避" in gaps, gaps
    assert page.locator("#confirm-session").is_disabled()
    page.screenshot(path=str(tmp_path / "mistakes-room-gaps.png"), full_page=True)
    page.locator("#staffing-gaps a", has_text="申请").click()  # to the plan's request for a department supervisor
    request = page.locator("#supervisor-request-form")
    request.locator("#note").fill("数控实训车间 A 的督导员与考生有亲属关系，需回避")
    request.locator("#submit").click()
    assert page.locator(".supervisor-request[data-status=pending]").count() == 1
    admin = as_user(browser, base, "admin")
    queue = admin.locator("#supervisor-requests tbody tr").first
    queue.locator("label", has_text="高志远").click()
    queue.locator("form.appoint-supervisors button[type=submit]").click()
    assert admin.locator("#supervisor-requests form.appoint-supervisors").count() == 0  # decided: out of the queue
    assert "高志远 → " in admin.locator("#supervisor-appointments").inner_text()
    page.goto(room_a_url)
    page.locator("#external-form select").select_option(label="高志远")
    page.locator("#external-form button[type=submit], #external-form input[type=submit]").first.click()
    assert "高志远" in page.locator("#assignment-table").inner_text()
    page.click("#confirm-session")
    assert "已确认" in page.locator("h1").inner_text()

    # No mark before the room starts: the sheet says when it opens.
    practical_day = today + timedelta(days=21)
    clock.set(practical_day, 12, 0)
    leader = as_user(browser, base, "assessor1")
    leader.goto(room_a_url + "/sheet")
    type_down(leader, ["85", "Enter"])
    assert "13:30" in leader.locator("main").inner_text()

    # Mistake 5: marks for the two candidates typed with Tab. They go down the leader's own column; one is a typo.
    clock.set(practical_day, 15, 0)
    leader.goto(room_a_url + "/sheet")
    type_down(leader, ["85", "Tab", "27", "Enter"])
    leader.wait_for_selector(".alert-success")
    sitting = session.get(AssessmentSession, room_a)
    markers = {a.user.username: a.user_id for a in sitting.assignments}
    assert column(session, room_a, markers["assessor1"]) == [Decimal("85.0"), Decimal("27.0")]
    assert column(session, room_a, markers["assessor2"]) == [None, None]
    assert column(session, room_a, markers["assessor3"]) == [None, None]
    # ... corrected with a reason, which is recorded.
    leader.locator(".score-input").nth(1).fill("72")
    leader.fill("#reason", "录入时把 72 打成了 27")
    leader.click("#save-sheet")
    leader.wait_for_selector(".alert-success")
    assert column(session, room_a, markers["assessor1"]) == [Decimal("85.0"), Decimal("72.0")]
    corrections = session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.score_correction")).all()
    assert [e.note for e in corrections] == ["录入时把 72 打成了 27"]

    # Mistake 6: two examiners save the same sheet at the same moment; neither sees an error on cells they left.
    first, second_examiner = as_user(browser, base, "assessor2"), as_user(browser, base, "assessor3")
    for examiner, marks in ((first, ["88", "Tab", "70"]), (second_examiner, ["83", "Tab", "74"])):
        examiner.goto(room_a_url + "/sheet")
        type_down(examiner, marks)
    for examiner in (first, second_examiner):
        examiner.evaluate("document.getElementById('save-sheet').click()")
    for examiner in (first, second_examiner):
        examiner.wait_for_selector(".alert-success")
        assert examiner.locator(".row-message").count() == 0
    assert column(session, room_a, markers["assessor2"]) == [Decimal("88.0"), Decimal("70.0")]
    assert column(session, room_a, markers["assessor3"]) == [Decimal("83.0"), Decimal("74.0")]

    # Theory marks from the papers, by the organisation's staff.
    page.goto(theory_url + "/sheet")
    type_down(page, ["82", "Tab", "75", "Enter"])
    page.wait_for_selector(".alert-success")

    # Mistake 7: the department supervisor tries to sign room A off before it ends (15:30); then after.
    external = as_user(browser, base, "supervisor1")
    external.goto(f"{base}/assessment/my-sessions")
    external.locator("#my-sessions tr", has_text="数控实训车间 A").locator("a[href$='/sheet']").click()
    confirm(external, "sign-off")
    assert "15:30" in external.locator("main").inner_text()
    clock.set(practical_day, 18, 0)
    external.goto(room_a_url + "/sheet")
    confirm(external, "sign-off")
    assert external.locator(".score-input").count() == 0
    internal = as_user(browser, base, "assessor3")  # 吴德明 supervises the theory room
    internal.goto(theory_url + "/sheet")
    confirm(internal, "sign-off")
    assert internal.locator(".score-input").count() == 0

    # Published, then final after the notice; certificates for both candidates.
    page.goto(plan_url + "/results")
    confirm(page, "publish-results")
    assert "公示" in page.locator("#notice").inner_text()
    clock.set(practical_day + timedelta(days=30), 10)
    page.goto(plan_url + "/results")
    confirm(page, "finalise-results")
    page.click("#issue-certificates")
    page.wait_for_selector("#job-zip", state="attached")
    assert "2 / 2" in page.locator("#job-label").inner_text()
    page.screenshot(path=str(tmp_path / "mistakes-certificates.png"), full_page=True)
