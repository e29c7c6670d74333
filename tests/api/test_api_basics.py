"""API authentication, errors and the catalogue endpoints."""

from sqlalchemy import select

from app.accounts.models import ApiToken
from app.accounts.services import revoke_api_token
from app.catalog.seed import seed_catalog
from tests.conftest import login
from tests.factories import NOW, make_user


def test_api_needs_a_bearer_token(client):
    response = client.get("/api/v1/occupations")
    assert response.status_code == 401 and response.is_json
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert client.get("/api/v1/occupations", headers={"Authorization": "Bearer jc_forged"}).status_code == 401


def test_browser_session_does_not_authenticate_the_api(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    assert client.get("/api/v1/occupations").status_code == 401


def test_revoked_token_stops_working(client, session, api_user):
    user, headers = api_user("institution_staff")
    assert client.get("/api/v1/occupations", headers=headers).status_code == 200
    token_id = session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id))
    revoke_api_token(session, actor=user, now=NOW, token_id=token_id)
    session.commit()
    assert client.get("/api/v1/occupations", headers=headers).status_code == 401


def test_occupations_list_and_detail(client, session, api_user):
    seed_catalog(session, now=NOW)
    _user, headers = api_user("enterprise_hr")
    items = client.get("/api/v1/occupations?q=机器人", headers=headers).get_json()["items"]
    assert {o["code"] for o in items} == {"6-30-99-00", "6-31-01-10", "4-04-05-07"}
    detail = client.get("/api/v1/occupations/6-30-99-00", headers=headers).get_json()
    assert detail["levels"] == [4, 3, 2, 1]
    assert [c["component"] for c in detail["standard"]["levels"][-1]["components"]] == ["theory", "practical", "review"]
    assert "4" in detail["standard"]["eligibility_rules"]
    missing = client.get("/api/v1/occupations/9-99-99-99", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["status"] == 404


def test_openapi_document_is_public_and_lists_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert "/occupations" in document["paths"]
    assert document["paths"]["/occupations"]["get"]["security"] == [{"bearer": []}]
