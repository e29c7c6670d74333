"""Signing in to a class session from one's own account: scan, confirm, and the account's person is present."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.people.worker_accounts import open_worker_account
from app.training.enrolments import enrol_person
from app.training.models import Attendance
from tests.conftest import csrf_token_from, login
from tests.factories import NOW, PASSWORD, make_org, make_user
from tests.training.factories import make_class, make_session, occupation, trainee
from tests.web.test_sign_in import clock, scan_path  # noqa: F401  (the pages' clock fixture)


def _lesson(session):
    org = make_org(session, "institution")
    staff = make_user(session, "institution_staff", org=org, username="teacher")
    occupation(session)
    klass = make_class(session, staff)
    own, other = trainee(session, staff, name="张三"), trainee(session, staff, name="李四")
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in (own, other)]
    row = make_session(session, staff, klass, on=NOW.date(), hours="2", start=(10, 0), end=(12, 0))
    open_worker_account(session, now=NOW, person=own, username="zhangsan", password=PASSWORD)
    outsider = trainee(session, staff, name="王五")
    open_worker_account(session, now=NOW, person=outsider, username="wangwu", password=PASSWORD)
    session.commit()
    return enrolments, row


def _confirm(client, row):
    html = client.get(scan_path(row)).get_data(as_text=True)
    assert 'id="sign-in-as"' in html and 'name="id_last4"' not in html
    form_pass = re.search(r'name="form_pass" type="hidden" value="([^"]+)"', html).group(1)
    return client.post(scan_path(row), data={"csrf_token": csrf_token_from(html), "form_pass": form_pass})


def test_a_signed_in_worker_confirms_and_their_own_enrolment_is_marked_present(client, session, clock):  # noqa: F811
    (own, other), row = _lesson(session)
    login(client, "zhangsan")
    client.set_cookie("jiangcai_lang", "en")
    response = _confirm(client, row)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sign-in/{row.id}/done")
    assert "Signed in · 张三" in client.get(response.headers["Location"]).get_data(as_text=True)
    session.rollback()
    marked = dict(session.execute(select(Attendance.enrolment_id, Attendance.method)).all())
    assert marked == {own.id: "self"}  # nobody else, and by the trainee's own sign-in
    assert _confirm(client, row).status_code == 302  # a repeat is no error


def test_a_worker_not_in_the_class_is_refused_and_nothing_is_recorded(client, session, clock):  # noqa: F811
    _enrolments, row = _lesson(session)
    login(client, "wangwu")
    client.set_cookie("jiangcai_lang", "en")
    response = _confirm(client, row)
    assert response.status_code == 422 and "not enrolled in this class" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(Attendance.id)) is None
