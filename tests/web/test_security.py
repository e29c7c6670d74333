"""Security headers, CSRF and error pages."""

from sqlalchemy import func, select

from app.accounts.models import Organisation
from tests.conftest import login
from tests.factories import make_user


def test_security_headers_on_every_response(client):
    for path in ("/login", "/nowhere", "/static/css/app.css"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_bootstrap_is_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    assert "cdn." not in html and "https://" not in html.split("<body")[0]
    with client.get("/bootstrap/static/css/bootstrap.min.css") as response:
        assert response.status_code == 200


def test_form_without_csrf_token_is_refused_with_no_change(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    before = session.scalar(select(func.count()).select_from(Organisation))
    response = client.post("/admin/organisations/new", data={
        "kind": "enterprise", "name": "无令牌公司", "uscc": "91110000600037341L"})
    assert response.status_code == 400
    assert "表单已过期" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Organisation)) == before


def test_login_without_csrf_token_is_refused(client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    response = client.post("/login", data={"username": "boss", "password": "Jiangcai2026!"})
    assert response.status_code in (200, 400)
    assert client.get("/dashboard").status_code == 302


def test_server_errors_show_no_traceback(app, client):
    from app.web.access import public

    def explode():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/explode", "explode", public(explode))
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/explode")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in html and "secret internal detail" not in html
    assert "系统出现错误" in html


def test_not_found_page_is_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
