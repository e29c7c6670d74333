"""A trainee signs in on a 390 px phone while the classroom page's count rises by itself."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.training.enrolments import enrol_person
from app.training.sign_in import current_token, derive_key
from tests.browser.conftest import log_in
from tests.factories import NOW, make_org, make_user
from tests.training.factories import make_class, make_session, occupation, trainee


@pytest.fixture
def classroom(app, session, monkeypatch):
    """A class of two, a session starting at NOW (the pages' clock), served on a loopback port."""
    monkeypatch.setattr("app.web.training.sign_in.utcnow", lambda: NOW)
    org = make_org(session, "institution")
    staff = make_user(session, "institution_staff", org=org, username="teacher")
    occupation(session)
    klass = make_class(session, staff)
    people = [trainee(session, staff, name="张三"), trainee(session, staff, name="李四")]
    for person in people:
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    row = make_session(session, staff, klass, on=NOW.date(), hours="2", start=(10, 0), end=(12, 0))
    session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", row, people[0]
    server.shutdown()
    thread.join(timeout=5)


def test_phone_sign_in_and_live_count(app, browser, page, classroom):
    base, row, person = classroom
    log_in(page, base, "teacher")
    page.goto(f"{base}/classes/sessions/{row.id}/sign-in")
    assert "已签到 0 / 2" in page.inner_text("#sign-in-count")
    assert page.eval_on_selector("#sign-in-qr", "img => img.naturalWidth") > 20

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True)
    mobile = phone.new_page()
    token = current_token(derive_key(app.config["SECRET_KEY"]), row.id, NOW)
    mobile.goto(f"{base}/sign-in/{row.id}/{token}")
    mobile.fill("#name", "张三")
    ending = person.id_masked[-4:]
    mobile.fill("#id_last4", ending[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + ending[3].lower())
    mobile.click("#sign-in-confirm")
    mobile.wait_for_selector(".alert-success")
    assert mobile.inner_text(".alert-success") == "签到成功 · 张三 · 2026-11-24 10:00"
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    phone.close()

    expect(page.locator("#sign-in-count")).to_contain_text("已签到 1 / 2", timeout=8000)  # polled, no reload
