"""Authentication and server-side login sessions: logging in and out, password changes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.models import ApiToken, LoginSession, User
from app.audit.services import record_event
from app.errors import ValidationFailed
from app.translation import N_


def hash_token(token: str) -> str:
    """The stored key of a session or API token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same work either way)."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.active:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def open_login_session(session: Session, *, user: User, now: datetime, lifetime: timedelta) -> str:
    """Start a server-side login session and return the token to keep in the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=hash_token(token), user_id=user.id, created_at=now, expires_at=now + lifetime))
    session.flush()
    user.login_token = token
    return token


def user_for_token(session: Session, *, token: str, now: datetime) -> User | None:
    """The user of a live login session, or None if it ended, expired or never existed."""
    row = session.get(LoginSession, hash_token(token))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    user = row.user
    if not user.active:
        return None
    user.login_token = token
    return user


def close_login_session(session: Session, *, token: str, now: datetime) -> None:
    """End one login session (logout): its cookie no longer works, even if replayed."""
    row = session.get(LoginSession, hash_token(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.flush()


def revoke_all_sessions(session: Session, *, user_id: int, now: datetime) -> None:
    """End every live login session of a user (disabled account, changed password)."""
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all_api_tokens(session: Session, *, user_id: int, now: datetime) -> int:
    """Revoke every live API token of a user (changed password); returns how many."""
    result = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount or 0


def change_password(
    session: Session,
    *,
    actor: User,
    now: datetime,
    current_password: str,
    new_password: str,
    lifetime: timedelta,
) -> str:
    """Change the actor's password, end all their sessions, revoke their API tokens and return a fresh session
    token."""
    if not passwords.verify_password(actor.password_hash, current_password):
        raise ValidationFailed(N_("The current password is not correct."), field="current_password")
    if current_password == new_password:
        raise ValidationFailed(N_("The new password must differ from the current one."), field="new_password")
    passwords.check_policy(new_password, username=actor.username, field="new_password")
    actor.password_hash = passwords.hash_password(new_password)
    actor.password_changed_at = now
    revoke_all_sessions(session, user_id=actor.id, now=now)
    revoked = revoke_all_api_tokens(session, user_id=actor.id, now=now)
    session.flush()
    record_event(session, actor=actor, now=now, action="user.change_password", object_type="user", object_id=actor.id,
                 new={"api_tokens_revoked": revoked})
    return open_login_session(session, user=actor, now=now, lifetime=lifetime)
