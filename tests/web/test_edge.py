"""The web edge's one way of running an action, its safe redirects and its error handlers."""

import ast
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from markupsafe import escape
from sqlalchemy import func, select

import app.errors as errors
from app.accounts.models import Organisation
from app.accounts.services import create_organisation
from app.database import utcnow
from app.demand.services import change_demand_status
from app.errors import DomainError, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.extensions import db
from app.translation import N_, in_chinese
from app.web.access import public
from app.web.actions import attempt
from app.web.redirects import safe_next
from tests.conftest import login, post_form
from tests.factories import NOW, make_user, valid_uscc
from tests.placement.factories import make_chain, people, place

WEB = Path(__file__).resolve().parents[2] / "app" / "web"


def _domain_error_names() -> set[str]:
    """DomainError and every subclass defined in app.errors (NotFound, NotAllowed, ValidationFailed, …)."""
    return {name for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, DomainError)}


def _caught_names(node: ast.expr | None) -> set[str]:
    if node is None:
        return set()
    if isinstance(node, ast.Tuple):
        return set().union(*(_caught_names(element) for element in node.elts))
    if isinstance(node, ast.Attribute):
        return {node.attr}
    if isinstance(node, ast.Name):
        return {node.id}
    return set()


def domain_error_handlers(root: Path = WEB) -> list[str]:
    """`file:line` of every `except` in `root` that catches a DomainError (alone or in a tuple)."""
    forbidden = _domain_error_names()
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ExceptHandler) and _caught_names(node.type) & forbidden:
                found.append((path, node.lineno))
    return [f"{path.relative_to(root.parents[1]).as_posix()}:{line}" for path, line in sorted(found)]


def test_no_view_catches_a_domain_error():
    # Views run actions through app.web.actions.attempt; NotFound/NotAllowed go to the app-level handlers.
    offenders = [place for place in domain_error_handlers() if not place.startswith("app/web/actions.py")]
    assert offenders == [], "views catching DomainError (use attempt()/form_status()): " + ", ".join(offenders)


def test_the_scan_sees_every_form_of_the_handler(tmp_path):
    (tmp_path / "views.py").write_text(
        "try:\n    pass\nexcept DomainError:\n    pass\n"
        "try:\n    pass\nexcept (ValueError, errors.NotFound) as e:\n    pass\n"
        "try:\n    pass\nexcept ValueError:\n    pass\n", encoding="utf-8")
    assert [place.rsplit(":", 1)[1] for place in domain_error_handlers(tmp_path)] == ["3", "7"]


# --- safe redirects -----------------------------------------------------------------------------------------

OFF_SITE = ["//evil.example", "//evil.example/people", "///evil.example", "/\\evil.example", "\\\\evil.example",
            "/\\/evil.example", "https://evil.example", "http://evil.example/people", "javascript:alert(1)",
            "JavaScript:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/\t/evil.example",
            " //evil.example", "https:evil.example", "people"]


def lands_on_this_site(location: str) -> bool:
    parts = urlsplit(location)
    return (parts.scheme in ("", "http") and parts.netloc in ("", "localhost") and location.startswith("/")
            and not location.startswith("//") and "\\" not in location and not parts.path.startswith("//"))


@pytest.mark.parametrize("target", OFF_SITE)
def test_safe_next_refuses_anything_off_site(app, target):
    with app.test_request_context("/"):
        chosen = safe_next(target, "/dashboard")
    assert lands_on_this_site(chosen)
    assert chosen in ("/dashboard", target)  # "/%2F%2Fevil.example" is a path on this site and may stay


@pytest.mark.parametrize("target", ["/people", "/people?q=%E6%9D%8E&page=2", "/placements/3#follow-ups"])
def test_safe_next_follows_a_path_on_this_site(app, target):
    with app.test_request_context("/"):
        assert safe_next(target, "/dashboard") == target


def test_safe_next_falls_back_to_the_home_page(app):
    with app.test_request_context("/"):
        assert safe_next(None) == "/" and safe_next("") == "/" and safe_next("//evil.example") == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_language_switch_never_leaves_the_site(client, target):
    response = client.get(f"/lang/en?next={quote(target, safe='')}")
    assert response.status_code == 302 and lands_on_this_site(response.headers["Location"])


def test_language_switch_goes_back_to_the_page(client):
    response = client.get(f"/lang/en?next={quote('/people?q=1', safe='')}")
    assert response.status_code == 302 and response.headers["Location"] == "/people?q=1"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_next_never_leaves_the_site(client, session, target):
    make_user(session, "institution_staff", username="teacher")
    session.commit()
    response = post_form(client, f"/login?next={quote(target, safe='')}",
                         {"username": "teacher", "password": "Jiangcai2026!"})
    assert response.status_code == 302 and lands_on_this_site(response.headers["Location"])


def test_login_follows_next_to_the_page_asked_for(client, session):
    make_user(session, "institution_staff", username="teacher")
    session.commit()
    asked = client.get("/people")
    assert asked.status_code == 302 and "/login?next=/people" in asked.headers["Location"]
    response = post_form(client, "/login?next=/people", {"username": "teacher", "password": "Jiangcai2026!"})
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert client.get("/people").status_code == 200


# --- NotFound / NotAllowed from a service ------------------------------------------------------------------

PROBE_NAME = "回滚探针机构"


def _add_probe_route(app, seen: dict) -> None:
    """A route that writes, then meets a service's NotFound/NotAllowed, inside attempt() or not."""

    @public
    def probe(kind: str, where: str):
        create_organisation(db.session, actor=None, now=NOW, kind="enterprise", name=PROBE_NAME, uscc=valid_uscc(),
                            city_code="2101")
        error = NotFound(N_("No such record.")) if kind == "missing" else NotAllowed(N_("Not for your role."))
        if where == "attempt":
            with attempt():
                raise error
        raise error

    @app.after_request
    def _look(response):
        seen["rows_in_view_session"] = db.session.scalar(
            select(func.count()).select_from(Organisation).where(Organisation.name == PROBE_NAME))
        return response

    app.add_url_rule("/_probe/<kind>/<where>", "probe", probe)


@pytest.mark.parametrize("where", ["attempt", "bare"])
@pytest.mark.parametrize(("kind", "status"), [("missing", 404), ("forbidden", 403)])
def test_service_not_found_and_not_allowed_answer_404_and_403_after_a_rollback(app, session, kind, status, where):
    seen: dict = {}
    _add_probe_route(app, seen)
    response = app.test_client().get(f"/_probe/{kind}/{where}")
    assert response.status_code == status
    assert seen["rows_in_view_session"] == 0  # the write before the refusal was rolled back by the handler
    assert session.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == PROBE_NAME)) == 0


@pytest.mark.parametrize("url", ["/people/999999", "/placements/999999", "/demands/999999",
                                 "/admin/organisations/999999", "/catalog/occupations/999999",
                                 "/catalog/standards/999999/rules"])
def test_a_record_out_of_reach_is_a_404(client, session, url):
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    assert client.get(url).status_code == 404


# --- a refused form ----------------------------------------------------------------------------------------

BAD_USCC = "91110000600037341X"


def test_a_refused_form_answers_422_and_shows_the_message_once_on_its_field(client, session):
    with pytest.raises(ValidationFailed) as info:
        create_organisation(session, actor=None, now=NOW, kind="enterprise", name="辽宁测试重工有限公司",
                            uscc=BAD_USCC, city_code="2101")
    session.rollback()
    assert info.value.field == "uscc"
    message = str(escape(in_chinese(info.value.message)))
    make_user(session, "admin", username="boss")
    session.commit()
    login(client, "boss")
    response = post_form(client, "/admin/organisations/new", {
        "kind": "enterprise", "name": "辽宁测试重工有限公司", "uscc": BAD_USCC, "city_code": "2101"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert html.count(message) == 1  # on the field, not flashed as well
    assert html.index('name="uscc"') < html.index(message) < html.index('name="city_code"')
    assert 'value="辽宁测试重工有限公司"' in html


def test_a_refused_one_click_action_is_flashed_once(client, session):
    chain = make_chain(session)
    session.commit()
    demand_id = chain.demand.id
    change_demand_status(session, actor=chain.hr, now=utcnow(), demand_id=demand_id, to_status="closed",
                         reason="The post was cancelled")
    session.commit()
    with pytest.raises(InvalidTransition) as info:
        change_demand_status(session, actor=chain.hr, now=utcnow(), demand_id=demand_id, to_status="open")
    session.rollback()
    message = str(escape(in_chinese(info.value.message)))
    login(client, chain.hr.username)
    response = post_form(client, f"/demands/{demand_id}/status", {"to_status": "open"},
                         form_url=f"/demands/{demand_id}", follow_redirects=True)
    assert response.status_code == 422  # the demand page again, refusal flashed once
    assert response.get_data(as_text=True).count(message) == 1


def test_a_follow_up_with_a_malformed_month_is_a_shape_error_not_a_crash(client, session):
    chain = make_chain(session)
    person = people(session, chain, 1)[0]
    placement = place(session, chain, person, start=date(2026, 1, 5))
    session.commit()
    login(client, chain.hr.username)
    url = f"/placements/{placement.id}"
    response = post_form(client, f"{url}/follow-up", {"months": "three", "outcome": "retained",
                                                      "checked_on": "2026-04-05", "reference": "SB-1"}, form_url=url)
    assert response.status_code == 422 and 'id="follow-up-form"' in response.get_data(as_text=True)
