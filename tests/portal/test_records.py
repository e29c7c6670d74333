"""My records on the demo data: the demo worker sees their class, result and certificate, and nobody else's."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.certification.models import Certificate
from app.extensions import db
from app.people.account_models import PersonAccount
from tests.conftest import login
from tests.demo_world import close_app, load_demo_world, open_app


@pytest.fixture(scope="module")
def demo_app(migrated_database, tmp_path_factory):
    app = open_app(migrated_database, tmp_path_factory.mktemp("portal_records"), RATELIMIT_ENABLED=False)
    load_demo_world(app)
    yield app
    close_app(app)


def _worker_ids(app):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "worker1"))
        person_id = db.session.scalar(select(PersonAccount.person_id).where(PersonAccount.user_id == user.id))
        own = db.session.scalars(select(Certificate.id).where(Certificate.person_id == person_id)).all()
        others = db.session.scalars(select(Certificate.id).where(Certificate.person_id != person_id)).all()
        db.session.remove()
    return user.id, person_id, own, others


def test_the_demo_worker_sees_class_result_level_and_certificate(demo_app):
    client = demo_app.test_client()
    assert login(client, "worker1").status_code == 302
    html = client.get("/me").get_data(as_text=True)
    assert "own-class" in html and "2026年第二期" in html and "2026年第二期" in html
    assert "own-registration" in html and "badge text-bg-success" in html  # the passed, final 电工 result
    assert "certificate-pdf" in html
    # the next rung is named in the page's language, not as the English label inside the Chinese sentence
    assert "下一等级：三级/高级工" in html and "Senior worker" not in html


def test_the_worker_downloads_their_certificate_and_the_release_is_audited(demo_app):
    user_id, _person_id, own, _others = _worker_ids(demo_app)
    assert own, "the demo worker holds a certificate"
    client = demo_app.test_client()
    login(client, "worker1")
    response = client.get(f"/me/certificates/{own[0]}.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    response.close()
    with demo_app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.download_full",
                                                             AuditEvent.actor_id == user_id)).all()
        assert [e.object_id for e in events] == [str(own[0])]
        db.session.remove()


def test_another_persons_certificate_and_ticket_do_not_exist_for_the_worker(demo_app):
    _user_id, person_id, _own, others = _worker_ids(demo_app)
    from app.assessment.models import Registration
    with demo_app.app_context():
        other_registrations = db.session.scalars(select(Registration.id).where(
            Registration.person_id != person_id)).all()
        db.session.remove()
    client = demo_app.test_client()
    login(client, "worker1")
    assert others and other_registrations
    for certificate_id in others:
        assert client.get(f"/me/certificates/{certificate_id}.pdf").status_code == 404
    for registration_id in other_registrations:
        assert client.get(f"/me/registrations/{registration_id}/ticket.pdf").status_code == 404


def test_the_worker_shares_a_certificate_sees_the_views_and_withdraws_it(demo_app):
    import re

    from tests.conftest import post_form
    _user_id, _person_id, own, others = _worker_ids(demo_app)
    client = demo_app.test_client()
    login(client, "worker1")
    created = post_form(client, "/me/shares", {"certificate_id": own[0], "days": 30, "hide_id_number": "y",
                                               "note": "给招聘单位"})
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and 'id="share-qr"' in html and "data:image/png;base64," in html
    url = re.search(r'value="([^"]+/s/[^"]+)"', html).group(1)
    token = url.rsplit("/s/", 1)[1]
    assert "profile-text" in html and url in html
    with demo_app.app_context():
        certificate = db.session.get(Certificate, own[0])
        number, masked = certificate.number, certificate.id_masked
        db.session.remove()
    anonymous = demo_app.test_client()
    page = anonymous.get(f"/s/{token}").get_data(as_text=True)
    assert number in page and masked not in page  # the holder hid the ID number
    listing = client.get("/me/shares").get_data(as_text=True)
    link_id = int(re.search(r'href="/me/shares/(\d+)"', listing).group(1))
    detail = client.get(f"/me/shares/{link_id}").get_data(as_text=True)
    assert 'id="share-views"' in detail and "Nobody has opened" not in detail and "尚无人打开" not in detail
    assert detail.count('class="list-group-item small"') == 1  # one view, logged
    withdrawn = post_form(client, f"/me/shares/{link_id}/withdraw", {}, form_url=f"/me/shares/{link_id}")
    assert withdrawn.status_code == 302
    assert number not in anonymous.get(f"/s/{token}").get_data(as_text=True)
    # a certificate of someone else cannot be shared, and the form says so
    refused = post_form(client, "/me/shares", {"certificate_id": others[0], "days": 30}, form_url="/me/shares")
    assert refused.status_code == 422


def test_a_link_of_another_holder_does_not_exist_for_the_worker(demo_app):
    from app.people.worker_accounts import open_worker_account
    from app.verification.own_sharing import create_own_share_link
    _user_id, person_id, _own, others = _worker_ids(demo_app)
    from app.database import utcnow
    with demo_app.app_context():
        other_cert = db.session.get(Certificate, others[0])
        from app.people.models import Person
        other = open_worker_account(db.session, now=utcnow(), person=db.session.get(Person, other_cert.person_id),
                                    username="otherholder", password="Jiangcai2026!")
        link, _token = create_own_share_link(db.session, actor=other, now=utcnow(), certificate_id=other_cert.id,
                                             days=5)
        link_id = link.id
        db.session.commit()
        db.session.remove()
    client = demo_app.test_client()
    login(client, "worker1")
    assert client.get(f"/me/shares/{link_id}").status_code == 404
    from tests.conftest import csrf_token_from
    token = csrf_token_from(client.get("/me/shares").get_data(as_text=True))
    assert client.post(f"/me/shares/{link_id}/withdraw", data={"csrf_token": token}).status_code == 404
    assert f"/me/shares/{link_id}\"" not in client.get("/me/shares").get_data(as_text=True)


def test_share_refusals_change_nothing(demo_app):
    from sqlalchemy import func

    from app.database import utcnow
    from app.errors import InvalidTransition, NotFound, ValidationFailed
    from app.verification.models import ShareLink
    from app.verification.own_sharing import create_own_share_link, withdraw_own_share_link
    user_id, _person_id, own, others = _worker_ids(demo_app)
    with demo_app.app_context():
        worker = db.session.get(User, user_id)
        before = db.session.scalar(select(func.count()).select_from(ShareLink))
        for days in (0, 91, True):
            with pytest.raises(ValidationFailed):
                create_own_share_link(db.session, actor=worker, now=utcnow(), certificate_id=own[0], days=days)
        with pytest.raises(NotFound):
            create_own_share_link(db.session, actor=worker, now=utcnow(), certificate_id=others[0], days=5)
        certificate = db.session.get(Certificate, own[0])
        certificate.status, certificate.revoked_at = "revoked", utcnow()  # as revocation leaves it (rolled back)
        certificate.revoked_reason, certificate.revoked_by_id = "test", None
        with pytest.raises(InvalidTransition):
            create_own_share_link(db.session, actor=worker, now=utcnow(), certificate_id=own[0], days=5)
        db.session.rollback()
        link, _token = create_own_share_link(db.session, actor=worker, now=utcnow(), certificate_id=own[0], days=5)
        withdraw_own_share_link(db.session, actor=worker, now=utcnow(), link_id=link.id)
        with pytest.raises(InvalidTransition):
            withdraw_own_share_link(db.session, actor=worker, now=utcnow(), link_id=link.id)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(ShareLink)) == before
        db.session.remove()


def test_the_worker_applies_for_an_open_plan_and_the_evaluation_organisation_sees_it(demo_app):
    import re

    from app.assessment.models import Registration
    from tests.conftest import post_form
    from tests.people.factories import photo_bytes
    _user_id, person_id, _own, _others = _worker_ids(demo_app)
    client = demo_app.test_client()
    login(client, "worker1")
    client.set_cookie("jiangcai_lang", "en")
    listing = client.get("/me/apply").get_data(as_text=True)
    plan_id = int(re.search(r'href="/me/apply/(\d+)" class="open-plan"', listing).group(1))
    page = client.get(f"/me/apply/{plan_id}").get_data(as_text=True)
    assert 'id="eligibility-outcome"' in page
    # refusals change nothing: no declaration, then no photo
    with demo_app.app_context():
        from app.people.models import Person
        person = db.session.get(Person, person_id)
        had_photo = person.photo_path is not None
        db.session.remove()
    unsigned = post_form(client, f"/me/apply/{plan_id}", {}, form_url=f"/me/apply/{plan_id}")
    assert unsigned.status_code == 422 and "Sign the declaration" in unsigned.get_data(as_text=True)
    if not had_photo:
        no_photo = post_form(client, f"/me/apply/{plan_id}", {"declaration": "y"}, form_url=f"/me/apply/{plan_id}")
        assert no_photo.status_code == 422 and "Upload your 1-inch photo" in no_photo.get_data(as_text=True)
    bad_photo = post_form(client, f"/me/apply/{plan_id}/photo",
                          {"photo": (__import__("io").BytesIO(photo_bytes(background="blue")), "me.jpg")},
                          form_url=f"/me/apply/{plan_id}", content_type="multipart/form-data")
    assert bad_photo.status_code == 422  # the same background check as staff uploads
    photo = post_form(client, f"/me/apply/{plan_id}/photo",
                      {"photo": (__import__("io").BytesIO(photo_bytes()), "me.jpg")},
                      form_url=f"/me/apply/{plan_id}", content_type="multipart/form-data")
    assert photo.status_code == 302
    work = post_form(client, f"/me/apply/{plan_id}/work",
                     {"employer_name": "沈阳机床厂", "occupation_name": "数控车工", "occupation_code": "6-18-01-01",
                      "declared_years": "6"}, form_url=f"/me/apply/{plan_id}")
    assert work.status_code == 302
    with demo_app.app_context():
        assert db.session.scalar(select(Registration.id).where(Registration.person_id == person_id,
                                                               Registration.plan_id == plan_id)) is None
        db.session.remove()
    applied = post_form(client, f"/me/apply/{plan_id}", {"declaration": "y"}, form_url=f"/me/apply/{plan_id}")
    assert applied.status_code == 302
    client.set_cookie("jiangcai_lang", "zh")  # the source is named in the sentence's language
    state = client.get(f"/me/apply/{plan_id}").get_data(as_text=True)
    assert 'id="application-state"' in state and "您已报名本次认定（个人报名（本人账号））" in state
    with demo_app.app_context():
        registration = db.session.scalar(select(Registration).where(Registration.person_id == person_id,
                                                                    Registration.plan_id == plan_id))
        assert registration.source == "self"
        db.session.remove()
    staff = demo_app.test_client()
    login(staff, "eval")
    staff.set_cookie("jiangcai_lang", "en")
    plan_page = staff.get(f"/assessment/plans/{plan_id}").get_data(as_text=True)
    assert "Self-applied (own account)" in plan_page
    home = client.get("/me").get_data(as_text=True)
    assert home.count("own-registration") >= 2


def test_the_me_api_shows_only_the_tokens_own_records_and_shares(demo_app):
    from tests.demo_world import api_tokens
    user_id, person_id, own, others = _worker_ids(demo_app)
    tokens = api_tokens(demo_app, ["worker1", "eval"])
    client = demo_app.test_client()
    headers = {"Authorization": f"Bearer {tokens['worker1']}"}
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert {c["id"] for c in body["certificates"]} == set(own)
    assert any(r["result"] and r["result"]["passed"] for r in body["registrations"])
    assert any(c["name"] == "2026年第二期" for c in body["classes"])
    created = client.post("/api/v1/me/shares", headers=headers, json={"certificate_id": own[0], "days": 7,
                                                                      "hide_id_number": True})
    assert created.status_code == 201 and "/s/" in created.get_json()["url"]
    link_id = created.get_json()["id"]
    demo_app.test_client().get("/s/" + created.get_json()["url"].rsplit("/s/", 1)[1])
    listed = client.get("/api/v1/me/shares", headers=headers).get_json()["items"]
    assert len(next(i for i in listed if i["id"] == link_id)["views"]) == 1
    assert client.post(f"/api/v1/me/shares/{link_id}/withdraw", headers=headers).get_json()["state"] == "withdrawn"
    # nobody else's: another certificate is "not found"; staff tokens do not reach /me; worker tokens reach no staff API
    assert client.post("/api/v1/me/shares", headers=headers,
                       json={"certificate_id": others[0], "days": 7}).status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['eval']}"}).status_code == 403
    assert client.get(f"/api/v1/certificates/{others[0]}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/people/{person_id}", headers=headers).status_code == 403


def test_the_worker_claims_the_upgrading_subsidy_once_and_follows_it_in_the_ledger(demo_app):
    import re

    from sqlalchemy import func

    from app.database import utcnow
    from app.errors import NotFound, ValidationFailed
    from app.people.models import LevelAward
    from app.reporting.models import SubsidyClaim, SubsidyScheme
    from app.reporting.own_claims import claim_own_subsidy
    from app.reporting.subsidies import move_claim
    from tests.conftest import csrf_token_from
    user_id, person_id, _own, _others = _worker_ids(demo_app)
    client = demo_app.test_client()
    login(client, "worker1")
    client.set_cookie("jiangcai_lang", "en")
    page = client.get("/me/subsidies").get_data(as_text=True)
    found = re.search(r'name="scheme_id" value="(\d+)">\s*<input type="hidden" name="level_award_id" value="(\d+)"',
                      page)
    assert found, page
    scheme_id, award_id = int(found.group(1)), int(found.group(2))
    token = csrf_token_from(page)
    claimed = client.post("/me/subsidies", data={"csrf_token": token, "scheme_id": scheme_id,
                                                 "level_award_id": award_id})
    assert claimed.status_code == 302
    page = client.get("/me/subsidies").get_data(as_text=True)
    assert "own-claim" in page and 'aria-current="step">✓ Submitted' in page
    again = client.post("/me/subsidies", data={"csrf_token": token, "scheme_id": scheme_id,
                                               "level_award_id": award_id})
    assert again.status_code == 422 and "has been claimed already" in again.get_data(as_text=True)
    with demo_app.app_context():
        worker = db.session.get(User, user_id)
        claims = db.session.scalars(select(SubsidyClaim).where(SubsidyClaim.person_id == person_id,
                                                               SubsidyClaim.level_award_id == award_id)).all()
        assert [(c.status, c.organisation_id, c.kind) for c in claims] == [("submitted", None, "upgrade")]
        before = db.session.scalar(select(func.count()).select_from(SubsidyClaim))
        other_award = db.session.scalar(select(LevelAward.id).where(LevelAward.person_id != person_id,
                                                                    LevelAward.level_digit.is_not(None)))
        with pytest.raises(NotFound):
            claim_own_subsidy(db.session, actor=worker, now=utcnow(), scheme_id=scheme_id, level_award_id=other_award)
        evaluation = db.session.scalar(select(SubsidyScheme.id).where(SubsidyScheme.kind == "evaluation"))
        with pytest.raises(NotFound):
            claim_own_subsidy(db.session, actor=worker, now=utcnow(), scheme_id=evaluation, level_award_id=award_id)
        with pytest.raises(ValidationFailed):
            claim_own_subsidy(db.session, actor=worker, now=utcnow(), scheme_id=scheme_id, level_award_id=award_id)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(SubsidyClaim)) == before
        # the department moves it on in its ledger; the worker sees the progress
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        move_claim(db.session, actor=admin, now=utcnow(), claim_id=claims[0].id, to_status="notice")
        holder = claims[0].person.name
        db.session.commit()
        db.session.remove()
    assert 'aria-current="step">✓ Under public notice' in client.get("/me/subsidies").get_data(as_text=True)
    ledger = demo_app.test_client()
    login(ledger, "admin")
    assert client.get("/me").status_code == 200
    ledger_page = ledger.get("/reports/subsidies")
    assert ledger_page.status_code == 200 and ledger_page.get_data(as_text=True).count(holder) >= 1


def test_the_worker_sees_fitting_jobs_with_reasons_and_the_enterprise_sees_the_interest(demo_app):
    import re

    from app.demand.models import JobDemand
    from app.placement.interest_models import DemandInterest
    from tests.conftest import csrf_token_from
    _user_id, person_id, _own, _others = _worker_ids(demo_app)
    client = demo_app.test_client()
    login(client, "worker1")
    client.set_cookie("jiangcai_lang", "en")
    page = client.get("/me/jobs").get_data(as_text=True)
    assert "job-match" in page and "Holds a certificate at Level 4" in page
    demand_id = int(re.search(r'action="/me/jobs/(\d+)/interest"', page).group(1))
    token = csrf_token_from(page)
    assert client.post(f"/me/jobs/{demand_id}/interest", data={"csrf_token": token}).status_code == 302
    assert "You said you are interested." in client.get("/me/jobs").get_data(as_text=True)
    again = client.post(f"/me/jobs/{demand_id}/interest", data={"csrf_token": token}, follow_redirects=True)
    assert "already said you are interested" in again.get_data(as_text=True)
    with demo_app.app_context():
        assert db.session.scalars(select(DemandInterest.person_id).where(
            DemandInterest.demand_id == demand_id)).all() == [person_id]
        fitting = db.session.get(JobDemand, demand_id)
        hr = db.session.scalar(select(User.username).where(User.organisation_id == fitting.enterprise_id))
        unfit = db.session.scalar(select(JobDemand.id).where(JobDemand.occupation_id != fitting.occupation_id,
                                                             JobDemand.status == "open"))
        db.session.remove()
    # a demand that does not fit me "is not open to me"; nothing is recorded
    assert client.post(f"/me/jobs/{unfit}/interest", data={"csrf_token": token}).status_code == 404
    enterprise = demo_app.test_client()
    login(enterprise, hr)
    listing = enterprise.get(f"/placements/demands/{demand_id}/candidates").get_data(as_text=True)
    row = re.search(rf'<tr id="candidate-{person_id}">.*?</tr>', listing, re.S)
    assert row and "candidate-interested" in row.group(0)


def test_the_worker_downloads_their_own_admission_ticket(demo_app):
    import re
    client = demo_app.test_client()
    login(client, "worker1")
    html = client.get("/me").get_data(as_text=True)
    href = re.search(r'href="(/me/registrations/\d+/ticket\.pdf)" class="ticket-link"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    import io

    from pypdf import PdfReader
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "准考证" in text or "考" in text


def test_an_apprentice_sees_their_apprenticeship_and_logbook(demo_app):
    from app.database import utcnow
    from app.people.models import Person
    from app.people.worker_accounts import open_worker_account
    from app.training.apprenticeship_models import Apprenticeship, LogbookEntry
    with demo_app.app_context():
        apprenticeship = db.session.scalar(select(Apprenticeship).join(LogbookEntry).order_by(Apprenticeship.id))
        person = db.session.get(Person, apprenticeship.person_id)
        entries = len(apprenticeship.logbook)
        open_worker_account(db.session, now=utcnow(), person=person, username="apprentice1", password="Jiangcai2026!")
        db.session.commit()
        db.session.remove()
    client = demo_app.test_client()
    login(client, "apprentice1")
    client.set_cookie("jiangcai_lang", "en")
    html = client.get("/me").get_data(as_text=True)
    assert "own-apprenticeship" in html and f"Logbook ({entries} entries)" in html
