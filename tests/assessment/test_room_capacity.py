"""A room's seats: a room opened with a capacity takes at most that many candidates, adding or moving a candidate
into a full room is refused (naming the room, its capacity and what to do), the capacity is edited like the
room's time until its first score (a reasoned, audited correction afterwards) and never below the candidates
already placed; the rooms list and the room page show "placed / capacity"."""

import re

import pytest
from sqlalchemy import select

from app.assessment.result_models import Score
from app.assessment.rooms import move_candidate, update_session
from app.assessment.scoring import save_score
from app.assessment.staffing import add_candidate, create_session, remove_candidate
from app.audit.models import AuditEvent
from app.errors import ValidationFailed
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    at,
    close,
    registered_plan,
    theory_session,
)
from tests.conftest import login, post_form
from tests.factories import NOW


@pytest.fixture
def closed(session, world):
    plan, regs = registered_plan(session, world, people=5)
    close(session, world, plan)
    return plan, regs


def _room(session, world, plan, name="实训车间 A", **kwargs):
    return create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical", room=name,
                          starts_at=at(PRACTICAL_DAY, 9), **kwargs)


def _events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_room_with_a_capacity_takes_at_most_that_many_candidates(session, world, closed):
    plan, regs = closed
    first = _room(session, world, plan, capacity=3)
    assert first.capacity == 3 and len(first.candidates) == 3
    second = _room(session, world, plan, name="实训车间 B")  # no capacity: the rest
    assert second.capacity is None and len(second.candidates) == 2
    [event] = [e for e in _events(session, "assessment_session.create") if e.object_id == str(first.id)]
    assert event.new_value["capacity"] == 3 and event.new_value["candidates"] == 3
    with pytest.raises(ValidationFailed) as refused:
        _room(session, world, plan, name="实训车间 C", capacity=0)
    assert refused.value.field == "capacity"


def test_adding_or_moving_a_candidate_into_a_full_room_is_refused(session, world, closed):
    plan, regs = closed
    full = _room(session, world, plan, capacity=2)
    other = _room(session, world, plan, name="实训车间 B")
    waiting = other.candidates[0].registration_id
    remove_candidate(session, actor=world.staff, now=NOW, sitting_id=other.id, registration_id=waiting)
    with pytest.raises(ValidationFailed) as refused:
        add_candidate(session, actor=world.staff, now=NOW, sitting_id=full.id, registration_id=waiting)
    text = refused.value.message.render()
    assert refused.value.field == "registration_id"
    assert "实训车间 A" in text and "2 seats" in text and "another room" in text and "raise" in text
    with pytest.raises(ValidationFailed) as refused:
        move_candidate(session, actor=world.staff, now=NOW, sitting_id=other.id,
                       registration_id=other.candidates[0].registration_id, to_sitting_id=full.id)
    assert refused.value.field == "to_sitting_id" and "实训车间 A is full" in refused.value.message.render()
    assert len(full.candidates) == 2
    # Raising the capacity makes room for one more.
    update_session(session, actor=world.staff, now=NOW, sitting_id=full.id, room=full.room,
                   starts_at=full.starts_at, duration_minutes=full.duration_minutes, capacity=3)
    add_candidate(session, actor=world.staff, now=NOW, sitting_id=full.id, registration_id=waiting)
    session.expire(full, ["candidates"])
    assert len(full.candidates) == 3
    [event] = _events(session, "assessment_session.update")
    assert (event.old_value["capacity"], event.new_value["capacity"]) == (2, 3)


def test_capacity_is_never_below_the_candidates_placed(session, world, closed):
    plan, _ = closed
    sitting = _room(session, world, plan, capacity=4)
    with pytest.raises(ValidationFailed) as refused:
        update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room=sitting.room,
                       starts_at=sitting.starts_at, duration_minutes=120, capacity=3)
    assert refused.value.field == "capacity" and "already has 4 candidates" in refused.value.message.render()
    assert sitting.capacity == 4
    update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room=sitting.room,
                   starts_at=sitting.starts_at, duration_minutes=120, capacity=None)
    assert sitting.capacity is None
    # Leaving the capacity out of a correction keeps it.
    update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room=sitting.room,
                   starts_at=sitting.starts_at, duration_minutes=120, capacity=5)
    update_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id, room="实训车间 D",
                   starts_at=sitting.starts_at, duration_minutes=120)
    assert sitting.capacity == 5


def test_capacity_of_a_room_with_scores_is_a_reasoned_correction(session, world, closed):
    plan, _ = closed
    sitting = theory_session(session, world, plan)
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id))
    save_score(session, actor=world.staff, now=AFTER_EXAMS, score_id=cell.id, value="70", expected_version=0)
    with pytest.raises(ValidationFailed) as refused:
        update_session(session, actor=world.staff, now=AFTER_EXAMS, sitting_id=sitting.id, room=sitting.room,
                       starts_at=sitting.starts_at, duration_minutes=120, capacity=30)
    assert refused.value.field == "reason" and sitting.capacity is None
    update_session(session, actor=world.staff, now=AFTER_EXAMS, sitting_id=sitting.id, room=sitting.room,
                   starts_at=sitting.starts_at, duration_minutes=120, capacity=30, reason="考场实有座位 30 个，补登")
    [event] = _events(session, "assessment_session.correct")
    assert (event.old_value["capacity"], event.new_value["capacity"]) == (None, 30)
    assert event.note == "考场实有座位 30 个，补登"


def _placed_text(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'class="[^"]*seat-count[^"]*"[^>]*>([^<]*)<', html)]


def test_pages_show_placed_over_capacity_and_refuse_in_both_languages(client, session, world, closed):
    plan, regs = closed
    full = _room(session, world, plan, capacity=2)
    other = _room(session, world, plan, name="实训车间 B")
    waiting = other.candidates[0].registration_id
    remove_candidate(session, actor=world.staff, now=NOW, sitting_id=other.id, registration_id=waiting)
    session.commit()
    login(client, world.staff.username)
    listing = client.get(f"/assessment/plans/{plan.id}/sessions").get_data(as_text=True)
    assert _placed_text(listing) == ["2 / 2", "2"] and 'name="capacity"' in listing
    room_page = client.get(f"/assessment/sessions/{full.id}").get_data(as_text=True)
    assert _placed_text(room_page) == ["2 / 2"] and 'id="room-full"' in room_page

    client.set_cookie("jiangcai_lang", "en")
    refused = post_form(client, f"/assessment/sessions/{full.id}/candidates", {"registration_id": str(waiting)},
                        form_url=f"/assessment/sessions/{full.id}")
    assert refused.status_code == 422
    assert "Room 实训车间 A is full: it has 2 seats and 2 candidates" in refused.get_data(as_text=True)
    edit = f"/assessment/sessions/{full.id}/edit"
    lowered = post_form(client, edit, {"room": full.room, "day": "2026-12-16", "start": "09:00",
                                       "duration_minutes": "120", "capacity": "1"})
    assert lowered.status_code == 422 and "already has 2 candidates" in lowered.get_data(as_text=True)

    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"/assessment/sessions/{full.id}/candidates", {"registration_id": str(waiting)},
                        form_url=f"/assessment/sessions/{full.id}")
    assert refused.status_code == 422 and "考场实训车间 A已满" in refused.get_data(as_text=True)
    raised = post_form(client, edit, {"room": full.room, "day": "2026-12-16", "start": "09:00",
                                      "duration_minutes": "120", "capacity": "3"})
    assert raised.status_code == 302
    added = post_form(client, f"/assessment/sessions/{full.id}/candidates", {"registration_id": str(waiting)},
                      form_url=f"/assessment/sessions/{full.id}")
    assert added.status_code == 302
    assert _placed_text(client.get(f"/assessment/sessions/{full.id}").get_data(as_text=True)) == ["3 / 3"]
