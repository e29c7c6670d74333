"""Landing page and the dashboard of each role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.roles import Role
from app.accounts.services import list_users, organisation_counts
from app.assessment.exceptions import pending_requests
from app.assessment.registration import eligibility_summary
from app.assessment.supervisors import (
    current_appointments,
    department_supervisors,
    pending_supervisor_requests,
)
from app.audit.services import list_events
from app.extensions import db
from app.web.access import authenticated, current_actor, open_to_workers, public

bp = Blueprint("home", __name__)

DASHBOARD_ORDER = (Role.ADMIN, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.ASSESSOR, Role.DEPT_SUPERVISOR,
                   Role.ENTERPRISE_HR)


@bp.get("/")
@public
def index():
    """Send visitors to the login page and users to their dashboard."""
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    return redirect(url_for("auth.login"))


@bp.get("/ping")
@public
def ping():
    """A trivial liveness answer (also the hello-world baseline of bench/verify_throughput.py)."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/dashboard")
@authenticated
@open_to_workers
def dashboard():
    """The dashboard of the user's main role."""
    actor = current_actor()
    if actor.has_role(Role.WORKER):
        return redirect(url_for("portal.home"))
    role = next((r for r in DASHBOARD_ORDER if actor.has_role(r)), None)
    context: dict = {"role": role, "organisation": actor.organisation}
    if role == Role.ADMIN:
        context["org_counts"] = organisation_counts(db.session)
        context["recent_events"] = list_events(db.session, limit=10)
        context["exception_requests"] = pending_requests(db.session, actor=actor)
        context["eligibility_summary"] = eligibility_summary
        context["supervisor_requests"] = pending_supervisor_requests(db.session, actor=actor)
        context["supervisor_pool"] = department_supervisors(db.session)
        context["supervisor_appointments"] = current_appointments(db.session, actor=actor)
    context["colleagues"] = list_users(db.session, actor=actor)
    return render_template("home/dashboard.html", **context)
