"""External quality supervisors (issue 17): evaluation staff request them for a plan; an HR & social security
administrator appoints department quality supervisors (人社部门质量督导员, people of the department's pool, not
the organisation's assessors) to the plan, or declines with a reason. Staff may withdraw a request until it is
decided. Only a supervisor appointed to a plan may be the external supervisor of its rooms."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, require_admin
from app.assessment.models import AssessmentPlan, AssessmentSession, SessionAssignment
from app.assessment.qualifications import active_users_with
from app.assessment.scope import check_reason, plan_for_staff
from app.assessment.supervisor_models import SupervisorAppointment, SupervisorRequest
from app.audit.services import record_event
from app.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from app.translation import N_

REQUEST_NOT_FOUND = N_("The supervisor request does not exist.")
REQUESTABLE_STATUSES = ("open", "closed", "in_progress")  # before results: rooms are still to be supervised
MAX_SUPERVISORS = 50


def request_supervisors(
    session: Session, *, actor: User, now: datetime, plan_id: int, count: int | None = None,
    sitting_ids: Sequence[int] = (), note: str | None = None,
) -> SupervisorRequest:
    """Evaluation staff ask the administrator for external supervisors for their plan: a count and/or rooms."""
    # The row lock serialises two requests for one plan on PostgreSQL (SQLite: POSTs begin IMMEDIATE).
    session.scalar(select(AssessmentPlan.id).where(AssessmentPlan.id == plan_id).with_for_update())
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status not in REQUESTABLE_STATUSES:
        raise InvalidTransition(N_("External supervisors can be requested while the plan is open, closed or in "
                                   "progress."))
    if pending_request(session, plan.id) is not None:
        raise Conflict(N_("A supervisor request for this plan is already awaiting the administrator."))
    wanted = set(sitting_ids or ())
    rooms = [s for s in session.scalars(select(AssessmentSession).where(AssessmentSession.plan_id == plan.id)
                                        .order_by(AssessmentSession.starts_at, AssessmentSession.id))
             if s.id in wanted]
    if len(rooms) != len(wanted):
        raise NotFound(N_("One of the rooms does not belong to this plan."), field="sitting_ids")
    count = count or len(rooms) or 1
    if not 1 <= count <= MAX_SUPERVISORS:
        raise ValidationFailed(N_("Ask for 1 to {most} supervisors, not {count}.", most=MAX_SUPERVISORS, count=count),
                               field="count")
    text = (note or "").strip()[:1000] or None
    listed = "、".join(s.room for s in rooms)[:500] or None
    request = SupervisorRequest(plan_id=plan.id, status="pending", count=count, rooms=listed, note=text,
                                requested_by_id=actor.id, requested_at=now)
    session.add(request)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.supervisor_request",
                 object_type="assessment_supervisor_request", object_id=request.id,
                 new={"plan_id": plan.id, "count": count, "rooms": listed, "status": "pending"}, note=text)
    return request


def _locked(session: Session, request_id: int) -> SupervisorRequest:
    request = session.scalar(select(SupervisorRequest).where(SupervisorRequest.id == request_id).with_for_update())
    if request is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return request


def _require_pending(request: SupervisorRequest) -> None:
    if request.status != "pending":
        raise InvalidTransition(N_("The supervisor request has already been decided or withdrawn."))


def withdraw_request(session: Session, *, actor: User, now: datetime, request_id: int) -> SupervisorRequest:
    """The plan's staff take back a request the administrator has not decided yet (audited)."""
    request = _locked(session, request_id)
    plan_for_staff(session, actor=actor, plan_id=request.plan_id)
    _require_pending(request)
    request.status, request.decided_by_id, request.decided_at = "withdrawn", actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.supervisor_withdraw",
                 object_type="assessment_supervisor_request", object_id=request.id, old={"status": "pending"},
                 new={"status": "withdrawn", "plan_id": request.plan_id})
    return request


def department_supervisors(session: Session) -> list[User]:
    """The department's pool: every active user holding the department quality supervisor role, by name."""
    return active_users_with(session, Role.DEPT_SUPERVISOR)


def appoint_supervisors(
    session: Session, *, actor: User, now: datetime, request_id: int, user_ids: Sequence[int], note: str | None = None
) -> SupervisorRequest:
    """The administrator appoints department supervisors from the pool to the request's plan (audited)."""
    require_admin(actor)
    request = _locked(session, request_id)
    _require_pending(request)
    chosen = list(dict.fromkeys(user_ids or ()))
    if not chosen:
        raise ValidationFailed(N_("Choose at least one department quality supervisor."), field="user_ids")
    pool = {u.id: u for u in department_supervisors(session)}
    for user_id in chosen:
        if user_id not in pool:
            raise NotFound(N_("This person is not an active department quality supervisor."), field="user_ids")
    already = set(appointed_ids(session, request.plan_id))
    for user_id in chosen:
        if user_id not in already:
            session.add(SupervisorAppointment(plan_id=request.plan_id, user_id=user_id, request_id=request.id,
                                              appointed_by_id=actor.id, appointed_at=now))
    text = (note or "").strip()[:1000]
    request.status, request.decision_reason = "appointed", text
    request.decided_by_id, request.decided_at = actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.supervisor_appoint",
                 object_type="assessment_supervisor_request", object_id=request.id, old={"status": "pending"},
                 new={"status": "appointed", "plan_id": request.plan_id, "user_ids": chosen}, note=text or None)
    return request


def decline_request(session: Session, *, actor: User, now: datetime, request_id: int, reason: str
                    ) -> SupervisorRequest:
    """The administrator declines a request, with the reason the evaluation organisation reads (audited)."""
    require_admin(actor)
    request = _locked(session, request_id)
    _require_pending(request)
    text = check_reason(reason, what=N_("the reason for declining"))
    request.status, request.decision_reason = "declined", text
    request.decided_by_id, request.decided_at = actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.supervisor_decline",
                 object_type="assessment_supervisor_request", object_id=request.id, old={"status": "pending"},
                 new={"status": "declined", "plan_id": request.plan_id}, note=text)
    return request


def revoke_appointment(session: Session, *, actor: User, now: datetime, appointment_id: int) -> None:
    """The administrator withdraws an appointment, until the supervisor is placed in one of the plan's rooms."""
    require_admin(actor)
    appointment = session.scalar(select(SupervisorAppointment).where(SupervisorAppointment.id == appointment_id)
                                 .with_for_update())
    if appointment is None:
        raise NotFound(N_("The appointment does not exist."))
    placed = session.scalar(select(AssessmentSession.room).join(SessionAssignment).where(
        AssessmentSession.plan_id == appointment.plan_id, SessionAssignment.user_id == appointment.user_id).limit(1))
    if placed is not None:
        raise InvalidTransition(N_("{user} is already the supervisor of room {room}: take them off the room first.",
                                   user=appointment.user.display_name, room=placed))
    old = {"plan_id": appointment.plan_id, "user_id": appointment.user_id}
    session.delete(appointment)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.supervisor_revoke",
                 object_type="assessment_supervisor_appointment", object_id=appointment_id, old=old)


def current_appointments(session: Session, *, actor: User) -> list[SupervisorAppointment]:
    """The administrator's list: appointments to plans whose rooms are still to be supervised, newest first."""
    require_admin(actor)
    stmt = (select(SupervisorAppointment).join(AssessmentPlan, SupervisorAppointment.plan_id == AssessmentPlan.id)
            .where(AssessmentPlan.status.in_(REQUESTABLE_STATUSES))
            .order_by(SupervisorAppointment.appointed_at.desc(), SupervisorAppointment.id.desc()))
    return list(session.scalars(stmt))


def pending_request(session: Session, plan_id: int) -> SupervisorRequest | None:
    """The plan's request awaiting a decision, if any."""
    return session.scalar(select(SupervisorRequest).where(SupervisorRequest.plan_id == plan_id,
                                                          SupervisorRequest.status == "pending"))


def plan_requests(session: Session, plan_id: int) -> list[SupervisorRequest]:
    """A plan's supervisor requests, newest first (callers check scope)."""
    stmt = (select(SupervisorRequest).where(SupervisorRequest.plan_id == plan_id)
            .order_by(SupervisorRequest.requested_at.desc(), SupervisorRequest.id.desc()))
    return list(session.scalars(stmt))


def pending_supervisor_requests(session: Session, *, actor: User) -> list[SupervisorRequest]:
    """The administrator's queue: every supervisor request awaiting a decision, oldest first."""
    require_admin(actor)
    stmt = (select(SupervisorRequest).where(SupervisorRequest.status == "pending")
            .order_by(SupervisorRequest.requested_at, SupervisorRequest.id))
    return list(session.scalars(stmt))


def appointed_ids(session: Session, plan_id: int) -> list[int]:
    """Ids of the department supervisors appointed to a plan."""
    return list(session.scalars(select(SupervisorAppointment.user_id).where(SupervisorAppointment.plan_id == plan_id)
                                .order_by(SupervisorAppointment.id)))


def appointed_supervisors(session: Session, plan_id: int) -> list[User]:
    """The active department supervisors appointed to a plan, by name."""
    stmt = (select(User).join(SupervisorAppointment, SupervisorAppointment.user_id == User.id)
            .where(SupervisorAppointment.plan_id == plan_id, User.active.is_(True))
            .order_by(User.display_name, User.id))
    return [u for u in session.scalars(stmt) if u.has_role(Role.DEPT_SUPERVISOR)]
