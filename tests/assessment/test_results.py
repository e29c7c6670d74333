"""Results: each required component on its own, absent = 缺考, notice, objections, finalising, carry-over."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.assessment.plans import create_plan, transition_plan
from app.assessment.registration import register_individual
from app.assessment.result_models import AssessmentResult, Score
from app.assessment.results import (
    ComponentOutcome,
    compute_results,
    final_passing_results,
    finalise_plan,
    lodge_objection,
    overall_passed,
    publish_results,
    resolve_objection,
    result_for_certificate,
)
from app.assessment.scoring import save_score, sign_off_session
from app.assessment.staffing import assign_assessor, confirm_session, create_session
from app.errors import InvalidTransition, ValidationFailed
from app.people.levels import current_levels
from app.people.models import LevelAward
from app.translation import in_chinese
from tests.assessment.factories import (
    AFTER_EXAMS,
    WELDER,
    at,
    close,
    practical_session,
    registered_plan,
    snapshot,
    theory_session,
)
from tests.factories import NOW

PUBLISHED = AFTER_EXAMS  # Friday 2026-12-18
NOTICE_END = date(2026, 12, 25)
AFTER_NOTICE = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)


def test_pass_rules_need_every_required_component_on_its_own():
    def outcome(component, score, required=True):
        return ComponentOutcome(component, None if score is None else Decimal(score), Decimal("60"), required)

    assert overall_passed([outcome("theory", "60"), outcome("practical", "95")])
    assert not overall_passed([outcome("theory", "59.9"), outcome("practical", "100")])  # no averaging
    assert not overall_passed([outcome("theory", None), outcome("practical", "90")])  # 缺考
    assert outcome("theory", None).absent and not outcome("theory", None).passed
    assert overall_passed([outcome("theory", "70"), outcome("practical", "70"), outcome("ethics", "10", False)])
    assert not overall_passed([outcome("ethics", "90", False)])


def run_exams(session, world, theory, practical, people=3):
    """Register, sit and sign off theory and practical; theory/practical are per-candidate scores (None = absent)."""
    plan, regs = registered_plan(session, world, people=people)
    close(session, world, plan)
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    t_room, p_room = theory_session(session, world, plan), practical_session(session, world, plan)
    for reg, value in zip(regs, theory, strict=True):
        if value is not None:
            cell = session.scalar(select(Score).where(Score.session_id == t_room.id, Score.registration_id == reg.id))
            save_score(session, actor=world.staff, now=AFTER_EXAMS, score_id=cell.id, value=value, expected_version=0)
    for reg, value in zip(regs, practical, strict=True):
        if value is not None:
            for examiner in world.assessors[:3]:
                cell = session.scalar(select(Score).where(Score.session_id == p_room.id,
                                                          Score.registration_id == reg.id,
                                                          Score.marker_id == examiner.id))
                save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value=value, expected_version=0)
    for room in (t_room, p_room):
        sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=room.id)
    return plan, regs


def _by_person(results):
    return {r.registration.person.name: r for r in results}


def test_results_fail_one_component_below_its_mark_and_absent_candidates(session, world):
    plan, regs = run_exams(session, world, theory=["72", "59.5", None], practical=["80", "95", "88"])
    results = _by_person(compute_results(session, actor=world.staff, now=AFTER_EXAMS, plan_id=plan.id))
    assert results["王伟"].passed
    assert not results["李娜"].passed  # 59.5 + 95 averages 77 but theory alone is below 60
    zhang = results["张强"]
    theory = next(c for c in zhang.components if c.component == "theory")
    assert not zhang.passed and theory.absent and theory.score is None and not theory.passed
    assert all(r.status == "provisional" for r in results.values())


def test_results_wait_for_every_session_to_be_signed_off(session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    practical_session(session, world, plan)
    with pytest.raises(InvalidTransition) as refused:
        compute_results(session, actor=world.staff, now=AFTER_EXAMS, plan_id=plan.id)
    # A blocker composed of rooms and component labels stays one message, translated piece by piece.
    assert refused.value.message.template.startswith("The quality supervisor has not yet signed off")
    assert in_chinese(refused.value.message) == "以下考场成绩尚未经质量督导员签字确认：实训车间 A（操作技能考核）"


def test_publish_sets_the_notice_and_objections_block_finalising(session, world):
    plan, regs = run_exams(session, world, theory=["72", "59.5", None], practical=["80", "95", "88"])
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    assert (plan.status, plan.published_on, plan.notice_ends_on) == ("results_published", date(2026, 12, 18),
                                                                      NOTICE_END)
    results = _by_person(session.scalars(select(AssessmentResult)).all())
    before = snapshot(session)
    with pytest.raises(InvalidTransition) as refused:
        finalise_plan(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    assert refused.value.message.params == {"end": "2026-12-25", "first": "2026-12-26"}
    assert snapshot(session) == before
    objection = lodge_objection(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id,
                                result_id=results["李娜"].id, lodged_by_name="李娜", content="理论考试答题卡漏判一题")
    before = snapshot(session)
    with pytest.raises(InvalidTransition) as refused:
        finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    assert refused.value.message.params == {"count": 1}
    assert snapshot(session) == before
    with pytest.raises(ValidationFailed) as refused:
        resolve_objection(session, actor=world.staff, now=PUBLISHED, objection_id=objection.id, upheld=True,
                          resolution="复核答题卡，确认漏判一题", corrections={"theory": "59.5"})
    assert refused.value.field == "corrections"
    resolve_objection(session, actor=world.staff, now=PUBLISHED, objection_id=objection.id, upheld=True,
                      resolution="复核答题卡，确认漏判一题，理论成绩更正为 61.5", corrections={"theory": "61.5"})
    assert results["李娜"].passed and "漏判" in results["李娜"].change_reason
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    assert plan.status == "finalised"
    assert {r.registration.person.name for r in final_passing_results(session, plan_id=plan.id)} == {"王伟", "李娜"}


def test_objections_only_during_the_notice(session, world):
    plan, regs = run_exams(session, world, theory=["72"], practical=["80"], people=1)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    result = session.scalars(select(AssessmentResult)).one()
    with pytest.raises(InvalidTransition) as refused:
        lodge_objection(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id, result_id=result.id,
                        lodged_by_name="匿名", content="怀疑该考生存在替考情况")
    assert (refused.value.message.params["start"], refused.value.message.params["end"]) == ("2026-12-18", "2026-12-25")


def test_finalising_writes_level_awards_and_readies_certificates(session, world):
    plan, regs = run_exams(session, world, theory=["72", "40"], practical=["80", "80"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    passing = final_passing_results(session, plan_id=plan.id)
    assert len(passing) == 1
    result = passing[0]
    assert (result.status, result.ready_for_certificate, result.person.name, result.plan.id) == (
        "final", True, "王伟", plan.id)
    award = session.get(LevelAward, result.level_award_id)
    assert (award.grade_key, award.level_digit, award.route, award.source_type, award.source_id,
            award.awarded_on, award.awarded_by_org_id) == (
        "intermediate", 4, "exam", "assessment_result", str(result.id), date(2026, 12, 28), world.org.id)
    assert current_levels(session, result.person_id)[WELDER].grade_key == "intermediate"
    failed = next(r for r in session.scalars(select(AssessmentResult)) if not r.passed)
    assert failed.level_award_id is None and not failed.ready_for_certificate
    with pytest.raises(InvalidTransition) as refused:
        result_for_certificate(session, result_id=failed.id)
    assert refused.value.message.template == "The candidate did not pass the assessment: no certificate can be issued."
    assert result_for_certificate(session, result_id=result.id) is result


def test_unfinalised_results_are_not_for_certificates(session, world):
    plan, regs = run_exams(session, world, theory=["72"], practical=["80"], people=1)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    result = session.scalars(select(AssessmentResult)).one()
    with pytest.raises(InvalidTransition) as refused:
        result_for_certificate(session, result_id=result.id)
    assert "not been confirmed after its notice period" in refused.value.message.template
    assert final_passing_results(session, plan_id=plan.id) == []


def _second_plan(session, world, now):
    deadline = now.date() + timedelta(days=20)
    exams = {"theory": deadline + timedelta(days=5), "practical": deadline + timedelta(days=6)}
    plan = create_plan(session, actor=world.staff, now=now, occupation_id=world.occupation(session).id, level_digit=4,
                       registration_deadline=deadline, venue="沈阳", exam_dates=exams)
    transition_plan(session, actor=world.staff, now=now, plan_id=plan.id, action="open")
    return plan


def test_passed_components_are_carried_over_within_the_retake_window(session, world):
    plan, regs = run_exams(session, world, theory=["72", "45"], practical=["80", "85"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    retaker = regs[1].person
    spring = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    again = _second_plan(session, world, spring)
    reg = register_individual(session, actor=world.staff, now=spring, plan_id=again.id, person_id=retaker.id)
    assert [(c.component, c.score, c.source_plan_id, c.passed_on) for c in reg.carried] == [
        ("practical", Decimal("85.0"), plan.id, date(2026, 12, 16))]
    close(session, world, again)
    with pytest.raises(ValidationFailed) as refused:  # the practical score is kept
        create_session(session, actor=world.staff, now=spring, plan_id=again.id, component="practical",
                       room="实训车间 B", starts_at=at(date(2027, 3, 27), 9))
    assert refused.value.field == "room" and refused.value.message.template == "No candidate is waiting for a {component} room."
    transition_plan(session, actor=world.staff, now=spring, plan_id=again.id, action="start")
    theory = create_session(session, actor=world.staff, now=spring, plan_id=again.id, component="theory",
                            room="理论考场 302", starts_at=at(date(2027, 3, 26), 9))
    for assessor, role in ((world.assessors[4], "invigilator"), (world.assessors[5], "invigilator"),
                           (world.assessors[3], "supervisor")):
        assign_assessor(session, actor=world.staff, now=spring, sitting_id=theory.id, user_id=assessor.id, role=role)
    confirm_session(session, actor=world.staff, now=spring, sitting_id=theory.id)
    cell = session.scalar(select(Score).where(Score.session_id == theory.id))
    save_score(session, actor=world.staff, now=at(date(2027, 3, 26), 12), score_id=cell.id, value="66", expected_version=0)
    sign_off_session(session, actor=world.assessors[3], now=at(date(2027, 3, 26), 12), sitting_id=theory.id)
    result = compute_results(session, actor=world.staff, now=spring, plan_id=again.id)[0]
    practical = next(c for c in result.components if c.component == "practical")
    assert result.passed and practical.carried and practical.carried_from_plan_id == plan.id
    assert practical.score == Decimal("85.0")


def test_nothing_is_carried_after_the_window(session, world):
    plan, regs = run_exams(session, world, theory=["72", "45"], practical=["80", "85"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    next_winter = datetime(2028, 1, 3, 2, 0, tzinfo=UTC)
    again = _second_plan(session, world, next_winter)
    reg = register_individual(session, actor=world.staff, now=next_winter, plan_id=again.id,
                              person_id=regs[1].person_id)
    assert reg.carried == []
