"""Results pages: compute and publish with the notice end date, objections, finalising."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.plans import get_plan
from app.assessment.results import (
    compute_results,
    finalise_plan,
    list_objections,
    list_results,
    lodge_objection,
    publish_results,
    resolve_objection,
)
from app.assessment.vocabulary import OBJECTION_STATUSES, PLAN_STATUSES, RESULT_STATUSES
from app.catalog.models import COMPONENT_LABELS
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.assessment.blueprint import bp, or_404
from app.web.assessment.forms import ConfirmForm, ObjectionForm, ResolveForm
from app.web.forms import attach_error, choices

STAFF = Role.EVALUATION_STAFF


def _page(plan, status=200, objection_form=None):
    results = list_results(db.session, actor=current_actor(), plan_id=plan.id)
    objection_form = objection_form or ObjectionForm(formdata=None)
    objection_form.result_id.choices = choices(
        (r.id, f"{r.registration.ticket_number} {r.person.name}") for r in results)
    resolve_form = ResolveForm(formdata=None)
    resolve_form.component.choices = choices((c.component, COMPONENT_LABELS[c.component]) for c in plan.components)
    actor = current_actor()
    return render_template(
        "assessment/results.html", plan=plan, results=results, objections=list_objections(db.session, plan_id=plan.id),
        objection_form=objection_form, resolve_form=resolve_form, confirm_form=ConfirmForm(formdata=None),
        labels=COMPONENT_LABELS, statuses=PLAN_STATUSES, result_statuses=RESULT_STATUSES,
        objection_statuses=OBJECTION_STATUSES,
        is_staff=actor.has_role(STAFF) and plan.organisation_id == actor.organisation_id,
    ), status


@bp.get("/plans/<int:plan_id>/results")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def results(plan_id: int):
    """A plan's results by component, the notice and its objections."""
    return _page(or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id))


def _act(call, success: str, plan_id: int, **kwargs):
    if ConfirmForm().validate_on_submit():
        try:
            call(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id, **kwargs)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(success, "success")
    return redirect(url_for("assessment.results", plan_id=plan_id))


@bp.post("/plans/<int:plan_id>/results/compute")
@roles(STAFF)
def compute(plan_id: int):
    """Work out provisional results once every room is signed off."""
    return _act(compute_results, _("Results computed."), plan_id)


@bp.post("/plans/<int:plan_id>/results/publish")
@roles(STAFF)
def publish(plan_id: int):
    """Publish the results for the notice (公示)."""
    return _act(publish_results, _("Results published for the notice period."), plan_id)


@bp.post("/plans/<int:plan_id>/results/finalise")
@roles(STAFF)
def finalise(plan_id: int):
    """After the notice with no open objection: results become final and levels are recorded."""
    return _act(finalise_plan, _("Results are final; levels recorded and certificates may be issued."), plan_id)


@bp.post("/plans/<int:plan_id>/objections")
@roles(STAFF)
def objection(plan_id: int):
    """Record an objection lodged during the notice."""
    plan = or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id)
    form = ObjectionForm()
    if form.validate_on_submit():
        try:
            lodge_objection(db.session, actor=current_actor(), now=utcnow(), plan_id=plan.id,
                            result_id=form.result_id.data, lodged_by_name=form.lodged_by_name.data,
                            content=form.content.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Objection recorded."), "success")
            return redirect(url_for("assessment.results", plan_id=plan.id) + "#objections")
    return _page(plan, 400, objection_form=form)


@bp.post("/plans/<int:plan_id>/objections/<int:objection_id>/resolve")
@roles(STAFF)
def resolve(plan_id: int, objection_id: int):
    """Uphold an objection with a corrected score, or dismiss it."""
    plan = or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id)
    form = ResolveForm()
    form.component.choices = choices((c.component, COMPONENT_LABELS[c.component]) for c in plan.components)
    if form.validate_on_submit():
        upheld = form.outcome.data == "upheld"
        corrections = {form.component.data: form.score.data} if upheld and form.score.data else {}
        try:
            resolve_objection(db.session, actor=current_actor(), now=utcnow(), objection_id=objection_id,
                              upheld=upheld, resolution=form.resolution.data, corrections=corrections)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Objection resolved."), "success")
    else:
        flash(_("Please write the resolution."), "danger")
    return redirect(url_for("assessment.results", plan_id=plan.id) + "#objections")
