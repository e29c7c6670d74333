"""Accessibility as a test: axe-core runs in Chromium on the key pages of every role and of the public.

axe-core (node_modules/axe-core, installed by `make setup` from package-lock.json) is injected into each page
after it has loaded; any violation of serious or critical impact fails the test, and the message lists every
such violation with the selectors of the elements at fault. A few pages are checked again in English and on a
390 px phone, where the menu collapses and tables scroll.

One demo world (with certificates and a share link) is served for the whole module: the pages are only read.
Each role logs in once; its cookies are reused by every page of that role.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, AssessmentSession, SessionAssignment
from app.certification.models import Certificate
from app.competitions.models import CompetitionEvent
from app.database import utcnow, write_intent
from app.demand.models import JobDemand
from app.extensions import db
from app.people.models import Person, PersonAccess
from app.studios.models import AssessmentRound, Studio
from app.training.models import ClassSession, TrainingClass, TrainingProject
from app.verification.sharing import create_share_link
from tests.browser.conftest import log_in
from tests.demo_world import close_app, load_demo_world, open_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.one_database]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
PUBLIC = "public"

# (role, page name, path template). Roles are demo logins; "public" is nobody logged in.
PAGES = [
    (PUBLIC, "login", "/login"),
    (PUBLIC, "verify-form", "/verify"),
    (PUBLIC, "verify-result", "verify-result"),  # filled in and submitted, see _open
    (PUBLIC, "qr-result", "/v/{certificate_token}"),
    (PUBLIC, "share", "/s/{share_token}"),
    ("admin", "dashboard", "/dashboard"),
    ("admin", "people", "/people"),
    ("admin", "person", "/people/{person}"),
    ("admin", "organisations", "/admin/organisations"),
    ("admin", "organisation", "/admin/organisations/{organisation}"),
    ("admin", "users", "/admin/users"),
    ("admin", "new-user", "/admin/users/new"),
    ("admin", "certificate", "/certificates/{certificate}"),
    ("admin", "bulk-verify", "/verify/bulk"),
    ("admin", "occupations", "/catalog/occupations"),
    ("admin", "funnel", "/reports/funnel"),
    ("inst_sy", "dashboard", "/dashboard"),
    ("inst_sy", "projects", "/training/projects"),
    ("inst_sy", "project", "/training/projects/{project}"),
    ("inst_sy", "class", "/classes/{class}"),
    ("inst_sy", "timetable", "/classes/{class}/timetable"),
    ("inst_sy", "attendance", "/classes/sessions/{class_session}/attendance"),
    ("inst_sy", "attendance-week", "/classes/{class}/attendance/week"),
    ("inst_sy", "people-import", "/people/import"),
    ("eval", "dashboard", "/dashboard"),
    ("eval", "plans", "/assessment/plans"),
    ("eval", "plan", "/assessment/plans/{open_plan}"),
    ("eval", "rooms", "/assessment/plans/{open_plan}/sessions"),
    ("eval", "session", "/assessment/sessions/{plan_session}"),
    ("eval", "score-sheet", "/assessment/sessions/{plan_session}/sheet"),
    ("eval", "results", "/assessment/plans/{finalised_plan}/results"),
    ("assessor1", "my-sessions", "/assessment/my-sessions"),
    ("assessor1", "score-sheet", "/assessment/sessions/{assessor_session}/sheet"),
    ("hr_sy", "dashboard", "/dashboard"),
    ("hr_sy", "demands", "/demands"),
    ("hr_sy", "demand", "/demands/{demand}"),
    ("hr_sy", "new-demand", "/demands/new"),
    ("hr_sy", "appointments", "/assessment/appointments"),
    ("hr_sy", "bulk-verify", "/verify/bulk"),
    ("supervisor1", "dashboard", "/dashboard"),
    (PUBLIC, "activate", "/me/activate"),
    ("worker1", "my-records", "/me"),
    ("worker1", "my-shares", "/me/shares"),
    ("worker1", "apply-plans", "/me/apply"),
    ("worker1", "my-subsidies", "/me/subsidies"),
    ("worker1", "my-jobs", "/me/jobs"),
    ("supervisor1", "my-sessions", "/assessment/my-sessions"),
    (PUBLIC, "competition-results", "/competitions/results/{final_event}"),
    ("admin", "competitions", "/competitions"),
    ("admin", "competition-event", "/competitions/events/{final_event}"),
    ("hr_sy", "competition-entries", "/competitions/events/{marking_event}"),
    ("assessor1", "competition-sheet", "/competitions/events/{marking_event}/sheet"),
    ("assessor4", "competition-chief", "/competitions/events/{marking_event}/sheet"),
    ("hr_sy", "studios", "/studios"),
    ("hr_sy", "studio", "/studios/{studio}"),
    ("admin", "studios-overview", "/studios/overview"),
    ("admin", "studio-round", "/studios/rounds/{studio_round}"),
    ("admin", "labour", "/labour"),
    ("admin", "labour-workers", "/labour/workers"),
    ("admin", "labour-new-worker", "/labour/workers/new"),
    ("admin", "labour-experts", "/labour/experts"),
    ("hr_sy", "labour-new-demand", "/labour/demands/new"),
    ("hr_sy", "labour-shared", "/labour/shared"),
    ("hr_sy", "labour-forecast", "/labour/forecast"),
]
# (role, page name) checked again in English and on a phone
ENGLISH = [(PUBLIC, "login"), (PUBLIC, "verify-result"), ("admin", "dashboard"), ("inst_sy", "class"),
           ("eval", "score-sheet")]
PHONE_PAGES = [(PUBLIC, "verify-form"), ("inst_sy", "attendance"), ("assessor1", "score-sheet"),
               ("hr_sy", "demands")]
PHONE_PAGES += [("assessor1", "competition-sheet")]
PHONE_PAGES += [(PUBLIC, "activate"), ("worker1", "my-records"), ("worker1", "my-shares"), ("worker1", "my-subsidies")]  # the worker's side
PATHS = {(role, name): path for role, name, path in PAGES}


def _org(username: str) -> int:
    return db.session.scalar(select(User.organisation_id).where(User.username == username))


def _demo_ids() -> dict[str, object]:
    """Ids and tokens of the records the pages show, found in the demo data (inside an app context)."""
    inst, ent, evaluation = _org("inst_sy"), _org("hr_sy"), _org("eval")
    assessor = db.session.scalar(select(User.id).where(User.username == "assessor1"))
    project = db.session.scalar(select(TrainingProject.id).where(TrainingProject.institution_id == inst)
                                .order_by(TrainingProject.id))
    klass = db.session.scalar(select(TrainingClass.id).where(TrainingClass.project_id == project)
                              .order_by(TrainingClass.id))
    plans = list(db.session.scalars(select(AssessmentPlan).where(AssessmentPlan.organisation_id == evaluation)
                                    .order_by(AssessmentPlan.id)))
    open_plan = next(p.id for p in plans if p.status not in ("finalised", "published"))
    certificate = db.session.scalar(select(Certificate).order_by(Certificate.id))
    issuer = db.session.scalar(select(User).where(User.username == "eval"))
    _link, share_token = create_share_link(db.session, actor=issuer, now=utcnow(), certificate_id=certificate.id,
                                           days=30)
    return {
        "project": project, "class": klass,
        "class_session": db.session.scalar(select(ClassSession.id).where(ClassSession.class_id == klass)
                                           .order_by(ClassSession.id)),
        "person": db.session.scalar(select(Person.id).join(PersonAccess, PersonAccess.person_id == Person.id)
                                    .where(PersonAccess.organisation_id == inst).order_by(Person.id)),
        "open_plan": open_plan,
        "finalised_plan": next(p.id for p in plans if p.status == "finalised"),
        "plan_session": db.session.scalar(select(AssessmentSession.id).where(AssessmentSession.plan_id == open_plan)
                                          .order_by(AssessmentSession.id)),
        "assessor_session": db.session.scalar(select(SessionAssignment.session_id)
                                              .where(SessionAssignment.user_id == assessor)
                                              .order_by(SessionAssignment.session_id)),
        "demand": db.session.scalar(select(JobDemand.id).where(JobDemand.enterprise_id == ent)
                                    .order_by(JobDemand.id)),
        "organisation": evaluation,
        "certificate": certificate.id, "certificate_number": certificate.number,
        "certificate_holder": certificate.holder_name, "certificate_token": certificate.token,
        "share_token": share_token,
        "final_event": db.session.scalar(select(CompetitionEvent.id).where(CompetitionEvent.status == "final")),
        "marking_event": db.session.scalar(select(CompetitionEvent.id).where(CompetitionEvent.status == "marking")),
        "studio": db.session.scalar(select(Studio.id).where(Studio.host_org_id == ent).order_by(Studio.id)),
        "studio_round": db.session.scalar(select(AssessmentRound.id).order_by(AssessmentRound.id)),
    }


@pytest.fixture(scope="module")
def demo_site(migrated_database, tmp_path_factory):
    """The demo world with certificates and one share link, served in a background thread for the module."""
    app = open_app(migrated_database, tmp_path_factory.mktemp("a11y"), RATELIMIT_ENABLED=False)
    with write_intent():
        load_demo_world(app)
        with app.app_context():
            ids = _demo_ids()
            db.session.commit()
            db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", ids
    server.shutdown()
    thread.join(timeout=5)
    close_app(app)


@pytest.fixture(scope="module")
def signed_in(browser, demo_site):
    """Each role's cookies after one real sign-in, made on first use."""
    base, _ids = demo_site
    states: dict[str, dict] = {}

    def state(role: str) -> dict | None:
        if role == PUBLIC:
            return None
        if role not in states:
            context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
            page = context.new_page()
            log_in(page, base, role)
            page.wait_for_url(lambda url: url in (f"{base}/dashboard", f"{base}/me"))  # a worker lands on /me
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state


def _open(page, base: str, ids: dict, role: str, name: str) -> None:
    path = PATHS[(role, name)]
    if path == "verify-result":  # what a member of the public sees after checking a certificate by number and name
        page.goto(f"{base}/verify")
        page.fill("#number", ids["certificate_number"])
        page.fill("#name", ids["certificate_holder"])
        page.click("#submit")
        page.wait_for_selector("#verify-status")
        return
    response = page.goto(base + path.format(**ids))
    assert response.status == 200, f"{role} {name}: {path} answered {response.status}"


def axe_violations(page) -> list[dict]:
    """Serious and critical violations axe-core finds on the page as it is now."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}): run `make setup` (it runs `npm ci`, which needs node and npm).")
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): {violation['help']}")
        for node in violation["nodes"]:
            selector = " ".join(" >> ".join(part) if isinstance(part, list) else part for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"    {selector}  — {summary}")
    return "\n".join(lines)


def check_page(browser, signed_in, demo_site, role: str, name: str, *, viewport: dict = DESKTOP,
               english: bool = False) -> None:
    base, ids = demo_site
    # bypass_csp: the app's Content-Security-Policy rightly refuses the injected axe-core script
    context = browser.new_context(viewport=viewport, locale="zh-CN", storage_state=signed_in(role), bypass_csp=True)
    try:
        page = context.new_page()
        if english:
            page.goto(f"{base}/lang/en?next=/login")
        _open(page, base, ids, role, name)
        if viewport is PHONE:  # the menu folds behind the toggler on a phone: open it, so its links are checked too
            assert page.is_visible(".navbar-toggler"), f"{role} {name}: no menu toggler at {viewport['width']} px"
            page.click(".navbar-toggler")
            page.wait_for_selector("#mainnav.show")
        assert page.evaluate("document.documentElement.lang") == ("en" if english else "zh-CN")
        violations = axe_violations(page)
        assert not violations, f"{role} {name} ({page.url}):\n{describe(violations)}"
    finally:
        context.close()


def test_axe_reports_a_serious_violation_it_is_shown(browser, demo_site):
    """The check itself works: a pale grey line and an unlabelled text box put into the login page are found,
    with their selectors in the message."""
    base, _ids = demo_site
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{base}/login")
        page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<p id="pale" style="color:#ccc;background:#fff">浅灰色的字</p><input id="bare" type="text">')""")
        violations = axe_violations(page)
        found = {v["id"]: v["nodes"] for v in violations}
        assert ["#pale"] in [node["target"] for node in found["color-contrast"]]
        assert ["#bare"] in [node["target"] for node in found["label"]]
        assert "#pale" in describe(violations) and "#bare" in describe(violations)
    finally:
        context.close()


def test_missing_axe_core_fails_with_the_setup_command(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "AXE", tmp_path / "axe.min.js")
    with pytest.raises(pytest.fail.Exception, match="make setup"):
        axe_violations(page=None)


@pytest.mark.parametrize(("role", "name"), [(role, name) for role, name, _path in PAGES],
                         ids=[f"{role}-{name}" for role, name, _path in PAGES])
def test_page_has_no_serious_accessibility_violation(browser, signed_in, demo_site, role, name):
    check_page(browser, signed_in, demo_site, role, name)


@pytest.mark.parametrize(("role", "name"), ENGLISH, ids=[f"{role}-{name}" for role, name in ENGLISH])
def test_english_page_has_no_serious_accessibility_violation(browser, signed_in, demo_site, role, name):
    check_page(browser, signed_in, demo_site, role, name, english=True)


@pytest.mark.parametrize(("role", "name"), PHONE_PAGES, ids=[f"{role}-{name}" for role, name in PHONE_PAGES])
def test_phone_page_has_no_serious_accessibility_violation(browser, signed_in, demo_site, role, name):
    check_page(browser, signed_in, demo_site, role, name, viewport=PHONE)
