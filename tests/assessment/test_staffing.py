"""Sessions and staffing: qualification levels, recusal of every kind, ratios from the standard — hard blocks."""

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from app.accounts.services import create_user
from app.assessment.qualifications import declare_relation, record_qualification
from app.assessment.registration import override_registration, register_individual
from app.assessment.result_models import Score
from app.assessment.staffing import (
    add_candidate,
    assign_assessor,
    confirm_session,
    create_session,
    remove_candidate,
    staffing_problems,
)
from app.assessment.vocabulary import PLAN_STATUSES
from app.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from app.people.access import add_access
from app.people.records import add_work_record
from app.translation import in_chinese
from tests.assessment.factories import (
    PRACTICAL_DAY,
    THEORY_DAY,
    WELDER,
    at,
    close,
    make_plan,
    practical_session,
    registered_plan,
    snapshot,
)
from tests.assessment.training_rows import completed_apprenticeship, completed_enrolment
from tests.factories import NOW, make_evaluation_org, make_user
from tests.people.factories import make_person, resident_id


def _session(session, world, plan, component="practical", **kwargs):
    day = PRACTICAL_DAY if component == "practical" else THEORY_DAY
    return create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component=component, room="A 101",
                          starts_at=at(day, 9), **kwargs)


def _refused(session, call, match):
    """Refused, nothing changed; `match` is checked in the Chinese catalogue wording of the composed message."""
    before = snapshot(session)
    with pytest.raises((ValidationFailed, Conflict, InvalidTransition)) as refused:
        call()
    assert snapshot(session) == before
    assert refused.value.field in {"user_id", "registration_id", "role", "staffing", None}
    text = in_chinese(refused.value.message)
    assert match in text, text
    return text


def test_session_takes_every_admitted_candidate_or_a_share(session, world):
    plan, regs = registered_plan(session, world, people=5)
    close(session, world, plan)
    first = _session(session, world, plan, component="theory", max_candidates=3)
    second = _session(session, world, plan, component="theory")
    assert [c.registration_id for c in first.candidates] == [r.id for r in regs[:3]]
    assert [c.registration_id for c in second.candidates] == [r.id for r in regs[3:]]


def test_sessions_wait_for_registration_to_close(session, world):
    plan, _ = registered_plan(session, world, people=1)
    with pytest.raises(InvalidTransition) as refused:
        _session(session, world, plan)
    assert refused.value.message.params["status"] == PLAN_STATUSES["open"]


def test_examiner_below_senior_worker_is_refused(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = _session(session, world, plan)
    junior = world.assessors[0]
    record_qualification(session, actor=world.staff, now=NOW, user_id=junior.id, occupation_code=WELDER, level_digit=4)
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=junior.id, role="examiner"),
             "孙志刚在焊工的本人等级为四级/中级工，考核四级/中级工须由三级/高级工及以上人员担任考评员")


def test_examiner_for_a_technician_exam_needs_technician_level(session, world):
    plan, regs = registered_plan(session, world, people=1, level=2)
    override_registration(session, actor=world.admin, now=NOW, registration_id=regs[0].id,
                          reason="技能竞赛获奖选手，按规定破格参加技师考评")
    close(session, world, plan)
    sitting = _session(session, world, plan)
    senior = world.assessors[0]
    record_qualification(session, actor=world.staff, now=NOW, user_id=senior.id, occupation_code=WELDER, level_digit=3)
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=senior.id, role="leader"),
             "须由二级/技师及以上人员担任考评组长")


def test_examiner_without_a_recorded_level_is_refused(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = _session(session, world, plan)
    newcomer = create_user(session, actor=None, now=NOW, organisation_id=world.org.id, username="newbie",
                           display_name="新考评员", password="Jiangcai2026!", roles=["assessor"])
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=newcomer.id, role="examiner"),
             "新考评员尚未登记焊工（6-18-02-04）的本人等级，不能担任考评员")
    # Invigilators and supervisors need no level in the occupation.
    theory = _session(session, world, plan, component="theory")
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=theory.id, user_id=newcomer.id, role="invigilator")


def test_roles_must_fit_the_component(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    theory = _session(session, world, plan, component="theory")
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=theory.id,
                                              user_id=world.assessors[0].id, role="examiner"),
             "理论知识考试考场可安排：监考人员、质量督导员")


def test_declared_relation_blocks_assignment_for_every_role(session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = _session(session, world, plan)
    assessor = world.assessors[3]
    declare_relation(session, actor=assessor, now=NOW, assessor_id=assessor.id, person_id=regs[0].person_id,
                     kind="relative")
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=assessor.id, role="supervisor"),
             "质量督导员郑春生与考生王伟存在回避关系：已申报郑春生与王伟为亲属关系")


def test_same_employer_blocks_assignment(session, world):
    """A 用人单位 (Y) evaluation organisation assessing its own staff: its assessors recuse from colleagues."""
    plan = make_plan(session, world)
    number = resident_id()
    person = make_person(session, make_user(session, "institution_staff"), name="李娜", id_number=number)
    add_work_record(session, actor=None, now=NOW, person_id=person.id, employer_name="本单位", occupation_name="焊工",
                    occupation_code=WELDER, start_date=date(2015, 3, 1))
    add_access(session, person_id=person.id, organisation_id=world.org.id, reason="employer", now=NOW)
    register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, id_number=number)
    close(session, world, plan)
    sitting = _session(session, world, plan)
    message = _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                                        user_id=world.assessors[1].id, role="examiner"),
                       "考评员周丽娜与考生李娜存在回避关系：周丽娜与李娜同在")
    assert world.org.name in message


def test_class_teacher_blocks_assignment(session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    completed_enrolment(session, regs[0].person, world.occupation(session), teacher_names="孙志刚、李明")
    sitting = _session(session, world, plan)
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=world.assessors[0].id, role="examiner"),
             "考评员孙志刚与考生王伟存在回避关系：孙志刚是王伟所在培训班（焊工四级1班）的任课教师")


def test_apprenticeship_mentor_and_teacher_block_assignment(session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    completed_apprenticeship(session, regs[0].person, world.occupation(session), world.enterprise,
                             mentor="吴德明", teacher="郑春生")
    sitting = _session(session, world, plan)
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=world.assessors[2].id, role="examiner"),
             "吴德明是王伟的企业导师（沈阳重型机械有限公司学徒培养）")
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=world.assessors[3].id, role="supervisor"),
             "郑春生是王伟的院校导师")


def test_adding_a_candidate_linked_to_an_assigned_assessor_is_refused(session, world):
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = _session(session, world, plan, registration_ids=[regs[0].id])
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=world.assessors[1].id,
                    role="examiner")
    declare_relation(session, actor=world.staff, now=NOW, assessor_id=world.assessors[1].id,
                     person_id=regs[1].person_id, kind="colleague")
    _refused(session, lambda: add_candidate(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                            registration_id=regs[1].id),
             "考评员周丽娜与考生李娜存在回避关系：已申报周丽娜与李娜为同事关系")


def test_ratio_blocks_confirmation_and_nothing_changes(session, world):
    plan, _ = registered_plan(session, world, people=6)
    close(session, world, plan)
    sitting = practical_session(session, world, plan, confirm=False)
    # Six candidates at 1:5 need two examiners, rounded up to the odd minimum of three: the team of three is enough,
    # but a fourth examiner makes the team even.
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=world.assessors[4].id,
                    role="examiner")
    _refused(session, lambda: confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id),
             "操作技能考核考评员人数须为奇数（含考评组长），现有 4 名")
    assert session.scalars(select(Score)).all() == [] and sitting.status == "planning"


def test_ratios_come_from_the_standard(session, world):
    plan, _ = registered_plan(session, world, people=3)
    plan.standard.practical_min_examiners = 5
    close(session, world, plan)
    sitting = practical_session(session, world, plan, confirm=False)
    _refused(session, lambda: confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id),
             "操作技能考核考评员不足：考生 3 名，按 1:5 配备、不少于 5 名且为奇数，须至少 5 名（含考评组长），现有 3 名")


def test_staffing_rules_as_numbers(session, world):
    plan, _ = registered_plan(session, world, people=1)
    standard = plan.standard
    theory = [in_chinese(p) for p in staffing_problems("invigilated", 31, Counter(invigilator=2, supervisor=1),
                                                        standard, "理论知识考试")]
    assert theory == ["理论知识考试监考人员不足：考生 31 名，按 1:15 配备且每考场不少于 2 名，须至少 3 名，现有 2 名"]
    assert staffing_problems("invigilated", 31, Counter(invigilator=3, supervisor=1), standard, "理论") == []
    # 11 candidates need ceil(11 / 5) = 3 examiners: a team of three is enough; 16 need 4, rounded up to 5.
    assert staffing_problems("examined", 11, Counter(examiner=2, leader=1, supervisor=1), standard, "实操") == []
    assert staffing_problems("examined", 16, Counter(examiner=3, leader=1, supervisor=1), standard,
                             "实操")[0].params["need"] == 5
    panel = staffing_problems("panel", 4, Counter(reviewer=2, supervisor=1), standard, "综合评审")
    assert [(p.template, p.params["minimum"], p.params["have"]) for p in panel] == [
        ("{component}: the review panel needs at least {minimum} experts, an odd number; there are {have}.", 3, 2)]
    assert [p.template for p in staffing_problems("panel", 4, Counter(reviewer=3), standard, "综合评审")] == [
        "Every room needs exactly 1 quality supervisor (every exam is supervised)."]


def test_confirmation_creates_a_cell_per_candidate_and_marker(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    cells = session.scalars(select(Score).where(Score.session_id == sitting.id)).all()
    assert len(cells) == 9 and {c.marker_id for c in cells} == {a.id for a in world.assessors[:3]}
    assert sitting.status == "confirmed"
    _refused(session, lambda: remove_candidate(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                               registration_id=regs[0].id), "考场已确认")


def test_a_relation_declared_after_assignment_blocks_confirmation(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = practical_session(session, world, plan, confirm=False)
    declare_relation(session, actor=world.assessors[0], now=NOW, assessor_id=world.assessors[0].id,
                     person_id=regs[2].person_id, kind="teacher_student")
    _refused(session, lambda: confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id),
             "考评组长孙志刚与考生张强存在回避关系")


def test_one_leader_and_one_supervisor_per_session(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = practical_session(session, world, plan, confirm=False)
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=world.assessors[4].id, role="leader"), "本考场已有考评组长孙志刚")
    _refused(session, lambda: assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id,
                                              user_id=world.assessors[1].id, role="supervisor"),
             "周丽娜已在本考场担任考评员")


def test_other_organisations_cannot_arrange_the_session(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = _session(session, world, plan)
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210003"))
    with pytest.raises(NotFound):
        assign_assessor(session, actor=other, now=NOW, sitting_id=sitting.id, user_id=world.assessors[0].id,
                        role="examiner")
