"""Verification in a real browser: scan a certificate's QR code, check by number and name, see a revocation."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, IssuingContext, issue_certificate
from app.certification.lifecycle import revoke_certificate
from app.certification.signing import keyring_from_config
from app.database import utcnow, write_intent
from tests.certificates.helpers import decode_qr_codes
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

pytestmark = pytest.mark.browser


def _issue(app, session, name: str, *, revoke_reason: str | None = None):
    ctx = IssuingContext(storage_dir=Path(app.config["FILE_STORAGE_DIR"]),
                         keyring=keyring_from_config(app.config["CERT_SIGNING_KEYS"]), base_url="https://jc.example.cn")
    now = utcnow()
    with write_intent():
        seed_catalog(session, now=now)
        org = make_evaluation_org(session, site_code="219901", scopes=[("6-18-02-04", 3)])
        staff = make_user(session, "evaluation_staff", org=org)
        person = make_person(session, staff, name=name)
        certificate = issue_certificate(session, actor=staff, now=now, ctx=ctx, draft=CertificateDraft(
            kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04", occupation_name="焊工",
            variant_name=None, level_digit=3, source_type="assessment_result", source_id=f"browser-{name}"))
        if revoke_reason:
            revoke_certificate(session, actor=staff, now=now, certificate_id=certificate.id, reason=revoke_reason)
        session.commit()
    pdf = (ctx.storage_dir / certificate.pdf_path).read_bytes()
    return certificate.number, pdf


def _scanned_path(pdf: bytes, tmp_path) -> str:
    (url,) = decode_qr_codes(pdf, tmp_path)  # what a phone camera reads off the printed page
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_scan_to_verify_then_check_by_number_and_name(app, live_server, page, session, tmp_path):
    number, pdf = _issue(app, session, "孙浏览")
    page.goto(live_server + _scanned_path(pdf, tmp_path))
    assert page.get_attribute("#verify-status", "data-status") == "valid"
    assert page.get_attribute("#signature", "data-signature") == "valid"
    assert page.inner_text("#verify-number") == number and page.inner_text("#verify-holder") == "孙浏览"
    assert "三级/高级工" in page.inner_text("#verify-facts")
    page.screenshot(path=str(tmp_path / "qr-page.png"), full_page=True)
    printed = page.request.get(live_server + page.get_attribute("#print-result", "href"))
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"

    page.goto(f"{live_server}/login")
    page.click("#public-verify-link")
    page.fill("#number", number)
    page.fill("#name", "孙浏览")
    page.click("#submit")
    assert page.get_attribute("#verify-status", "data-status") == "valid"
    page.goto(f"{live_server}/verify")
    page.fill("#number", number)
    page.fill("#name", "别人")
    page.click("#submit")
    assert page.is_visible("#verify-miss") and "孙浏览" not in page.content()


def test_revoked_certificate_page_shows_revoked_with_reason_and_date(app, live_server, page, session, tmp_path):
    _number, pdf = _issue(app, session, "钱撤销", revoke_reason="证书信息造假，予以撤销")
    page.goto(live_server + _scanned_path(pdf, tmp_path))
    assert page.get_attribute("#verify-status", "data-status") == "revoked"
    status = page.inner_text("#verify-status")
    assert "已撤销" in status
    revocation = page.inner_text("#revocation")
    assert "证书信息造假，予以撤销" in revocation and utcnow().astimezone().strftime("%Y-") in revocation
    page.screenshot(path=str(tmp_path / "revoked.png"), full_page=True)
