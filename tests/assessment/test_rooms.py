"""Rooms can be corrected and dates agree: edits before the first score, reasoned corrections after, deleting an
empty room, moving candidates, rooms inside the plan's exam dates, no score before the start, no sign-off before
the end, and the plan's milestones against each other."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentSession
from app.assessment.plans import schedule_component, transition_plan
from app.assessment.result_models import Score
from app.assessment.results import compute_results
from app.assessment.rooms import delete_session, move_candidate, update_session
from app.assessment.scoring import save_score, sign_off_session
from app.assessment.staffing import create_session
from app.audit.models import AuditEvent
from app.errors import InvalidTransition, ValidationFailed
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    THEORY_DAY,
    at,
    close,
    make_plan,
    practical_session,
    registered_plan,
    theory_session,
)
from tests.factories import NOW


@pytest.fixture
def closed(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    return plan, regs


def _events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_room_is_edited_freely_before_its_first_score(session, world, closed):
    plan, _ = closed
    sitting = practical_session(session, world, plan)  # confirmed, score cells empty
    update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room="实训车间 C",
                   starts_at=at(PRACTICAL_DAY, 13), duration_minutes=90)
    assert (sitting.room, sitting.starts_at, sitting.duration_minutes) == ("实训车间 C", at(PRACTICAL_DAY, 13), 90)
    [event] = _events(session, "assessment_session.update")
    assert event.old_value["room"] == "实训车间 A" and event.new_value["starts_at"] == "2026-12-16 13:00"
    assert event.note is None


def test_room_with_scores_is_corrected_only_with_a_reason(session, world, closed):
    plan, regs = closed
    sitting = theory_session(session, world, plan)
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id))
    save_score(session, actor=world.staff, now=AFTER_EXAMS, score_id=cell.id, value="70", expected_version=0)
    with pytest.raises(ValidationFailed) as refused:
        update_session(session, actor=world.staff, now=AFTER_EXAMS, sitting_id=sitting.id, room="理论考场 305",
                       starts_at=sitting.starts_at, duration_minutes=120)
    assert refused.value.field == "reason" and sitting.room == "理论考场 301"
    update_session(session, actor=world.staff, now=AFTER_EXAMS, sitting_id=sitting.id, room="理论考场 305",
                   starts_at=sitting.starts_at, duration_minutes=120, reason="考场门牌登记错误，实际在 305")
    [event] = _events(session, "assessment_session.correct")
    assert event.old_value["room"] == "理论考场 301" and event.new_value["room"] == "理论考场 305"
    assert event.note == "考场门牌登记错误，实际在 305"


def test_empty_room_is_deleted_and_a_room_with_candidates_is_not(session, world, closed):
    plan, regs = closed
    first = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                           room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9), max_candidates=2)
    second = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                            room="实训车间 B", starts_at=at(PRACTICAL_DAY, 9))
    with pytest.raises(InvalidTransition):
        delete_session(session, actor=world.staff, now=NOW, sitting_id=second.id)
    moved = second.candidates[0].registration_id
    move_candidate(session, actor=world.staff, now=NOW, sitting_id=second.id, registration_id=moved,
                   to_sitting_id=first.id)
    assert sorted(c.registration_id for c in first.candidates) == sorted(r.id for r in regs)
    delete_session(session, actor=world.staff, now=NOW, sitting_id=second.id)
    assert session.get(AssessmentSession, second.id) is None
    [event] = _events(session, "assessment_session.delete")
    assert event.old_value["room"] == "实训车间 B"


def test_empty_room_does_not_block_results(session, world, closed):
    plan, regs = closed
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    rooms = [theory_session(session, world, plan), practical_session(session, world, plan)]
    empty = AssessmentSession(plan_id=plan.id, plan_component_id=rooms[1].plan_component_id, room="实训车间 空",
                              starts_at=at(PRACTICAL_DAY, 9), status="confirmed", created_at=NOW)
    session.add(empty)  # a room whose candidates all went elsewhere, as the old code left behind
    session.flush()
    for cell in session.scalars(select(Score)):
        marker = next(a.user for a in cell.session.assignments if a.user_id == cell.marker_id) if cell.marker_id \
            else world.staff
        save_score(session, actor=marker, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0)
    for room in rooms:
        sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=room.id)
    results = compute_results(session, actor=world.staff, now=AFTER_EXAMS, plan_id=plan.id)
    assert len(results) == 3 and all(r.passed for r in results)


def test_room_outside_the_plans_exam_dates_is_refused_on_the_date(session, world, closed):
    plan, _ = closed
    with pytest.raises(ValidationFailed) as refused:
        create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                       room="实训车间 A", starts_at=at(THEORY_DAY, 9))
    assert refused.value.field == "day" and "2026-12-16" in refused.value.message.render()
    assert session.scalars(select(AssessmentSession)).all() == []
    sitting = practical_session(session, world, plan, confirm=False)
    with pytest.raises(ValidationFailed) as refused:
        update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room=sitting.room,
                       starts_at=at(PRACTICAL_DAY + timedelta(days=1), 9), duration_minutes=120)
    assert refused.value.field == "day" and sitting.starts_at == at(PRACTICAL_DAY, 9)


def test_no_score_before_the_room_starts(session, world, closed):
    plan, _ = closed
    sitting = theory_session(session, world, plan)
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id))
    with pytest.raises(InvalidTransition) as refused:
        save_score(session, actor=world.staff, now=at(THEORY_DAY, 8), score_id=cell.id, value="70",
                   expected_version=0)
    assert "2026-12-15 09:00" in refused.value.message.render() and "理论考场 301" in refused.value.message.render()
    assert cell.value is None
    save_score(session, actor=world.staff, now=at(THEORY_DAY, 9), score_id=cell.id, value="70", expected_version=0)
    assert cell.value == 70


def test_no_sign_off_before_the_room_ends(session, world, closed):
    plan, _ = closed
    sitting = theory_session(session, world, plan)
    for cell in session.scalars(select(Score).where(Score.session_id == sitting.id)):
        save_score(session, actor=world.staff, now=at(THEORY_DAY, 10), score_id=cell.id, value="70",
                   expected_version=0)
    with pytest.raises(InvalidTransition) as refused:
        sign_off_session(session, actor=world.assessors[3], now=at(THEORY_DAY, 10), sitting_id=sitting.id)
    assert refused.value.field == "sign_off" and "2026-12-15 11:00" in refused.value.message.render()
    assert sitting.status == "confirmed"
    sign_off_session(session, actor=world.assessors[3], now=at(THEORY_DAY, 11), sitting_id=sitting.id)
    assert sitting.status == "signed_off"


def test_plan_milestones_agree(session, world, closed):
    plan, _ = closed
    practical_session(session, world, plan, confirm=False)
    with pytest.raises(ValidationFailed) as refused:  # the room is on the 16th
        schedule_component(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                           exam_on=date(2026, 12, 18))
    assert refused.value.field == "exam_on" and plan.component("practical").exam_on == PRACTICAL_DAY
    assert "实训车间 A 2026-12-16" in refused.value.message.render()
    draft = make_plan(session, world, status="draft", level=3)
    with pytest.raises(ValidationFailed) as refused:
        schedule_component(session, actor=world.staff, now=NOW, plan_id=draft.id, component="theory",
                           exam_on=date(2026, 11, 20))
    assert refused.value.field == "exam_on" and "before today" in refused.value.message.render()
