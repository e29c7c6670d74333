"""Competitions in the JSON API: listing, entering, a judge's sheet with stale saves refused (409), results."""

from sqlalchemy import select

from app.competitions.models import Mark
from tests.competitions.factories import make_event, marking_event, signed_off
from tests.factories import bearer_headers


def test_list_event_and_enter_with_refusals(client, session, world):
    event = make_event(session, world)
    headers = bearer_headers(session, world.hr)
    listed = client.get("/api/v1/competitions", headers=headers).get_json()
    assert listed["items"][0]["events"][0]["id"] == event.id
    shown = client.get(f"/api/v1/competitions/events/{event.id}", headers=headers).get_json()
    assert [a["code"] for s in shown["sections"] for a in s["aspects"]] == ["A1", "A2", "B1"]
    made = client.post(f"/api/v1/competitions/events/{event.id}/entries", headers=headers,
                       json={"person_id": world.people[0].id})
    assert made.status_code == 201 and made.get_json()["admission_number"].endswith("0001")
    again = client.post(f"/api/v1/competitions/events/{event.id}/entries", headers=headers,
                        json={"person_id": world.people[0].id})
    assert again.status_code == 409 and again.get_json()["field"] == "person_id"
    wrong = client.post(f"/api/v1/competitions/events/{event.id}/entries", headers=headers,
                        json={"person_id": "x"})
    assert wrong.status_code == 422
    session.rollback()
    other = client.get(f"/api/v1/competitions/events/{event.id}/entries",
                       headers=bearer_headers(session, world.other_hr)).get_json()
    assert other["items"] == []


def test_judge_sheet_save_and_stale_conflict(client, session, world):
    event = marking_event(session, world)
    session.commit()
    headers = bearer_headers(session, world.judges[0])
    sheet = client.get(f"/api/v1/competitions/events/{event.id}/sheet", headers=headers).get_json()
    assert len(sheet["cells"]) == 3 * len(world.people) and all(c["others"] is None for c in sheet["cells"])
    cell = sheet["cells"][0]
    body = {"marks": [{"mark_id": cell["mark_id"], "value": "2", "version": cell["version"]}]}
    saved = client.put(f"/api/v1/competitions/events/{event.id}/sheet", headers=headers, json=body)
    assert saved.status_code == 200
    stale = client.put(f"/api/v1/competitions/events/{event.id}/sheet", headers=headers,
                       json={"marks": [{"mark_id": cell["mark_id"], "value": "1", "version": cell["version"]}]})
    assert stale.status_code == 409
    session.rollback()
    assert session.get(Mark, cell["mark_id"]).value == 2
    outsider = bearer_headers(session, world.hr)
    assert client.get(f"/api/v1/competitions/events/{event.id}/sheet", headers=outsider).status_code == 404
    assert session.scalar(select(Mark.id).where(Mark.event_id == event.id, Mark.judge_id == world.hr.id)) is None


def test_results_once_signed_off(client, session, world):
    event = signed_off(session, world)
    session.commit()
    results = client.get(f"/api/v1/competitions/events/{event.id}/results",
                         headers=bearer_headers(session, world.admin)).get_json()
    assert [r["place"] for r in results["items"]] == [1, 2, 3, 4]
    assert results["items"][0]["medal"] == "gold"
