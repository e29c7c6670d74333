"""Public results (no login): events under public notice or final, with places, medals and the notice dates;
rate-limited per address like the public verification pages."""

from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import select

from app.competitions.events import get_event
from app.competitions.models import CompetitionEvent
from app.competitions.results import promotions_of, results_of
from app.errors import NotFound
from app.extensions import db, limiter
from app.translation import N_
from app.web.access import public
from app.web.competitions.views import bp

PUBLIC_STATES = ("published", "final")


def _limit() -> str:
    return current_app.config["PUBLIC_LIMIT"]


@bp.get("/results")
@public
@limiter.limit(_limit, scope="public-results")
def public_results():
    """Events whose results are published or final."""
    events = db.session.scalars(select(CompetitionEvent).where(CompetitionEvent.status.in_(PUBLIC_STATES))
                                .order_by(CompetitionEvent.published_at.desc(), CompetitionEvent.id.desc())).all()
    return render_template("competitions/public_index.html", events=events)


@bp.get("/results/<int:event_id>")
@public
@limiter.limit(_limit, scope="public-results")
def public_event(event_id: int):
    """One event's published results: place, medal, name, organisation, total; promotions once final."""
    event = get_event(db.session, event_id)
    if event.status not in PUBLIC_STATES:
        raise NotFound(N_("These results are not published."))
    promotions = {p.entry_id: p for p in promotions_of(db.session, event.id)} if event.status == "final" else {}
    return render_template("competitions/public_event.html", event=event, results=results_of(db.session, event.id),
                           promotions=promotions)
