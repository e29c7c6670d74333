"""API tokens expire (90 days by default, at most 365), expired or revoked ones answer 401 with a reason, and a
password change revokes every token of the user."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.api_tokens import create_api_token
from app.accounts.logins import change_password
from app.accounts.models import ApiToken
from app.database import utcnow
from app.errors import ValidationFailed
from config import Config
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import PASSWORD, make_user


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_lifetime_defaults_to_ninety_days_and_is_capped():
    assert (Config.API_TOKEN_DAYS, Config.API_TOKEN_MAX_DAYS) == (90, 365)


def test_a_new_token_expires_after_the_default_or_chosen_days(session):
    user, now = make_user(session, "admin"), utcnow()
    row, _token = create_api_token(session, actor=user, now=now, name="HR system")
    assert row.expires_at == now + timedelta(days=90)
    row, _token = create_api_token(session, actor=user, now=now, name="Short", days=7)
    assert row.expires_at == now + timedelta(days=7)
    for days in (0, 366):
        with pytest.raises(ValidationFailed) as refused:
            create_api_token(session, actor=user, now=now, name="Too long", days=days)
        assert refused.value.field == "days" and refused.value.message.params == {"days": 365}


def test_an_expired_token_answers_401_with_a_clear_message(client, session):
    user = make_user(session, "admin")
    _row, token = create_api_token(session, actor=user, now=utcnow() - timedelta(days=91), name="old")
    _row, fresh = create_api_token(session, actor=user, now=utcnow(), name="new")
    session.commit()
    response = client.get("/api/v1/occupations", headers={**_headers(token), "Accept-Language": "en"})
    assert response.status_code == 401 and response.is_json
    assert "expired on" in response.get_json()["detail"]
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    chinese = client.get("/api/v1/occupations", headers={**_headers(token), "Accept-Language": "zh-CN"})
    assert chinese.status_code == 401 and "过期" in chinese.get_json()["detail"]
    assert client.get("/api/v1/occupations", headers=_headers(fresh)).status_code == 200


def test_a_password_change_revokes_every_token_of_the_user(client, session):
    user, other = make_user(session, "admin"), make_user(session, "admin")
    _row, first = create_api_token(session, actor=user, now=utcnow(), name="one")
    _row, second = create_api_token(session, actor=user, now=utcnow(), name="two")
    _row, colleague = create_api_token(session, actor=other, now=utcnow(), name="theirs")
    session.commit()
    assert client.get("/api/v1/occupations", headers=_headers(first)).status_code == 200
    change_password(session, actor=user, now=utcnow(), current_password=PASSWORD, new_password="Brand-new-pass-9",
                    lifetime=timedelta(hours=1))
    session.commit()
    for token in (first, second):
        response = client.get("/api/v1/occupations", headers={**_headers(token), "Accept-Language": "en"})
        assert response.status_code == 401 and "revoked on" in response.get_json()["detail"]
    assert client.get("/api/v1/occupations", headers=_headers(colleague)).status_code == 200
    revoked = session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == user.id)).all()
    assert len(revoked) == 2 and all(revoked)


def test_changing_the_password_on_the_web_revokes_the_tokens(client, session):
    user = make_user(session, "enterprise_hr", username="hr_tokens")
    _row, token = create_api_token(session, actor=user, now=utcnow(), name="link")
    session.commit()
    login(client, "hr_tokens")
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"})
    assert response.status_code == 302
    assert client.get("/api/v1/occupations", headers=_headers(token)).status_code == 401


def test_the_tokens_page_offers_a_lifetime_and_refuses_one_too_long(client, session):
    make_user(session, "enterprise_hr", username="hr_page")
    session.commit()
    login(client, "hr_page")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert 'name="days"' in page and 'value="90"' in page
    token = csrf_token_from(page)
    refused = client.post("/account/tokens", data={"csrf_token": token, "name": "forever", "days": "1000"})
    assert refused.status_code == 422
    made = client.post("/account/tokens", data={"csrf_token": token, "name": "month", "days": "30"})
    assert made.status_code == 200 and 'id="new-token"' in made.get_data(as_text=True)
    session.rollback()
    row = session.scalar(select(ApiToken).where(ApiToken.name == "month"))
    assert row.expires_at - row.created_at == timedelta(days=30)
