"""Inviting a matched candidate and recording the outcome: interview, offer, hired (a placement) or declined."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, sees_organisation
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.demand.services import get_demand
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.access import grant_person_access
from app.people.models import Person
from app.placement.models import Invitation, Placement
from app.placement.placements import PlacementDetails, record_placement
from app.placement.vocabulary import INVITATION_STATUSES, INVITATION_TRANSITIONS
from app.translation import N_


def _require_enterprise(actor: User) -> None:
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise NotAllowed(N_("Only the hiring enterprise or HR & social security administrators may invite "
                            "candidates."))


def invite_candidate(session: Session, *, actor: User, now: datetime, demand_id: int, person_id: int,
                     reason: str | None = None) -> Invitation:
    """Invite a person for a demand; the enterprise may then see the person's record."""
    _require_enterprise(actor)
    demand = get_demand(session, actor=actor, demand_id=demand_id, today=local_date(now))
    if not sees_organisation(actor, demand.enterprise_id):
        raise NotAllowed(N_("You may invite candidates only for your own enterprise's job demands."))
    if demand.effective_status(local_date(now)) != "open":
        raise InvalidTransition(N_("The job demand is no longer open."))
    person = get_or_not_found(session, Person, person_id, N_("The person does not exist."))
    if session.scalar(select(Invitation.id).where(Invitation.demand_id == demand.id,
                                                  Invitation.person_id == person.id)) is not None:
        raise Conflict(N_("{name} has already been invited for this job.", name=person.name), field="person_id")
    invitation = Invitation(demand_id=demand.id, person_id=person.id, status="invited",
                            reason=(reason or "")[:300] or None, created_by_id=actor.id, created_at=now,
                            updated_at=now)
    session.add(invitation)
    session.flush()
    grant_person_access(session, actor=None, now=now, person_id=person.id, organisation_id=demand.enterprise_id,
                        reason="placement")
    record_event(session, actor=actor, now=now, action="invitation.create", object_type="invitation",
                 object_id=invitation.id, new={"demand_id": demand.id, "person_id": person.id})
    return invitation


def get_invitation(session: Session, *, actor: User, invitation_id: int, today: date) -> Invitation:
    """An invitation for one of the actor's demands."""
    invitation = get_or_not_found(session, Invitation, invitation_id, N_("The invitation does not exist."))
    get_demand(session, actor=actor, demand_id=invitation.demand_id, today=today)
    if not sees_organisation(actor, invitation.demand.enterprise_id):
        raise NotFound(N_("The invitation does not exist."))
    return invitation


def advance_invitation(session: Session, *, actor: User, now: datetime, invitation_id: int, to_status: str,
                       note: str | None = None) -> Invitation:
    """Move an invitation to interview, offer or declined (hired goes through hire_candidate)."""
    _require_enterprise(actor)
    invitation = get_invitation(session, actor=actor, invitation_id=invitation_id, today=local_date(now))
    if to_status not in INVITATION_STATUSES:
        raise ValidationFailed(N_("Unknown status: {status}.", status=to_status), field="status")
    if to_status == "hired":
        raise InvalidTransition(N_("Hiring needs the start date, the contract and the wage."), field="status")
    _move(session, invitation, to_status, actor=actor, now=now, note=note)
    return invitation


def _move(session: Session, invitation: Invitation, to_status: str, *, actor: User, now: datetime,
          note: str | None) -> None:
    old = invitation.status
    if to_status not in INVITATION_TRANSITIONS[old]:
        raise InvalidTransition(
            N_("An invitation cannot change from “{old}” to “{new}”.", old=INVITATION_STATUSES[old],
               new=INVITATION_STATUSES[to_status]), field="status")
    invitation.status, invitation.updated_at = to_status, now
    if note:
        invitation.note = note.strip()[:500]
    session.flush()
    record_event(session, actor=actor, now=now, action="invitation.status", object_type="invitation",
                 object_id=invitation.id, old={"status": old}, new={"status": to_status})


def hire_candidate(session: Session, *, actor: User, now: datetime, invitation_id: int, start_date: date,
                   contract_months: int, monthly_wage: int) -> Placement:
    """Record an offered candidate's start of work against the demand; the invitation becomes hired."""
    _require_enterprise(actor)
    invitation = get_invitation(session, actor=actor, invitation_id=invitation_id, today=local_date(now))
    if invitation.status != "offer":
        raise InvalidTransition(N_("Only an invitation with an offer can be hired (now: {status}).",
                                   status=INVITATION_STATUSES[invitation.status]), field="status")
    placement = record_placement(session, actor=actor, now=now, details=PlacementDetails(
        person_id=invitation.person_id, enterprise_id=invitation.demand.enterprise_id,
        demand_id=invitation.demand_id, start_date=start_date, contract_months=contract_months,
        monthly_wage=monthly_wage))
    invitation.placement_id = placement.id
    _move(session, invitation, "hired", actor=actor, now=now, note=None)
    return placement


def invitations_for_demand(session: Session, *, demand_id: int) -> list[Invitation]:
    """Every invitation of a demand (the caller has checked the demand is in scope)."""
    return list(session.scalars(select(Invitation).where(Invitation.demand_id == demand_id)
                                .order_by(Invitation.id)))
