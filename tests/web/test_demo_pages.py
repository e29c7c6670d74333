"""Every page of the demo, for every demo role: no server error and no visible "None".

Pages without path arguments, and the detail pages whose ids come from the demo data (the first and last
row of each table and a spread between), are fetched with each demo user's session. Downloads (PDF, ZIP, spreadsheets) are left
to their own tests; the text of the page (outside tags, scripts and styles) must never read "None".
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.conftest import csrf_token_from, login
from tests.demo_world import close_app, load_demo_world, open_app

pytestmark = pytest.mark.slow

USERS = ("admin", "inst_sy", "inst_dl", "eval", "assessor1", "supervisor1", "hr_sy", "worker1")
TABLES = {
    "plan_id": "assessment_plans", "sitting_id": "assessment_sessions", "registration_id": "assessment_registrations",
    "class_id": "training_classes", "session_id": "class_sessions", "project_id": "training_projects",
    "person_id": "people", "certificate_id": "certificates", "print_id": "certificate_prints",
    "placement_id": "placements", "demand_id": "job_demands", "organisation_id": "organisations",
    "occupation_id": "occupations", "standard_id": "skill_standards", "apprenticeship_id": "apprenticeships",
    "invitation_id": "placement_invitations",
    "studio_id": "studios", "round_id": "studio_rounds",
}
JOB_TABLES = {"certificates": "certificate_jobs", "people": "people_import_jobs"}
DOWNLOAD = re.compile(r"(\.(pdf|zip|xlsx|csv|json|png)$|/pdf$|screenshot|/export|/download|/evidence/|/documents/)")
SKIPPED_ENDPOINTS = {"auth.logout", "static"}
SAMPLE = 12  # rows per table: all of a small table (plans, rooms, classes), a spread of a large one
NONE = re.compile(r"\bNone\b")


class VisibleText(HTMLParser):
    """The text a reader sees: data outside <script> and <style>, attribute values left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


@pytest.fixture(scope="module")
def demo_app(migrated_database, tmp_path_factory):
    app = open_app(migrated_database, tmp_path_factory.mktemp("demo_pages"), RATELIMIT_ENABLED=False)
    load_demo_world(app)
    yield app
    close_app(app)


def _ids(app, tables) -> dict[str, list[int]]:
    with app.app_context():
        found = {}
        for table in set(tables):
            every = list(db.session.scalars(text(f"SELECT id FROM {table} ORDER BY id")))  # noqa: S608
            step = max(1, len(every) // SAMPLE)
            found[table] = sorted({*every[::step][:SAMPLE], *every[-1:]})
        db.session.remove()
    return found


def demo_urls(app) -> list[str]:
    """GET pages without arguments, and detail pages filled with demo ids."""
    ids = _ids(app, [*TABLES.values(), *JOB_TABLES.values()])
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS or rule.rule.startswith("/api"):
                continue
            if DOWNLOAD.search(rule.rule):
                continue
            choices = {}
            for arg in rule.arguments:
                table = JOB_TABLES.get(rule.endpoint.split(".")[0]) if arg == "job_id" else TABLES.get(arg)
                choices[arg] = ids.get(table) if table else None
            if any(not values for values in choices.values()):
                continue
            if not choices:
                urls.append(url_for(rule.endpoint))
                continue
            width = max(len(v) for v in choices.values())
            for i in range(width):
                urls.append(url_for(rule.endpoint, **{a: v[min(i, len(v) - 1)] for a, v in choices.items()}))
    return sorted(set(urls))


@pytest.mark.parametrize("username", USERS)
def test_no_demo_page_fails_or_reads_none(demo_app, username):
    urls = demo_urls(demo_app)
    assert len(urls) > 60
    client = demo_app.test_client()
    assert login(client, username).status_code in (200, 302)
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.status_code != 200 or not response.content_type.startswith("text/html"):
            continue
        shown = visible_text(response.get_data(as_text=True))
        for match in NONE.finditer(shown):
            problems.append(f"{url}: …{shown[max(0, match.start() - 60):match.end() + 20]!r}…")
            break
    assert not problems, "\n".join(problems)


def test_a_result_whose_candidate_has_no_ticket_number_reads_a_dash_not_none(demo_app):
    """Results, plan and room pages list candidates by ticket number; one without a number shows "—", not "None"."""
    with demo_app.app_context():
        registration_id, plan_id, ticket, sitting_id = db.session.execute(text(
            "SELECT r.id, r.plan_id, r.ticket_number, c.session_id FROM assessment_registrations r "
            "JOIN assessment_results a ON a.registration_id = r.id JOIN assessment_plans p ON p.id = r.plan_id "
            "JOIN assessment_session_candidates c ON c.registration_id = r.id "
            "ORDER BY p.status = 'results_published' DESC, r.id LIMIT 1")).one()  # the objection form lists them
        db.session.execute(text("UPDATE assessment_registrations SET ticket_number = NULL WHERE id = :id"),
                           {"id": registration_id})
        db.session.commit()
    try:
        client = demo_app.test_client()
        login(client, "eval")
        for url in (f"/assessment/plans/{plan_id}/results", f"/assessment/plans/{plan_id}",
                    f"/assessment/sessions/{sitting_id}"):
            page = client.get(url)
            assert page.status_code == 200
            assert not NONE.search(visible_text(page.get_data(as_text=True))), url
    finally:
        with demo_app.app_context():
            db.session.execute(text("UPDATE assessment_registrations SET ticket_number = :t WHERE id = :id"),
                               {"t": ticket, "id": registration_id})
            db.session.commit()
            db.session.remove()


def test_issuing_all_certificates_of_a_finished_plan_says_why_there_is_nothing_to_issue(demo_app):
    """The demo's finalised plan has its certificates already: the button explains instead of an empty ZIP."""
    with demo_app.app_context():
        plan_id = db.session.scalar(text("SELECT id FROM assessment_plans WHERE status = 'finalised' LIMIT 1"))
        issued, failed, jobs = (db.session.scalar(text(sql), {"plan": plan_id}) for sql in (
            "SELECT count(*) FROM certificates c JOIN assessment_results r ON c.source_id = CAST(r.id AS TEXT) "
            "WHERE c.source_type = 'assessment_result' AND r.plan_id = :plan",
            "SELECT count(*) FROM assessment_results WHERE plan_id = :plan AND status = 'final' AND NOT passed",
            "SELECT count(*) FROM certificate_jobs WHERE :plan IS NOT NULL"))
        db.session.remove()
    assert issued > 0
    client = demo_app.test_client()
    login(client, "eval")
    client.set_cookie("jiangcai_lang", "en")
    page = client.get(f"/assessment/plans/{plan_id}/results")
    response = client.post("/certificates/jobs", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "scope_type": "assessment_plan",
        "scope_id": str(plan_id)}, headers={"Referer": f"/assessment/plans/{plan_id}/results"}, follow_redirects=True)
    shown = visible_text(response.get_data(as_text=True))
    assert f"Nothing to issue for this plan: {issued} already have a certificate, {failed} did not pass" in shown
    with demo_app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM certificate_jobs")) == jobs
        db.session.remove()
