"""Plans: only within the filing scope, components copied from the standard, state changes."""

from datetime import date

import pytest

from app.assessment.plans import create_plan, list_plans, schedule_component, transition_plan
from app.errors import InvalidTransition, NotFound, ValidationFailed
from tests.assessment.factories import DEADLINE, ELECTRICIAN, WELDER, make_plan, snapshot
from tests.factories import NOW, make_evaluation_org, make_user


def test_plan_copies_components_with_pass_marks_from_the_current_standard(session, world):
    plan = make_plan(session, world, level=2, status="draft")
    assert [(c.component, str(c.pass_mark), c.required) for c in plan.components] == [
        ("theory", "60.0", True), ("practical", "60.0", True), ("review", "60.0", True)]
    assert plan.standard.occupation.code == WELDER and plan.status == "draft"
    assert plan.title == "焊工二级/技师职业技能等级认定"
    assert plan.notice_working_days == 5 and plan.retake_months == 12


def test_plan_outside_the_filing_scope_is_refused_naming_occupation_and_level(session, world):
    electrician = world.occupation(session, ELECTRICIAN)
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        create_plan(session, actor=world.staff, now=NOW, occupation_id=electrician.id, level_digit=3,
                    registration_deadline=DEADLINE, venue="沈阳")
    assert refused.value.message == "本机构未备案评价电工（6-31-01-03）三级/高级工，不能制定该评价计划"
    assert snapshot(session) == before


def test_unknown_variant_is_refused(session, world):
    with pytest.raises(ValidationFailed, match="没有名为“数控车工”的工种"):
        make_plan(session, world, variant_name="数控车工")


def test_other_organisations_do_not_see_the_plan(session, world):
    plan = make_plan(session, world)
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"))
    assert list_plans(session, actor=other) == []
    with pytest.raises(NotFound):
        transition_plan(session, actor=other, now=NOW, plan_id=plan.id, action="close")
    assert list_plans(session, actor=world.admin) == [plan]


def test_states_move_only_along_the_allowed_transitions(session, world):
    plan = make_plan(session, world, status="draft")
    with pytest.raises(InvalidTransition, match="不能变为“考核进行中”"):
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="open")
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="close")
    with pytest.raises(InvalidTransition, match="没有可参加考核的考生"):
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    with pytest.raises(ValidationFailed, match="取消原因"):
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="cancel", reason="")
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="cancel", reason="报名人数不足，合并到下期")
    assert plan.status == "cancelled"


def test_exam_dates_must_follow_the_deadline(session, world):
    plan = make_plan(session, world)
    with pytest.raises(ValidationFailed, match="应晚于报名截止日期"):
        schedule_component(session, actor=world.staff, now=NOW, plan_id=plan.id, component="theory",
                           exam_on=date(2026, 12, 1))
