"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent


class Actor(Protocol):
    """What the audit log needs to know about whoever acted."""

    id: int
    username: str
    organisation_id: int


def record_event(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    action: str,
    object_type: str,
    object_id: Any = None,
    old: dict | None = None,
    new: dict | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append one audit event; the caller's transaction commits it with the change itself."""
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        organisation_id=actor.organisation_id if actor else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        old_value=old,
        new_value=new,
        note=note,
    )
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session, *, object_type: str | None = None, object_id: Any = None, limit: int = 200
) -> list[AuditEvent]:
    """Most recent events first, optionally for one object."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    return list(session.scalars(stmt))
