"""User accounts: creating logins with roles that fit the organisation, enabling and disabling them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts import passwords
from app.accounts.logins import revoke_all_sessions
from app.accounts.models import Organisation, User, UserRole
from app.accounts.roles import (
    ORG_KIND_LABELS,
    ROLE_LABELS,
    ROLE_ORG_KIND,
    STAFF_ROLES,
    Role,
    require_admin,
    role_fits_org,
)
from app.audit.services import record_event
from app.database import get_or_not_found
from app.errors import ValidationFailed
from app.translation import N_

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,59}$")


def create_user(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    organisation_id: int,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[str],
) -> User:
    """Create a login for a member of an organisation, with roles that fit its kind."""
    if actor is not None:
        require_admin(actor)
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationFailed(N_("A username has 3–60 characters: lower-case letters, digits or . _ -"),
                               field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(N_("Username {username} already exists.", username=username), field="username")
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise ValidationFailed(N_("The organisation does not exist."), field="organisation_id")
    roles = sorted(set(roles))
    if not roles:
        raise ValidationFailed(N_("Choose at least one role."), field="roles")
    for role in roles:
        if role not in Role.__members__.values():
            raise ValidationFailed(N_("Unknown role: {role}.", role=role), field="roles")
        if role not in STAFF_ROLES:  # a worker's own account is made only by the person activating it
            raise ValidationFailed(N_("A worker's own account is activated by the worker, not created by staff."),
                                   field="roles")
        if not role_fits_org(role, org.kind):
            raise ValidationFailed(N_(
                "A user with the role “{role}” must belong to an organisation of the kind “{kind}”.",
                role=ROLE_LABELS[Role(role)], kind=ORG_KIND_LABELS[ROLE_ORG_KIND[Role(role)]],
            ), field="roles")
    passwords.check_policy(password, username=username)
    user = User(
        organisation_id=org.id,
        username=username,
        display_name=display_name.strip() or username,
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=now,
        password_changed_at=now,
        role_rows=[UserRole(role=r) for r in roles],
    )
    session.add(user)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="user.create", object_type="user", object_id=user.id,
        new={"username": username, "organisation_id": org.id, "roles": roles},
    )
    return user


def set_user_active(session: Session, *, actor: User, now: datetime, user_id: int, active: bool) -> User:
    """Enable or disable a login; disabling also ends every session of that user."""
    require_admin(actor)
    user = get_or_not_found(session, User, user_id, N_("User not found."))
    if user.id == actor.id and not active:
        raise ValidationFailed(N_("You cannot deactivate your own account."), field="active")
    old = user.active
    user.active = active
    if not active:
        revoke_all_sessions(session, user_id=user.id, now=now)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="user.set_active", object_type="user", object_id=user.id,
        old={"active": old}, new={"active": active},
    )
    return user


def list_users(session: Session, *, actor: User) -> list[User]:
    """Users the actor may see: all for administrators, else colleagues in the same organisation."""
    stmt = select(User).order_by(User.organisation_id, User.username)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(User.organisation_id == actor.organisation_id)
    return list(session.scalars(stmt))


def create_worker_user(session: Session, *, now: datetime, username: str, display_name: str, password: str) -> User:
    """Create a person's own login (role worker, in no organisation); people.worker_accounts links it to the person
    once the one-time code has been checked. Only that activation calls this."""
    username = username.strip().lower()
    if not USERNAME_RE.fullmatch(username):
        raise ValidationFailed(N_("A username has 3–60 characters: lower-case letters, digits or . _ -"),
                               field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationFailed(N_("Username {username} already exists.", username=username), field="username")
    passwords.check_policy(password, username=username)
    user = User(
        organisation_id=None, username=username, display_name=display_name.strip() or username,
        password_hash=passwords.hash_password(password), active=True, created_at=now, password_changed_at=now,
        role_rows=[UserRole(role=Role.WORKER)],
    )
    session.add(user)
    session.flush()
    record_event(session, actor=user, now=now, action="user.create", object_type="user", object_id=user.id,
                 new={"username": username, "organisation_id": None, "roles": [Role.WORKER.value]})
    return user
