"""Results pages: compute and publish with the notice end date, objections, finalising."""

from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import form_status, one_click, submit
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import ConfirmForm, ObjectionForm, ResolveForm
from app.web.forms import choices

STAFF = Role.EVALUATION_STAFF


def _resolve_form(plan, form: ResolveForm | None = None) -> ResolveForm:
    form = form or ResolveForm(formdata=None)
    form.component.choices = choices((c.component, COMPONENT_LABELS[c.component]) for c in plan.components)
    return form


def _page(plan_id: int, objection_form=None, refused_resolve=None, objection_id=None):
    """The results page; `refused_resolve` re-shows the refused resolution of objection `objection_id`."""
    actor = current_actor()
    plan = get_plan(db.session, actor=actor, plan_id=plan_id)
    results = list_results(db.session, actor=actor, plan_id=plan.id)
    shown_objection = objection_form or ObjectionForm(formdata=None)
    shown_objection.result_id.choices = choices(
        (r.id, f"{r.registration.ticket_number or '—'} {r.person.name}") for r in results)
    return render_template(
        "assessment/results.html", plan=plan, results=results, objections=list_objections(db.session, plan_id=plan.id),
        objection_form=shown_objection, resolve_form=_resolve_form(plan), refused_resolve=refused_resolve,
        refused_objection_id=objection_id, confirm_form=ConfirmForm(formdata=None),
        labels=COMPONENT_LABELS, statuses=PLAN_STATUSES, result_statuses=RESULT_STATUSES,
        objection_statuses=OBJECTION_STATUSES,
        is_staff=actor.has_role(STAFF) and plan.organisation_id == actor.organisation_id,
    ), form_status(objection_form, refused_resolve)


@bp.get("/plans/<int:plan_id>/results")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def results(plan_id: int):
    """A plan's results by component, the notice and its objections."""
    return _page(plan_id)


def _results_url(plan_id: int, anchor: str | None = None) -> str:
    return url_for("assessment.results", plan_id=plan_id, _anchor=anchor)


# The confirmed steps on a plan's results, in order, with what is flashed when one went through:
# compute works out provisional results once every room is signed off; publish starts the notice (公示);
# finalise, after the notice with no open objection, makes results final and records the levels.
RESULT_STEPS = {
    "compute": (compute_results, _l("Results computed.")),
    "publish": (publish_results, _l("Results published for the notice period.")),
    "finalise": (finalise_plan, _l("Results are final; levels recorded and certificates may be issued.")),
}


@bp.post("/plans/<int:plan_id>/results/<step>")
@roles(STAFF)
def result_step(plan_id: int, step: str):
    """Compute, publish or finalise a plan's results (after the confirmation step); a refusal is flashed."""
    if step not in RESULT_STEPS:
        abort(404)
    call, success = RESULT_STEPS[step]
    return one_click(ConfirmForm(), call, plan_id=plan_id, success=str(success), then=_results_url(plan_id))


@bp.post("/plans/<int:plan_id>/objections")
@roles(STAFF)
def objection(plan_id: int):
    """Record an objection lodged during the notice."""
    form = ObjectionForm()
    return submit(form, lodge_objection, fields=("result_id", "lodged_by_name", "content"), plan_id=plan_id,
                  success=_("Objection recorded."), then=_results_url(plan_id, "objections")) \
        or _page(plan_id, objection_form=form)


@bp.post("/plans/<int:plan_id>/objections/<int:objection_id>/resolve")
@roles(STAFF)
def resolve(plan_id: int, objection_id: int):
    """Uphold an objection with a corrected score, or dismiss it; the resolution is the written reason."""
    form = _resolve_form(get_plan(db.session, actor=current_actor(), plan_id=plan_id), ResolveForm())
    upheld = form.outcome.data == "upheld"
    return submit(form, lambda: resolve_objection(
        db.session, actor=current_actor(), now=utcnow(), objection_id=objection_id, upheld=upheld,
        resolution=form.resolution.data,
        corrections={form.component.data: form.score.data} if upheld and form.score.data else {},
    ), success=_("Objection resolved."), then=_results_url(plan_id, "objections")) \
        or _page(plan_id, refused_resolve=form, objection_id=objection_id)
