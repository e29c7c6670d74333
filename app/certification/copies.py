"""Handing out certificate PDFs: the issued file only to roles that may see full ID numbers, audited; others a copy.

The stored PDF prints the holder's full ID number. It leaves the server only for a role in PII_REVEAL_ROLES,
and each such release (one certificate, or a batch's ZIP) writes an audit event naming the channel (web, api).
Every other role gets the masked copy: the same print rendered again from its frozen fields with the masked
ID number, kept under certificate-copies/ once rendered. The stored, hashed original is never touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import PII_REVEAL_ROLES
from app.audit.services import record_event
from app.certification.issuing import IssuingContext, build_view, qr_payload
from app.certification.models import Certificate
from app.certification.rendering import render_pdf
from app.certification.signing import verification_url
from app.filestore import write_atomically

COPIES_FOLDER = "certificate-copies"
CHANNELS = ("web", "api")


def releases_full_id(actor: User) -> bool:
    """Whether the actor may be handed the issued PDF, full ID number included (each release is audited)."""
    return actor.has_role(*PII_REVEAL_ROLES)


def record_full_release(session: Session, *, actor: User, now: datetime, certificate: Certificate,
                        print_serial: str, channel: str) -> None:
    """Audit that the issued PDF of one print (with the full ID number) left the server."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    record_event(session, actor=actor, now=now, action="certificate.download_full", object_type="certificate",
                 object_id=certificate.id,
                 new={"number": certificate.number, "print_serial": print_serial, "person_id": certificate.person_id,
                      "id_masked": certificate.id_masked, "channel": channel})


def record_batch_release(session: Session, *, actor: User, now: datetime, job_id: int,
                         certificates: Sequence[tuple[int, int]], channel: str) -> None:
    """Audit that a batch's ZIP of issued PDFs (full ID numbers) left the server: (certificate id, person id)s."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    record_event(session, actor=actor, now=now, action="certificate_job.download_full", object_type="certificate_job",
                 object_id=job_id,
                 new={"count": len(certificates), "certificate_ids": [c for c, _p in certificates],
                      "person_ids": sorted({p for _c, p in certificates}), "channel": channel})


def masked_copy_path(certificate: Certificate, print_serial: str) -> str:
    """Where the masked copy of one print is kept, relative to the storage folder."""
    return f"{COPIES_FOLDER}/{certificate.issue_date.year}/{certificate.number}-{print_serial}-masked.pdf"


def masked_copy(certificate: Certificate, *, print_serial: str, ctx: IssuingContext) -> Path:
    """The print rendered again with the masked ID number (same fields, QR and serial); rendered once, then kept."""
    target = ctx.storage_dir / masked_copy_path(certificate, print_serial)
    if target.is_file():
        return target
    payload = qr_payload(certificate.number, certificate.level_digit, certificate.occupation_code,
                         certificate.issue_date, certificate.key_id)
    url = verification_url(ctx.base_url, certificate.token, payload, certificate.signature)
    photo_path = ctx.storage_dir / certificate.photo_path if certificate.photo_path else None
    view = build_view(certificate.kind, certificate.printed_fields, id_number=certificate.id_masked,
                      photo=photo_path.read_bytes() if photo_path and photo_path.is_file() else None, url=url,
                      print_serial=print_serial)
    write_atomically(target, render_pdf(view))  # two requests racing both render; the rename keeps one whole file
    return target
