"""Sending a certificate's PDF from a page or the API: the issued file (audited) or the masked copy, by role."""

from __future__ import annotations

from flask import current_app, send_file

from app.certification.copies import masked_copy, record_full_release, releases_full_id
from app.certification.models import Certificate
from app.database import utcnow, write_intent
from app.extensions import db
from app.tasks import issuing_context
from app.web.access import current_actor
from app.web.downloads import stored_file

COPY_HEADER = "X-Certificate-Copy"  # "issued" (the stored PDF, full ID number) or "masked"


def send_certificate_pdf(certificate: Certificate, *, print_serial: str, pdf_path: str, channel: str,
                         download_name: str, as_attachment: bool = False):
    """The issued PDF of a print for roles that may see full ID numbers (one audit event each), else its masked copy."""
    actor = current_actor()
    if releases_full_id(actor):
        path = stored_file(pdf_path)  # 404 before anything is recorded when the file is gone
        certificate_id = certificate.id
        db.session.commit()  # end this GET's read transaction: the audit event is written in one of its own
        with write_intent():
            record_full_release(db.session, actor=actor, now=utcnow(),
                                certificate=db.session.get(Certificate, certificate_id), print_serial=print_serial,
                                channel=channel)
            db.session.commit()
        kind = "issued"
    else:
        path = masked_copy(certificate, print_serial=print_serial, ctx=issuing_context(current_app))
        kind = "masked"
    response = send_file(path, mimetype="application/pdf", as_attachment=as_attachment, download_name=download_name,
                         max_age=0)
    response.headers[COPY_HEADER] = kind
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or proxy
    return response
