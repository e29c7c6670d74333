"""An error page that fails itself falls back to the app's layout with the security headers, never a bare 500.

The failure seen in issue #16: a view closed its session, then failed; the error page read the signed-in user's
organisation through that closed session (DetachedInstanceError) and Werkzeug answered with its own bare page.
"""

import pytest

from app.extensions import db
from app.web.access import authenticated, current_actor, public
from tests.conftest import csrf_token_from, login
from tests.factories import make_user
from tests.training.factories import completed_trainee, make_class

BARE = "The server encountered an internal error"  # Werkzeug's own 500 page


@pytest.fixture
def failing_app(app):
    """The app with a page that fails after closing its session, as the batch start did with Redis down."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not by raising into the test

    @app.get("/test-fails-detached")
    @authenticated
    def fails_detached():
        current_actor()
        db.session.commit()  # expires the signed-in user's attributes ...
        db.session.close()  # ... and detaches it: the error page cannot read them back
        raise RuntimeError("failure after the session was closed")

    @app.get("/api/v1/test-fails")
    @public
    def api_fails():
        raise RuntimeError("failure in the API")

    return app


def _assert_layout_page(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert BARE not in html
    assert 'class="navbar' in html and "Something went wrong on our side" in html  # the app's layout, English
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert response.headers["X-Frame-Options"] == "DENY" and response.headers["Cache-Control"] == "no-store"
    assert "failure after" not in html  # no exception text for the user


def test_a_failing_error_page_falls_back_to_the_layout_with_headers(failing_app, client, session):
    user = make_user(session, "institution_staff")
    session.commit()
    login(client, user.username)
    client.set_cookie("jiangcai_lang", "en")
    _assert_layout_page(client.get("/test-fails-detached", headers={"Accept-Language": "en"}))


def test_an_unexpected_failure_starting_a_batch_is_a_page_in_the_layout(failing_app, client, session):
    staff = make_user(session, "institution_staff")
    training_class = make_class(session, staff)
    completed_trainee(session, staff, training_class)
    session.commit()

    def exploding(*args):
        raise RuntimeError("queue exploded")

    failing_app.extensions["huey_tasks"]["issue_batch"] = exploding
    login(client, staff.username)
    client.set_cookie("jiangcai_lang", "en")
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    response = client.post("/certificates/jobs", data={"csrf_token": token, "scope_type": "training_class",
                                                        "scope_id": str(training_class.id)},
                           headers={"Accept-Language": "en"})
    _assert_layout_page(response)


def test_the_api_answers_json_with_headers(failing_app, client, session):
    response = client.get("/api/v1/test-fails")
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["status"] == 500
    assert response.headers["X-Content-Type-Options"] == "nosniff"
