"""Certificate PDFs carry the full ID number only for roles that may reveal it, and each such release is audited."""

import hashlib
import io
import zipfile
from pathlib import Path

from sqlalchemy import select

from app import pii
from app.audit.models import AuditEvent
from app.catalog.seed import seed_catalog
from app.certification.models import Certificate
from app.people.access import add_access
from app.people.models import Person
from tests.certificates.helpers import pdf_text, squeeze
from tests.certification.test_batches import register_source  # noqa: F401  (registers the test scope)
from tests.conftest import login, post_form
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person
from tests.web.test_certificate_screens import NOW, issued


def _releases(session) -> list[AuditEvent]:
    session.rollback()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action.like("%.download_full"))
                                .order_by(AuditEvent.id)))


def _full_and_masked(session, certificate) -> tuple[str, str]:
    person = session.get(Person, certificate.person_id)
    return pii.decrypt(person.id_number_enc), certificate.id_masked


def test_enterprise_hr_gets_a_masked_copy_and_the_original_stays_as_issued(app, client, session):
    org, _staff, certificate = issued(app, session)
    hr = make_user(session, "enterprise_hr", username="hrreader")
    add_access(session, person_id=certificate.person_id, organisation_id=hr.organisation_id, reason="employer", now=NOW)
    session.commit()
    full, masked = _full_and_masked(session, certificate)
    stored = Path(app.config["FILE_STORAGE_DIR"]) / certificate.pdf_path
    assert full in squeeze(pdf_text(stored.read_bytes()))  # the issued PDF does print the full number
    login(client, "hrreader")
    assert 'id="masked-copy-note"' in client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    for url in (f"/certificates/{certificate.id}/pdf", f"/certificates/prints/{certificate.prints[0].id}/pdf"):
        with client.get(url) as response:
            assert response.status_code == 200 and response.mimetype == "application/pdf"
            assert response.headers["X-Certificate-Copy"] == "masked"
            assert response.headers["Cache-Control"] == "no-store"
            text = squeeze(pdf_text(response.data))
        assert full not in text and full.encode() not in response.data
        assert masked in text and certificate.number in text and "刘洋" in text
        assert hashlib.sha256(response.data).hexdigest() != certificate.pdf_sha256
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == certificate.pdf_sha256  # untouched
    assert _releases(session) == []


def test_staff_get_the_issued_pdf_and_every_download_is_audited(app, client, session):
    _org, staff, certificate = issued(app, session)
    full, _masked = _full_and_masked(session, certificate)
    login(client, "evalstaff")
    assert 'id="masked-copy-note"' not in client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    for _ in range(2):
        with client.get(f"/certificates/{certificate.id}/pdf") as response:
            assert response.headers["X-Certificate-Copy"] == "issued"
            assert hashlib.sha256(response.data).hexdigest() == certificate.pdf_sha256
            assert full in squeeze(pdf_text(response.data))
    events = _releases(session)
    assert [e.action for e in events] == ["certificate.download_full"] * 2
    event = events[0]
    assert event.actor_id == staff.id and event.object_type == "certificate" and event.object_id == str(certificate.id)
    assert event.new_value["channel"] == "web" and event.new_value["person_id"] == certificate.person_id
    assert event.new_value["print_serial"] == certificate.print_serial
    assert full not in str(event.new_value)  # the audit row names the person, never the number


def test_a_missing_stored_pdf_is_a_404_and_not_audited(app, client, session):
    _org, _staff, certificate = issued(app, session)
    (Path(app.config["FILE_STORAGE_DIR"]) / certificate.pdf_path).unlink()
    login(client, "evalstaff")
    assert client.get(f"/certificates/{certificate.id}/pdf").status_code == 404
    assert _releases(session) == []


def test_the_batch_zip_is_one_audited_release(app, client, session):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210004", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org, username="zipper")
    for _ in range(2):
        make_person(session, staff)
    session.commit()
    login(client, "zipper")
    response = post_form(client, "/certificates/jobs", {"scope_type": "test_org_people", "scope_id": str(org.id)},
                         form_url="/certificates")
    job_url = response.headers["Location"]
    with client.get(job_url + "/certificates.zip") as archive:
        assert len(zipfile.ZipFile(io.BytesIO(archive.data)).namelist()) == 2
    [event] = _releases(session)
    ids = sorted(session.scalars(select(Certificate.id)).all())
    assert event.action == "certificate_job.download_full" and event.object_type == "certificate_job"
    assert sorted(event.new_value["certificate_ids"]) == ids and event.new_value["count"] == 2
