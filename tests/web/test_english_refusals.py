"""Refusals in English: at least 40 distinct ones, across every feature, through the API and the web pages.

Each case is a request a real user or client could make by mistake. It must be refused (4xx), the refusal must
say something (in English: no Chinese but data), and API refusals carry a machine `code` and the field at fault.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import Organisation
from app.assessment.models import AssessmentPlan
from app.catalog.models import Occupation
from app.certification.models import Certificate
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.people.models import Person
from app.training.models import TrainingClass
from tests.conftest import csrf_token_from, login
from tests.demo_world import api_tokens, close_app, load_demo_world, open_app
from tests.web.english import CJK, data_strings, foreign_text, visible_text

TODAY = local_date(utcnow())
PAST = (TODAY - timedelta(days=30)).isoformat()
SOON = (TODAY + timedelta(days=20)).isoformat()
LATER = (TODAY + timedelta(days=400)).isoformat()
GOOD_ID = "11010519491231002X"
BAD_CHECK = "110105194912310029"


@pytest.fixture(scope="module")
def world(migrated_database, tmp_path_factory):
    """The demo world, bearer tokens for its users, the ids a client would know, and the data strings."""
    app = open_app(migrated_database, tmp_path_factory.mktemp("refusals"), RATELIMIT_ENABLED=False)
    load_demo_world(app)
    tokens = api_tokens(app, ["admin", "inst_sy", "eval", "hr_sy", "assessor1"])
    with app.app_context():
        s = db.session
        ids = {
            "occupation": s.scalar(select(Occupation.id).where(Occupation.code == "6-31-01-03")),
            "person": s.scalar(select(Person.id).order_by(Person.id)),
            "class": s.scalar(select(TrainingClass.id).order_by(TrainingClass.id)),
            "plan": s.scalar(select(AssessmentPlan.id).order_by(AssessmentPlan.id)),
            "certificate": s.scalar(select(Certificate.id).order_by(Certificate.id)),
            "enterprise": s.scalar(select(Organisation.id).where(Organisation.kind == "enterprise")),
        }
        s.remove()
    yield app, tokens, ids, data_strings(app)
    close_app(app)


def _api_cases(ids):
    """(user, method, path, json): requests the API must refuse."""
    person = {"name": "张三", "id_type": "resident_id", "id_number": GOOD_ID}
    demand = {"title": "Welders", "occupation_code": "6-18-02-04", "headcount": 3, "city_code": "2101",
              "wage_min": 5000, "wage_max": 8000, "valid_until": LATER}
    apprenticeship = {"enterprise_id": ids["enterprise"], "person_id": ids["person"], "institution_id": 0,
                      "occupation_code": "6-18-02-04", "target_level_digit": 4, "contract_start": SOON,
                      "contract_end": LATER, "planned_start": SOON, "planned_end": LATER, "mentor_name": "师傅",
                      "mentor_level_digit": 2, "teacher_name": "老师"}
    plan = {"occupation_id": ids["occupation"], "level_digit": 4, "registration_deadline": SOON, "venue": "Room 1"}
    klass = {"project_id": 0, "name": "Class", "start_date": SOON, "end_date": LATER, "capacity": 30,
             "venue": "Hall", "teacher_names": "Teacher"}
    return [
        ("inst_sy", "POST", "/api/v1/people", {**person, "id_number": BAD_CHECK}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "id_number": "11010520300101001X"}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "id_number": "12345"}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "phone": "12"}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "education": "phd-of-everything"}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "target_groups": ["aliens"]}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "name": ""}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "id_type": "hmt_residence_permit"}),
        ("inst_sy", "POST", "/api/v1/people", {**person, "birth_date": "1990-02-30"}),
        ("inst_sy", "GET", "/api/v1/people/999999", None),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "wage_min": 9000}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "occupation_code": "9-99-99-99"}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "headcount": 0}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "valid_until": PAST}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "requirements": "限男性，汉族"}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "city_code": "9999"}),
        ("hr_sy", "POST", "/api/v1/demands", {**demand, "min_level_digit": 9}),
        ("hr_sy", "POST", "/api/v1/apprenticeships", {**apprenticeship, "contract_end": SOON}),
        ("hr_sy", "POST", "/api/v1/apprenticeships", apprenticeship),
        ("hr_sy", "POST", "/api/v1/apprenticeships/1/transitions", {"to": "nowhere"}),
        ("eval", "POST", "/api/v1/plans", {**plan, "level_digit": 9}),
        ("eval", "POST", "/api/v1/plans", {**plan, "registration_deadline": PAST}),
        ("eval", "POST", "/api/v1/plans", {**plan, "occupation_id": 999999}),
        ("eval", "POST", "/api/v1/plans", {**plan, "exam_dates": {"theory": PAST}}),
        ("eval", "POST", f"/api/v1/plans/{ids['plan']}/registrations", {"id_type": "resident_id",
                                                                         "id_number": BAD_CHECK}),
        ("eval", "POST", f"/api/v1/plans/{ids['plan']}/publish", {}),
        ("eval", "POST", f"/api/v1/plans/{ids['plan']}/finalise", {}),
        ("eval", "PUT", "/api/v1/scores/1", {"value": 150, "version": 1}),
        ("eval", "PUT", "/api/v1/scores/1", {"value": 70, "version": 999}),
        ("inst_sy", "POST", "/api/v1/projects", {"name": "P", "project_type": "nonsense",
                                                 "occupation_code": "6-18-02-04", "target_level_digit": 4}),
        ("inst_sy", "POST", "/api/v1/classes", klass),
        ("inst_sy", "POST", "/api/v1/classes", {**klass, "end_date": PAST}),
        ("inst_sy", "POST", f"/api/v1/classes/{ids['class']}/enrolments", {"person_id": 999999}),
        ("inst_sy", "POST", f"/api/v1/classes/{ids['class']}/enrolments", {"name": "李四", "id_type": "resident_id",
                                                                            "id_number": BAD_CHECK}),
        ("inst_sy", "POST", "/api/v1/enrolments/1/transitions", {"to": "nowhere"}),
        ("inst_sy", "POST", "/api/v1/enrolments/1/transitions", {"to": "withdrawn", "reason": " "}),
        ("eval", "POST", f"/api/v1/certificates/{ids['certificate']}/revoke", {"reason": ""}),
        ("eval", "POST", f"/api/v1/certificates/{ids['certificate']}/revoke", {"reason": 5}),
        ("eval", "POST", "/api/v1/certificate-jobs", {"scope_type": "plan", "scope_id": 999999}),
        ("hr_sy", "POST", "/api/v1/placements", {"person_id": ids["person"], "start_date": LATER,
                                                 "contract_months": 0, "monthly_wage": -5}),
        ("hr_sy", "POST", "/api/v1/placements/1/follow-ups", {"months": 7, "outcome": "nonsense",
                                                               "checked_on": PAST}),
        ("admin", "GET", "/api/v1/reports/funnel?occupation_id=abc", None),
        ("inst_sy", "POST", "/api/v1/people", {"name": "X", "id_type": "resident_id"}),
        ("inst_sy", "POST", "/api/v1/classes", {**klass, "capacity": "thirty"}),
    ]


def test_api_refusals_are_english_with_a_code(world):
    app, tokens, ids, data = world
    client = app.test_client()
    messages, problems = {}, []
    for user, method, path, body in _api_cases(ids):
        response = client.open(path, method=method, json=body, headers={
            "Authorization": f"Bearer {tokens[user]}", "Accept-Language": "en"})
        payload = response.get_json(silent=True) or {}
        where = f"{user} {method} {path} {body}"
        if not 400 <= response.status_code < 500:
            problems.append(f"{where}: not refused ({response.status_code})")
            continue
        message = payload.get("error") or ""
        if not message:
            problems.append(f"{where}: refusal says nothing")
        # A refusal may quote what was typed, or the offending words of it.
        typed = [piece for v in (body or {}).values() if isinstance(v, str) for piece in re.split(r"[，,；;、\s]", v)]
        if foreign_text(message, typed + data):
            problems.append(f"{where}: Chinese in the refusal: {message}")
        if response.status_code in (409, 422) and not payload.get("code"):
            problems.append(f"{where}: no machine code")
        messages[message] = where
    assert not problems, "\n".join(problems)
    print(f"{len(messages)} distinct API refusals")
    assert len(messages) >= 33, f"only {len(messages)} distinct API refusals"


def test_api_refusal_follows_accept_language(world):
    app, tokens, ids, _data = world
    client = app.test_client()
    body = {"name": "张三", "id_type": "resident_id", "id_number": BAD_CHECK}
    chinese = client.post("/api/v1/people", json=body, headers={"Authorization": f"Bearer {tokens['inst_sy']}"})
    english = client.post("/api/v1/people", json=body, headers={"Authorization": f"Bearer {tokens['inst_sy']}",
                                                                 "Accept-Language": "en-GB,en;q=0.8"})
    assert chinese.status_code == english.status_code == 422
    assert chinese.get_json()["code"] == english.get_json()["code"]
    assert chinese.get_json()["field"] == english.get_json()["field"] == "id_number"
    assert CJK.search(chinese.get_json()["error"]) and not CJK.search(english.get_json()["error"])


def _web_cases(ids):
    """(user, form page, post url or None for the same page, fields): forms the web must refuse."""
    return [
        ("inst_sy", "/people/new", None, {"name": "张三", "id_type": "resident_id", "id_number": BAD_CHECK}),
        ("inst_sy", "/people/new", None, {"name": "张三", "id_type": "resident_id", "id_number": GOOD_ID,
                                          "phone": "12"}),
        ("hr_sy", "/demands/new", None, {"title": "Welders", "occupation_id": ids["occupation"], "headcount": "2",
                                         "city_code": "2101", "wage_min": "9000", "wage_max": "5000",
                                         "valid_until": LATER}),
        ("hr_sy", "/demands/new", None, {"title": "Welders", "occupation_id": ids["occupation"], "headcount": "2",
                                         "city_code": "2101", "wage_min": "5000", "wage_max": "9000",
                                         "valid_until": LATER, "requirements": "限男性"}),
        ("eval", "/assessment/plans/new", None, {"scope": f"{ids['occupation']}:9", "registration_deadline": PAST,
                                                 "venue": "Room"}),
        ("admin", "/admin/organisations/new", None, {"name": "Org", "kind": "enterprise",
                                                        "uscc": "91110000600037341X", "city_code": "2101"}),
        ("anonymous", "/login", None, {"username": "admin", "password": "wrong password"}),
        ("admin", "/admin/users/new", None, {"organisation_id": ids["enterprise"], "username": "newhr",
                                             "display_name": "New HR", "password": "short", "roles": "assessor"}),
        ("admin", "/catalog/occupations/new", None, {"edition": "2022", "code": "6-31-01-03", "name": "电工"}),
        ("admin", "/catalog/occupations/new", None, {"edition": "2022", "code": "not-a-code", "name": "X"}),
    ]


def test_web_refusals_are_english(world):
    app, _tokens, ids, data = world
    problems, seen = [], set()
    for user, page, target, fields in _web_cases(ids):
        client = app.test_client()
        if user != "anonymous":
            assert login(client, user).status_code == 302
        client.get("/lang/en?next=/")
        form = client.get(page)
        if form.status_code != 200:
            problems.append(f"{user} {page}: form page answered {form.status_code}")
            continue
        token = csrf_token_from(form.get_data(as_text=True))
        response = client.post(target or page, data={"csrf_token": token, **fields}, follow_redirects=True)
        html = response.get_data(as_text=True)
        text = visible_text(html)
        if response.status_code not in (200, 400, 401, 422) or 'lang="en"' not in html:
            problems.append(f"{user} {page}: answered {response.status_code}")
        if "is-invalid" not in html and "alert-danger" not in html:
            problems.append(f"{user} {page}: no refusal shown")
        typed = [v for v in fields.values() if isinstance(v, str)]  # the form keeps what was typed
        problems += [f"{user} {page}: Chinese: {s}" for s in foreign_text(text, typed + data)]
        seen.add(page + repr(sorted(fields)))
    assert not problems, "\n".join(problems)
