"""Job matches on the worker's side: open demands that fit my certificates, levels and training, with the reasons,
and my interest in one, which the enterprise sees in the demand's matching list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.errors import Conflict, NotFound
from app.people.worker_accounts import own_person
from app.placement.interest_models import DemandInterest
from app.placement.matching import FittingDemand, fitting_demands
from app.translation import N_


@dataclass(frozen=True)
class OwnMatch:
    """A fitting open demand and whether I said I am interested."""

    fit: FittingDemand
    interested: bool


def own_matches(session: Session, *, actor: User, today: date) -> list[OwnMatch]:
    """Open demands that fit me, best first, with the reasons and my interest."""
    person = own_person(session, actor=actor)
    mine = set(session.scalars(select(DemandInterest.demand_id).where(DemandInterest.person_id == person.id)))
    return [OwnMatch(fit, fit.demand.id in mine) for fit in fitting_demands(session, person=person, today=today)]


def express_interest(session: Session, *, actor: User, now: datetime, demand_id: int, today: date) -> DemandInterest:
    """Tell the enterprise I would like the job; only a demand that fits me (open, my occupation and level)."""
    person = own_person(session, actor=actor)
    if not any(fit.demand.id == demand_id for fit in fitting_demands(session, person=person, today=today, limit=500)):
        raise NotFound(N_("This job demand is not open to you."))
    exists = session.scalar(select(DemandInterest.id).where(DemandInterest.demand_id == demand_id,
                                                            DemandInterest.person_id == person.id))
    if exists is not None:
        raise Conflict(N_("You have already said you are interested in this job."))
    interest = DemandInterest(demand_id=demand_id, person_id=person.id, created_at=now)
    session.add(interest)
    session.flush()
    record_event(session, actor=actor, now=now, action="demand.interest", object_type="job_demand",
                 object_id=demand_id, new={"person_id": person.id})
    return interest
