"""Applying for an assessment myself (个人报名): open plans, my photo and work years, the eligibility outcome,
then the application with the signed declaration."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _

from app.assessment.registration import eligibility_summary
from app.assessment.self_application import (
    apply_for_assessment,
    open_plan,
    open_plans,
    own_application,
    preview_eligibility,
)
from app.assessment.vocabulary import REGISTRATION_SOURCES
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.people.own_records import declare_own_work, set_own_photo
from app.web.access import current_actor, workers_only
from app.web.actions import form_status, localize, submit
from app.web.downloads import storage_dir
from app.web.portal.blueprint import bp
from app.web.portal.forms import ApplyForm, OwnPhotoForm, OwnWorkForm
from app.web.portal.records import me


@bp.get("/apply")
@workers_only
def plans():
    """Assessment plans I can apply for now."""
    return render_template("portal/plans.html", plans=open_plans(db.session, today=local_date(utcnow())))


def _plan_page(plan_id: int, **forms):
    today, actor = local_date(utcnow()), current_actor()
    plan = open_plan(db.session, plan_id=plan_id, today=today)
    page = render_template(
        "portal/apply.html", plan=plan, person=me(), eligibility_summary=eligibility_summary,
        registration_source_label=lambda key: localize(REGISTRATION_SOURCES.get(key, key)),  # formatted into a sentence
        application=own_application(db.session, actor=actor, plan_id=plan.id),
        preview=preview_eligibility(db.session, actor=actor, plan_id=plan.id, today=today),
        photo_form=forms.get("photo_form") or OwnPhotoForm(formdata=None),
        work_form=forms.get("work_form") or OwnWorkForm(formdata=None),
        apply_form=forms.get("apply_form") or ApplyForm(formdata=None))
    return page, form_status(*forms.values())


@bp.get("/apply/<int:plan_id>")
@workers_only
def plan(plan_id: int):
    """One open plan: what the eligibility rules say about me, my photo and work years, and the application."""
    return _plan_page(plan_id)


@bp.post("/apply/<int:plan_id>/photo")
@workers_only
def upload_photo(plan_id: int):
    """Upload my 1-inch photo (checked as staff uploads are)."""
    form = OwnPhotoForm()
    return submit(form, lambda: set_own_photo(db.session, actor=current_actor(), now=utcnow(),
                                              data=form.photo.data.read(), storage_dir=storage_dir()),
                  success=_("Photo saved."), then=url_for("portal.plan", plan_id=plan_id)) \
        or _plan_page(plan_id, photo_form=form)


@bp.post("/apply/<int:plan_id>/work")
@workers_only
def declare_work(plan_id: int):
    """Declare the years I have worked in an occupation; the eligibility outcome is worked out again."""
    form = OwnWorkForm()
    return submit(form, declare_own_work, fields=("employer_name", "occupation_name", "occupation_code",
                                                  "declared_years"),
                  success=_("Work years recorded."), then=url_for("portal.plan", plan_id=plan_id)) \
        or _plan_page(plan_id, work_form=form)


@bp.post("/apply/<int:plan_id>")
@workers_only
def apply(plan_id: int):
    """Apply, signing the declaration; the evaluation organisation reviews it."""
    form = ApplyForm()
    return submit(form, lambda: apply_for_assessment(
        db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id, today=local_date(utcnow()),
        declaration_signed=bool(form.declaration.data)),
        success=_("Your application has been sent to the evaluation organisation."),
        then=url_for("portal.plan", plan_id=plan_id)) or _plan_page(plan_id, apply_form=form)
