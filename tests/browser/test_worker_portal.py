"""The worker's own side on a 390 px phone, end to end (issue 23): activate, see a class and sign in to a session,
apply for an assessment, see the published result, download the certificate, share it and see the view logged,
withdraw the link, and claim the skill upgrading subsidy."""

from __future__ import annotations

import re
import threading
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from app import pii
from app.accounts.models import User
from app.assessment.result_models import AssessmentResult
from app.certification.models import Certificate
from app.clock import LOCAL_ZONE, local_date
from app.database import utcnow, write_intent
from app.extensions import db
from app.people.account_models import PersonAccount
from app.people.models import Person
from app.reporting.models import SubsidyClaim
from app.training.enrolments import enrol_found
from app.training.models import TrainingProject
from app.training.projects import add_session, create_class
from app.training.sign_in import current_token, derive_key
from tests.demo_world import close_app, load_demo_world, open_app
from tests.people.factories import photo_bytes

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "en-GB", "is_mobile": True, "has_touch": True}


def _candidate() -> Person:
    """A passed, certified candidate of the demo with no account and no subsidy claim yet."""
    taken = set(db.session.scalars(select(PersonAccount.person_id)))
    claimed = set(db.session.scalars(select(SubsidyClaim.person_id)))
    for result in db.session.scalars(select(AssessmentResult).where(AssessmentResult.status == "final",
                                                                    AssessmentResult.passed.is_(True))
                                     .order_by(AssessmentResult.id)):
        person = db.session.get(Person, result.person_id)
        has_certificate = db.session.scalar(select(Certificate.id).where(Certificate.person_id == person.id))
        if person.id not in taken | claimed and person.phone_enc and has_certificate:
            return person
    raise AssertionError("the demo has no passed candidate left for the scenario")


@pytest.fixture
def world(migrated_database, tmp_path, monkeypatch):
    """The demo world; a candidate enrolled in a new class with a session open for sign-in at the pinned moment."""
    app = open_app(migrated_database, tmp_path, RATELIMIT_ENABLED=False)
    load_demo_world(app)
    today = local_date(utcnow())
    moment = datetime.combine(today, time(10, 5), tzinfo=LOCAL_ZONE)
    monkeypatch.setattr("app.web.training.sign_in.utcnow", lambda: moment)
    with app.app_context(), write_intent():
        person = _candidate()
        staff = db.session.scalar(select(User).where(User.username == "inst_dl"))
        project = db.session.scalar(select(TrainingProject).where(TrainingProject.institution_id
                                                                  == staff.organisation_id))
        klass = create_class(db.session, actor=staff, now=utcnow(), project_id=project.id, name="焊工提升班（晚班）",
                             start_date=today, end_date=today + timedelta(days=30), capacity=20,
                             venue="大连市甘井子区实训楼 3 层", teacher_names="赵师傅")
        enrol_found(db.session, actor=staff, now=utcnow(), klass=klass, person=person)
        row = add_session(db.session, actor=staff, now=utcnow(), class_id=klass.id, session_date=today,
                          start_time=time(10, 0), end_time=time(12, 0), hours=Decimal("2"), topic="焊接安全")
        facts = {"name": person.name, "id_number": pii.decrypt(person.id_number_enc),
                 "phone": pii.decrypt(person.phone_enc), "session_id": row.id, "class": klass.name,
                 "scan": f"/sign-in/{row.id}/{current_token(derive_key(app.config['SECRET_KEY']), row.id, moment)}"}
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", facts
    server.shutdown()
    thread.join(timeout=5)
    close_app(app)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def test_a_worker_does_everything_of_their_own_on_a_phone(browser, world, tmp_path):
    app, base, facts = world
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{base}/lang/en?next=/login")

    # activate: name + ID number, then the code texted to the phone on record
    page.click("#activate-link")
    page.fill("#name", facts["name"])
    page.fill("#id_number", facts["id_number"])
    page.click("#submit")
    page.wait_for_selector("#code-sent-to")
    _fits(page)
    code = re.search(r"(\d{6})", app.extensions["jiangcai_sms"].last_to(facts["phone"]).text).group(1)
    page.fill("#code", code)
    page.fill("#username", "scenario.worker")
    page.fill("#password", "Jiangcai2026!")
    page.fill("#confirm", "Jiangcai2026!")
    page.click("#submit")
    page.wait_for_selector("#my-classes")
    _fits(page)

    # my class, then sign in to its session by scanning the code while logged in
    assert facts["class"] in page.inner_text(".own-class")
    page.goto(base + facts["scan"])
    assert facts["name"] in page.inner_text("#sign-in-as")
    page.click("#sign-in-confirm")
    page.wait_for_selector(".alert-success")
    assert f"Signed in · {facts['name']}" in page.inner_text(".alert-success")

    # the published (final) result and the certificate
    page.goto(f"{base}/me")
    assert "Passed" in page.inner_text(".own-registration .result")
    assert "2 of" in page.inner_text(".own-class .hours")  # the two hours just signed for
    href = page.get_attribute(".certificate-pdf", "href")
    pdf = page.request.get(base + href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # apply for the open plan: eligibility first, then photo, work years and the signed declaration
    page.click("#apply-link")
    page.click(".open-plan")
    page.wait_for_selector("#eligibility-outcome")
    photo = tmp_path / "me.jpg"
    photo.write_bytes(photo_bytes())
    page.set_input_files("#photo", str(photo))
    page.click("#photo-heading ~ form [type=submit]")
    page.wait_for_selector("#photo-on-record")
    page.fill("#employer_name", "大连船舶重工")
    page.fill("#occupation_name", "数控车工")
    page.fill("#declared_years", "6")
    page.click("#work-heading ~ form [type=submit]")
    page.wait_for_selector("#declaration")
    page.check("#declaration")
    page.click("#apply-heading ~ form [type=submit]")
    page.wait_for_selector("#application-state")
    _fits(page)

    # share the certificate, open the link as an employer would, see the view, withdraw it
    page.goto(f"{base}/me/shares")
    page.check("#hide_id_number")
    page.click("#submit")
    page.wait_for_selector("#share-qr")
    url = page.input_value("#share-url")
    assert url in page.input_value("#profile-text")
    _fits(page)
    employer = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    employer_page = employer.new_page()
    employer_page.goto(base + "/s/" + url.rsplit("/s/", 1)[1])  # the link names PUBLIC_BASE_URL
    assert employer_page.locator("#verify-status").count() == 1
    employer.close()
    page.click("#back-to-shares")
    page.click(".share-link-row")
    assert page.locator("#share-views li").count() == 1 and "Nobody" not in page.inner_text("#share-views")
    page.click("#withdraw-share summary")
    page.click("#withdraw-share button[type=submit]")
    page.wait_for_selector(".alert-success")
    assert page.inner_text("#share-state") == "Withdrawn"

    # claim the skill upgrading subsidy and see where it stands
    page.goto(f"{base}/me/subsidies")
    page.click(".claim-button")
    page.wait_for_selector(".own-claim")
    assert "Submitted" in page.inner_text(".own-claim [aria-current=step]")
    _fits(page)
    context.close()
