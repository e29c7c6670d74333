"""Rate limits that fit who is asking: the public per address, signed-in users and API tokens per organisation.

An HR officer checking candidates one by one must not be held to what an anonymous address may do; an
organisation's users and tokens share one budget; every 429 says when to try again (page and Retry-After) and,
on the verification pages, points to bulk checking.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from limits import parse
from sqlalchemy import select

from app.accounts.models import User
from app.database import utcnow
from app.demo import load_demo
from app.extensions import db, limiter
from config import Config
from tests.conftest import csrf_token_from, login
from tests.demo_world import close_app, open_app
from tests.factories import bearer_headers, make_user

MISS_NUMBER = "S000021000101264000001"  # the form's example: well formed, held by nobody named 王某某


@pytest.fixture(scope="module")
def demo_app(migrated_database, tmp_path_factory):
    """The demo data (hr_sy of 沈阳北方数控, hr_dl of another firm, inst_sy of a training institution) and a
    second HR officer of hr_sy's firm, hr_sy_2."""
    app = open_app(migrated_database, tmp_path_factory.mktemp("limits"))
    with app.app_context():
        load_demo(db.session, now=utcnow())
        officer = db.session.scalar(select(User).where(User.username == "hr_sy"))
        make_user(db.session, "enterprise_hr", org=officer.organisation, username="hr_sy_2")
        db.session.commit()
        db.session.remove()
    yield app
    close_app(app)


@pytest.fixture
def limited(demo_app, monkeypatch):
    """The demo app with empty rate-limit counters and the default limits (a test may set others)."""
    for name in ("PUBLIC_LIMIT", "ORG_VERIFY_LIMIT"):
        monkeypatch.setitem(demo_app.config, name, getattr(Config, name))
    with demo_app.app_context():
        limiter.reset()
    return demo_app


def _token_headers(app, username: str) -> dict[str, str]:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        headers = bearer_headers(db.session, user)
        db.session.remove()
    return headers


def _check(client, token: str):
    """One single check through the public form (a well-formed number with a name that matches nothing: a miss
    is a check too)."""
    return client.post("/verify", data={"csrf_token": token, "number": MISS_NUMBER, "name": "王某某"})


def _form_token(client) -> str:
    page = client.get("/verify")
    assert page.status_code == 200
    return csrf_token_from(page.get_data(as_text=True))


def _public_limit(app) -> int:
    return parse(app.config["PUBLIC_LIMIT"]).amount


def test_a_signed_in_hr_officer_makes_100_checks_while_the_public_stops_at_the_address_limit(limited):
    officer = limited.test_client()
    assert login(officer, "hr_sy").status_code == 302
    token = _form_token(officer)
    statuses = [_check(officer, token).status_code for _ in range(100)]
    assert statuses == [404] * 100  # every check answered, none refused
    assert officer.get("/verify").status_code == 200

    # The officer's checks did not spend the address's budget: the public from the same address has all of it.
    public = limited.test_client()
    token = _form_token(public)  # the form page is a public request too
    limit = _public_limit(limited)
    assert [_check(public, token).status_code for _ in range(limit - 1)] == [404] * (limit - 1)
    refused = _check(public, token)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert _check(officer, _form_token(officer)).status_code == 404  # the officer goes on


def test_users_and_tokens_of_one_organisation_share_its_configurable_budget(limited, monkeypatch):
    app = limited
    monkeypatch.setitem(app.config, "ORG_VERIFY_LIMIT", "6 per hour")
    headers = _token_headers(app, "hr_sy_2")
    officer, colleague, elsewhere = app.test_client(), app.test_client(), app.test_client()
    for client, username in ((officer, "hr_sy"), (colleague, "hr_sy_2"), (elsewhere, "hr_dl")):
        assert login(client, username).status_code == 302
    officer_token, colleague_token = _form_token(officer), _form_token(colleague)
    assert [_check(officer, officer_token).status_code for _ in range(3)] == [404] * 3
    assert [_check(colleague, colleague_token).status_code for _ in range(2)] == [404] * 2
    api = app.test_client().get("/api/v1/verify?number=S000021000101264000001&name=x", headers=headers)
    assert api.status_code == 404  # the sixth check of the organisation, by its API token

    refused = _check(colleague, colleague_token)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "每 1小时 最多 6 次" in refused.get_data(as_text=True)  # the organisation's limit, not the address's
    assert _check(officer, officer_token).status_code == 429
    refused_api = app.test_client().get("/api/v1/verify?number=S000021000101264000001&name=x", headers=headers)
    assert refused_api.status_code == 429 and refused_api.get_json()["code"] == "rate_limited"
    # The empty form checks nothing and stays open; another organisation and the public keep their budgets.
    assert officer.get("/verify").status_code == 200
    assert _check(elsewhere, _form_token(elsewhere)).status_code == 404
    public = app.test_client()
    assert _check(public, _form_token(public)).status_code == 404


def test_the_default_organisation_limit_allows_at_least_600_checks_an_hour():
    limit = parse(Config.ORG_VERIFY_LIMIT)
    assert limit.amount * 3600 / limit.get_expiry() >= 600


def _exhaust_public(app, client) -> str:
    """Spend the address's whole budget (the form page, then checks); returns the form's CSRF token."""
    token = _form_token(client)
    for _ in range(_public_limit(app) - 1):
        assert _check(client, token).status_code == 404
    return token


def _shown_time(html: str) -> datetime:
    (clock,) = re.findall(r"\b(\d\d:\d\d:\d\d)\b", html)
    return datetime.strptime(clock, "%H:%M:%S")


def _assert_retry_time(html: str, retry_after: int) -> None:
    """The page names the local time at which the Retry-After seconds run out (within the request's second)."""
    expected = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) + timedelta(seconds=retry_after)
    shown = _shown_time(html).replace(year=expected.year, month=expected.month, day=expected.day)
    assert abs((shown - expected).total_seconds()) <= 2 or abs((shown - expected).total_seconds()) >= 86398


def test_the_429_page_says_when_to_retry_and_links_bulk_checking_in_chinese(limited):
    client = limited.test_client()
    refused = _check(client, _exhaust_public(limited, client))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    retry_after = int(refused.headers["Retry-After"])
    assert "请求过于频繁" in html and "同一网络地址每 1分钟 最多 30 次核验" in html
    assert re.search(r"请在 \d\d:\d\d:\d\d（约 \d+秒钟?后）再试。", html)
    _assert_retry_time(html, retry_after)
    assert 'id="bulk-link" href="/verify/bulk"' in html and "批量核验" in html
    assert "企业人力资源人员可以登录" in html


def test_the_429_page_says_when_to_retry_and_links_bulk_checking_in_english(limited):
    client = limited.test_client()
    client.set_cookie("jiangcai_lang", "en")
    _exhaust_public(limited, client)
    refused = client.get(f"/v/{secrets.token_urlsafe(16)}")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many requests" in html and "limited to 30 per 1 minute" in html
    assert re.search(r"Please try again at \d\d:\d\d:\d\d \(in about \d+ seconds?\)\.", html)
    _assert_retry_time(html, int(refused.headers["Retry-After"]))
    assert 'id="bulk-link" href="/verify/bulk"' in html and "Bulk verification" in html
    assert "请" not in html.split("<main", 1)[1]  # the page body is all English


def test_a_signed_in_user_who_may_not_bulk_check_gets_no_bulk_link(limited, monkeypatch):
    app = limited
    monkeypatch.setitem(app.config, "ORG_VERIFY_LIMIT", "1 per hour")
    officer, staff = app.test_client(), app.test_client()
    login(officer, "hr_sy")
    login(staff, "inst_sy")
    token = _form_token(officer)
    assert _check(officer, token).status_code == 404
    refused = _check(officer, token)
    assert refused.status_code == 429 and 'id="bulk-link"' in refused.get_data(as_text=True)
    token = _form_token(staff)
    assert _check(staff, token).status_code == 404
    refused = _check(staff, token)
    assert refused.status_code == 429 and 'id="bulk-link"' not in refused.get_data(as_text=True)
    assert 'id="retry-at"' in refused.get_data(as_text=True)


def test_the_api_429_has_retry_after_and_a_json_body_in_the_request_language(limited):
    client = limited.test_client()
    for _ in range(_public_limit(limited)):
        assert client.get("/api/v1/verify?number=S000021000101264000001&name=x").status_code == 404
    refused = client.get("/api/v1/verify?number=S000021000101264000001&name=x")
    assert refused.status_code == 429 and refused.mimetype == "application/json"
    body = refused.get_json()
    assert body["code"] == "rate_limited" and body["status"] == 429
    assert body["retry_after"] == int(refused.headers["Retry-After"]) and 0 < body["retry_after"] <= 60
    assert "最多 30 次" in body["error"] and "再试" in body["error"]
    english = client.get("/api/v1/verify?number=S000021000101264000001&name=x", headers={"Accept-Language": "en"}).get_json()
    assert english["code"] == "rate_limited" and "limited to 30 per 1 minute" in english["error"]
    assert "try again" in english["error"]


def test_a_token_that_is_not_valid_spends_the_address_budget_and_is_refused(limited):
    client = limited.test_client()
    bad = {"Authorization": "Bearer jc_not-a-real-token"}
    statuses = [client.get("/api/v1/verify?number=S000021000101264000001&name=x", headers=bad).status_code
                for _ in range(_public_limit(limited))]
    assert statuses == [401] * _public_limit(limited)
    assert client.get("/api/v1/verify?number=S000021000101264000001&name=x", headers=bad).status_code == 429


def test_other_limits_keep_their_429_with_the_retry_time_and_no_bulk_link(limited):
    client = limited.test_client()
    client.set_cookie("jiangcai_lang", "en")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    attempts = [client.post("/login", data={"csrf_token": token, "username": "inst_sy", "password": "wrong"})
                for _ in range(6)]
    assert [a.status_code for a in attempts] == [422] * 5 + [429]  # 5 failed logins a minute per account
    html = attempts[-1].get_data(as_text=True)
    assert re.search(r"Please try again at \d\d:\d\d:\d\d \(in about \d+ seconds?\)\.", html)
    assert int(attempts[-1].headers["Retry-After"]) > 0
    assert 'id="bulk-link"' not in html and 'id="rate-limit"' not in html
