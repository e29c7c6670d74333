"""The week grid at the keyboard: arrows move between cells, "all present" fills a column, one save."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.database import utcnow, write_intent
from app.training.enrolments import enrol_person
from app.training.models import Attendance
from tests.browser.conftest import log_in
from tests.factories import make_user
from tests.training.factories import make_class, make_session, trainee

pytestmark = pytest.mark.browser


@pytest.fixture
def grid_server(app, session):
    """A class with two trainees and two sessions held today, served live."""
    with write_intent():
        staff = make_user(session, "institution_staff", username="grid-teacher")
        today = utcnow().date()
        klass = make_class(session, staff, start_date=today - timedelta(days=1))
        people = [trainee(session, staff, name=n) for n in ("甲一", "乙二")]
        enrolments = [enrol_person(session, actor=staff, now=utcnow(), class_id=klass.id, person_id=p.id)
                      for p in people]
        lessons = [make_session(session, staff, klass, on=today, hours="4", start=(8, 0), end=(12, 0)),
                   make_session(session, staff, klass, on=today, hours="4", start=(13, 0), end=(17, 0))]
        session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", klass, enrolments, lessons
    server.shutdown()
    thread.join(timeout=5)


def test_the_week_is_typed_without_a_mouse(browser, grid_server, session):
    base, klass, (a, b), (s1, s2) = grid_server
    page = browser.new_page()
    log_in(page, base, "grid-teacher")
    page.goto(f"{base}/classes/{klass.id}/attendance/week")
    page.focus(f"#c-{s1.id}-{a.id}")
    page.keyboard.type("1")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("2.5")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("缺")
    assert page.evaluate("document.activeElement.id") == f"c-{s2.id}-{b.id}"
    page.check(f"#all-{s2.id}")  # fills the blank cell of 甲一 in the second session
    assert page.input_value(f"#c-{s2.id}-{a.id}") == "1" and page.input_value(f"#c-{s2.id}-{b.id}") == "缺"
    page.click("#save-week")
    page.wait_for_selector(".alert-success")
    session.rollback()
    saved = {(r.session_id, r.enrolment_id): (r.status, str(r.hours)) for r in session.scalars(select(Attendance))}
    assert saved == {(s1.id, a.id): ("present", "4.0"), (s1.id, b.id): ("late", "2.5"),
                     (s2.id, a.id): ("present", "4.0"), (s2.id, b.id): ("absent", "0.0")}
    page.close()
