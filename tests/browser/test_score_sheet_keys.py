"""The score sheet at the keyboard and on a phone: keys move down the examiner's own column, one card per candidate."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.assessment.result_models import Score
from app.database import write_intent
from tests.assessment.factories import close, make_world, practical_session, registered_plan
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("after_exams")]

SHOTS = Path("/tmp/sheet-shots")


@pytest.fixture
def sheet_server(app, session):
    """A confirmed practical room with four candidates (a leader, two examiners, a supervisor), served live."""
    with write_intent():
        world = make_world(session)
        plan, regs = registered_plan(session, world, people=4)
        close(session, world, plan)
        sitting = practical_session(session, world, plan)
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", world, sitting
    server.shutdown()
    thread.join(timeout=5)


def _column(session, sitting, marker) -> list[Decimal | None]:
    session.rollback()
    cells = session.scalars(select(Score).where(Score.session_id == sitting.id, Score.marker_id == marker.id)).all()
    by_reg = {c.registration_id: c.value for c in cells}
    order = sorted(sitting.candidates, key=lambda c: (c.registration.ticket_number or "", c.id))
    return [by_reg[c.registration_id] for c in order]


def _open(browser, base, user, *, width=1280, height=860, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                  java_script_enabled=javascript)
    page = context.new_page()
    log_in(page, base, user.username)
    page.wait_for_url(f"{base}/dashboard")
    return page


def test_tab_and_enter_move_down_the_leaders_own_column(sheet_server, browser, session):
    base, world, sitting = sheet_server
    leader = world.assessors[0]
    page = _open(browser, base, leader)
    page.goto(f"{base}/assessment/sessions/{sitting.id}/sheet")
    page.locator(".score-input").first.focus()
    for key in ("85", "Tab", "72.5", "Tab", "91", "Tab", "58", "Enter"):
        page.keyboard.press(key) if key in ("Tab", "Enter") else page.keyboard.type(key)
    page.wait_for_selector(".alert-success")
    page.screenshot(path=str(SHOTS / "sheet-after-keys.png"), full_page=True)
    assert _column(session, sitting, leader) == [Decimal("85.0"), Decimal("72.5"), Decimal("91.0"), Decimal("58.0")]
    assert _column(session, sitting, world.assessors[1]) == [None] * 4
    assert _column(session, sitting, world.assessors[2]) == [None] * 4
    assert "孙志刚" in page.locator("#entering").inner_text()  # the page says whose marks these are

    # ↑ and Enter move along the column with the script; Shift+Tab goes back up.
    inputs = page.locator(".score-input")
    inputs.nth(3).focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == inputs.nth(1).get_attribute("id")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.id") == inputs.nth(0).get_attribute("id")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == inputs.nth(1).get_attribute("id")


def test_without_script_tab_order_still_runs_down_the_column(sheet_server, browser, session):
    base, world, sitting = sheet_server
    examiner = world.assessors[1]
    page = _open(browser, base, examiner, javascript=False)
    page.goto(f"{base}/assessment/sessions/{sitting.id}/sheet")
    page.locator(".score-input").first.focus()
    for value in ("85", "72.5", "91", "58"):
        page.keyboard.type(value)
        page.keyboard.press("Tab")
    page.click("#save-sheet")
    page.wait_for_selector(".alert-success")
    assert _column(session, sitting, examiner) == [Decimal("85.0"), Decimal("72.5"), Decimal("91.0"), Decimal("58.0")]


def test_on_a_phone_each_candidate_is_one_card_of_the_own_column(sheet_server, browser, session):
    base, world, sitting = sheet_server
    examiner = world.assessors[1]
    page = _open(browser, base, examiner, width=390, height=844)
    page.goto(f"{base}/assessment/sessions/{sitting.id}/sheet")
    page.screenshot(path=str(SHOTS / "sheet-390.png"), full_page=True)
    rows = page.locator("tr.sheet-row")
    assert rows.count() == 4
    assert rows.first.evaluate("r => getComputedStyle(r).display") == "grid"
    assert page.locator("thead").is_hidden()
    assert all(cell.is_hidden() for cell in page.locator("td.other-col").all())  # other examiners' columns
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".score-input").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["height"] >= 40
    assert "周丽娜" in page.locator("#entering").inner_text()


def test_on_a_phone_the_card_marks_a_candidate_absent(sheet_server, browser, session):
    """A phone's number pad cannot type “缺考”: each card has a 缺考 box, ticked with a tap."""
    base, world, sitting = sheet_server
    examiner = world.assessors[1]
    page = _open(browser, base, examiner, width=390, height=844)
    page.goto(f"{base}/assessment/sessions/{sitting.id}/sheet")
    inputs, boxes = page.locator(".score-input"), page.locator(".absent-toggle")
    assert boxes.count() == 4
    box = boxes.first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["width"] >= 20  # big enough to tap
    assert "缺考" in page.locator("tr.sheet-row").first.inner_text()
    boxes.first.click()
    assert inputs.first.input_value() == "缺考" and boxes.first.is_checked()
    inputs.nth(1).fill("76")
    # Ticking a card that has a score empties nothing silently: typing a score unticks the box again.
    boxes.nth(2).click()
    inputs.nth(2).fill("")
    inputs.nth(2).type("64")
    assert not boxes.nth(2).is_checked()
    page.screenshot(path=str(SHOTS / "sheet-390-absent.png"), full_page=True)
    page.click("#save-sheet")
    page.wait_for_selector(".alert-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    session.rollback()
    cells = session.scalars(select(Score).where(Score.session_id == sitting.id, Score.marker_id == examiner.id)).all()
    by_reg = {c.registration_id: c for c in cells}
    order = [by_reg[c.registration_id] for c in sorted(sitting.candidates,
                                                        key=lambda c: (c.registration.ticket_number or "", c.id))]
    assert [(c.absent, c.value) for c in order] == [(True, None), (False, Decimal("76.0")),
                                                     (False, Decimal("64.0")), (False, None)]
    # The saved page shows the card ticked and the box unticks back to an empty cell.
    assert page.locator(".absent-toggle").first.is_checked()
    page.locator(".absent-toggle").first.click()
    assert page.locator(".score-input").first.input_value() == ""
