"""Every route declares who may use it; anonymous visitors reach only public pages."""

import pytest
from werkzeug.routing import BuildError

from app.web.access import PUBLIC, access_rule_for

DUMMY_ARGS = {"integer": 1, "int": 1, "string": "x", "default": "x", "path": "x/y", "uuid": "00000000-0000-0000-0000-000000000000"}


def rule_urls(app):
    for rule in app.url_map.iter_rules():
        args = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__.removesuffix("Converter").lower()
            args[name] = DUMMY_ARGS.get(kind, "x")
        yield rule, args


def test_every_route_declares_an_access_rule(app):
    missing = [r.endpoint for r in app.url_map.iter_rules() if access_rule_for(app, r.endpoint) is None]
    assert missing == []
    assert len(list(app.url_map.iter_rules())) > 10


def test_anonymous_requests_never_reach_non_public_pages(app, client):
    reached = []
    for rule, args in rule_urls(app):
        if access_rule_for(app, rule.endpoint)[0] == PUBLIC:
            continue
        try:
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **args)
        except BuildError:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            redirected_to_login = response.status_code == 302 and "/login" in response.headers["Location"]
            if not (redirected_to_login or response.status_code in (400, 401, 403)):
                reached.append(f"{method} {url} -> {response.status_code}")
    assert reached == []


def test_a_route_without_a_rule_is_refused(app, client):
    app.add_url_rule("/undeclared", "undeclared", lambda: "secret")
    response = client.get("/undeclared")
    assert response.status_code == 403
    assert b"secret" not in response.data


def test_role_rules_refuse_other_roles(app, client, session):
    from tests.conftest import login
    from tests.factories import make_user

    make_user(session, "enterprise_hr", username="hr1")
    session.commit()
    login(client, "hr1")
    assert client.get("/admin/users/new").status_code == 403
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("path", ["/login", "/lang/en"])
def test_public_pages_are_reachable_anonymously(client, path):
    assert client.get(path).status_code in (200, 302)
