"""External supervisors: evaluation staff request them for a plan (rooms page); the administrator appoints
department quality supervisors or declines from the dashboard queue."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.scope import plan_for_staff
from app.assessment.supervisors import (
    appoint_supervisors,
    decline_request,
    request_supervisors,
    revoke_appointment,
    withdraw_request,
)
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import one_click
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import AppointSupervisorsForm, ConfirmForm, ReasonForm, SupervisorRequestForm

QUEUE = "supervisor-requests"


def _plan_url(plan_id: int) -> str:
    return url_for("assessment.sessions", plan_id=plan_id, _anchor="external-supervisors")


@bp.post("/plans/<int:plan_id>/supervisor-requests")
@roles(Role.EVALUATION_STAFF)
def request_supervisors_view(plan_id: int):
    """Ask the administrator for external quality supervisors for the plan."""
    plan = plan_for_staff(db.session, actor=current_actor(), plan_id=plan_id)
    return one_click(SupervisorRequestForm(), request_supervisors, fields=("count", "sitting_ids", "note"),
                     plan_id=plan.id, success=_("Supervisors requested: the administrator appoints them."),
                     then=_plan_url(plan.id))


@bp.post("/plans/<int:plan_id>/supervisor-requests/<int:request_id>/withdraw")
@roles(Role.EVALUATION_STAFF)
def withdraw_supervisor_request(plan_id: int, request_id: int):
    """Take back a request the administrator has not decided yet."""
    plan = plan_for_staff(db.session, actor=current_actor(), plan_id=plan_id)
    return one_click(ConfirmForm(), withdraw_request, request_id=request_id, success=_("Request withdrawn."),
                     then=_plan_url(plan.id))


@bp.post("/supervisor-requests/<int:request_id>/appoint")
@roles(Role.ADMIN)
def appoint_supervisors_view(request_id: int):
    """Appoint department quality supervisors from the pool to the request's plan."""
    return one_click(AppointSupervisorsForm(), appoint_supervisors, fields=("user_ids", "note"),
                     request_id=request_id, success=_("Supervisors appointed to the plan."),
                     then=url_for("home.dashboard", _anchor=QUEUE))


@bp.post("/supervisor-requests/<int:request_id>/decline")
@roles(Role.ADMIN)
def decline_supervisor_request(request_id: int):
    """Decline a request, with the reason the evaluation organisation reads."""
    return one_click(ReasonForm(), decline_request, fields=("reason",), request_id=request_id,
                     success=_("Request declined."), then=url_for("home.dashboard", _anchor=QUEUE))


@bp.post("/supervisor-appointments/<int:appointment_id>/revoke")
@roles(Role.ADMIN)
def revoke_supervisor_appointment(appointment_id: int):
    """Withdraw an appointment before the supervisor is placed in a room of the plan."""
    return one_click(ConfirmForm(), revoke_appointment, appointment_id=appointment_id,
                     success=_("Appointment withdrawn."), then=url_for("home.dashboard", _anchor=QUEUE))
