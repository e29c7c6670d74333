"""Data scope over people: which organisations may see whom, and which roles may change what.

Administrators (人社) see everyone; any other user sees the people their organisation holds a
PersonAccess row for. Outside the scope a person "does not exist" (NotFound), so probing ids reveals nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.people.models import Person, PersonAccess
from app.people.vocabulary import ACCESS_REASONS
from app.translation import N_

# Roles that register people and keep their records (assessors only read what they are assigned).
EDITOR_ROLES = frozenset({Role.ADMIN, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.ENTERPRISE_HR})


def is_admin(actor: User) -> bool:
    """True for 人社 administrators, who see every person."""
    return actor.has_role(Role.ADMIN)


def require_editor(actor: User) -> None:
    """Refuse actors whose roles may not register or change people."""
    if not actor.has_role(*EDITOR_ROLES):
        raise NotAllowed(N_("Your role may not register or change people."))


def visible_clause(actor: User) -> ColumnElement[bool]:
    """A WHERE clause limiting Person rows to the actor's scope."""
    if is_admin(actor):
        return Person.id.is_not(None)
    return exists().where(
        PersonAccess.person_id == Person.id, PersonAccess.organisation_id == actor.organisation_id
    )


def has_access(session: Session, *, actor: User, person_id: int) -> bool:
    """Whether the actor's organisation may see the person."""
    if is_admin(actor):
        return True
    row = session.scalar(
        select(PersonAccess.id).where(
            PersonAccess.person_id == person_id, PersonAccess.organisation_id == actor.organisation_id
        )
    )
    return row is not None


def person_in_scope(session: Session, *, actor: User | None, person_id: int) -> Person:
    """The person, if it exists and the actor may see it (actor None = the system itself)."""
    person = session.get(Person, person_id)
    if person is None or (actor is not None and not has_access(session, actor=actor, person_id=person_id)):
        raise NotFound(N_("The person does not exist or is outside your data scope."))
    return person


def person_for_change(session: Session, *, actor: User | None, person_id: int) -> Person:
    """The person, if the actor may see it and holds a role that changes people."""
    if actor is not None:
        require_editor(actor)
    return person_in_scope(session, actor=actor, person_id=person_id)


def grant_person_access(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    person_id: int,
    organisation_id: int,
    reason: str,
) -> PersonAccess:
    """Let an organisation see a person (idempotent); the actor must see the person, or be the system."""
    if reason not in ACCESS_REASONS:
        raise ValidationFailed(N_("Unknown access reason: {reason}.", reason=reason), field="reason")
    person_in_scope(session, actor=actor, person_id=person_id)
    if session.get(Organisation, organisation_id) is None:
        raise ValidationFailed(N_("The organisation does not exist."), field="organisation_id")
    existing = session.scalar(
        select(PersonAccess).where(
            PersonAccess.person_id == person_id, PersonAccess.organisation_id == organisation_id
        )
    )
    if existing is not None:
        return existing
    row = add_access(session, person_id=person_id, organisation_id=organisation_id, reason=reason, now=now)
    record_event(
        session, actor=actor, now=now, action="person.grant_access", object_type="person", object_id=person_id,
        new={"organisation_id": organisation_id, "reason": reason},
    )
    return row


def add_access(session: Session, *, person_id: int, organisation_id: int, reason: str, now: datetime) -> PersonAccess:
    """Insert an access row without checks (callers have checked scope and uniqueness)."""
    row = PersonAccess(person_id=person_id, organisation_id=organisation_id, reason=reason, granted_at=now)
    session.add(row)
    session.flush()
    return row
