"""A class's timetable in one go: pattern expansion, holidays skipped, overlaps refused, all or nothing, hours."""

from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.assessment.workdays import add_holiday
from app.audit.models import AuditEvent
from app.errors import InvalidTransition, ValidationFailed
from app.training.attendance import AttendanceMark, record_attendance
from app.training.enrolments import enrol_person
from app.training.models import ClassSession
from app.training.session_changes import cancel_session, update_session
from app.training.timetable import (
    TimeBlock,
    create_timetable,
    expand_pattern,
    parse_blocks,
    preview_timetable,
)
from tests.factories import NOW, make_user
from tests.training.factories import institution_staff, make_class, make_project, make_session, trainee

MON = date(2026, 11, 30)  # a Monday inside a class running from 2026-11-24 for 30 days
MORNING_AFTERNOON = "08:30-11:30, 13:30-16:30"


def pattern(**overrides):
    values = {"weekdays": [0, 1, 2, 3, 4], "blocks": MORNING_AFTERNOON, "first_date": MON,
              "last_date": MON + timedelta(days=13), "topic": "电工基础", "teacher": "王老师", "venue": "二号实训室"}
    values.update(overrides)
    return values


def count(session, klass) -> int:
    return session.scalar(select(func.count(ClassSession.id)).where(ClassSession.class_id == klass.id))


def test_blocks_are_read_in_the_ways_people_write_them():
    assert parse_blocks("8:30-11:30；13:30～16:30") == [TimeBlock(time(8, 30), time(11, 30)),
                                                      TimeBlock(time(13, 30), time(16, 30))]
    assert parse_blocks("13:30至16:30\n08:00–12:00")[0].start == time(8)
    for wrong, message in [("", "at least one daily time block"), ("morning", "is not a time block"),
                           ("11:30-08:30", "must end after it starts"), ("08:00-11:00, 10:00-12:00", "overlap"),
                           ("25:00-26:00", "is not a time block"), ("06:00-19:00", "longer than 12 hours")]:
        with pytest.raises(ValidationFailed, match=message) as refused:
            parse_blocks(wrong)
        assert refused.value.field == "blocks"


def test_pattern_expands_weekdays_and_blocks_and_skips_holidays():
    blocks = parse_blocks(MORNING_AFTERNOON)
    sessions, skipped, added = expand_pattern(weekdays={0, 2}, blocks=blocks, first=MON,
                                              last=MON + timedelta(days=13),
                                              holidays={MON + timedelta(days=2): "测试假日", MON + timedelta(days=3): "周四"})
    assert [(s.session_date.isoformat(), f"{s.start_time:%H:%M}") for s in sessions] == [
        ("2026-11-30", "08:30"), ("2026-11-30", "13:30"), ("2026-12-07", "08:30"), ("2026-12-07", "13:30"),
        ("2026-12-09", "08:30"), ("2026-12-09", "13:30")]
    assert {s.hours for s in sessions} == {Decimal("3.0")}
    assert [(d.day, d.name) for d in skipped] == [(date(2026, 12, 2), "测试假日")]  # a Thursday is not ticked
    assert added == []  # no make-up working days asked for


def test_make_up_working_days_are_taught_only_when_asked_and_are_named(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    saturday = MON + timedelta(days=5)
    add_holiday(session, actor=None, now=NOW, day=MON + timedelta(days=3), name="测试假日")
    add_holiday(session, actor=None, now=NOW, day=saturday, name="测试假日调休", is_makeup_workday=True)
    plain = preview_timetable(session, actor=staff, class_id=klass.id, **pattern())
    assert saturday not in {s.session_date for s in plain.sessions} and plain.added == []
    plan = preview_timetable(session, actor=staff, class_id=klass.id, **pattern(makeup_days=True))
    assert [(d.day, d.name) for d in plan.added] == [(saturday, "测试假日调休")]
    assert [(s.session_date, f"{s.start_time:%H:%M}") for s in plan.sessions if s.session_date == saturday] == [
        (saturday, "08:30"), (saturday, "13:30")]
    assert len(plan.sessions) == len(plain.sessions) + 2 and plan.total_hours == plain.total_hours + 6
    # A make-up day that is a ticked weekday already is not added twice.
    again = preview_timetable(session, actor=staff, class_id=klass.id,
                              **pattern(weekdays=[0, 1, 2, 3, 4, 5], makeup_days=True))
    assert again.added == [] and sum(1 for s in again.sessions if s.session_date == saturday) == 2
    rows = create_timetable(session, actor=staff, now=NOW, class_id=klass.id, **pattern(makeup_days=True))
    assert saturday in {r.session_date for r in rows}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "training_class.add_timetable"))
    assert event.new_value["makeup_days"] == [saturday.isoformat()]


def test_preview_names_holidays_and_weighs_hours_against_the_required(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    add_holiday(session, actor=None, now=NOW, day=MON + timedelta(days=3), name="测试假日")
    plan = preview_timetable(session, actor=staff, class_id=klass.id, **pattern())
    assert len(plan.sessions) == 18 and plan.total_hours == Decimal("54.0")
    assert [d.name for d in plan.skipped] == ["测试假日"]
    assert plan.required_hours == klass.project.reference_hours and plan.verdict == "short"
    assert f"{plan.required_hours - 54} hours short" in plan.summary()
    assert count(session, klass) == 0  # a preview writes nothing


def test_hours_may_meet_or_exceed_the_required(session):
    staff = institution_staff(session)
    project = make_project(session, staff, level=5)  # the fewest reference hours
    klass = make_class(session, staff, project=project, end_date=MON + timedelta(days=200))
    required = project.reference_hours
    plan = preview_timetable(session, actor=staff, class_id=klass.id,
                             **pattern(weekdays=list(range(7)), blocks="08:00-18:00",
                                       last_date=MON + timedelta(days=199)))
    assert plan.verdict == "over" and "more than" in plan.summary()
    days = required // 10
    if required % 10 == 0:
        exact = preview_timetable(session, actor=staff, class_id=klass.id,
                                  **pattern(weekdays=list(range(7)), blocks="08:00-18:00",
                                            last_date=MON + timedelta(days=days - 1)))
        assert exact.verdict == "exact" and "exactly" in exact.summary()


def test_create_makes_every_session_and_audits_once(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    rows = create_timetable(session, actor=staff, now=NOW, class_id=klass.id, **pattern())
    assert len(rows) == 20 == count(session, klass)
    assert {(r.teacher, r.venue, r.topic) for r in rows} == {("王老师", "二号实训室", "电工基础")}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "training_class.add_timetable"))
    assert event.new_value["sessions"] == 20 and event.new_value["hours"] == "60.0"


def test_overlap_with_the_class_refuses_the_whole_pattern_naming_date_and_time(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    make_session(session, staff, klass, on=MON + timedelta(days=8), start=(10, 0), end=(12, 0), hours="2")
    with pytest.raises(ValidationFailed, match="2026-12-08 08:30–11:30: the time overlaps the session"):
        create_timetable(session, actor=staff, now=NOW, class_id=klass.id, **pattern())
    assert count(session, klass) == 1  # nothing of the pattern was written before the refusal... or after it
    with pytest.raises(ValidationFailed, match="2026-12-08 08:30–11:30"):
        preview_timetable(session, actor=staff, class_id=klass.id, **pattern())


def test_all_or_nothing_when_the_refusal_comes_late(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    make_session(session, staff, klass, on=MON + timedelta(days=11), start=(14, 0), end=(15, 0), hours="1")
    savepoint = session.begin_nested()
    with pytest.raises(ValidationFailed, match="2026-12-11 13:30–16:30"):
        create_timetable(session, actor=staff, now=NOW, class_id=klass.id, **pattern())
    savepoint.rollback()  # the edge rolls back the refused action
    assert count(session, klass) == 1


def test_the_teacher_may_not_be_in_two_classes_at_once(session):
    staff = institution_staff(session)
    first, second = make_class(session, staff, name="一期"), make_class(session, staff, name="二期")
    create_timetable(session, actor=staff, now=NOW, class_id=first.id, **pattern(blocks="08:30-11:30"))
    with pytest.raises(ValidationFailed, match="2026-11-30 10:00–12:00: 王老师 already teaches “电工基础” in 一期") as refused:
        create_timetable(session, actor=staff, now=NOW, class_id=second.id, **pattern(blocks="10:00-12:00"))
    assert refused.value.field is None
    # Another teacher, or the afternoon, is fine; so is the same name at another institution.
    assert len(create_timetable(session, actor=staff, now=NOW, class_id=second.id,
                                **pattern(blocks="10:00-12:00", teacher="李老师"))) == 10
    other = institution_staff(session)
    elsewhere = make_class(session, other)
    assert len(create_timetable(session, actor=other, now=NOW, class_id=elsewhere.id, **pattern())) == 20


def test_single_session_add_checks_the_teacher_too(session):
    staff = institution_staff(session)
    first, second = make_class(session, staff, name="一期"), make_class(session, staff, name="二期")
    create_timetable(session, actor=staff, now=NOW, class_id=first.id, **pattern(blocks="08:30-11:30"))
    from app.training.projects import add_session
    with pytest.raises(ValidationFailed, match="王老师 already teaches") as refused:
        add_session(session, actor=staff, now=NOW, class_id=second.id, session_date=MON, start_time=time(11),
                    end_time=time(12), hours=Decimal(1), topic="安全", teacher="王老师")
    assert refused.value.field == "teacher"


@pytest.mark.parametrize("wrong, field, message", [
    ({"weekdays": []}, "weekdays", "Tick at least one weekday"),
    ({"first_date": None}, "first_date", "Enter the first date"),
    ({"last_date": MON - timedelta(days=1)}, "last_date", "is before the first date"),
    ({"last_date": MON + timedelta(days=60)}, "last_date", "within the class period"),
    ({"first_date": date(2026, 11, 1)}, "first_date", "within the class period"),
    ({"weekdays": [5, 6], "last_date": MON + timedelta(days=4)}, "weekdays", "No session falls"),
    ({"topic": "  "}, "topic", "Enter the topic"),
])
def test_mistakes_in_the_pattern_are_refused_on_their_field(session, wrong, field, message):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    with pytest.raises(ValidationFailed, match=message) as refused:
        preview_timetable(session, actor=staff, class_id=klass.id, **pattern(**wrong))
    assert refused.value.field == field


def test_a_session_moves_and_edits_with_the_same_checks_and_is_audited(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    rows = create_timetable(session, actor=staff, now=NOW, class_id=klass.id, **pattern())
    first, second = rows[0], rows[1]
    with pytest.raises(ValidationFailed, match="overlaps the session"):
        update_session(session, actor=staff, now=NOW, session_id=first.id, session_date=MON, start_time=time(13),
                       end_time=time(14), hours=Decimal(1), topic="电工基础")
    update_session(session, actor=staff, now=NOW, session_id=first.id, session_date=MON + timedelta(days=5),
                   start_time=time(9), end_time=time(12), hours=Decimal(3), topic="安全用电", venue="车间")
    assert (first.session_date, first.topic, first.venue, first.teacher) == (date(2026, 12, 5), "安全用电", "车间", None)
    assert second.session_date == MON
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "training_class.update_session"))
    assert event.old_value["date"] == "2026-11-30" and event.new_value["date"] == "2026-12-05"


def test_cancel_only_while_no_attendance_is_recorded(session):
    staff = institution_staff(session)
    klass = make_class(session, staff, start_date=NOW.date() - timedelta(days=2))
    held = make_session(session, staff, klass, on=klass.start_date, hours="8")
    later = make_session(session, staff, klass, on=klass.start_date + timedelta(days=9), hours="8")
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id,
                             person_id=trainee(session, staff).id)
    record_attendance(session, actor=staff, now=NOW, session_id=held.id, marks=[AttendanceMark(enrolment.id, "present")])
    with pytest.raises(InvalidTransition, match="Attendance is already recorded for the session on 2026-11-22 08:00"):
        cancel_session(session, actor=staff, now=NOW, session_id=held.id)
    with pytest.raises(InvalidTransition, match="cannot be moved"):
        update_session(session, actor=staff, now=NOW, session_id=held.id, session_date=klass.start_date,
                       start_time=time(9), end_time=time(17), hours=Decimal(8), topic="x")
    with pytest.raises(ValidationFailed, match="recorded with 8 hours"):
        update_session(session, actor=staff, now=NOW, session_id=held.id, session_date=held.session_date,
                       start_time=held.start_time, end_time=held.end_time, hours=Decimal(6), topic="x")
    assert cancel_session(session, actor=staff, now=NOW, session_id=later.id) == klass.id
    assert count(session, klass) == 1
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "training_class.cancel_session"))
    assert event.old_value["session_id"] == later.id


def test_only_the_class_institution_changes_its_timetable(session):
    from app.errors import NotAllowed, NotFound
    staff = institution_staff(session)
    klass = make_class(session, staff)
    with pytest.raises(NotFound):
        preview_timetable(session, actor=institution_staff(session), class_id=klass.id, **pattern())
    with pytest.raises(NotAllowed):
        create_timetable(session, actor=make_user(session, "admin"), now=NOW, class_id=klass.id, **pattern())
