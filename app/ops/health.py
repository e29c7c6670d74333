"""Health checks: can this process reach its database and its task queue?"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One dependency's state; `detail` never carries addresses or credentials."""

    ok: bool
    detail: str


def check_database(session: Session) -> Check:
    """The database answers and is migrated (it has an Alembic revision)."""
    try:
        revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception as exc:  # any driver error means "not usable"
        log.warning("health: database check failed: %s", type(exc).__name__)
        return Check(False, "unreachable")
    finally:
        session.rollback()  # end the read transaction: never hold one open between requests
    if not revision:
        return Check(False, "not migrated")
    return Check(True, f"revision {revision}")


def check_queue(pending_count: Callable[[], int]) -> tuple[Check, int | None]:
    """The queue's storage answers; returns the check and the number of waiting tasks."""
    try:
        pending = int(pending_count())
    except Exception as exc:
        log.warning("health: queue check failed: %s", type(exc).__name__)
        return Check(False, "unreachable"), None
    return Check(True, f"{pending} pending"), pending
