"""Plans: only within the filing scope, components copied from the standard, state changes."""

from datetime import date

import pytest

from app.assessment.plans import create_plan, list_plans, schedule_component, transition_plan
from app.assessment.vocabulary import PLAN_STATUSES
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.translation import in_chinese
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
    assert refused.value.field == "level_digit"
    assert refused.value.message.params["occupation"] == "电工" and refused.value.message.params["code"] == ELECTRICIAN
    # The Chinese catalogue keeps the original wording.
    assert in_chinese(refused.value.message) == "本机构未备案评价电工（6-31-01-03）三级/高级工，不能制定该评价计划"
    assert snapshot(session) == before


def test_unknown_variant_is_refused(session, world):
    with pytest.raises(ValidationFailed) as refused:
        make_plan(session, world, variant_name="数控车工")
    assert refused.value.field == "variant_name" and refused.value.message.params["variant"] == "数控车工"


def test_other_organisations_do_not_see_the_plan(session, world):
    plan = make_plan(session, world)
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"))
    assert list_plans(session, actor=other) == []
    with pytest.raises(NotFound):
        transition_plan(session, actor=other, now=NOW, plan_id=plan.id, action="close")
    assert list_plans(session, actor=world.admin) == [plan]


def test_states_move_only_along_the_allowed_transitions(session, world):
    plan = make_plan(session, world, status="draft")
    with pytest.raises(InvalidTransition) as refused:
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    assert refused.value.message.params["target"] == PLAN_STATUSES["in_progress"]
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="open")
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="close")
    with pytest.raises(InvalidTransition) as refused:
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    assert refused.value.message.template == "The plan has no candidate admitted to the assessment."
    with pytest.raises(ValidationFailed) as refused:
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="cancel", reason="")
    assert refused.value.field == "reason"
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="cancel", reason="报名人数不足，合并到下期")
    assert plan.status == "cancelled"


def test_exam_dates_must_follow_the_deadline(session, world):
    plan = make_plan(session, world)
    with pytest.raises(ValidationFailed) as refused:
        schedule_component(session, actor=world.staff, now=NOW, plan_id=plan.id, component="theory",
                           exam_on=date(2026, 12, 1))
    assert refused.value.field == "exam_on" and refused.value.message.params["day"] == "2026-12-01"


@pytest.mark.parametrize("reason", [None, "", "   ", "太少"])
def test_cancelling_needs_a_written_reason(session, world, reason):
    plan = make_plan(session, world, status="draft")
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="cancel", reason=reason)
    assert refused.value.field == "reason" and plan.status == "draft"
    assert snapshot(session) == before
