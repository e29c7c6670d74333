"""The worker's side over HTTP: activation, login, own pages, and nothing of anyone else's (IDOR)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from app.accounts.models import User
from app.people.account_models import ActivationCode, PersonAccount
from app.web.access import PUBLIC, access_rule_for
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import PASSWORD, bearer_headers, make_user
from tests.portal.factories import code_in, registered_person, worker_account
from tests.web.test_access import rule_urls


def _sms(app):
    return app.extensions["jiangcai_sms"]


def test_a_person_activates_an_account_and_lands_on_their_records(app, client, session):
    person, number, mobile = registered_person(session, name="李娜")
    session.commit()
    page = client.get("/me/activate")
    assert page.status_code == 200 and "csrf_token" in page.get_data(as_text=True)
    sent = post_form(client, "/me/activate", {"name": "李娜", "id_type": "resident_id", "id_number": number})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/me/activate/code")
    step2 = client.get("/me/activate/code").get_data(as_text=True)
    assert person.phone_masked in step2 and mobile not in step2
    code = code_in(_sms(app), mobile)
    done = post_form(client, "/me/activate/code", {"code": code, "username": "lina", "password": PASSWORD,
                                                   "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/me")
    home = client.get("/me").get_data(as_text=True)
    assert "李娜" in home and person.id_masked in home and number not in home
    session.rollback()
    user = session.scalar(select(User).where(User.username == "lina"))
    assert session.scalar(select(PersonAccount.person_id).where(PersonAccount.user_id == user.id)) == person.id
    # logged out and back in with the password
    post_form(client, "/logout", {}, form_url="/me")
    assert login(client, "lina").status_code == 302
    assert client.get("/dashboard").headers["Location"].endswith("/me")


def test_refused_activation_keeps_what_was_typed_and_counts_wrong_codes(app, client, session):
    person, number, mobile = registered_person(session, name="李娜")
    session.commit()
    refused = post_form(client, "/me/activate", {"name": "李四", "id_type": "resident_id", "id_number": number})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "李四" in body and number in body  # what was typed stays (the visitor typed it)
    post_form(client, "/me/activate", {"name": "李娜", "id_type": "resident_id", "id_number": number})
    code = code_in(_sms(app), mobile)
    wrong = "000000" if code != "000000" else "111111"
    response = post_form(client, "/me/activate/code", {"code": wrong, "username": "lina", "password": PASSWORD,
                                                       "confirm": PASSWORD})
    assert response.status_code == 422 and "lina" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(select(ActivationCode.attempts).where(ActivationCode.person_id == person.id)) == 1
    assert session.scalar(select(User).where(User.username == "lina")) is None


def test_activation_is_rate_limited_per_address(app, client, session):
    app.config["ACTIVATION_LIMIT"] = "3 per minute"
    _person, number, _mobile = registered_person(session)
    session.commit()
    token = csrf_token_from(client.get("/me/activate").get_data(as_text=True))
    statuses = [client.post("/me/activate", data={"csrf_token": token, "name": "王五", "id_type": "resident_id",
                                                  "id_number": number}).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_a_worker_reaches_no_staff_page_and_staff_reach_no_worker_page(app, client, session):
    worker, _person = worker_account(session, username="lina")
    other, other_person = worker_account(session, name="赵六", username="zhaoliu")
    make_user(session, "institution_staff", username="staff1")
    session.commit()
    login(client, "lina")
    reached, checked = [], 0
    for rule, args in rule_urls(app):
        if access_rule_for(app, rule.endpoint)[0] == PUBLIC or "GET" not in rule.methods:
            continue
        if getattr(app.view_functions[rule.endpoint], "worker_ok", False):
            continue
        args = {k: (other_person.id if isinstance(v, int) else v) for k, v in args.items()}
        try:
            with app.test_request_context():
                url = url_for(rule.endpoint, **args)
        except BuildError:
            continue
        status = client.get(url).status_code
        checked += 1
        if status not in (401, 403):
            reached.append(f"GET {url} -> {status}")
    assert reached == [] and checked > 100
    assert client.get(f"/people/{other_person.id}").status_code == 403
    staff = app.test_client()
    login(staff, "staff1")
    assert staff.get("/me").status_code == 403


def test_worker_api_tokens_reach_no_staff_endpoint(app, client, session):
    worker, _person = worker_account(session, username="lina")
    _other, other_person = worker_account(session, name="赵六", username="zhaoliu")
    headers = bearer_headers(session, worker)
    assert client.get(f"/api/v1/people/{other_person.id}", headers=headers).status_code == 403
    assert client.get("/api/v1/people", headers=headers).status_code == 403
    assert client.get("/api/v1/certificates", headers=headers).status_code == 403


def test_the_login_page_offers_activation(client):
    assert "/me/activate" in client.get("/login").get_data(as_text=True)
