"""Every form-handling route refuses a POST without a CSRF token and changes nothing."""

from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import BuildError

from app.extensions import db
from tests.conftest import login
from tests.factories import make_user

ARGS = {"integer": 1, "int": 1, "string": "x", "default": "x", "path": "x/y"}


def row_counts(session) -> dict[str, int]:
    session.rollback()
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_every_post_route_refuses_a_missing_csrf_token(app, client, session):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    before = row_counts(session)
    checked = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.startswith("api."):
            continue
        args = {name: ARGS.get(type(conv).__name__.removesuffix("Converter").lower(), "x")
                for name, conv in rule._converters.items()}
        try:
            with app.test_request_context():
                url = url_for(rule.endpoint, **args)
        except BuildError:
            continue
        response = client.post(url, data={"name": "x", "username": "x"})
        assert response.status_code == 400, f"{url} answered {response.status_code} without a CSRF token"
        checked.append(url)
    assert len(checked) >= 8
    assert row_counts(session) == before
