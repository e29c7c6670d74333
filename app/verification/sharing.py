"""Share links: an expiring link to one certificate, made on the holder's behalf, withdrawable, views logged."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.organisations import get_organisation_row
from app.accounts.roles import Role
from app.audit.services import record_event
from app.certification.lifecycle import get_certificate
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.translation import N_
from app.verification.checks import FOUND, MISS, CheckOutcome, facts_for, log_check
from app.verification.models import ShareLink

HIDDEN_ID = "—"  # shown instead of the masked ID number on a link whose holder hid it
SHARE_ROLES = frozenset({Role.ADMIN, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.ENTERPRISE_HR})
MAX_DAYS = 90


def token_hash(token: str) -> str:
    """The stored form of a share token (the token itself is shown once and never kept)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_share_link(session: Session, *, actor: User, now: datetime, certificate_id: int, days: int,
                      note: str | None = None) -> tuple[ShareLink, str]:
    """Make a link to a certificate the actor can see; returns the link and its token (shown once)."""
    if not actor.has_role(*SHARE_ROLES):
        raise NotAllowed(N_("Only training institutions, evaluation organisations or enterprise staff may create share links."))
    certificate = get_certificate(session, actor=actor, certificate_id=certificate_id)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(N_("A share link is valid for 1 to {maximum} days.", maximum=MAX_DAYS), field="days")
    token = secrets.token_urlsafe(16)  # 128 random bits
    link = ShareLink(token_hash=token_hash(token), certificate_id=certificate.id,
                     organisation_id=actor.organisation_id, created_by_id=actor.id, created_at=now,
                     expires_at=now + timedelta(days=days), note=(note or "").strip()[:200] or None, views=0)
    session.add(link)
    session.flush()
    record_event(session, actor=actor, now=now, action="share_link.create", object_type="certificate",
                 object_id=certificate.id, new={"share_link": link.id, "expires_at": link.expires_at.isoformat()})
    return link, token


def _own_link(session: Session, actor: User, link_id: int) -> ShareLink:
    return get_organisation_row(session, ShareLink, link_id, actor=actor,
                                missing=N_("This share link does not exist."))


def withdraw_share_link(session: Session, *, actor: User, now: datetime, link_id: int) -> ShareLink:
    """Withdraw a link made by the actor's organisation; it stops working at once."""
    link = _own_link(session, actor, link_id)
    if link.withdrawn_at is not None:
        raise InvalidTransition(N_("This share link has already been withdrawn."))
    link.withdrawn_at, link.withdrawn_by_id = now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="share_link.withdraw", object_type="certificate",
                 object_id=link.certificate_id, old={"share_link": link.id}, new={"withdrawn": True})
    return link


def list_share_links(session: Session, *, actor: User, certificate_id: int) -> list[ShareLink]:
    """Links to a certificate made by the actor's organisation (all of them for administrators)."""
    stmt = select(ShareLink).where(ShareLink.certificate_id == certificate_id).order_by(ShareLink.id.desc())
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(ShareLink.organisation_id == actor.organisation_id)
    return list(session.scalars(stmt))


def open_share_link(session: Session, *, token: str, now: datetime) -> CheckOutcome:
    """What a share link's page shows; each view is counted and logged. Expired or withdrawn links miss."""
    link = session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token or "")))
    if link is None or link.withdrawn_at is not None or link.expires_at <= now:
        log_check(session, now=now, channel="share", result="not_found")
        return CheckOutcome(MISS, now)
    facts = facts_for(session, link.certificate_id)
    if facts is None:  # certificates are never deleted; guard anyway
        return CheckOutcome(MISS, now)
    if link.hide_id_number:  # the holder chose to share without the (masked) ID number
        facts = replace(facts, id_masked=HIDDEN_ID)
    session.execute(update(ShareLink).where(ShareLink.id == link.id)
                    .values(views=ShareLink.views + 1, last_viewed_at=now))
    log_check(session, now=now, channel="share", result=facts.status, certificate_id=facts.certificate_id,
              share_link_id=link.id)
    return CheckOutcome(FOUND, now, facts, number=facts.number)


def link_state(link: ShareLink, now: datetime) -> str:
    """active, expired or withdrawn."""
    if link.withdrawn_at is not None:
        return "withdrawn"
    return "expired" if link.expires_at <= now else "active"
