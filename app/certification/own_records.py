"""A person's own certificates, as issued to them (the holder may have the issued PDF)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.certification.models import Certificate
from app.errors import NotFound
from app.translation import N_


def own_certificates(session: Session, *, person_id: int) -> list[Certificate]:
    """Every certificate issued to the person, newest first (revoked and superseded ones too, marked so)."""
    return list(session.scalars(select(Certificate).where(Certificate.person_id == person_id)
                                .order_by(Certificate.issue_date.desc(), Certificate.id.desc())))


def own_certificate(session: Session, *, person_id: int, certificate_id: int) -> Certificate:
    """One of the person's own certificates; anyone else's "does not exist"."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None or certificate.person_id != person_id:
        raise NotFound(N_("The certificate does not exist."))
    return certificate
