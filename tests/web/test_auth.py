"""Login, logout, session replay, password change and login throttling."""

from sqlalchemy import func, select

from app.accounts.models import LoginSession
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import make_user


def make_hr(session, username="hr1"):
    user = make_user(session, "enterprise_hr", username=username)
    session.commit()
    return user


def test_login_shows_dashboard_and_logout_ends_session(client, session):
    make_hr(session)
    response = login(client, "hr1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "企业人力资源" in client.get("/dashboard").get_data(as_text=True)
    post_form(client, "/logout", {}, form_url="/dashboard")
    assert client.get("/dashboard").status_code == 302


def test_wrong_password_keeps_username_and_says_so(client, session):
    make_hr(session)
    response = login(client, "hr1", "Wrong-password-1")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "用户名或密码错误" in html
    assert 'value="hr1"' in html


def test_replaying_the_old_cookie_after_logout_fails(app, client, session):
    make_hr(session)
    login(client, "hr1")
    stolen = client.get_cookie("jiangcai_session").value
    post_form(client, "/logout", {}, form_url="/dashboard")
    attacker = app.test_client()
    attacker.set_cookie("jiangcai_session", stolen)
    response = attacker.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_logs_out_other_sessions(app, client, session):
    make_hr(session)
    other_device = app.test_client()
    login(other_device, "hr1")
    assert other_device.get("/dashboard").status_code == 200
    login(client, "hr1")
    response = post_form(client, "/account/password", {
        "current_password": "Jiangcai2026!", "new_password": "Brand-new-pass-9", "confirm": "Brand-new-pass-9"})
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200  # this session continues with a fresh token
    assert other_device.get("/dashboard").status_code == 302


def test_rejected_password_change_keeps_the_form_and_names_the_field(client, session):
    make_hr(session)
    login(client, "hr1")
    response = post_form(client, "/account/password", {
        "current_password": "Jiangcai2026!", "new_password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "密码至少 10 个字符" in response.get_data(as_text=True)


def test_failed_logins_are_throttled_per_account_and_address(app, session):
    make_hr(session)
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    statuses = [login(attacker, "hr1", f"Wrong-pass-{i}").status_code for i in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    blocked = login(attacker, "hr1", "Jiangcai2026!")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert login(owner, "hr1").status_code == 302  # the real owner, elsewhere, still gets in


def test_successful_logins_do_not_count_against_the_limit(app, session):
    make_hr(session)
    client = app.test_client()
    for _ in range(8):
        assert login(client, "hr1").status_code == 302
        post_form(client, "/logout", {}, form_url="/dashboard")
    count = session.scalar(select(func.count()).select_from(LoginSession))
    assert count == 8


def test_open_redirects_after_login_are_refused(client, session):
    make_hr(session)
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "username": "hr1", "password": "Jiangcai2026!"})
    assert response.status_code == 302 and "evil.example" not in response.headers["Location"]
