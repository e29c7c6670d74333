"""Certificate PDFs through the API: the full ID number only for roles that may reveal it (audited), assessors
only for their own sessions' certificates, masked."""

import hashlib

from sqlalchemy import select

from app import pii
from app.accounts.services import create_api_token
from app.assessment.results import finalise_plan, publish_results
from app.audit.models import AuditEvent
from app.certification.models import Certificate
from app.database import utcnow
from app.people.models import Person
from tests.assessment.conftest import world  # noqa: F401  (fixture)
from tests.assessment.test_results import AFTER_NOTICE, PUBLISHED, run_exams
from tests.certificates.helpers import pdf_text, squeeze
from tests.factories import make_user


def _bearer(session, user) -> dict:
    _row, token = create_api_token(session, actor=user, now=utcnow(), name="test")
    return {"Authorization": f"Bearer {token}"}


def _issued_plan(client, session, world):  # noqa: F811
    plan, _regs = run_exams(session, world, theory=["72", "75"], practical=["80", "80"], people=2)
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    finalise_plan(session, actor=world.staff, now=AFTER_NOTICE, plan_id=plan.id)
    staff = _bearer(session, world.staff)
    session.commit()
    assert client.post("/api/v1/certificate-jobs", headers=staff,
                       json={"scope_type": "assessment_plan", "scope_id": plan.id}).status_code == 202
    session.rollback()
    certificates = list(session.scalars(select(Certificate).order_by(Certificate.id)))
    assert len(certificates) == 2
    return staff, certificates


def test_staff_get_the_issued_pdf_audited_with_the_api_channel(client, session, world):  # noqa: F811
    staff, certificates = _issued_plan(client, session, world)
    certificate = certificates[0]
    with client.get(f"/api/v1/certificates/{certificate.id}/pdf", headers=staff) as response:
        assert response.headers["X-Certificate-Copy"] == "issued"
        assert hashlib.sha256(response.data).hexdigest() == certificate.pdf_sha256
    session.rollback()
    [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.download_full")).all()
    assert event.actor_id == world.staff.id and event.object_id == str(certificate.id)
    assert event.new_value["channel"] == "api"


def test_an_assessor_sees_only_their_sessions_certificates_and_gets_them_masked(client, session, world):  # noqa: F811
    staff, certificates = _issued_plan(client, session, world)
    outsider = make_user(session, "assessor", org=world.org)  # same organisation, no session of the plan
    assessor = _bearer(session, world.assessors[0])  # the practical room's leader
    other = _bearer(session, outsider)
    session.commit()
    assert client.get("/api/v1/certificates", headers=other).get_json()["items"] == []
    for certificate in certificates:
        assert client.get(f"/api/v1/certificates/{certificate.id}", headers=other).status_code == 404
        assert client.get(f"/api/v1/certificates/{certificate.id}/pdf", headers=other).status_code == 404
    listed = client.get("/api/v1/certificates", headers=assessor).get_json()["items"]
    assert sorted(i["id"] for i in listed) == [c.id for c in certificates]
    for certificate in certificates:
        full = pii.decrypt(session.get(Person, certificate.person_id).id_number_enc)
        with client.get(f"/api/v1/certificates/{certificate.id}/pdf", headers=assessor) as response:
            assert response.status_code == 200 and response.headers["X-Certificate-Copy"] == "masked"
            text = squeeze(pdf_text(response.data))
        assert full not in text and certificate.id_masked in text and certificate.number in text
    session.rollback()
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.download_full")).all() == []


def test_enterprise_hr_without_the_person_in_scope_sees_nothing(client, session, world):  # noqa: F811
    _staff, certificates = _issued_plan(client, session, world)
    hr = _bearer(session, make_user(session, "enterprise_hr"))
    session.commit()
    assert client.get(f"/api/v1/certificates/{certificates[0].id}/pdf", headers=hr).status_code == 404
