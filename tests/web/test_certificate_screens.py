"""Certificate pages: view, download the stored PDF, revoke, reprint, batch progress and ZIP."""

import hashlib
import io
import zipfile
from datetime import UTC, datetime

from sqlalchemy import select

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, issue_certificate
from app.certification.models import Certificate
from app.tasks import issuing_context
from tests.certification.test_batches import register_source  # noqa: F401  (registers the test scope)
from tests.conftest import login, post_form
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def issued(app, session, username="evalstaff"):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org, username=username)
    person = make_person(session, staff, name="刘洋")
    certificate = issue_certificate(session, actor=staff, now=NOW, ctx=issuing_context(app), draft=CertificateDraft(
        kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04", occupation_name="焊工",
        variant_name=None, level_digit=4, source_type="test", source_id="1"))
    session.commit()
    return org, staff, certificate


def test_view_and_download_the_stored_pdf(app, client, session):
    _org, _staff, certificate = issued(app, session)
    login(client, "evalstaff")
    html = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert certificate.number in html and "刘洋" in html and "有效" in html
    with client.get(f"/certificates/{certificate.id}/pdf") as response:
        assert response.mimetype == "application/pdf"
        assert hashlib.sha256(response.data).hexdigest() == certificate.pdf_sha256


def test_revoke_needs_a_reason_then_shows_it(app, client, session):
    _org, _staff, certificate = issued(app, session)
    login(client, "evalstaff")
    url = f"/certificates/{certificate.id}"
    response = post_form(client, f"{url}/revoke", {"reason": ""}, form_url=url)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="confirm-revoke" open' in html and "is-invalid" in html
    response = post_form(client, f"{url}/revoke", {"reason": "短"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and ">短</textarea>" in html and html.count("至少 4 个字") == 1
    response = post_form(client, f"{url}/revoke", {"reason": "证件材料造假，经复核撤销"}, form_url=url)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "已撤销" in html and "证件材料造假" in html


def test_reprint_adds_a_print(app, client, session):
    _org, _staff, certificate = issued(app, session)
    login(client, "evalstaff")
    url = f"/certificates/{certificate.id}"
    assert post_form(client, f"{url}/reprint", {"reprint-reason": "遗失"}, form_url=url).status_code == 302
    session.rollback()
    assert len(session.get(Certificate, certificate.id).prints) == 2


def test_other_organisations_cannot_see_it(app, client, session):
    _org, _staff, certificate = issued(app, session)
    make_user(session, "enterprise_hr", username="stranger")
    session.commit()
    login(client, "stranger")
    assert client.get(f"/certificates/{certificate.id}").status_code == 404
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404


def test_batch_runs_and_offers_a_zip(app, client, session):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210003", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org, username="batcher")
    for _ in range(3):
        make_person(session, staff)
    session.commit()
    login(client, "batcher")
    response = post_form(client, "/certificates/jobs", {"scope_type": "test_org_people", "scope_id": str(org.id)},
                         form_url="/certificates")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert "job-progress.js" in client.get(job_url).get_data(as_text=True)
    status = client.get(job_url + ".json").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] == 3
    with client.get(job_url + "/certificates.zip") as archive:
        names = zipfile.ZipFile(io.BytesIO(archive.data)).namelist()
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
    session.rollback()
    assert len(session.scalars(select(Certificate)).all()) == 3
