"""Where batch drafts come from: each scope type turns its records into certificate drafts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.certification.batches import SOURCES
from app.errors import NotFound


def scope_organisation_id(session: Session, scope_type: str, scope_id: str) -> int:
    """The issuing organisation of a scope (from its first draft)."""
    if scope_type not in SOURCES:
        raise NotFound(f"未知的批量发证范围：{scope_type}")
    drafts = SOURCES[scope_type][1](session, scope_id)
    if not drafts:
        raise NotFound("该范围内没有可发证的记录")
    return drafts[0].issuer.id
