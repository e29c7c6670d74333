"""Enrolments: capacity, duplicates, working age, scope, identity lookup, state machine and completion bar."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.demand.pipeline import demand_pipeline_counts
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.people.models import PersonAccess
from app.training.attendance import AttendanceMark, record_attendance, session_sheet
from app.training.attendance_grid import week_grid
from app.training.enrolments import (
    NOT_REGISTERED,
    change_enrolment_status,
    complete_enrolment,
    enrol_by_identity,
    enrol_person,
    withdraw_enrolment,
)
from app.translation import in_chinese
from tests.factories import NOW, make_user
from tests.people.factories import resident_id
from tests.training.factories import (
    institution_staff,
    make_class,
    make_demand,
    make_project,
    make_session,
    trainee,
)


@pytest.fixture
def staff(session):
    return institution_staff(session)


def test_enrol_a_visible_person(session, staff):
    klass = make_class(session, staff)
    person = trainee(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    assert enrolment.status == "enrolled" and enrolment.person_id == person.id
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "enrolment.create"))
    assert event.new_value == {"class_id": klass.id, "person_id": person.id, "status": "enrolled", "via": "scope"}


def test_person_outside_scope_is_not_found(session, staff):
    klass = make_class(session, staff)
    stranger = trainee(session, institution_staff(session))
    with pytest.raises(NotFound):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=stranger.id)


def test_capacity_is_enforced_with_the_numbers(session, staff):
    klass = make_class(session, staff, capacity=2)
    for _ in range(2):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    with pytest.raises(ValidationFailed, match="The class holds 2 people and 2 are enrolled"):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)


def test_withdrawn_trainee_frees_a_place(session, staff):
    klass = make_class(session, staff, capacity=1)
    first = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=first.id, reason="找到工作")
    assert first.withdrawal_reason == "找到工作"
    enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)


def test_duplicate_enrolment_is_refused(session, staff):
    klass = make_class(session, staff)
    person = trainee(session, staff, name="李四")
    enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    with pytest.raises(ValidationFailed, match="李四 is already enrolled in this class \\(status: Enrolled\\)"):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)


def test_working_age_on_the_class_start_date(session, staff):
    start = NOW.date() + timedelta(days=10)
    klass = make_class(session, staff, start_date=start, end_date=start + timedelta(days=20))
    old = trainee(session, staff, born=date(start.year - 66, start.month, start.day), name="王老")
    just_65 = trainee(session, staff, born=date(start.year - 66, start.month, start.day) + timedelta(days=1))
    with pytest.raises(ValidationFailed, match=f"王老 is 66 on the class's start date \\({start.isoformat()}\\), outside the working age of 16–65"):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=old.id)
    enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=just_65.id)


def test_age_upper_bound_is_a_class_setting(session, staff):
    klass = make_class(session, staff, max_age=60)
    person = trainee(session, staff, born=date(1963, 1, 1))
    with pytest.raises(ValidationFailed, match="outside the working age of 16–60"):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)


def test_person_turning_16_after_the_start_is_refused(session, staff):
    # Registered at 16 today, but the class started a year ago.
    start = NOW.date() - timedelta(days=30)
    klass = make_class(session, staff, start_date=start, end_date=start + timedelta(days=60))
    young = trainee(session, staff, born=date(NOW.year - 16, NOW.month, NOW.day) - timedelta(days=1))
    with pytest.raises(ValidationFailed, match="is 15 on"):
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=young.id)


def test_enrol_by_identity_finds_registered_people_and_grants_access(session, staff):
    klass = make_class(session, staff)
    number = resident_id()
    person = trainee(session, institution_staff(session), name="赵六", id_number=number)
    with pytest.raises(ValidationFailed, match="The name differs") as refused:
        enrol_by_identity(session, actor=staff, now=NOW, class_id=klass.id, name="赵七", id_type="resident_id",
                          id_number=number)
    assert refused.value.field == "name"
    with pytest.raises(ValidationFailed, match=NOT_REGISTERED) as refused:
        enrol_by_identity(session, actor=staff, now=NOW, class_id=klass.id, name="赵六", id_type="resident_id",
                          id_number=resident_id())
    assert refused.value.field == "id_number"
    with pytest.raises(ValidationFailed) as refused:  # wrong check digit
        enrol_by_identity(session, actor=staff, now=NOW, class_id=klass.id, name="赵六", id_type="resident_id",
                          id_number="110105194912310029")
    assert refused.value.field == "id_number"
    enrolment = enrol_by_identity(session, actor=staff, now=NOW, class_id=klass.id, name="赵六",
                                  id_type="resident_id", id_number=number.lower())
    assert enrolment.person_id == person.id
    access = session.scalar(select(PersonAccess).where(PersonAccess.person_id == person.id,
                                                       PersonAccess.organisation_id == staff.organisation_id))
    assert access.reason == "enrolment"


def test_illegal_transitions_name_from_and_to(session, staff):
    klass = make_class(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    with pytest.raises(InvalidTransition, match="cannot change from “Enrolled” to “Completed”"):
        complete_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id)
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id, reason="moved away")
    with pytest.raises(InvalidTransition, match="cannot change from “Withdrawn” to “In training”"):
        change_enrolment_status(session, actor=staff, now=NOW, enrolment_id=enrolment.id, to_status="in_training")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolment.status")).all()
    assert [(e.old_value, e.new_value) for e in events] == [({"status": "enrolled"}, {"status": "withdrawn"})]


def test_completion_requires_the_attendance_bar_with_the_numbers(session, staff):
    # Reference hours 300 (四级 of template A); 80 % → 240 hours needed.
    klass = make_class(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff,
                                                                                                  name="孙八").id)
    lesson = make_session(session, staff, klass, hours="8")
    record_attendance(session, actor=staff, now=NOW, session_id=lesson.id,
                      marks=[AttendanceMark(enrolment.id, "late", Decimal("6.5"))])
    assert enrolment.status == "in_training"
    with pytest.raises(ValidationFailed) as refused:
        complete_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id)
    assert refused.value.field == "status"
    assert refused.value.message == "孙八: 6.5 hours attended; 240 are needed (300 reference hours × 80%)."
    assert in_chinese(refused.value.message) == "孙八：已出勤 6.5 学时，需达到 240 学时（参考学时 300 × 80%）"
    assert enrolment.status == "in_training"


def test_completion_with_enough_hours_and_a_lower_threshold(session, staff):
    project = make_project(session, staff, code="4-10-01-05", level=5)  # 养老护理员 五级: 400 hours
    klass = make_class(session, staff, project=project, completion_threshold="0.01",
                       end_date=NOW.date() + timedelta(days=1))
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    lesson = make_session(session, staff, klass, hours="4", start=(8, 0), end=(12, 0))
    record_attendance(session, actor=staff, now=NOW, session_id=lesson.id,
                      marks=[AttendanceMark(enrolment.id, "present")])
    complete_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id)
    assert enrolment.status == "completed" and enrolment.completed_on == NOW.date()


def test_transitions_belong_to_the_running_institution(session, staff):
    klass = make_class(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    with pytest.raises(NotFound):
        withdraw_enrolment(session, actor=institution_staff(session), now=NOW, enrolment_id=enrolment.id,
                           reason="found a job")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_withdrawal_needs_a_reason(session, staff, reason):
    klass = make_class(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    with pytest.raises(ValidationFailed) as refused:
        withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id, reason=reason)
    assert refused.value.field == "reason"
    assert enrolment.status == "enrolled"


def test_pipeline_counts_trainees_of_linked_projects(session, staff):
    hr = make_user(session, "enterprise_hr")
    demand = make_demand(session, hr)
    project = make_project(session, staff, demand_ids=[demand.id], code="6-31-01-03")
    klass = make_class(session, staff, project=project)
    people = [trainee(session, staff) for _ in range(3)]
    enrolments = [enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=p.id) for p in people]
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolments[0].id, reason="found a job")
    make_class(session, staff)  # an unlinked project's class does not count
    assert demand_pipeline_counts(session, demand.id) == {"trained": 2, "completed": 0, "assessed": 0, "placed": 0}


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_expulsion_needs_its_own_reason(session, staff, reason):
    klass = make_class(session, staff)
    enrolment = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    with pytest.raises(ValidationFailed) as refused:
        change_enrolment_status(session, actor=staff, now=NOW, enrolment_id=enrolment.id, to_status="expelled",
                                reason=reason)
    assert refused.value.field == "reason"
    assert "expelled" in str(refused.value.message) and "除名原因" in in_chinese(refused.value.message)
    assert enrolment.status == "enrolled"


def test_an_expelled_trainee_has_left_frees_a_place_and_cannot_come_back(session, staff):
    klass = make_class(session, staff, capacity=1)
    session_row = make_session(session, staff, klass)
    first = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    record_attendance(session, actor=staff, now=NOW, session_id=session_row.id,
                      marks=[AttendanceMark(first.id, "present")])
    assert first.status == "in_training"
    change_enrolment_status(session, actor=staff, now=NOW, enrolment_id=first.id, to_status="expelled",
                            reason="连续缺勤超过规定")
    assert (first.status, first.withdrawal_reason) == ("expelled", "连续缺勤超过规定")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolment.status")
                            .order_by(AuditEvent.id.desc())).first()
    assert (event.old_value, event.new_value, event.note) == (
        {"status": "in_training"}, {"status": "expelled"}, "连续缺勤超过规定")
    # The place is free again, the sheets no longer list the trainee (the record taken stays), and the expelled
    # trainee can neither complete nor withdraw afterwards.
    second = enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=trainee(session, staff).id)
    session.expire_all()  # as the next request would read it
    _row, on_sheet, records = session_sheet(session, actor=staff, session_id=session_row.id)
    assert [e.id for e in on_sheet] == [second.id] and first.id in records
    grid = week_grid(session, actor=staff, class_id=klass.id, week_of=session_row.session_date)
    assert first.id not in {e.id for e in grid.trainees}
    for to_status, reason in (("completed", None), ("withdrawn", "later")):
        with pytest.raises(InvalidTransition):
            change_enrolment_status(session, actor=staff, now=NOW, enrolment_id=first.id, to_status=to_status,
                                    reason=reason)
