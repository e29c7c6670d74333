"""`flask certificates verify-pdf` and `issue-batch`."""

from datetime import UTC, datetime

from sqlalchemy import select

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, issue_certificate
from app.certification.models import Certificate
from app.tasks import issuing_context
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def issued(app, session):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    person = make_person(session, staff)
    certificate = issue_certificate(session, actor=staff, now=NOW, ctx=issuing_context(app), draft=CertificateDraft(
        kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04", occupation_name="焊工",
        variant_name=None, level_digit=4, source_type="test", source_id="1"))
    session.commit()
    return issuing_context(app).storage_dir / certificate.pdf_path, certificate


def test_verify_pdf_accepts_the_stored_file(app, session):
    path, certificate = issued(app, session)
    result = app.test_cli_runner().invoke(args=["certificates", "verify-pdf", str(path)])
    assert result.exit_code == 0, result.output
    assert "Signature: valid" in result.output and certificate.number in result.output and "OK" in result.output


def test_verify_pdf_rejects_an_altered_file(app, session, tmp_path):
    path, _certificate = issued(app, session)
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(path.read_bytes() + b"\n% appended\n")
    result = app.test_cli_runner().invoke(args=["certificates", "verify-pdf", str(altered)])
    assert result.exit_code == 1 and "matches no stored print" in result.output


def test_verify_pdf_reports_revoked_certificates(app, session):
    path, certificate = issued(app, session)
    session.execute(
        Certificate.__table__.update().where(Certificate.id == certificate.id).values(
            status="revoked", revoked_at=NOW, revoked_reason="测试撤销"))
    session.commit()
    result = app.test_cli_runner().invoke(args=["certificates", "verify-pdf", str(path)])
    assert result.exit_code == 1 and "status is revoked" in result.output
    assert session.scalar(select(Certificate.status)) == "revoked"
