"""Make sure the funnel facts are recent enough before a report reads them (pages and API)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.database import utcnow, write_intent
from app.extensions import db
from app.reporting.facts import facts_as_of, is_stale, refresh_funnel_facts


def fresh_funnel_facts() -> datetime:
    """Rebuild the funnel facts when older than FUNNEL_FACTS_MAX_AGE_SECONDS; returns their "as of" time."""
    max_age = current_app.config["FUNNEL_FACTS_MAX_AGE_SECONDS"]
    as_of = facts_as_of(db.session)
    if as_of is not None and not is_stale(as_of, now=utcnow(), max_age_seconds=max_age):
        return as_of
    db.session.commit()  # end this request's read transaction: the rebuild runs in a writing one of its own
    with write_intent():
        as_of = refresh_funnel_facts(db.session, now=utcnow(), max_age_seconds=max_age).refreshed_at
        db.session.commit()
    return as_of
