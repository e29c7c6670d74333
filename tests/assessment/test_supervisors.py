"""Issue 17: external supervisors come from the department's pool, appointed to a plan by the administrator on
the organisation's request; staffing suggestions say who is blocked by a time clash or a recusal conflict, and
what blocks an unstaffable room."""

import pytest
from sqlalchemy import select

from app.assessment.qualifications import declare_relation
from app.assessment.scoring import sign_off_session
from app.assessment.staffing import assign_assessor, confirm_session, create_session, unassign_assessor
from app.assessment.suggestions import assessor_options, external_options, staffing_gaps
from app.assessment.supervisor_models import SupervisorAppointment, SupervisorRequest
from app.assessment.supervisors import (
    appoint_supervisors,
    appointed_supervisors,
    decline_request,
    pending_supervisor_requests,
    request_supervisors,
    revoke_appointment,
    withdraw_request,
)
from app.audit.models import AuditEvent
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import in_chinese
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    at,
    close,
    make_world,
    registered_plan,
    room_of_four,
    snapshot,
)
from tests.factories import NOW, make_evaluation_org, make_user


@pytest.fixture
def four(session):
    """The finding: an organisation with four assessors, a practical room of three candidates, one relation."""
    return room_of_four(session)


def _refused(session, error_type, call, english, chinese):
    before = snapshot(session)
    with pytest.raises(error_type) as refused:
        call()
    assert snapshot(session) == before
    assert english in str(refused.value.message), str(refused.value.message)
    assert chinese in in_chinese(refused.value.message), in_chinese(refused.value.message)
    return refused.value


def _appointed(session, world, plan, name="高志远"):
    supervisor = make_user(session, "dept_supervisor", org=world.admin.organisation)
    supervisor.display_name = name
    request = request_supervisors(session, actor=world.staff, now=NOW, plan_id=plan.id, count=1, note="实操考场")
    appoint_supervisors(session, actor=world.admin, now=NOW, request_id=request.id, user_ids=[supervisor.id])
    return supervisor


def test_the_finding_a_practical_room_gets_an_external_department_supervisor(session, four):
    world, plan, sitting = four
    a = world.assessors
    # The only assessor left has a declared relation: the supervisor slot is blocked, and the page says why.
    gaps = staffing_gaps(session, sitting=sitting)
    assert [(g.role, g.need, g.blocked) for g in gaps] == [("supervisor", 1, True)]
    gap = gaps[0]
    assert gap.headline == "1 more quality supervisor without a recusal conflict with the candidates is needed."
    assert in_chinese(gap.headline) == "还需 1 名与考生无回避关系的质量督导员。"
    assert "1 with a recusal conflict" in gap.detail and "1 名有回避关系" in in_chinese(gap.detail)
    assert "request a department quality supervisor" in gap.remedy
    assert "申请人社部门委派质量督导员" in in_chinese(gap.remedy)
    _refused(session, ValidationFailed,
             lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[3].id,
                                     role="supervisor"),
             "must recuse themselves", "回避")
    # Checking "external" no longer takes one of the organisation's own assessors.
    _refused(session, ValidationFailed,
             lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[3].id,
                                     role="supervisor", external=True),
             "not one of the organisation's assessors", "不能由本机构考评员担任")
    supervisor = _appointed(session, world, plan)
    assert [o.user.id for o in external_options(session, sitting=sitting)] == [supervisor.id]
    assert staffing_gaps(session, sitting=sitting)[0].blocked is False  # now fillable, naming the supervisor
    assignment = assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=supervisor.id,
                                 role="supervisor", external=True)
    assert assignment.external and assignment.user_id == supervisor.id
    assert staffing_gaps(session, sitting=sitting) == []
    confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id)
    assert sitting.status == "confirmed"
    # The department supervisor signs the room off, as its supervisor; an examiner cannot.
    with pytest.raises(NotAllowed):
        sign_off_session(session, actor=a[0], now=AFTER_EXAMS, sitting_id=sitting.id)
    sign_off_session(session, actor=supervisor, now=AFTER_EXAMS, sitting_id=sitting.id)
    assert sitting.status == "signed_off" and sitting.signed_off_by_id == supervisor.id
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"assessment.supervisor_request", "assessment.supervisor_appoint", "assessment_session.assign"} <= actions


def test_an_unappointed_department_supervisor_is_refused(session, four):
    world, plan, sitting = four
    stranger = make_user(session, "dept_supervisor", org=world.admin.organisation)
    stranger.display_name = "林秀英"
    _refused(session, ValidationFailed,
             lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=stranger.id,
                                     role="supervisor", external=True),
             "林秀英 is not appointed to this plan", "林秀英未被委派到本考核计划")
    assert external_options(session, sitting=sitting) == []


def test_a_department_supervisor_cannot_be_examiner_or_internal(session, four):
    world, plan, sitting = four
    supervisor = _appointed(session, world, plan)
    for role, external in (("examiner", False), ("supervisor", False)):
        _refused(session, ValidationFailed,
                 lambda role=role, external=external: assign_assessor(
                     session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=supervisor.id, role=role,
                     external=external),
                 "they can only be a room's external quality supervisor", "只能担任考场的外派质量督导员")


def test_recusal_applies_to_department_supervisors_without_qualification_records(session, four):
    world, plan, sitting = four
    supervisor = _appointed(session, world, plan)
    # A department supervisor declares their own relation (they have no qualification records).
    declare_relation(session, actor=supervisor, now=NOW, assessor_id=supervisor.id,
                     person_id=sitting.candidates[1].registration.person_id, kind="colleague")
    option = external_options(session, sitting=sitting)[0]
    assert option.conflicts and not option.available and option.level_digit is None
    _refused(session, ValidationFailed,
             lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=supervisor.id,
                                     role="supervisor", external=True),
             "must recuse themselves", "回避")


def test_a_time_clash_is_shown_and_refused(session):
    world = make_world(session, assessors=6)
    plan, _regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    first = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical", room="实训车间 A",
                           starts_at=at(PRACTICAL_DAY, 9), max_candidates=2)
    second = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                            room="实训车间 B", starts_at=at(PRACTICAL_DAY, 10))
    busy = world.assessors[4]
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=first.id, user_id=busy.id, role="examiner")
    option = next(o for o in assessor_options(session, sitting=second) if o.user.id == busy.id)
    assert not option.available
    assert "is already placed in room 实训车间 A at the same time (2026-12-16 09:00–11:00)" in option.clash
    assert "已安排在考场 实训车间 A" in in_chinese(option.clash)
    _refused(session, Conflict,
             lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=second.id, user_id=busy.id,
                                     role="examiner"),
             "already placed in room 实训车间 A at the same time", "同一时间已安排在考场 实训车间 A")
    # Every other assessor but one is busy too: the gap names the clash as the blocking rule.
    for user in world.assessors[:3]:
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=first.id, user_id=user.id, role="examiner")
    gaps = {g.role: g for g in staffing_gaps(session, sitting=second)}
    examiners = gaps["examiner"]
    assert examiners.blocked and examiners.need == 3
    assert examiners.headline == "3 more examiner free at this time is needed."
    assert "4 with a time clash" in examiners.detail and "4 名时间冲突" in in_chinese(examiners.detail)
    assert "take a clashing assessor off the other room" in examiners.remedy


def test_a_missing_level_is_named_as_the_rule(session):
    world = make_world(session, assessors=4, assessor_level=4)  # 四级 assessors cannot mark a 四级 plan
    plan, _regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9))
    gap = next(g for g in staffing_gaps(session, sitting=sitting) if g.role == "examiner")
    assert gap.headline == "3 more examiner with the required level is needed."
    assert "4 without the level" in gap.detail
    assert "qualify or add an assessor" in gap.remedy and "取得相应等级或增加考评员" in in_chinese(gap.remedy)


def test_request_withdraw_decline_and_the_queue(session, four):
    world, plan, _sitting = four
    request = request_supervisors(session, actor=world.staff, now=NOW, plan_id=plan.id, sitting_ids=[_sitting.id],
                                  note="实操考场")
    assert request.count == 1 and request.rooms == "实训车间 A"
    assert pending_supervisor_requests(session, actor=world.admin) == [request]
    _refused(session, Conflict,
             lambda: request_supervisors(session, actor=world.staff, now=NOW, plan_id=plan.id),
             "already awaiting the administrator", "在等待管理员决定")
    withdraw_request(session, actor=world.staff, now=NOW, request_id=request.id)
    assert request.status == "withdrawn" and pending_supervisor_requests(session, actor=world.admin) == []
    _refused(session, InvalidTransition,
             lambda: withdraw_request(session, actor=world.staff, now=NOW, request_id=request.id),
             "already been decided or withdrawn", "已处理或已撤回")
    second = request_supervisors(session, actor=world.staff, now=NOW, plan_id=plan.id, count=2)
    _refused(session, ValidationFailed,
             lambda: decline_request(session, actor=world.admin, now=NOW, request_id=second.id, reason=""),
             "the reason for declining", "不予委派的理由")
    decline_request(session, actor=world.admin, now=NOW, request_id=second.id, reason="本期督导员已全部派出")
    assert second.status == "declined" and second.decision_reason == "本期督导员已全部派出"
    assert appointed_supervisors(session, plan.id) == []
    actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.object_type ==
                                                                   "assessment_supervisor_request")))
    assert actions == ["assessment.supervisor_request", "assessment.supervisor_withdraw",
                       "assessment.supervisor_request", "assessment.supervisor_decline"]


def test_permissions(session, four):
    world, plan, _sitting = four
    other_staff = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"))
    _refused(session, NotFound, lambda: request_supervisors(session, actor=other_staff, now=NOW, plan_id=plan.id),
             "does not exist or is outside your data scope", "不存在")
    request = request_supervisors(session, actor=world.staff, now=NOW, plan_id=plan.id)
    pool_member = make_user(session, "dept_supervisor", org=world.admin.organisation)
    for actor in (world.staff, world.assessors[0], pool_member):
        _refused(session, NotAllowed,
                 lambda actor=actor: appoint_supervisors(session, actor=actor, now=NOW, request_id=request.id,
                                                         user_ids=[pool_member.id]),
                 "Only an HR & social security administrator may do this.", "人社")
    with pytest.raises(NotFound):
        withdraw_request(session, actor=other_staff, now=NOW, request_id=request.id)
    # Only people of the department's pool can be appointed.
    _refused(session, NotFound,
             lambda: appoint_supervisors(session, actor=world.admin, now=NOW, request_id=request.id,
                                         user_ids=[world.assessors[3].id]),
             "not an active department quality supervisor", "人社部门质量督导员")
    appoint_supervisors(session, actor=world.admin, now=NOW, request_id=request.id, user_ids=[pool_member.id])
    assert session.scalars(select(SupervisorAppointment.user_id)).all() == [pool_member.id]
    assert session.get(SupervisorRequest, request.id).status == "appointed"


def test_an_appointment_is_withdrawn_until_the_supervisor_is_placed(session, four):
    world, plan, sitting = four
    supervisor = _appointed(session, world, plan)
    appointment = session.scalar(select(SupervisorAppointment))
    assert revoke_appointment_placed(session, world, sitting, supervisor, appointment) is None
    with pytest.raises(NotAllowed):
        revoke_appointment(session, actor=world.staff, now=NOW, appointment_id=appointment.id)
    revoke_appointment(session, actor=world.admin, now=NOW, appointment_id=appointment.id)
    assert appointed_supervisors(session, plan.id) == []
    assert "assessment.supervisor_revoke" in set(session.scalars(select(AuditEvent.action)))


def revoke_appointment_placed(session, world, sitting, supervisor, appointment):
    """Placed in a room, the appointment stays (refused in English and Chinese); off the room, it can go."""
    held = assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=supervisor.id,
                           role="supervisor", external=True)
    _refused(session, InvalidTransition,
             lambda: revoke_appointment(session, actor=world.admin, now=NOW, appointment_id=appointment.id),
             "高志远 is already the supervisor of room 实训车间 A", "高志远已是考场 实训车间 A 的督导员")
    unassign_assessor(session, actor=world.staff, now=NOW, assignment_id=held.id)
