"""No hostile query string gives a 500: integers in query strings are bounded like path ids.

Every GET route without path arguments is requested with each hostile value under every query argument name
the views read (found by reading app/web and app/api, so a new filter is covered without editing this test),
as an administrator and as the staff roles whose lists an administrator cannot open.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.web.access import public
from app.web.query import INT64_MAX, parse_integer
from tests.conftest import csrf_token_from, login
from tests.factories import bearer_headers, make_user

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ["99999999999999999999", "-1", "1e5", "１２", "0x10", "", "9223372036854775808", "1" * 19, " 7", "0"]
READ = re.compile(r"""(?:args\.get|query_integer|query_choice|query_page)\((?:request\.args,\s*)?["'](\w+)["']""")
SKIP = {"auth.logout", "static", "bootstrap.static"}  # logging out would end the walk


def query_names() -> list[str]:
    """Every query argument name a view reads."""
    names = {"page"}
    for folder in ("app/web", "app/api"):
        for path in (ROOT / folder).rglob("*.py"):
            names.update(READ.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def get_routes(app, *, api: bool) -> list[str]:
    """Paths of the GET routes (of the API, or of the web pages) that take no path arguments."""
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and rule.endpoint not in SKIP
                   and rule.rule.startswith("/api/") == api})


def walk(client, paths, names, headers=None) -> list[tuple[str, str, int]]:
    """Request every path with every hostile value, all names at once and each name alone; the 500s."""
    failures = []
    for path in paths:
        queries = [{name: value for name in names} for value in HOSTILE]
        queries += [{name: value} for name in names for value in HOSTILE[:1]]
        for query in queries:
            response = client.get(path, query_string=query, headers=headers or {})
            if response.status_code >= 500:
                failures.append((path, str(query)[:80], response.status_code))
    return failures


def test_the_walk_reads_the_integer_filters_the_issue_named():
    names = query_names()
    assert {"page", "scheme_id", "occupation_id", "institution_id", "project_id", "demand_id", "person_id",
            "window", "limit", "offset"} <= set(names)


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "institution_staff", "evaluation_staff", "enterprise_hr"])
def test_no_hostile_query_value_gives_a_500_on_any_page(app, client, session, role):
    user = make_user(session, role)
    session.commit()
    assert login(client, user.username).status_code == 302
    paths = get_routes(app, api=False)
    assert len(paths) > 40 and "/people" in paths and "/reports/funnel" in paths
    failures = walk(client, paths, query_names())
    assert failures == []


@pytest.mark.slow
def test_no_hostile_query_value_gives_a_500_on_the_api(app, client, session):
    headers = bearer_headers(session, make_user(session, "admin"))
    session.commit()
    paths = get_routes(app, api=True)
    assert "/api/v1/people" in paths and "/api/v1/classes" in paths
    failures = walk(client, paths, query_names(), headers)
    assert failures == []


@pytest.mark.parametrize(("path", "name"), [("/people", "page"), ("/reports/subsidies", "scheme_id"),
                                            ("/reports/funnel", "occupation_id"), ("/demands", "occupation_id")])
@pytest.mark.parametrize("value", HOSTILE)
def test_the_pages_in_the_issue_show_unfiltered(client, session, path, name, value):
    user = make_user(session, "admin")
    session.commit()
    login(client, user.username)
    response = client.get(path, query_string={name: value})
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "1e5", "１２", "0x10", ""])
def test_the_api_refuses_a_malformed_integer_filter_with_422(client, session, value):
    headers = bearer_headers(session, make_user(session, "admin"))
    session.commit()
    response = client.get("/api/v1/classes", query_string={"project_id": value}, headers=headers)
    assert response.status_code == 422
    assert response.is_json and "project_id" in response.get_data(as_text=True)


def test_the_api_still_takes_a_good_integer_filter(client, session):
    headers = bearer_headers(session, make_user(session, "admin"))
    session.commit()
    assert client.get("/api/v1/people", query_string={"limit": "5", "offset": "0"}, headers=headers).status_code == 200


@given(st.integers(min_value=0, max_value=10**18 - 1))
def test_plain_digits_up_to_18_are_read_as_written(value):
    assert parse_integer(str(value)) == value
    assert parse_integer(str(value).zfill(18)) == value


@given(st.integers(min_value=10**18, max_value=10**40))
def test_19_digits_or_more_are_absent(value):
    assert parse_integer(str(value)) is None


@given(st.text())
def test_anything_else_is_absent_or_a_bounded_plain_number(raw):
    value = parse_integer(raw)
    if value is None:
        assert not (raw.isascii() and raw.isdigit() and len(raw) <= 18)
    else:
        assert raw.isascii() and raw.isdigit() and len(raw) <= 18 and int(raw) == value <= INT64_MAX


@pytest.mark.parametrize("raw", ["-1", "+1", "1e5", "１２", "٣", "0x10", "", " 7", "7 ", "7\n", "1_000", None])
def test_signs_exponents_full_width_digits_and_spaces_are_absent(raw):
    assert parse_integer(raw) is None


@pytest.mark.parametrize(("url", "field"), [("/certificates/issue/enrolment", "source_id"),
                                            ("/certificates/issue/apprenticeship", "source_id"),
                                            ("/certificates/jobs", "scope_id")])
def test_a_huge_posted_id_is_refused_not_a_500(app, client, session, url, field):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    staff = make_user(session, "institution_staff")
    session.commit()
    login(client, staff.username)
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    data = {"csrf_token": token, "source_id": "9" * 25, "scope_type": "training_class", "scope_id": "9" * 25}
    data[field] = "9" * 25
    response = client.post(url, data=data)
    assert response.status_code in (302, 400, 404, 422)
    assert response.headers["Content-Security-Policy"]


def test_a_number_too_large_for_the_database_is_a_400_page(app, client, session):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/test-overflow")
    @public
    def overflow():
        from app.accounts.models import User
        from app.extensions import db

        return str(db.session.get(User, 10**30))

    response = client.get("/test-overflow")
    assert response.status_code == 400 and response.headers["Content-Security-Policy"]
