"""Eligibility exceptions (issue 17): evaluation staff request one for an ineligible registration with a reason;
an HR & social security administrator approves it (the registration is admitted by override) or refuses it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.exception_models import ExceptionRequest
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.registration import (
    REGISTRATION_NOT_FOUND,
    exception_reason,
    override_registration,
    require_exception_possible,
)
from app.assessment.scope import check_reason, plan_for_staff
from app.audit.services import record_event
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from app.translation import N_

REQUEST_NOT_FOUND = N_("The exception request does not exist.")
DECIDES = N_("An HR & social security administrator decides exception requests.")


def request_exception(
    session: Session, *, actor: User, now: datetime, registration_id: int, reason: str
) -> ExceptionRequest:
    """Evaluation staff ask the administrator to admit an ineligible candidate of their own plan (audited)."""
    # The row lock serialises two requests for one registration on PostgreSQL (SQLite: POSTs begin IMMEDIATE).
    registration = session.scalar(select(Registration).where(Registration.id == registration_id).with_for_update())
    if registration is None:
        raise NotFound(REGISTRATION_NOT_FOUND)
    plan = plan_for_staff(session, actor=actor, plan_id=registration.plan_id)
    require_exception_possible(registration, plan)
    if pending_for(session, registration.id) is not None:
        raise Conflict(N_("An exception request for this registration is already awaiting the administrator."))
    text = exception_reason(reason)
    request = ExceptionRequest(registration_id=registration.id, status="pending", reason=text[:1000],
                               requested_by_id=actor.id, requested_at=now)
    session.add(request)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.exception_request",
                 object_type="assessment_exception_request", object_id=request.id,
                 new={"registration_id": registration.id, "plan_id": plan.id, "status": "pending"}, note=text[:500])
    return request


def decide_exception(
    session: Session, *, actor: User, now: datetime, request_id: int, approve: bool, reason: str
) -> ExceptionRequest:
    """The administrator approves (admitting the candidate by override) or refuses a pending request (audited)."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(DECIDES)
    # Locked so that two administrators deciding at once cannot both act on it.
    request = session.scalar(select(ExceptionRequest).where(ExceptionRequest.id == request_id).with_for_update())
    if request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    if request.status != "pending":
        raise InvalidTransition(N_("The exception request has already been decided."))
    if approve:
        override_registration(session, actor=actor, now=now, registration_id=request.registration_id, reason=reason)
        text = request.registration.override_reason or ""
    else:
        text = check_reason(reason, what=N_("the reason for refusing"))
    request.status = "approved" if approve else "refused"
    request.decision_reason, request.decided_by_id, request.decided_at = text[:1000], actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.exception_decide",
                 object_type="assessment_exception_request", object_id=request.id, old={"status": "pending"},
                 new={"status": request.status, "registration_id": request.registration_id}, note=text[:500])
    return request


def pending_for(session: Session, registration_id: int) -> ExceptionRequest | None:
    """The registration's request awaiting a decision, if any."""
    return session.scalar(select(ExceptionRequest).where(ExceptionRequest.registration_id == registration_id,
                                                         ExceptionRequest.status == "pending"))


def latest_requests(session: Session, registration_ids: Collection[int]) -> dict[int, ExceptionRequest]:
    """Each registration's most recent exception request (one query), by registration id."""
    if not registration_ids:
        return {}
    latest: dict[int, ExceptionRequest] = {}
    stmt = (select(ExceptionRequest).where(ExceptionRequest.registration_id.in_(list(registration_ids)))
            .order_by(ExceptionRequest.id))
    for request in session.scalars(stmt):
        latest[request.registration_id] = request
    return latest


def pending_requests(session: Session, *, actor: User) -> list[ExceptionRequest]:
    """The administrator's queue: every request awaiting a decision, oldest first."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(DECIDES)
    stmt = (select(ExceptionRequest).join(Registration, ExceptionRequest.registration_id == Registration.id)
            .join(AssessmentPlan, Registration.plan_id == AssessmentPlan.id)
            .where(ExceptionRequest.status == "pending").order_by(ExceptionRequest.requested_at, ExceptionRequest.id))
    return list(session.scalars(stmt))
