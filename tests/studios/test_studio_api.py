"""Studios in the JSON API: scope, refusals with the field at fault, ledger, apprentices' certificates, overview."""

from datetime import date

import pytest
from sqlalchemy import func, select

from app.people.models import HeldCertificate
from app.studios.models import FundEntry, Studio
from tests.factories import NOW, bearer_headers, make_org, make_user
from tests.placement.factories import award
from tests.studios.factories import listed_studio, make_host, master_worker
from tests.training.factories import trainee


@pytest.fixture
def world(session, app):
    host = make_host(session)
    studio = listed_studio(session, host, app.config["FILE_STORAGE_DIR"])
    other = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    session.commit()
    return host, studio, {"hr": bearer_headers(session, host.hr), "admin": bearer_headers(session, host.admin),
                          "other": bearer_headers(session, other)}


def test_list_and_detail_are_scoped(client, world):
    _host, studio, tokens = world
    mine = client.get("/api/v1/studios", headers=tokens["hr"]).get_json()
    assert [s["id"] for s in mine["items"]] == [studio.id]
    assert client.get("/api/v1/studios", headers=tokens["other"]).get_json() == {"items": []}
    assert client.get(f"/api/v1/studios/{studio.id}", headers=tokens["other"]).status_code == 404
    assert client.get("/api/v1/studios/overview", headers=tokens["hr"]).status_code == 403
    overview = client.get("/api/v1/studios/overview", headers=tokens["admin"]).get_json()
    assert overview["by_tier"] == [{"kind": "studio", "tier": "national", "count": 1}]


def test_create_refuses_a_leader_below_technician(client, session, world):
    host, _studio, tokens = world
    junior = master_worker(session, host.hr, grade="senior", name="孙师傅")
    session.commit()
    body = {"kind": "studio", "name": "孙师傅工作室", "tier": "city", "occupations": "钳工", "leader_id": junior.id}
    refused = client.post("/api/v1/studios", json=body, headers=tokens["hr"])
    assert refused.status_code == 422 and refused.get_json()["field"] == "leader_id"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Studio)) == 1
    body["leader_id"] = host.master.id
    created = client.post("/api/v1/studios", json=body, headers=tokens["hr"])
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    studio_id = created.get_json()["id"]
    assert client.post(f"/api/v1/studios/{studio_id}/submit", headers=tokens["hr"]).status_code == 422
    assert client.post(f"/api/v1/studios/{studio_id}/approve", headers=tokens["hr"]).status_code == 403


def test_ledger_and_apprentices_through_the_api(client, session, world):
    host, studio, tokens = world
    url = f"/api/v1/studios/{studio.id}"
    grant = client.post(f"{url}/ledger", headers=tokens["admin"], json={
        "source": "provincial", "amount": "100000", "dated_on": "2026-02-01", "description": "一次性资助"})
    assert grant.status_code == 200
    over = client.post(f"{url}/ledger", headers=tokens["hr"], json={
        "source": "provincial", "amount": "100000.01", "dated_on": "2026-03-01", "description": "超支",
        "category": "equipment"})
    assert over.status_code == 422 and over.get_json()["field"] == "amount"
    spent = client.post(f"{url}/ledger", headers=tokens["hr"], json={
        "source": "provincial", "amount": "2000", "dated_on": "2026-03-01", "description": "耗材",
        "category": "equipment"}).get_json()
    assert spent["balances"] == [{"source": "provincial", "granted": "100000.00", "spent": "2000.00",
                                  "balance": "98000.00"}]
    assert spent["flagged_spending"] == 1
    session.rollback()
    apprentice = trainee(session, host.hr, name="郑徒弟")
    session.commit()
    made = client.post(f"{url}/apprentices", headers=tokens["hr"], json={
        "master_id": host.master.id, "apprentice_id": apprentice.id, "start_on": "2026-02-01",
        "end_on": "2028-01-31"})
    assert made.status_code == 200
    session.rollback()
    award(session, apprentice, on=date(2026, 9, 1), digit=3, grade="senior")
    session.add(HeldCertificate(person_id=apprentice.id, number="S000021000010263000777", number_format="national",
                                occupation_code="6-31-01-03", occupation_name="电工", level_digit=3,
                                issue_date=date(2026, 9, 1), issuer_name="沈阳市职业技能鉴定中心",
                                source="issued_here", created_at=NOW))
    session.commit()
    detail = client.get(url, headers=tokens["hr"]).get_json()
    [row] = detail["apprentices"]
    assert row["levels_reached"][0]["grade"] == "senior"
    assert row["certificates"][0]["number"] == "S000021000010263000777"
    problem = client.post(f"{url}/activities", headers=tokens["hr"], json={
        "kind": "problem", "title": "攻关", "dated_on": "2026-05-01"})
    assert problem.status_code == 422 and problem.get_json()["field"] == "benefit"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(FundEntry)) == 2


def test_rounds_through_the_api_enforce_the_cap(client, session, world, app):
    from app.studios.models import StudioAssessment
    from tests.studios.factories import busy_year

    host, studio, tokens = world
    busy_year(session, host, studio, app.config["FILE_STORAGE_DIR"])
    session.commit()
    assert client.post("/api/v1/studio-rounds", json={"year": 2026}, headers=tokens["hr"]).status_code == 403
    opened = client.post("/api/v1/studio-rounds", json={"year": 2026, "cap_percent": 20}, headers=tokens["admin"])
    assert opened.status_code == 201
    body = opened.get_json()
    [entry] = body["entries"]
    assert body["excellent_allowed"] == 0 and entry["measured"]["apprentices"] == 10
    again = client.post("/api/v1/studio-rounds", json={"year": 2026}, headers=tokens["admin"])
    assert again.status_code == 409
    bad = client.post(f"/api/v1/studio-assessments/{entry['id']}/panel", headers=tokens["admin"],
                      json={"scores": {"plan_and_rules": "NaN", "influence": 5}})
    assert bad.status_code == 422 and bad.get_json()["field"] == "plan_and_rules"
    scored = client.post(f"/api/v1/studio-assessments/{entry['id']}/panel", headers=tokens["admin"],
                         json={"scores": {"plan_and_rules": 10, "influence": "9.5"}})
    assert scored.get_json()["entries"][0]["total"] == "99.5"
    capped = client.post(f"/api/v1/studio-assessments/{entry['id']}/grade", headers=tokens["admin"],
                         json={"grade": "excellent"})
    assert capped.status_code == 422 and capped.get_json()["field"] == "grade"
    session.rollback()
    assert session.get(StudioAssessment, entry["id"]).grade is None
    graded = client.post(f"/api/v1/studio-assessments/{entry['id']}/grade", headers=tokens["admin"],
                         json={"grade": "pass"})
    assert graded.get_json()["entries"][0]["grade"] == "pass"
    closed = client.post(f"/api/v1/studio-rounds/{body['id']}/close", headers=tokens["admin"])
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    listed = client.get("/api/v1/studio-rounds", headers=tokens["admin"]).get_json()
    assert [r["id"] for r in listed["items"]] == [body["id"]]
