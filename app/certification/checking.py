"""Checking a certificate PDF file: its QR signature, and its hash against the issued prints."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.certification.models import Certificate, CertificatePrint
from app.certification.signing import KeyRing, parse_verification_url


@dataclass
class PdfCheck:
    """What a PDF check found; `ok` only when every check passed."""

    sha256: str
    qr_url: str | None = None
    signature_valid: bool = False
    certificate: Certificate | None = None
    print_found: CertificatePrint | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the QR verifies, the certificate exists and the file is one of its stored prints."""
        return not self.problems


def qr_urls_in_pdf(data: bytes) -> list[str]:
    """Decode every QR code drawn as an image in the PDF."""
    import pypdf
    import zxingcpp
    from PIL import Image

    urls = []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            # The QR is embedded at one pixel per module; enlarge it so the decoder sees clear edges.
            picture = picture.resize((picture.width * 8, picture.height * 8), Image.NEAREST)
            bordered = Image.new("L", (picture.width + 64, picture.height + 64), 255)
            bordered.paste(picture, (32, 32))
            urls.extend(result.text for result in zxingcpp.read_barcodes(bordered))
    return urls


def check_pdf(session: Session, *, data: bytes, keyring: KeyRing) -> PdfCheck:
    """Verify the QR signature offline, then match the certificate and this exact file in the database."""
    check = PdfCheck(sha256=hashlib.sha256(data).hexdigest())
    urls = [u for u in qr_urls_in_pdf(data) if "/v/" in u]
    if not urls:
        check.problems.append("no verification QR code found in the PDF")
        return check
    check.qr_url = urls[0]
    try:
        token, payload, signature = parse_verification_url(check.qr_url)
    except ValueError as exc:
        check.problems.append(f"QR code is not a verification URL: {exc}")
        return check
    check.signature_valid = keyring.verify(payload, signature)
    if not check.signature_valid:
        check.problems.append(f"QR signature does not verify (key id {payload.key_id})")
    check.certificate = session.scalar(select(Certificate).where(Certificate.token == token))
    if check.certificate is None:
        check.problems.append("no certificate with this QR token in the database")
        return check
    if check.certificate.number != payload.number:
        check.problems.append(f"QR number {payload.number} differs from the record {check.certificate.number}")
    check.print_found = session.scalar(select(CertificatePrint).where(
        CertificatePrint.certificate_id == check.certificate.id, CertificatePrint.pdf_sha256 == check.sha256))
    if check.print_found is None:
        check.problems.append("file hash matches no stored print of this certificate (altered or not ours)")
    if check.certificate.status != "valid":
        check.problems.append(f"certificate status is {check.certificate.status}")
    return check
