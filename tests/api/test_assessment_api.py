"""Assessment through the API: plans in scope, registrations, versioned score edits (409), publish, finalise."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from sqlalchemy import select

from app.api import assessment as assessment_api
from app.assessment.plans import transition_plan
from app.assessment.result_models import Score, ScoreEvent
from app.assessment.scoring import save_score, sign_off_session
from app.audit.models import AuditEvent
from tests.assessment.factories import (
    AFTER_EXAMS,
    WELDER,
    close,
    eligible_person,
    make_plan,
    make_world,
    practical_session,
    registered_plan,
    theory_session,
)
from tests.factories import NOW, bearer_headers, make_evaluation_org, make_user


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def at_now(value: datetime):
    """Freeze the API's clock (services take 'now' from the edge)."""
    return mock.patch("app.api.assessment.utcnow", return_value=value)


def test_create_and_read_plans_in_scope(client, session, world):
    headers = bearer_headers(session, world.staff)
    welder, electrician = world.occupation(session, WELDER), world.occupation(session, "6-31-01-03")
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210008"))
    other_headers = bearer_headers(session, other)
    with at_now(NOW):
        created = client.post("/api/v1/plans", headers=headers, json={
            "occupation_id": welder.id, "level_digit": 4, "registration_deadline": "2026-12-10", "venue": "沈阳",
            "fee_yuan": "380", "exam_dates": {"theory": "2026-12-15", "practical": "2026-12-16"}})
    assert created.status_code == 201
    body = created.get_json()
    assert body["occupation_code"] == WELDER and [c["component"] for c in body["components"]] == ["theory", "practical"]
    assert client.get(f"/api/v1/plans/{body['id']}", headers=headers).get_json()["title"] == body["title"]
    with at_now(NOW):
        refused = client.post("/api/v1/plans", headers=headers, json={
            "occupation_id": electrician.id, "level_digit": 2,
            "registration_deadline": "2026-12-10", "venue": "沈阳"})
    assert refused.status_code == 422
    assert (refused.get_json()["code"], refused.get_json()["field"]) == ("invalid", "level_digit")
    assert "本机构未备案评价电工（6-31-01-03）二级/技师" in refused.get_json()["error"]  # Chinese by default
    assert client.get(f"/api/v1/plans/{body['id']}", headers=other_headers).status_code == 404
    assert client.get("/api/v1/plans", headers=other_headers).get_json()["items"] == []


def test_register_through_the_api(client, session, world):
    plan = make_plan(session, world)
    person = eligible_person(session, world)
    session.commit()
    headers = bearer_headers(session, world.staff)
    with at_now(NOW):
        created = client.post(f"/api/v1/plans/{plan.id}/registrations", headers=headers,
                              json={"person_id": person.id})
        again = client.post(f"/api/v1/plans/{plan.id}/registrations", headers=headers,
                            json={"person_id": person.id})
    assert created.status_code == 201 and created.get_json()["route_id"] == "A-4-2"
    assert again.status_code == 409 and (again.get_json()["code"], again.get_json()["field"]) == ("conflict", "person")
    listing = client.get(f"/api/v1/plans/{plan.id}/registrations", headers=headers).get_json()["items"]
    assert [r["name"] for r in listing] == ["王伟"] and "*" in listing[0]["id_masked"]


def test_score_edit_with_a_stale_version_is_409_and_changes_nothing(client, session, world, monkeypatch):
    monkeypatch.setattr(assessment_api, "utcnow", lambda: AFTER_EXAMS)  # scores are entered once the room starts
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    session.commit()
    examiner, leader = world.assessors[1], world.assessors[0]
    as_examiner, as_leader = bearer_headers(session, examiner), bearer_headers(session, leader)
    outsider = bearer_headers(session, world.assessors[5])
    sheet = client.get(f"/api/v1/sessions/{sitting.id}/scores", headers=as_examiner).get_json()
    mine = [c for c in sheet["items"] if c["editable"]]
    assert len(mine) == 2 and all(c["marker_id"] == examiner.id and c["version"] == 0 for c in mine)
    cell = mine[0]
    first = client.put(f"/api/v1/scores/{cell['id']}", headers=as_examiner,
                       json={"value": "77.5", "version": 0})
    assert first.status_code == 200 and first.get_json()["version"] == 1 and first.get_json()["value"] == "77.5"
    stale = client.put(f"/api/v1/scores/{cell['id']}", headers=as_leader,
                       json={"value": 80, "version": 0})
    assert stale.status_code == 409 and (stale.get_json()["code"], stale.get_json()["field"]) == ("conflict", "value")
    session.rollback()
    assert session.get(Score, cell["id"]).version == 1
    assert len(session.scalars(select(ScoreEvent)).all()) == 1
    assert client.get(f"/api/v1/sessions/{sitting.id}/scores", headers=outsider).status_code == 404
    assert client.put(f"/api/v1/scores/{cell['id']}", headers=outsider,
                      json={"value": 80, "version": 1}).status_code == 404
    bad = client.put(f"/api/v1/scores/{cell['id']}", headers=as_examiner,
                     json={"value": "80.25", "version": 1, "reason": "复核后更正"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "value"


def test_publish_then_finalise_through_the_api(client, session, world):
    plan, regs = registered_plan(session, world, people=1)
    close(session, world, plan)
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="start")
    rooms = [theory_session(session, world, plan), practical_session(session, world, plan)]
    for cell in session.scalars(select(Score)).all():
        actor = world.staff if cell.marker_id is None else next(a for a in world.assessors if a.id == cell.marker_id)
        save_score(session, actor=actor, now=AFTER_EXAMS, score_id=cell.id, value="75", expected_version=0)
    for room in rooms:
        sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=room.id)
    session.commit()
    headers = bearer_headers(session, world.staff)
    with at_now(datetime(2026, 12, 18, 2, 0, tzinfo=UTC)):
        published = client.post(f"/api/v1/plans/{plan.id}/publish", headers=headers)
        early = client.post(f"/api/v1/plans/{plan.id}/finalise", headers=headers)
    assert published.status_code == 200 and published.get_json()["notice_ends_on"] == "2026-12-25"
    assert early.status_code == 422 and early.get_json()["code"] == "invalid_transition"
    assert "2026-12-25" in early.get_json()["error"]
    with at_now(datetime(2026, 12, 28, 2, 0, tzinfo=UTC)):
        final = client.post(f"/api/v1/plans/{plan.id}/finalise", headers=headers)
    assert final.status_code == 200 and final.get_json()["status"] == "finalised"
    results = client.get(f"/api/v1/plans/{plan.id}/results", headers=headers).get_json()["items"]
    assert results[0]["passed"] and results[0]["status"] == "final" and results[0]["ready_for_certificate"]


def test_openapi_lists_the_assessment_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method in (("/plans", "get"), ("/plans", "post"), ("/plans/{plan_id}", "get"),
                         ("/plans/{plan_id}/registrations", "post"), ("/sessions/{sitting_id}/scores", "get"),
                         ("/scores/{score_id}", "put"), ("/plans/{plan_id}/results", "get"),
                         ("/plans/{plan_id}/publish", "post"), ("/plans/{plan_id}/finalise", "post")):
        assert method in document["paths"][path]
    assert "409" in document["paths"]["/scores/{score_id}"]["put"]["responses"]
    assert "AssessmentScore" in document["components"]["schemas"]


def test_absence_is_read_and_written_through_the_api(client, session, world, monkeypatch):
    monkeypatch.setattr(assessment_api, "utcnow", lambda: AFTER_EXAMS)
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    session.commit()
    examiner = world.assessors[1]
    headers = {**bearer_headers(session, examiner), "Accept-Language": "en"}
    mine = [c for c in client.get(f"/api/v1/sessions/{sitting.id}/scores", headers=headers).get_json()["items"]
            if c["editable"]]
    assert all(c["absent"] is False and c["value"] is None for c in mine)
    absent, scored = mine
    marked = client.put(f"/api/v1/scores/{absent['id']}", headers=headers, json={"absent": True, "version": 0})
    assert marked.status_code == 200
    assert (marked.get_json()["absent"], marked.get_json()["value"], marked.get_json()["version"]) == (True, None, 1)
    entered = client.put(f"/api/v1/scores/{scored['id']}", headers=headers, json={"value": "66", "version": 0})
    assert entered.status_code == 200 and entered.get_json()["absent"] is False

    # A score and absent are exclusive: both at once are refused and change nothing.
    both = client.put(f"/api/v1/scores/{scored['id']}", headers=headers,
                      json={"value": "70", "absent": True, "version": 1, "reason": "复核"})
    assert both.status_code == 422 and both.get_json()["field"] == "absent"
    assert "either a value or absent true" in both.get_json()["error"]
    chinese = client.put(f"/api/v1/scores/{scored['id']}", headers={**headers, "Accept-Language": "zh-CN"},
                         json={"value": "70", "absent": True, "version": 1, "reason": "复核"})
    assert chinese.status_code == 422 and "成绩和缺考只能二选一" in chinese.get_json()["error"]
    odd = client.put(f"/api/v1/scores/{scored['id']}", headers=headers, json={"absent": "yes", "version": 1})
    assert odd.status_code == 422 and odd.get_json()["field"] == "absent"
    nothing = client.put(f"/api/v1/scores/{scored['id']}", headers=headers, json={"version": 1})
    assert nothing.status_code == 422 and nothing.get_json()["field"] == "value"

    # Marking a scored candidate absent is a change of an entered mark: a reason, as on the sheet.
    unreasoned = client.put(f"/api/v1/scores/{scored['id']}", headers=headers, json={"absent": True, "version": 1})
    assert unreasoned.status_code == 422 and unreasoned.get_json()["field"] == "reason"
    stale = client.put(f"/api/v1/scores/{absent['id']}", headers=headers, json={"value": "50", "version": 0})
    assert stale.status_code == 409 and "absent" in stale.get_json()["error"]
    # A score typed over the absence lifts it; value null clears the cell.
    lifted = client.put(f"/api/v1/scores/{absent['id']}", headers=headers,
                        json={"value": "50", "version": 1, "reason": "考生迟到入场，实际参加考核"})
    assert lifted.status_code == 200 and (lifted.get_json()["absent"], lifted.get_json()["value"]) == (False, "50.0")
    cleared = client.put(f"/api/v1/scores/{absent['id']}", headers=headers,
                         json={"value": None, "version": 2, "reason": "录入错误，应清空"})
    assert cleared.status_code == 200, cleared.get_json()
    assert (cleared.get_json()["absent"], cleared.get_json()["value"]) == (False, None)
    session.rollback()
    stored = session.get(Score, scored["id"])
    assert (stored.absent, stored.value) == (False, 66)
    actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
               if e.action.startswith("assessment.score")]
    assert actions == ["assessment.score_absent", "assessment.score_entry", "assessment.score_entry",
                       "assessment.score_cleared"]


def test_openapi_documents_absence_on_scores(client):
    document = client.get("/api/v1/openapi.json").get_json()
    score = document["components"]["schemas"]["AssessmentScore"]
    assert "absent" in score["required"] and score["properties"]["absent"]["type"] == "boolean"
    body = document["paths"]["/scores/{score_id}"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["absent"]["type"] == "boolean" and "exclusive" in body["description"]
