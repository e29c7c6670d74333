"""Attendance sheets and the class roster: hours, share of reference hours, on-track."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.training.attendance import AttendanceMark, class_roster, record_attendance
from app.training.enrolments import enrol_person, withdraw_enrolment
from app.training.models import Attendance
from app.training.progress import Progress, completion_shortfall
from app.translation import in_chinese
from tests.factories import NOW
from tests.training.factories import institution_staff, make_class, make_session, trainee


@pytest.fixture
def setup(session):
    staff = institution_staff(session)
    start = NOW.date() - timedelta(days=2)
    klass = make_class(session, staff, start_date=start)
    people = [trainee(session, staff, name=n) for n in ("甲一", "乙二", "丙三")]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    lessons = [make_session(session, staff, klass, on=start + timedelta(days=i), hours="8") for i in range(4)]
    return staff, klass, enrolments, lessons


def test_sheet_records_every_line_and_starts_training(session, setup):
    staff, _klass, (a, b, c), lessons = setup
    record_attendance(session, actor=staff, now=NOW, session_id=lessons[0].id, marks=[
        AttendanceMark(a.id, "present"), AttendanceMark(b.id, "late", Decimal("5")), AttendanceMark(c.id, "absent")])
    rows = {r.enrolment_id: (r.status, r.hours) for r in session.scalars(select(Attendance))}
    assert rows == {a.id: ("present", Decimal("8.0")), b.id: ("late", Decimal("5.0")), c.id: ("absent", Decimal("0"))}
    assert (a.status, b.status, c.status) == ("in_training", "in_training", "enrolled")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.record"))
    assert event.new_value == {str(a.id): "present:8", str(b.id): "late:5", str(c.id): "absent:0"}


def test_correcting_a_sheet_updates_rows_and_audits_only_changes(session, setup):
    staff, _klass, (a, b, _c), lessons = setup
    record_attendance(session, actor=staff, now=NOW, session_id=lessons[0].id,
                      marks=[AttendanceMark(a.id, "present"), AttendanceMark(b.id, "present")])
    record_attendance(session, actor=staff, now=NOW, session_id=lessons[0].id,
                      marks=[AttendanceMark(a.id, "present"), AttendanceMark(b.id, "late", Decimal("4"))])
    assert session.scalar(select(Attendance.hours).where(Attendance.enrolment_id == b.id)) == Decimal("4.0")
    last = session.scalars(select(AuditEvent).where(AuditEvent.action == "attendance.record")).all()[-1]
    assert last.old_value == {str(b.id): "present:8"} and last.new_value == {str(b.id): "late:4"}


@pytest.mark.parametrize(("mark", "message"), [
    (("present", "9"), "9 hours attended exceed the session's 8 hours"),
    (("absent", "2"), "an absence has 0 hours"),
    (("late", None), "enter the hours actually attended"),
    (("present", "-1"), "cannot be negative"),
    (("sick", None), "unknown attendance status"),
])
def test_bad_lines_refuse_the_whole_sheet(session, setup, mark, message):
    staff, _klass, (a, b, _c), lessons = setup
    status, hours = mark
    with pytest.raises(ValidationFailed, match=message) as refused:
        record_attendance(session, actor=staff, now=NOW, session_id=lessons[0].id, marks=[
            AttendanceMark(a.id, "present"), AttendanceMark(b.id, status, None if hours is None else Decimal(hours))])
    assert refused.value.field.endswith(str(b.id))
    assert session.scalars(select(Attendance)).all() == []


def test_future_sessions_and_withdrawn_trainees_are_refused(session, setup):
    staff, _klass, (a, b, _c), lessons = setup
    with pytest.raises(ValidationFailed, match="has not come yet"):
        record_attendance(session, actor=staff, now=NOW, session_id=lessons[3].id,
                          marks=[AttendanceMark(a.id, "present")])
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=b.id, reason="moved away")
    with pytest.raises(ValidationFailed, match="乙二 is Withdrawn: attendance can no longer be changed"):
        record_attendance(session, actor=staff, now=NOW, session_id=lessons[0].id,
                          marks=[AttendanceMark(b.id, "present")])


def test_other_institution_cannot_record(session, setup):
    _staff, _klass, (a, *_), lessons = setup
    with pytest.raises(NotFound):
        record_attendance(session, actor=institution_staff(session), now=NOW, session_id=lessons[0].id,
                          marks=[AttendanceMark(a.id, "present")])


def test_roster_shows_hours_share_and_on_track(session, setup):
    staff, klass, (a, b, c), lessons = setup
    for lesson in lessons[:3]:  # held: days -2, -1, 0 → 24 hours
        record_attendance(session, actor=staff, now=NOW, session_id=lesson.id, marks=[
            AttendanceMark(a.id, "present"), AttendanceMark(b.id, "late", Decimal("6")),
            AttendanceMark(c.id, "absent")])
    roster = class_roster(session, actor=staff, class_id=klass.id, today=NOW.date())
    assert roster.held == Decimal("24.0") and roster.taken == 3
    progress = {line.enrolment.id: line.progress for line in roster.lines}
    assert progress[a.id].attended == Decimal("24.0") and progress[a.id].share == Decimal("0.08")
    assert progress[a.id].on_track is True  # 24/24 ≥ 80 %
    assert progress[b.id].on_track is False  # 18/24 = 75 %
    assert progress[c.id].on_track is False and progress[c.id].attended == 0


def test_progress_arithmetic():
    assert Progress(Decimal(0), 300, Decimal("0.80"), Decimal(0)).on_track is None
    assert Progress(Decimal(20), 300, Decimal("0.80"), Decimal(25)).on_track is True
    shortfall = completion_shortfall(Decimal("96"), 150, Decimal("0.80"))
    assert shortfall.params == {"attended": "96", "needed": "120", "reference": 150, "share": "80%"}
    assert in_chinese(shortfall) == "已出勤 96 学时，需达到 120 学时（参考学时 150 × 80%）"  # the catalogue
    assert completion_shortfall(Decimal("120"), 150, Decimal("0.80")) is None
