"""API tokens: issued once in plain text, kept only as a hash, revocable."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.logins import hash_token
from app.accounts.models import ApiToken, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.errors import NotFound, ValidationFailed
from app.translation import N_

API_TOKEN_PREFIX = "jc_"


def create_api_token(session: Session, *, actor: User, now: datetime, name: str) -> tuple[ApiToken, str]:
    """Issue an API token for the actor; the plain token is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Give the token a name, e.g. “HR system link”."), field="name")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=actor.id, name=name, token_hash=hash_token(token), prefix=token[:10], created_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="api_token.create", object_type="api_token",
                 object_id=row.id, new={"name": name, "prefix": row.prefix})
    return row, token


def revoke_api_token(session: Session, *, actor: User, now: datetime, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (administrators may revoke any)."""
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and not actor.has_role(Role.ADMIN)):
        raise NotFound(N_("Token not found."))
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()
        record_event(session, actor=actor, now=now, action="api_token.revoke", object_type="api_token",
                     object_id=row.id)
    return row


def list_api_tokens(session: Session, *, actor: User) -> list[ApiToken]:
    """The actor's own tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == actor.id).order_by(ApiToken.id.desc())))


def user_for_api_token(session: Session, *, token: str) -> User | None:
    """The active user behind a live API token, or None."""
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user
