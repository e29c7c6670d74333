"""The plan's milestones keep their order: registration deadline < exam dates < results notice. A deadline
moved on or after an exam date is refused on its field; results are not published before the plan's last exam
has ended, even when the last room is one without candidates or scores, or a component has no room yet."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentSession
from app.assessment.plans import change_registration_deadline, transition_plan
from app.assessment.result_models import Score
from app.assessment.results import publish_results
from app.assessment.scoring import save_score, sign_off_session
from app.audit.models import AuditEvent
from app.errors import InvalidTransition, ValidationFailed
from tests.assessment.factories import (
    DEADLINE,
    PRACTICAL_DAY,
    THEORY_DAY,
    at,
    close,
    make_plan,
    practical_session,
    registered_plan,
    theory_session,
)
from tests.conftest import login, post_form
from tests.factories import NOW


def _move(session, world, plan, day):
    return change_registration_deadline(session, actor=world.staff, now=NOW, plan_id=plan.id,
                                        registration_deadline=day)


def test_the_deadline_moves_only_before_every_exam_date(session, world):
    plan = make_plan(session, world)
    _move(session, world, plan, date(2026, 12, 12))
    assert plan.registration_deadline == date(2026, 12, 12)
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment_plan.deadline")).all()
    assert (event.old_value, event.new_value) == ({"registration_deadline": DEADLINE.isoformat()},
                                                  {"registration_deadline": "2026-12-12"})
    for day in (THEORY_DAY, PRACTICAL_DAY, date(2026, 12, 20)):
        with pytest.raises(ValidationFailed) as refused:
            _move(session, world, plan, day)
        text = refused.value.message.render()
        assert refused.value.field == "registration_deadline" and "must be before the exam date of" in text
        assert THEORY_DAY.isoformat() in text and "move the exam date first" in text
    with pytest.raises(ValidationFailed) as refused:
        _move(session, world, plan, date(2026, 11, 1))
    assert refused.value.field == "registration_deadline" and "before today" in refused.value.message.render()
    assert plan.registration_deadline == date(2026, 12, 12)


def test_the_deadline_is_fixed_once_registration_closes(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    with pytest.raises(InvalidTransition) as refused:
        _move(session, world, plan, date(2026, 12, 11))
    assert refused.value.field == "registration_deadline" and plan.registration_deadline == DEADLINE


@pytest.mark.parametrize(("lang", "words"), [("en", "must be before the exam date of"), ("zh", "必须早于")])
def test_the_plan_page_shows_the_refusal_on_the_deadline(client, session, world, lang, words):
    plan = make_plan(session, world)
    session.commit()
    login(client, world.staff.username)
    client.set_cookie("jiangcai_lang", lang)
    url = f"/assessment/plans/{plan.id}"
    refused = post_form(client, f"{url}/deadline", {"registration_deadline": "2026-12-15"}, form_url=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="deadline-error"' in html and words in html
    assert 'value="2026-12-15"' in html  # the date typed stays on the field
    session.rollback()
    assert plan.registration_deadline == DEADLINE
    saved = post_form(client, f"{url}/deadline", {"registration_deadline": "2026-12-11"}, form_url=url)
    assert saved.status_code == 302
    session.rollback()
    assert plan.registration_deadline == date(2026, 12, 11)


def _local(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour - 8, minute, tzinfo=UTC)  # Beijing is UTC+8


def _score_and_sign(session, world, rooms, now):
    for cell in session.scalars(select(Score)):
        marker = next(a.user for a in cell.session.assignments if a.user_id == cell.marker_id) if cell.marker_id \
            else world.staff
        save_score(session, actor=marker, now=now, score_id=cell.id, value="80", expected_version=0)
    for room in rooms:
        sign_off_session(session, actor=world.assessors[3], now=now, sitting_id=room.id)


def test_results_wait_for_the_end_of_the_last_room_even_without_scores(session, world):
    plan, _ = registered_plan(session, world, people=2)
    close(session, world, plan)
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    rooms = [theory_session(session, world, plan), practical_session(session, world, plan)]
    late = AssessmentSession(plan_id=plan.id, plan_component_id=rooms[1].plan_component_id, room="实训车间 下午",
                             starts_at=at(PRACTICAL_DAY, 15), duration_minutes=120, status="confirmed",
                             created_at=NOW)
    session.add(late)  # the afternoon room: its candidates went elsewhere, nothing to score or sign
    session.flush()
    _score_and_sign(session, world, rooms, _local(PRACTICAL_DAY, 11, 30))
    with pytest.raises(InvalidTransition) as refused:
        publish_results(session, actor=world.staff, now=_local(PRACTICAL_DAY, 16), plan_id=plan.id)
    text = refused.value.message.render()
    assert "实训车间 下午" in text and "2026-12-16 17:00" in text
    assert plan.status == "in_progress" and plan.published_on is None
    publish_results(session, actor=world.staff, now=_local(PRACTICAL_DAY, 17), plan_id=plan.id)
    assert plan.status == "results_published" and plan.published_on == PRACTICAL_DAY
    assert plan.registration_deadline < THEORY_DAY < PRACTICAL_DAY <= plan.published_on < plan.notice_ends_on


def test_results_wait_for_the_last_exam_date_when_a_component_has_no_room(session, world):
    plan, _ = registered_plan(session, world, people=1)
    close(session, world, plan)
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    theory = theory_session(session, world, plan)
    _score_and_sign(session, world, [theory], _local(THEORY_DAY, 12))
    with pytest.raises(InvalidTransition) as refused:
        publish_results(session, actor=world.staff, now=_local(THEORY_DAY, 14), plan_id=plan.id)
    assert "last exam date is 2026-12-16" in refused.value.message.render()
    assert plan.status == "in_progress"
