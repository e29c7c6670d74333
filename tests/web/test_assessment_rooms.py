"""Room pages: editing a room (refused outside the plan's dates, a reason once scored) and deleting an empty one."""

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentSession
from app.assessment.result_models import Score
from app.assessment.scoring import save_score
from app.assessment.staffing import create_session, remove_candidate
from app.audit.models import AuditEvent
from app.web import actions as web_actions
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    THEORY_DAY,
    at,
    close,
    make_world,
    registered_plan,
    theory_session,
)
from tests.conftest import login, post_form
from tests.factories import NOW


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def _form(day, start="09:00", room="实训车间 B", duration="120", **extra):
    return {"room": room, "day": day.isoformat(), "start": start, "duration_minutes": duration, **extra}


def test_room_is_edited_on_its_page_and_a_wrong_date_is_refused_on_the_field(client, session, world):
    plan, _ = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9))
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/sessions/{sitting.id}/edit"
    assert f'href="{url}"' in client.get(f"/assessment/sessions/{sitting.id}").get_data(as_text=True)
    refused = post_form(client, url, _form(THEORY_DAY))
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "2026-12-16" in html and "is-invalid" in html.split('name="day"')[1][:200] + html.split('id="day"')[0][-200:]
    session.rollback()
    assert session.get(AssessmentSession, sitting.id).room == "实训车间 A"
    assert post_form(client, url, _form(PRACTICAL_DAY, start="13:30")).status_code == 302
    session.rollback()
    saved = session.get(AssessmentSession, sitting.id)
    assert saved.room == "实训车间 B" and saved.starts_at == at(PRACTICAL_DAY, 13).replace(minute=30)


def test_scored_room_needs_a_reason_on_the_page(client, session, world, monkeypatch):
    monkeypatch.setattr(web_actions, "utcnow", lambda: AFTER_EXAMS)
    plan, _ = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = theory_session(session, world, plan)
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id))
    save_score(session, actor=world.staff, now=AFTER_EXAMS, score_id=cell.id, value="70", expected_version=0)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/sessions/{sitting.id}/edit"
    assert 'id="room-scored"' in client.get(url).get_data(as_text=True)
    assert post_form(client, url, _form(THEORY_DAY, room="理论考场 305")).status_code == 422
    response = post_form(client, url, _form(THEORY_DAY, room="理论考场 305", reason="门牌登记错误，实际在 305"))
    assert response.status_code == 302
    session.rollback()
    assert session.get(AssessmentSession, sitting.id).room == "理论考场 305"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment_session.correct"))
    assert event.note == "门牌登记错误，实际在 305" and event.old_value["room"] == "理论考场 301"


def test_only_an_empty_room_is_deleted_after_the_confirmation_step(client, session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9))
    session.commit()
    sitting_id = sitting.id
    login(client, world.staff.username)
    page_url = f"/assessment/sessions/{sitting_id}"
    assert 'id="delete-session"' not in client.get(page_url).get_data(as_text=True)
    refused = post_form(client, f"{page_url}/delete", {}, form_url=page_url)
    assert refused.status_code == 302 and refused.location.endswith(page_url)
    session.rollback()
    assert session.get(AssessmentSession, sitting.id) is not None
    remove_candidate(session, actor=world.staff, now=NOW, sitting_id=sitting.id, registration_id=regs[0].id)
    session.commit()
    page = client.get(page_url).get_data(as_text=True)
    assert 'id="delete-session"' in page and "<details" in page.split('id="delete-session"')[0][-120:]
    deleted = post_form(client, f"{page_url}/delete", {}, form_url=page_url)
    assert deleted.status_code == 302 and deleted.location.endswith(f"/assessment/plans/{plan.id}/sessions")
    session.rollback()
    assert session.get(AssessmentSession, sitting_id) is None


def test_candidate_is_moved_to_another_room_on_the_page(client, session, world):
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    first = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                           room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9), max_candidates=1)
    second = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                            room="实训车间 B", starts_at=at(PRACTICAL_DAY, 9))
    session.commit()
    ids, moved = (first.id, second.id), second.candidates[0].registration_id
    login(client, world.staff.username)
    page_url = f"/assessment/sessions/{ids[1]}"
    assert f'id="move-candidate-{moved}"' in client.get(page_url).get_data(as_text=True)
    response = post_form(client, f"{page_url}/candidates/{moved}/move", {"to_sitting_id": ids[0]}, form_url=page_url)
    assert response.status_code == 302
    session.rollback()
    assert sorted(c.registration_id for c in session.get(AssessmentSession, ids[0]).candidates) == \
        sorted(r.id for r in regs)
    assert session.get(AssessmentSession, ids[1]).candidates == []
