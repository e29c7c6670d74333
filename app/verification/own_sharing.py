"""Share links under the holder's control: a worker's own account makes, lists and withdraws links to its own
certificates (also links staff made on its behalf), may hide the ID number, and sees every view of each link.

The links are the same `ShareLink` rows staff make (verification.sharing), opened by the same public page; a link
the holder makes belongs to no organisation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.audit.services import record_event
from app.certification.models import Certificate
from app.certification.own_records import own_certificate
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.people.worker_accounts import own_person
from app.translation import N_
from app.verification.models import ShareLink, VerificationLog
from app.verification.sharing import MAX_DAYS, token_hash


@dataclass(frozen=True)
class LinkView:
    """One opening of a share link: when, and by which organisation when the viewer identified itself."""

    viewed_at: datetime
    organisation_name: str | None


def create_own_share_link(session: Session, *, actor: User, now: datetime, certificate_id: int, days: int,
                          hide_id_number: bool = False, note: str | None = None) -> tuple[ShareLink, str]:
    """Make a link to one of the holder's own valid certificates; returns the link and its token (shown once)."""
    person = own_person(session, actor=actor)
    certificate = own_certificate(session, person_id=person.id, certificate_id=certificate_id)
    if certificate.status != "valid":
        raise InvalidTransition(N_("Only a valid certificate can be shared."))
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(N_("A share link is valid for 1 to {maximum} days.", maximum=MAX_DAYS), field="days")
    token = secrets.token_urlsafe(16)  # 128 random bits
    link = ShareLink(token_hash=token_hash(token), certificate_id=certificate.id, organisation_id=None,
                     created_by_id=actor.id, created_at=now, expires_at=now + timedelta(days=days),
                     note=(note or "").strip()[:200] or None, views=0, hide_id_number=bool(hide_id_number))
    session.add(link)
    session.flush()
    record_event(session, actor=actor, now=now, action="share_link.create", object_type="certificate",
                 object_id=certificate.id, new={"share_link": link.id, "expires_at": link.expires_at.isoformat(),
                                                "hide_id_number": link.hide_id_number, "by": "holder"})
    return link, token


def own_share_links(session: Session, *, actor: User) -> list[ShareLink]:
    """Every link to the holder's certificates, newest first, whoever made it."""
    person = own_person(session, actor=actor)
    return list(session.scalars(select(ShareLink).join(Certificate, Certificate.id == ShareLink.certificate_id)
                                .where(Certificate.person_id == person.id).order_by(ShareLink.id.desc())))


def own_share_link(session: Session, *, actor: User, link_id: int) -> ShareLink:
    """One link to one of the holder's certificates; any other link "does not exist"."""
    person = own_person(session, actor=actor)
    link = session.get(ShareLink, link_id)
    if link is None or link.certificate.person_id != person.id:
        raise NotFound(N_("This share link does not exist."))
    return link


def withdraw_own_share_link(session: Session, *, actor: User, now: datetime, link_id: int) -> ShareLink:
    """Withdraw a link to one of the holder's certificates; it stops working at once."""
    link = own_share_link(session, actor=actor, link_id=link_id)
    if link.withdrawn_at is not None:
        raise InvalidTransition(N_("This share link has already been withdrawn."))
    link.withdrawn_at, link.withdrawn_by_id = now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="share_link.withdraw", object_type="certificate",
                 object_id=link.certificate_id, old={"share_link": link.id}, new={"withdrawn": True, "by": "holder"})
    return link


def share_link_views(session: Session, *, actor: User, link_id: int) -> list[LinkView]:
    """Who opened one of the holder's links and when, newest first (the log keeps no viewer's name)."""
    link = own_share_link(session, actor=actor, link_id=link_id)
    rows = session.execute(select(VerificationLog.checked_at, Organisation.name)
                           .outerjoin(Organisation, Organisation.id == VerificationLog.organisation_id)
                           .where(VerificationLog.share_link_id == link.id)
                           .order_by(VerificationLog.checked_at.desc(), VerificationLog.id.desc()))
    return [LinkView(viewed_at=at, organisation_name=name) for at, name in rows]
