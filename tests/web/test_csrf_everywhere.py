"""Every form-handling route refuses a state-changing request without a valid CSRF token and changes nothing.

The routes are found by walking app.url_map, so a new form is covered the day it is added. Each is tried
logged in (as an administrator, who passes every role check, so only CSRF can refuse) and logged out, with
no token and with a token from another session.
"""

import pytest
from flask import url_for
from sqlalchemy import func, select

from app.extensions import db
from tests.conftest import csrf_token_from, login
from tests.factories import make_user

ARGS = {"integer": 1, "int": 1, "string": "x", "unicode": "x", "default": "x", "path": "x/y", "any": "x"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSRF_MESSAGE = "表单已过期或并非来自本站"  # the Chinese of "The form expired or was not sent from this site"


def row_counts(session) -> dict[str, int]:
    session.rollback()
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def form_routes(app) -> list[tuple[str, str]]:
    """(method, URL) of every state-changing route outside the token-authenticated API."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            continue
        args = {name: ARGS[type(conv).__name__.removesuffix("Converter").lower()]
                for name, conv in rule._converters.items()}
        with app.test_request_context():
            url = url_for(rule.endpoint, **args)
        found += [(method, url) for method in sorted(rule.methods & UNSAFE)]
    return found


def assert_refused(client, routes, data):
    for method, url in routes:
        response = client.open(url, method=method, data=data)
        assert response.status_code == 400, f"{method} {url} answered {response.status_code} without a valid token"
        assert CSRF_MESSAGE in response.get_data(as_text=True), f"{method} {url} was refused for another reason"


@pytest.mark.parametrize("logged_in", [True, False])
def test_every_form_route_refuses_a_missing_or_foreign_csrf_token(app, client, session, logged_in):
    make_user(session, "admin", username="boss")
    session.commit()
    foreign = app.test_client()
    foreign_token = csrf_token_from(foreign.get("/login").get_data(as_text=True))
    if logged_in:
        login(client, "boss")
    routes = form_routes(app)
    assert len(routes) >= 40 and ("POST", "/login") in routes
    before = row_counts(session)
    assert_refused(client, routes, {"name": "x", "username": "boss", "password": "Jiangcai2026!", "reason": "x"})
    assert_refused(client, routes, {"csrf_token": foreign_token, "name": "x", "username": "boss"})
    assert row_counts(session) == before
