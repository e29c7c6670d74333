"""API: placements, follow-ups, due list and report figures, with data scope and the OpenAPI document."""

from datetime import date, timedelta

import pytest

from app.people.access import add_access
from tests.factories import NOW, bearer_headers, make_user
from tests.placement.factories import assess, award, enrol, make_chain, people

TODAY = NOW.date()


@pytest.fixture
def chain(session):
    c = make_chain(session, headcount=1)
    for person in people(session, c, 2):
        enrol(session, c, person)
        add_access(session, person_id=person.id, organisation_id=c.enterprise.id, reason="granted", now=NOW)
    assess(session, c, c.people[0], passed=True)
    award(session, c.people[0], on=date(2026, 3, 20))
    session.commit()
    return c


def test_placement_to_retention_through_the_api(client, session, chain):
    hr = bearer_headers(session, chain.hr)
    start = TODAY - timedelta(days=200)
    created = client.post("/api/v1/placements", headers=hr, json={
        "person_id": chain.people[0].id, "demand_id": chain.demand.id, "start_date": start.isoformat(),
        "contract_months": 24, "monthly_wage": 5600})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert [f["months"] for f in body["follow_ups"]] == [3, 6, 12] and body["registered"] is False
    demand = client.get(f"/api/v1/demands/{chain.demand.id}", headers=hr).get_json()
    assert demand["status"] == "filled" and demand["pipeline"]["placed"] == 1
    due = client.get("/api/v1/follow-ups/due", headers=hr).get_json()["items"]
    assert [(d["months"], d["overdue"]) for d in due] == [(3, True), (6, True)]
    refused = client.post(f"/api/v1/placements/{body['id']}/follow-ups", headers=hr, json={
        "months": 6, "outcome": "retained", "checked_on": TODAY.isoformat(), "evidence_kind": "social_insurance"})
    assert refused.status_code == 422 and refused.get_json()["field"] == "reference"
    for months in (3, 6):
        ok = client.post(f"/api/v1/placements/{body['id']}/follow-ups", headers=hr, json={
            "months": months, "outcome": "retained", "checked_on": TODAY.isoformat(),
            "evidence_kind": "social_insurance", "reference": f"SB-{months}"})
        assert ok.status_code == 200
    assert ok.get_json()["follow_ups"][1]["outcome"] == "retained"
    session.rollback()  # drop the stale read snapshot before writing (SQLite WAL)
    admin = bearer_headers(session, chain.admin)
    report = client.get("/api/v1/reports/funnel?window=6", headers=admin).get_json()
    assert [s["count"] for s in report["steps"]] == [1, 2, 2, 1, 1, 1, 1, 1]
    assert report["classes"][0]["employed"] == 1 and report["classes"][0]["tier_percent"] == 60
    ladder = client.get("/api/v1/reports/ladder?by=occupation", headers=admin).get_json()
    assert ladder["rows"][0]["counts"]["intermediate"] == 1


def test_scope_and_roles(client, session, chain):
    hr = bearer_headers(session, chain.hr)
    created = client.post("/api/v1/placements", headers=hr, json={
        "person_id": chain.people[1].id, "start_date": TODAY.isoformat(), "contract_months": 12,
        "monthly_wage": 5000, "job_title": "电工"}).get_json()
    session.rollback()
    other = bearer_headers(session, make_user(session, "enterprise_hr"))
    assert client.get(f"/api/v1/placements/{created['id']}", headers=other).status_code == 404
    assert client.get("/api/v1/placements", headers=other).get_json()["items"] == []
    assert client.get("/api/v1/reports/funnel", headers=hr).status_code == 403
    session.rollback()
    staff = bearer_headers(session, chain.staff)
    assert [p["id"] for p in client.get("/api/v1/placements", headers=staff).get_json()["items"]] == [created["id"]]
    assert client.get("/api/v1/reports/funnel?quarter=nope", headers=staff).status_code == 422
    spec = client.get("/api/v1/openapi.json").get_json()
    for path in ("/placements", "/placements/{placement_id}/follow-ups", "/follow-ups/due", "/reports/funnel",
                 "/reports/ladder"):
        assert path in spec["paths"]
