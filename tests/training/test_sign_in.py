"""Trainee self sign-in: rotating codes, the window around a session's start, matching name and ID ending."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import NotFound, ValidationFailed
from app.training.attendance import AttendanceMark, record_attendance
from app.training.enrolments import enrol_person, withdraw_enrolment
from app.training.models import Attendance
from app.training.sign_in import (
    current_token,
    derive_key,
    issue_pass,
    normalise_last4,
    open_sign_in,
    pass_valid,
    sign_in_count,
    sign_in_session,
    sign_in_trainee,
    token_valid,
)
from app.translation import in_chinese
from tests.factories import NOW
from tests.people.factories import resident_id
from tests.training.factories import institution_staff, make_class, make_session, trainee

KEY = derive_key("test-secret-key")


def id_ending_in_x():
    """A valid resident ID whose check character is X."""
    for seq in range(1, 400):
        number = resident_id(seq=seq)
        if number.endswith("X"):
            return number
    raise AssertionError("no ID ending in X")


@pytest.fixture
def lesson(session):
    """A class of three trainees and a two-hour session starting at NOW (10:00 in Beijing)."""
    staff = institution_staff(session)
    klass = make_class(session, staff)
    people = [trainee(session, staff, name="张三"), trainee(session, staff, name="李四"),
              trainee(session, staff, name="王五", id_number=id_ending_in_x())]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    row = make_session(session, staff, klass, on=NOW.date(), hours="2", start=(10, 0), end=(12, 0))
    return staff, klass, enrolments, row


def last4(enrolment):
    return enrolment.person.id_masked[-4:]


def sign(session, row, enrolment=None, *, now=NOW, name=None, ending=None, form_pass=None):
    return sign_in_trainee(session, now=now, key=KEY, session_id=row.id,
                           form_pass=form_pass or issue_pass(KEY, row.id, now),
                           name=name if name is not None else enrolment.person.name,
                           id_last4=ending if ending is not None else last4(enrolment))


def test_code_is_good_for_this_step_and_the_previous_one_only():
    token = current_token(KEY, 7, NOW)
    assert token_valid(KEY, 7, token, NOW)
    assert token_valid(KEY, 7, token, NOW + timedelta(seconds=30))  # the code just changed: still accepted
    assert not token_valid(KEY, 7, token, NOW + timedelta(seconds=60))  # two steps later
    assert not token_valid(KEY, 8, token, NOW)  # another session's code
    assert not token_valid(derive_key("another secret"), 7, token, NOW)  # forged with another key
    assert not token_valid(KEY, 7, "A" * 16, NOW) and not token_valid(KEY, 7, "", NOW)
    assert current_token(KEY, 7, NOW + timedelta(seconds=30)) != token


def test_a_form_pass_lasts_five_minutes_and_cannot_be_made_up():
    made = issue_pass(KEY, 7, NOW)
    assert pass_valid(KEY, 7, made, NOW + timedelta(minutes=5))
    assert not pass_valid(KEY, 7, made, NOW + timedelta(minutes=5, seconds=30))
    step, _, mac = made.partition(".")
    assert not pass_valid(KEY, 7, f"{int(step) + 1}.{mac}", NOW + timedelta(seconds=30))
    assert not pass_valid(KEY, 8, made, NOW) and not pass_valid(KEY, 7, "junk", NOW)


def test_sign_in_records_the_whole_session_as_self_and_starts_training(session, lesson):
    staff, _klass, (a, _b, _c), row = lesson
    result = sign(session, row, a)
    assert (result.name, result.already, result.at) == ("张三", False, NOW)
    record = session.scalar(select(Attendance).where(Attendance.enrolment_id == a.id))
    assert (record.status, record.hours, record.method, record.recorded_by_id) == ("present", Decimal("2.0"), "self",
                                                                                   None)
    session.refresh(a)
    assert a.status == "in_training"
    events = session.scalars(select(AuditEvent).where(AuditEvent.actor_name == "self-sign-in")).all()
    assert {e.action for e in events} == {"attendance.record", "enrolment.status"}
    assert all(e.actor_id is None for e in events)
    assert sign_in_count(session, actor=staff, session_id=row.id).signed == 1


def test_second_sign_in_is_already_signed_in_not_an_error(session, lesson):
    _staff, _klass, (a, _b, _c), row = lesson
    sign(session, row, a)
    again = sign(session, row, a, now=NOW + timedelta(minutes=2))
    assert again.already and again.at == NOW
    assert session.scalar(select(Attendance.id).where(Attendance.enrolment_id == a.id)) is not None
    assert len(session.scalars(select(Attendance)).all()) == 1


def test_staff_record_is_kept_as_it_was(session, lesson):
    staff, _klass, (a, _b, _c), row = lesson
    record_attendance(session, actor=staff, now=NOW, session_id=row.id, marks=[AttendanceMark(a.id, "present")])
    assert sign(session, row, a).already
    assert session.scalar(select(Attendance.method).where(Attendance.enrolment_id == a.id)) == "staff"


@pytest.mark.parametrize(("typed", "expected"), [("１２３Ｘ", "123X"), (" 123x ", "123X"), ("0001", "0001")])
def test_full_width_digits_and_lower_case_x_are_read(typed, expected):
    assert normalise_last4(typed) == expected


def test_full_width_and_lower_case_ending_signs_in(session, lesson):
    _staff, _klass, (_a, _b, c), row = lesson
    wide = last4(c)[:3].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "x"
    assert sign(session, row, c, ending=wide, name=" 王 五 ".replace(" ", "") + " ").name == "王五"


@pytest.mark.parametrize(("offset", "ok"), [
    (timedelta(minutes=-15), True), (timedelta(minutes=-15, seconds=-1), False),
    (timedelta(minutes=15), True), (timedelta(minutes=15, seconds=1), False),
])
def test_window_is_fifteen_minutes_either_side_of_the_start(session, lesson, offset, ok):
    _staff, _klass, (a, _b, _c), row = lesson
    now = NOW + offset
    if ok:
        assert not sign(session, row, a, now=now).already
    else:
        with pytest.raises(ValidationFailed) as refused:
            sign(session, row, a, now=now)
        message = refused.value.message.render()
        assert ("opens at 2026-11-24 09:45" in message) if offset < timedelta(0) else ("closed at 2026-11-24 10:15"
                                                                                       in message)


def test_opening_a_stale_or_early_code_is_refused(session, lesson):
    _staff, _klass, _enrolments, row = lesson
    token = current_token(KEY, row.id, NOW)
    found, form_pass = open_sign_in(session, now=NOW, key=KEY, session_id=row.id, token=token)
    assert found.id == row.id and pass_valid(KEY, row.id, form_pass, NOW)
    with pytest.raises(ValidationFailed) as stale:
        open_sign_in(session, now=NOW + timedelta(seconds=60), key=KEY, session_id=row.id, token=token)
    assert "expired" in stale.value.message.render() and "已过期" in in_chinese(stale.value.message)
    early = NOW - timedelta(minutes=20)
    with pytest.raises(ValidationFailed, match="opens at"):
        open_sign_in(session, now=early, key=KEY, session_id=row.id, token=current_token(KEY, row.id, early))
    with pytest.raises(NotFound):
        open_sign_in(session, now=NOW, key=KEY, session_id=row.id + 99, token=token)


@pytest.mark.parametrize(("name", "ending"), [("张三", "0000"), ("张叁", None), ("李四", None)])
def test_wrong_name_or_ending_says_nothing_about_who_is_enrolled(session, lesson, name, ending):
    _staff, _klass, (a, _b, _c), row = lesson
    ending = ending or last4(a)  # 李四 with 张三's ending: a real trainee, the wrong ending
    if name == "李四" and last4(lesson[2][1]) == ending:
        pytest.skip("the two generated IDs share an ending")
    with pytest.raises(ValidationFailed) as refused:
        sign(session, row, name=name, ending=ending)
    assert refused.value.field == "id_last4"
    assert refused.value.message.render() == "No trainee of this class has that name and ID number ending. Check both."
    assert "没有" in in_chinese(refused.value.message)
    assert session.scalar(select(Attendance.id)) is None


@pytest.mark.parametrize("ending", ["12", "12345", "AB12", "X123"])
def test_an_ending_that_is_not_four_characters_is_refused(session, lesson, ending):
    _staff, _klass, (a, _b, _c), row = lesson
    with pytest.raises(ValidationFailed, match="last four characters") as refused:
        sign(session, row, a, ending=ending)
    assert refused.value.field == "id_last4"


def test_withdrawn_trainee_cannot_sign_in(session, lesson):
    staff, _klass, (_a, b, _c), row = lesson
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=b.id, reason="找到工作")
    with pytest.raises(ValidationFailed) as refused:
        sign(session, row, b)
    assert "your enrolment in this class is “Withdrawn”" in refused.value.message.render()
    assert "已退出" in in_chinese(refused.value.message) or "退" in in_chinese(refused.value.message)


def test_expired_pass_is_refused(session, lesson):
    _staff, _klass, (a, _b, _c), row = lesson
    with pytest.raises(ValidationFailed, match="expired"):
        sign(session, row, a, form_pass=issue_pass(KEY, row.id, NOW - timedelta(minutes=6)))


def test_count_is_of_open_trainees_and_sign_in_page_is_staff_of_the_class(session, lesson):
    staff, _klass, (a, b, c), row = lesson
    sign(session, row, a)
    record_attendance(session, actor=staff, now=NOW, session_id=row.id,
                      marks=[AttendanceMark(b.id, "late", Decimal("1")), AttendanceMark(c.id, "absent")])
    figure = sign_in_count(session, actor=staff, session_id=row.id)
    assert (figure.signed, figure.expected) == (2, 3)
    assert sign_in_session(session, actor=staff, session_id=row.id).id == row.id
    with pytest.raises(NotFound):
        sign_in_session(session, actor=institution_staff(session), session_id=row.id)


def test_marked_absent_then_here_in_person_becomes_present_by_self(session, lesson):
    staff, _klass, (a, _b, _c), row = lesson
    record_attendance(session, actor=staff, now=NOW, session_id=row.id, marks=[AttendanceMark(a.id, "absent")])
    assert not sign(session, row, a).already
    session.expire_all()
    record = session.scalar(select(Attendance).where(Attendance.enrolment_id == a.id))
    assert (record.status, record.hours, record.method, record.recorded_by_id) == ("present", Decimal("2.0"), "self",
                                                                                   None)


def test_a_second_phone_racing_the_first_is_told_already_signed_in(session, lesson):
    _staff, _klass, (a, _b, _c), row = lesson
    # The other phone's record lands between this phone's checks and its insert: the insert meets the unique
    # (session, trainee) pair, writes nothing and raises nothing, and the answer is "already signed in" with
    # the other phone's time.
    earlier = NOW - timedelta(seconds=3)
    session.execute(Attendance.__table__.insert(), {
        "session_id": row.id, "enrolment_id": a.id, "status": "present", "hours": Decimal("2"), "method": "self",
        "recorded_at": earlier, "recorded_by_id": None})
    result = sign(session, row, a)
    assert result.already and result.at == earlier
    assert len(session.scalars(select(Attendance)).all()) == 1
