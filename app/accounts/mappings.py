"""An organisation's saved column mapping per import, so its own sheet maps the same way next time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import SavedMapping, User
from app.audit.services import record_event
from app.errors import NotAllowed
from app.translation import N_

MAX_COLUMNS = 200


def saved_mapping(session: Session, *, organisation_id: int | None, kind: str) -> dict[str, str]:
    """The organisation's saved mapping for an import (empty when none)."""
    if organisation_id is None:
        return {}
    row = session.scalar(select(SavedMapping).where(SavedMapping.organisation_id == organisation_id,
                                                    SavedMapping.kind == kind))
    return dict(row.mapping) if row is not None else {}


def save_mapping(session: Session, *, actor: User, now: datetime, kind: str, mapping: Mapping[str, str]) -> SavedMapping:
    """Keep (or replace) the actor's organisation's mapping for an import; audited."""
    if actor.organisation_id is None:
        raise NotAllowed(N_("Only a user of an organisation can save a column mapping for it."))
    clean = {str(column)[:100]: str(key or "")[:40] for column, key in list(mapping.items())[:MAX_COLUMNS]}
    row = session.scalar(select(SavedMapping).where(SavedMapping.organisation_id == actor.organisation_id,
                                                    SavedMapping.kind == kind))
    old = dict(row.mapping) if row is not None else None
    if row is None:
        row = SavedMapping(organisation_id=actor.organisation_id, kind=kind)
        session.add(row)
    row.mapping, row.updated_by_id, row.updated_at = clean, actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="import_mapping.save", object_type="saved_mapping",
                 object_id=row.id, old=old, new={"kind": kind, "mapping": clean})
    return row
