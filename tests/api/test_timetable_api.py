"""The timetable, attendance and self sign-in through the API: patterns all or nothing, moves and cancellations
refused once attendance exists, sheets all lines or none, and a trainee's own sign-in with the scanned code."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.training.enrolments import enrol_person
from app.training.models import Attendance, ClassSession
from tests.factories import NOW, make_org
from tests.training.factories import make_class, make_session, occupation, trainee

TODAY = NOW.date()  # 2026-11-24, a Tuesday; NOW is 10:00 in Beijing
PATTERN = {"weekdays": [0, 2, 4], "blocks": "08:30-11:30, 13:30-16:30", "first_date": TODAY.isoformat(),
           "last_date": (TODAY + timedelta(days=12)).isoformat(), "topic": "电工基础", "teacher": "王老师",
           "venue": "实训楼201"}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The API's clock (and the sign-in page's, which makes the scanned address) at NOW."""
    monkeypatch.setattr("app.api.timetable.utcnow", lambda: NOW)
    monkeypatch.setattr("app.web.training.sign_in.utcnow", lambda: NOW)


@pytest.fixture
def classroom(session, api_user):
    """An institution's class with two trainees, its staff member's token and a token of another institution."""
    org = make_org(session, "institution")
    staff, headers = api_user("institution_staff", org=org)
    occupation(session)
    klass = make_class(session, staff)
    people = [trainee(session, staff, name="张三"), trainee(session, staff, name="李四")]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    _other, other_headers = api_user("institution_staff")
    session.commit()
    return klass, enrolments, headers, other_headers


def test_a_pattern_is_previewed_then_created_all_or_nothing(client, session, classroom):
    klass, _enrolments, headers, _other = classroom
    preview = client.post(f"/api/v1/classes/{klass.id}/timetable/preview", headers=headers, json=PATTERN)
    assert preview.status_code == 200, preview.get_json()
    plan = preview.get_json()
    # Mon, Wed, Fri from Tuesday 24 November to Sunday 6 December: 25, 27, 30 Nov, 2, 4 Dec; two blocks a day.
    assert [s["session_date"] for s in plan["sessions"][::2]] == ["2026-11-25", "2026-11-27", "2026-11-30",
                                                                  "2026-12-02", "2026-12-04"]
    assert plan["total_hours"] == 30 and plan["verdict"] == "short" and "30" in plan["summary"]
    assert session.scalar(select(ClassSession.id).where(ClassSession.class_id == klass.id)) is None  # nothing written

    created = client.post(f"/api/v1/classes/{klass.id}/timetable", headers=headers, json=PATTERN)
    assert created.status_code == 201 and len(created.get_json()["created"]) == 10
    listed = client.get(f"/api/v1/classes/{klass.id}/sessions", headers=headers).get_json()
    assert len(listed["items"]) == 10 and listed["timetabled_hours"] == 30
    assert listed["items"][0] == {**listed["items"][0], "start_time": "08:30", "end_time": "11:30", "hours": 3.0,
                                  "venue": "实训楼201", "teacher": "王老师"}

    again = client.post(f"/api/v1/classes/{klass.id}/timetable", headers=headers, json=PATTERN)
    assert again.status_code == 422 and again.get_json()["code"] == "invalid"
    assert "2026-11-25" in again.get_json()["error"]  # names the clashing session
    assert len(client.get(f"/api/v1/classes/{klass.id}/sessions", headers=headers).get_json()["items"]) == 10


def test_pattern_refusals_name_the_field(client, classroom):
    klass, _enrolments, headers, _other = classroom
    for change, field in (({"weekdays": []}, "weekdays"), ({"weekdays": ["Mon"]}, "weekdays"),
                          ({"blocks": "8.30 to 11"}, "blocks"), ({"last_date": "2026-11-01"}, "last_date"),
                          ({"first_date": "24/11/2026"}, "first_date"), ({"makeup_days": "yes"}, "makeup_days")):
        response = client.post(f"/api/v1/classes/{klass.id}/timetable/preview", headers=headers,
                               json={**PATTERN, **change})
        assert response.status_code == 422 and response.get_json()["field"] == field, (change, response.get_json())


def test_sessions_are_added_moved_and_cancelled_until_attendance_exists(client, session, classroom):
    klass, (first, _second), headers, _other = classroom
    spare_id = make_session(session, klass_staff(session, klass), klass, on=TODAY + timedelta(days=2)).id
    session.commit()
    added = client.post(f"/api/v1/classes/{klass.id}/sessions", headers=headers, json={
        "session_date": TODAY.isoformat(), "start_time": "08:00", "end_time": "09:30", "topic": "安全用电"})
    assert added.status_code == 201 and added.get_json()["hours"] == 1.5
    session_id = added.get_json()["id"]
    bad_time = client.put(f"/api/v1/class-sessions/{session_id}", headers=headers, json={
        "session_date": TODAY.isoformat(), "start_time": "8:00", "end_time": "09:30", "topic": "安全用电"})
    assert bad_time.status_code == 422 and bad_time.get_json()["field"] == "start_time"

    marks = {"marks": [{"enrolment_id": first.id, "status": "present"}]}
    recorded = client.put(f"/api/v1/class-sessions/{session_id}/attendance", headers=headers, json=marks)
    assert recorded.status_code == 200
    line = next(x for x in recorded.get_json()["lines"] if x["enrolment_id"] == first.id)
    assert (line["status"], line["hours"], line["method"]) == ("present", 1.5, "staff")

    moved = client.put(f"/api/v1/class-sessions/{session_id}", headers=headers, json={
        "session_date": (TODAY + timedelta(days=1)).isoformat(), "start_time": "08:00", "end_time": "09:30",
        "topic": "安全用电"})
    assert moved.status_code == 422 and moved.get_json()["field"] == "session_date"
    renamed = client.put(f"/api/v1/class-sessions/{session_id}", headers=headers, json={
        "session_date": TODAY.isoformat(), "start_time": "08:00", "end_time": "09:30", "topic": "安全用电（实操）"})
    assert renamed.status_code == 200 and renamed.get_json()["topic"] == "安全用电（实操）"
    assert client.delete(f"/api/v1/class-sessions/{session_id}", headers=headers).status_code == 422

    assert client.delete(f"/api/v1/class-sessions/{spare_id}", headers=headers).get_json() == {"cancelled": spare_id,
                                                                                         "class_id": klass.id}
    session.rollback()  # a fresh look at what the requests wrote
    assert session.get(ClassSession, spare_id) is None
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(klass.id))))
    assert {"training_class.add_session", "training_class.update_session", "training_class.cancel_session"} <= actions


def klass_staff(session, klass):
    """The staff member who opened the class."""
    from app.accounts.models import User

    return session.scalars(select(User).where(User.organisation_id == klass.project.institution_id)).first()


def test_an_attendance_sheet_with_a_wrong_line_records_nothing(client, session, classroom):
    klass, (first, second), headers, other_headers = classroom
    row = make_session(session, klass_staff(session, klass), klass, on=TODAY, hours="8")
    session.commit()
    response = client.put(f"/api/v1/class-sessions/{row.id}/attendance", headers=headers, json={"marks": [
        {"enrolment_id": first.id, "status": "present"}, {"enrolment_id": second.id, "status": "late"}]})
    assert response.status_code == 422 and response.get_json()["field"] == f"hours-{second.id}"
    assert "李四" in response.get_json()["error"]
    session.rollback()
    assert session.scalar(select(Attendance.id).where(Attendance.session_id == row.id)) is None
    assert client.put(f"/api/v1/class-sessions/{row.id}/attendance", headers=headers,
                      json={"marks": []}).get_json()["field"] == "marks"
    # Another institution's token sees neither the class nor its sessions.
    assert client.get(f"/api/v1/classes/{klass.id}/sessions", headers=other_headers).status_code == 404
    assert client.get(f"/api/v1/class-sessions/{row.id}/attendance", headers=other_headers).status_code == 404
    assert client.put(f"/api/v1/class-sessions/{row.id}/attendance", headers=other_headers, json={"marks": [
        {"enrolment_id": first.id, "status": "present"}]}).status_code == 404


def test_a_trainee_signs_in_with_the_scanned_code(client, session, classroom):
    klass, (first, _second), headers, _other = classroom
    staff = klass_staff(session, klass)
    row = make_session(session, staff, klass, on=TODAY, hours="2", start=(10, 0), end=(12, 0))
    not_yet = make_session(session, staff, klass, on=TODAY + timedelta(days=1), hours="2", start=(10, 0), end=(12, 0))
    session.commit()
    status = client.get(f"/api/v1/class-sessions/{row.id}/sign-in", headers=headers).get_json()
    assert status["state"] == "open" and (status["signed"], status["expected"]) == (0, 2)
    token = urlsplit(status["scan_url"]).path.rsplit("/", 1)[1]

    body = {"token": token, "name": "张三", "id_last4": first.person.id_masked[-4:]}
    wrong = client.post(f"/api/v1/sign-in/{row.id}", json={**body, "id_last4": "0000"})
    assert wrong.status_code == 422 and wrong.get_json()["field"] == "id_last4"
    stale = client.post(f"/api/v1/sign-in/{row.id}", json={**body, "token": "AAAAAAAAAAAAAAAA"})
    assert stale.status_code == 422 and "二维码已过期" in stale.get_json()["error"]

    signed = client.post(f"/api/v1/sign-in/{row.id}", json=body, headers={"Accept-Language": "en"})
    assert signed.status_code == 200 and signed.get_json()["already"] is False
    assert signed.get_json()["message"].startswith("Signed in · 张三")
    again = client.post(f"/api/v1/sign-in/{row.id}", json=body)
    assert again.status_code == 200 and again.get_json()["already"] is True
    session.rollback()
    record = session.scalars(select(Attendance).where(Attendance.session_id == row.id)).one()
    assert (record.enrolment_id, record.status, record.method) == (first.id, "present", "self")
    assert client.get(f"/api/v1/class-sessions/{row.id}/sign-in", headers=headers).get_json()["signed"] == 1
    later = client.get(f"/api/v1/class-sessions/{not_yet.id}/sign-in", headers=headers).get_json()
    assert later["state"] == "before" and later["scan_url"] is None
