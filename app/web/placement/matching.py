"""Matching pages: ranked candidates for a demand, invitations and their outcomes, demands fitting a person."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.demand.services import get_demand
from app.extensions import db
from app.people.access import person_in_scope
from app.placement.exports import candidates_workbook
from app.placement.invitations import (
    advance_invitation,
    get_invitation,
    hire_candidate,
    invitations_for_demand,
    invite_candidate,
)
from app.placement.matching import candidates_for_demand, demands_for_person
from app.web.access import current_actor, roles
from app.web.actions import attempt, one_click, render_form, submit
from app.web.downloads import workbook_download
from app.web.placement.forms import HireForm, InvitationStatusForm, InviteForm
from app.web.placement.views import USERS, bp

ENTERPRISE = (Role.ENTERPRISE_HR, Role.ADMIN)


@bp.get("/demands/<int:demand_id>/candidates")
@roles(*ENTERPRISE)
def candidates(demand_id: int):
    """Ranked candidates for an open demand, with reasons, and the invitations made so far."""
    today = local_date(utcnow())
    demand = get_demand(db.session, actor=current_actor(), demand_id=demand_id, today=today)
    found = []
    with attempt(commit=False):  # a demand that cannot be matched (closed, expired) says why
        found = candidates_for_demand(db.session, actor=current_actor(), demand_id=demand.id, today=today)
    if request.args.get("export") == "xlsx":
        return workbook_download(candidates_workbook(found, _), f"candidates-{demand.id}.xlsx")
    return render_template("placement/candidates.html", demand=demand, candidates=found,
                           invitations=invitations_for_demand(db.session, demand_id=demand.id),
                           invite_form=InviteForm(formdata=None), status_form=InvitationStatusForm(formdata=None))


@bp.post("/demands/<int:demand_id>/invite")
@roles(*ENTERPRISE)
def invite(demand_id: int):
    """Invite a candidate."""
    return one_click(InviteForm(), invite_candidate, fields=("person_id", "reason"), demand_id=demand_id,
                     success=_("Candidate invited."), then=url_for("placement.candidates", demand_id=demand_id))


@bp.post("/invitations/<int:invitation_id>/status")
@roles(*ENTERPRISE)
def invitation_status(invitation_id: int):
    """Record an interview, an offer or a decline."""
    demand_id = get_invitation(db.session, actor=current_actor(), invitation_id=invitation_id,
                               today=local_date(utcnow())).demand_id
    return one_click(InvitationStatusForm(), advance_invitation, fields=("to_status",), invitation_id=invitation_id,
                     success=_("Invitation updated."), then=url_for("placement.candidates", demand_id=demand_id))


@bp.route("/invitations/<int:invitation_id>/hire", methods=["GET", "POST"])
@roles(*ENTERPRISE)
def hire(invitation_id: int):
    """Record the offered candidate's start of work (creates the placement)."""
    invitation = get_invitation(db.session, actor=current_actor(), invitation_id=invitation_id, today=local_date(utcnow()))
    form = HireForm()
    if not form.is_submitted():
        form.start_date.data, form.contract_months.data = local_date(utcnow()), 12
        form.monthly_wage.data = invitation.demand.wage_min
    return submit(form, hire_candidate, fields=("start_date", "contract_months", "monthly_wage"),
                  invitation_id=invitation.id, success=_("Start of work recorded."),
                  then=lambda placement: url_for("placement.show", placement_id=placement.id)) \
        or render_form("placement/hire.html", form, invitation=invitation)


@bp.get("/people/<int:person_id>/demands")
@roles(*USERS)
def person_demands(person_id: int):
    """Open demands that fit a person."""
    person = person_in_scope(db.session, actor=current_actor(), person_id=person_id)
    fits = demands_for_person(db.session, actor=current_actor(), person_id=person.id, today=local_date(utcnow()))
    return render_template("placement/person_demands.html", person=person, fits=fits)
