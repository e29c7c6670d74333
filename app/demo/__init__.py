"""A realistic Liaoning demo data set, loaded into an empty database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation
from app.demo.accounts import DEMO_LOGINS, DEMO_PASSWORD, load_accounts
from app.demo.assessment import load_assessment
from app.demo.catalog import load_catalog
from app.demo.competitions import load_competitions
from app.demo.labour import load_labour
from app.demo.people import load_people
from app.demo.placement import load_placement
from app.demo.portal import load_portal
from app.demo.studios import load_studios
from app.demo.training import load_training


def database_is_empty(session: Session) -> bool:
    """True when no organisation exists yet."""
    return session.scalar(select(func.count()).select_from(Organisation)) == 0


def load_demo(session: Session, *, now: datetime) -> dict[str, int]:
    """Create the demo data set; returns counts of what was created. Flushes, never commits."""
    created = load_accounts(session, now=now)
    created |= load_catalog(session, now=now)
    created |= load_people(session, now=now)
    created |= load_training(session, now=now)
    created |= load_assessment(session, now=now)
    created |= load_placement(session, now=now)
    created |= load_competitions(session, now=now)
    created |= load_labour(session, now=now)
    created |= load_studios(session, now=now)
    created |= load_portal(session, now=now, password=DEMO_PASSWORD)
    return created


__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "database_is_empty", "load_demo"]
