"""Eligibility exceptions: evaluation staff request one from the plan page; the administrator decides it."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.exceptions import decide_exception, request_exception
from app.assessment.registration import get_registration
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import one_click
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import ReasonForm


@bp.post("/registrations/<int:registration_id>/exception-request")
@roles(Role.EVALUATION_STAFF)
def request_exception_view(registration_id: int):
    """Ask the administrator to admit an ineligible candidate, with the reason."""
    reg = get_registration(db.session, actor=current_actor(), registration_id=registration_id)
    return one_click(ReasonForm(), request_exception, fields=("reason",), registration_id=reg.id,
                     success=_("Exception requested: the administrator decides it."),
                     then=url_for("assessment.plan", plan_id=reg.plan_id, _anchor="registrations"))


def _decide(request_id: int, approve: bool, success: str):
    return one_click(ReasonForm(), decide_exception, fields=("reason",), request_id=request_id, approve=approve,
                     success=success, then=url_for("home.dashboard", _anchor="exception-requests"))


@bp.post("/exception-requests/<int:request_id>/approve")
@roles(Role.ADMIN)
def approve_exception(request_id: int):
    """Approve a request: the candidate is admitted by override with the administrator's reason."""
    return _decide(request_id, True, _("Exception approved: the candidate is admitted."))


@bp.post("/exception-requests/<int:request_id>/refuse")
@roles(Role.ADMIN)
def refuse_exception(request_id: int):
    """Refuse a request, with the reason the evaluation organisation will read."""
    return _decide(request_id, False, _("Exception refused."))
