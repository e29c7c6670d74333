"""Self sign-in pages: the classroom QR page for staff, its live count, and the trainee's phone page."""

import re
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from app.training.enrolments import enrol_person, withdraw_enrolment
from app.training.models import Attendance
from app.training.sign_in import current_token, derive_key
from tests.conftest import csrf_token_from, login
from tests.factories import NOW, make_org, make_user
from tests.training.factories import make_class, make_session, occupation, trainee

KEY = derive_key("test-secret-key")


@pytest.fixture
def clock(monkeypatch):
    """The pages' clock, set to NOW (10:00 in Beijing) and movable."""
    moment = {"now": NOW}
    monkeypatch.setattr("app.web.training.sign_in.utcnow", lambda: moment["now"])
    return moment


@pytest.fixture
def lesson(session):
    """A class of two trainees and a session starting at NOW; the staff member is not logged in yet."""
    org = make_org(session, "institution")
    staff = make_user(session, "institution_staff", org=org, username="teacher")
    occupation(session)
    klass = make_class(session, staff)
    people = [trainee(session, staff, name="张三"), trainee(session, staff, name="李四")]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    row = make_session(session, staff, klass, on=NOW.date(), hours="2", start=(10, 0), end=(12, 0))
    session.commit()
    return staff, enrolments, row


def scan_path(row, now=NOW):
    return f"/sign-in/{row.id}/{current_token(KEY, row.id, now)}"


def sign_in(client, row, name, ending, *, lang="en"):
    client.set_cookie("jiangcai_lang", lang)
    page = client.get(scan_path(row))
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    form_pass = re.search(r'name="form_pass" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(scan_path(row), data={"csrf_token": csrf_token_from(html), "form_pass": form_pass,
                                             "name": name, "id_last4": ending})


def test_trainee_signs_in_on_the_phone_without_logging_in(client, session, lesson, clock):
    _staff, (a, _b), row = lesson
    response = sign_in(client, row, "张三", a.person.id_masked[-4:].lower(), lang="zh")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sign-in/{row.id}/done")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "签到成功 · 张三 · 2026-11-24 10:00" in html
    session.commit()  # a fresh read of what the request wrote
    assert session.scalar(select(Attendance.method).where(Attendance.enrolment_id == a.id)) == "self"
    again = sign_in(client, row, "张三", a.person.id_masked[-4:])
    assert again.status_code == 302
    assert "Already signed in · 张三 · 2026-11-24 10:00" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_wrong_ending_is_refused_on_the_field_in_english_and_chinese(client, session, lesson, clock):
    _staff, (a, _b), row = lesson
    wrong = "0000" if a.person.id_masked[-4:] != "0000" else "1111"
    refused = sign_in(client, row, "张三", wrong)
    assert refused.status_code == 422
    assert "No trainee of this class has that name and ID number ending." in refused.get_data(as_text=True)
    assert 'value="张三"' in refused.get_data(as_text=True)  # what was typed stays
    refused = sign_in(client, row, "王二", a.person.id_masked[-4:], lang="zh")
    assert refused.status_code == 422 and "本班没有" in refused.get_data(as_text=True)
    assert session.scalar(select(Attendance.id)) is None


def test_withdrawn_trainee_is_told_so(client, session, lesson, clock):
    staff, (_a, b), row = lesson
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=b.id, reason="找到工作")
    session.commit()
    refused = sign_in(client, row, "李四", b.person.id_masked[-4:])
    assert refused.status_code == 422 and "your enrolment in this class is “Withdrawn”" in refused.get_data(as_text=True)


def test_stale_code_and_closed_window_are_explained(client, session, lesson, clock):
    _staff, _enrolments, row = lesson
    client.set_cookie("jiangcai_lang", "en")
    stale = scan_path(row)
    clock["now"] = NOW + timedelta(seconds=65)
    page = client.get(stale)
    assert page.status_code == 422 and "This QR code has expired" in page.get_data(as_text=True)
    assert 'id="sign-in-form"' not in page.get_data(as_text=True)
    clock["now"] = NOW + timedelta(minutes=16)
    page = client.get(scan_path(row, clock["now"]))
    assert page.status_code == 422 and "closed at 2026-11-24 10:15" in page.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "zh")
    assert "10:15" in client.get(scan_path(row, clock["now"])).get_data(as_text=True)
    assert client.get(f"/sign-in/{row.id + 99}/{current_token(KEY, row.id + 99, clock['now'])}").status_code == 404


def test_posting_without_the_csrf_token_is_refused(client, session, lesson, clock):
    _staff, (a, _b), row = lesson
    response = client.post(scan_path(row), data={"name": "张三", "id_last4": a.person.id_masked[-4:]})
    assert response.status_code == 400
    assert session.scalar(select(Attendance.id)) is None


def test_staff_page_shows_a_scannable_code_and_the_live_count(client, session, lesson, clock):
    _staff, (a, _b), row = lesson
    sign_in(client, row, "张三", a.person.id_masked[-4:])
    client.set_cookie("jiangcai_lang", "zh")
    login(client, "teacher")
    page = client.get(f"/classes/sessions/{row.id}/sign-in")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "已签到 1 / 2" in html and 'id="sign-in-qr"' in html
    assert "js/sign-in-qr.js" in html and f'href="/classes/sessions/{row.id}/sign-in"' in html  # reload without JS
    image = client.get(f"/classes/sessions/{row.id}/sign-in/qr.png")
    assert image.mimetype == "image/png"
    picture = Image.open(__import__("io").BytesIO(image.data)).convert("L")
    picture = picture.resize((picture.width * 8, picture.height * 8), Image.NEAREST)
    framed = Image.new("L", (picture.width + 80, picture.height + 80), 255)
    framed.paste(picture, (40, 40))
    decoded = zxingcpp.read_barcodes(framed)
    assert decoded and decoded[0].text == f"http://localhost{scan_path(row)}"
    assert client.get(f"/classes/sessions/{row.id}/sign-in/count").get_json() == {
        "signed": 1, "expected": 2, "state": "open", "next_in": 30}


def test_staff_page_outside_the_window_says_when_the_code_is_shown(client, session, lesson, clock):
    _staff, _enrolments, row = lesson
    client.set_cookie("jiangcai_lang", "en")
    login(client, "teacher")
    clock["now"] = NOW - timedelta(minutes=30)
    html = client.get(f"/classes/sessions/{row.id}/sign-in").get_data(as_text=True)
    assert "The code is shown from 2026-11-24 09:45" in html and 'id="sign-in-qr"' not in html
    assert client.get(f"/classes/sessions/{row.id}/sign-in/qr.png").status_code == 404


def test_qr_page_is_for_staff_of_the_class_only(app, client, session, lesson, clock):
    _staff, _enrolments, row = lesson
    make_user(session, "institution_staff", org=make_org(session, "institution"), username="other")
    session.commit()
    login(client, "other")
    for path in ("", "/qr.png", "/count"):
        assert client.get(f"/classes/sessions/{row.id}/sign-in{path}").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/classes/sessions/{row.id}/sign-in").status_code == 302  # to the login page


def test_refused_sign_ins_are_rate_limited_per_address(app, client, session, lesson, clock):
    _staff, _enrolments, row = lesson
    app.config["SIGN_IN_REFUSED_LIMIT"] = "3 per minute"
    statuses = [sign_in(client, row, "张三", "0000" if i % 2 else "1111").status_code for i in range(3)]
    assert statuses == [422, 422, 422]
    assert client.get(scan_path(row)).status_code == 429
