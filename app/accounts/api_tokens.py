"""API tokens: issued once in plain text, kept only as a hash, expiring, revocable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.logins import hash_token
from app.accounts.models import ApiToken, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.clock import local_date
from app.errors import NotFound, ValidationFailed
from app.translation import N_, Message

API_TOKEN_PREFIX = "jc_"
DEFAULT_DAYS = 90  # config API_TOKEN_DAYS
MAX_DAYS = 365  # config API_TOKEN_MAX_DAYS


def create_api_token(session: Session, *, actor: User, now: datetime, name: str, days: int | None = None,
                     default_days: int = DEFAULT_DAYS, max_days: int = MAX_DAYS) -> tuple[ApiToken, str]:
    """Issue an API token for the actor, valid for `days` (default_days when not given, at most max_days);
    the plain token is returned once and only its hash is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Give the token a name, e.g. “HR system link”."), field="name")
    days = min(default_days, max_days) if days is None else days
    if not 1 <= days <= max_days:
        raise ValidationFailed(N_("A token is valid for 1 to {days} days.", days=max_days), field="days")
    token = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=actor.id, name=name, token_hash=hash_token(token), prefix=token[:10], created_at=now,
                   expires_at=now + timedelta(days=days))
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="api_token.create", object_type="api_token",
                 object_id=row.id, new={"name": name, "prefix": row.prefix, "expires_at": row.expires_at.isoformat()})
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


@dataclass(frozen=True)
class TokenCheck:
    """The user behind a bearer token, or why the token was refused."""

    user: User | None
    refusal: Message | None = None


def check_api_token(session: Session, *, token: str, now: datetime) -> TokenCheck:
    """The active user behind a live API token, or the reason it does not work (for a 401)."""
    row = None
    if token.startswith(API_TOKEN_PREFIX):
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or not row.user.active:
        return TokenCheck(None, N_("The API token is missing or not valid."))
    if row.revoked_at is not None:
        return TokenCheck(None, N_("This API token was revoked on {day} (changing the password revokes every token); "
                                   "create a new one under API tokens.", day=local_date(row.revoked_at).isoformat()))
    if row.expires_at <= now:
        return TokenCheck(None, N_("This API token expired on {day}; create a new one under API tokens.",
                                   day=local_date(row.expires_at).isoformat()))
    return TokenCheck(row.user)


def user_for_api_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The active user behind a live (not revoked, not expired) API token, or None."""
    return check_api_token(session, token=token, now=now).user
