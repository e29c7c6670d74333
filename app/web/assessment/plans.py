"""Plans and registration: list, create, plan page, registering candidates, overrides, exports and tickets."""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.plans import (
    create_plan,
    get_plan,
    list_plans,
    plannable_scopes,
    schedule_component,
    transition_plan,
)
from app.assessment.registration import (
    eligibility_summary,
    get_registration,
    override_registration,
    register_individual,
    withdraw_registration,
)
from app.assessment.sources import register_from_training, source_candidates
from app.assessment.tickets import plan_tickets, registration_workbook
from app.assessment.vocabulary import PLAN_STATUSES, REGISTRATION_SOURCES, REGISTRATION_STATUSES
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS
from app.certification.rendering import photo_data_uri, render_design_pdf
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.assessment.blueprint import XLSX, bp, notice_days, or_404, retake_months
from app.web.assessment.forms import (
    PlanForm,
    ReasonForm,
    RegisterForm,
    ScheduleForm,
    StatusForm,
    TrainingSourcesForm,
)
from app.web.forms import attach_error, choices

STAFF = Role.EVALUATION_STAFF
PDF = "application/pdf"


@bp.get("/plans")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def plans():
    """Plans of the organisation (every plan for administrators)."""
    status = request.args.get("status") or None
    return render_template("assessment/plans.html", plans=list_plans(db.session, actor=current_actor(), status=status),
                           status=status, statuses=PLAN_STATUSES)


@bp.route("/plans/new", methods=["GET", "POST"])
@roles(STAFF)
def new_plan():
    """Plan an assessment; the form offers only what the organisation is filed for."""
    actor = current_actor()
    form = PlanForm()
    form.scope.choices = choices((f"{o.id}:{d}", f"{o.name}（{o.code}）{level_label(d)}")
                                 for o, d in plannable_scopes(db.session, actor=actor))
    if form.validate_on_submit():
        occupation_id, digit = (int(part) for part in form.scope.data.split(":"))
        dates = {k: v for k, v in (("theory", form.theory_on.data), ("practical", form.practical_on.data),
                                   ("review", form.review_on.data)) if v}
        try:
            plan = create_plan(db.session, actor=actor, now=utcnow(), occupation_id=occupation_id, level_digit=digit,
                               registration_deadline=form.registration_deadline.data, venue=form.venue.data,
                               fee_yuan=form.fee_yuan.data or 0, variant_name=form.variant_name.data or None,
                               title=form.title.data or None, exam_dates=dates,
                               notice_working_days=notice_days(), retake_months=retake_months())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Assessment plan created."), "success")
            return redirect(url_for("assessment.plan", plan_id=plan.id))
    return render_template("assessment/plan_form.html", form=form)


def _plan_page(plan, status=200, **forms):
    actor = current_actor()
    is_staff = actor.has_role(STAFF) and plan.organisation_id == actor.organisation_id
    sources = source_candidates(db.session, actor=actor, plan_id=plan.id) if is_staff and plan.status == "open" else None
    training_form = forms.get("training_form") or TrainingSourcesForm(formdata=None)
    if sources:
        training_form.enrolment_ids.choices = choices(
            (e.id, f"{e.person.name} {e.person.id_masked} · {e.training_class.name}") for e in sources.enrolments)
        training_form.apprenticeship_ids.choices = choices(
            (a.id, f"{a.person.name} {a.person.id_masked} · {a.enterprise.name}") for a in sources.apprenticeships)
    context = {
        "plan": plan, "is_staff": is_staff, "is_admin": actor.has_role(Role.ADMIN), "sources": sources,
        "status_form": forms.get("status_form") or StatusForm(formdata=None),
        "schedule_form": ScheduleForm(formdata=None),
        "register_form": forms.get("register_form") or RegisterForm(formdata=None),
        "training_form": training_form, "reason_form": ReasonForm(formdata=None),
        "summary": eligibility_summary, "statuses": PLAN_STATUSES, "reg_statuses": REGISTRATION_STATUSES,
        "sources_labels": REGISTRATION_SOURCES, "component_labels": COMPONENT_LABELS,
    }
    return render_template("assessment/plan.html", **context), status


@bp.get("/plans/<int:plan_id>")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def plan(plan_id: int):
    """A plan: components and dates, state, registrations with their eligibility outcome."""
    return _plan_page(or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id))


def _back(plan_id: int, anchor: str = ""):
    return redirect(url_for("assessment.plan", plan_id=plan_id) + anchor)


@bp.post("/plans/<int:plan_id>/status")
@roles(STAFF)
def plan_status(plan_id: int):
    """Open or close registration, start the exams, or cancel."""
    form = StatusForm()
    if form.validate_on_submit():
        try:
            transition_plan(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id,
                            action=form.action.data, reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Plan status changed."), "success")
    return _back(plan_id)


@bp.post("/plans/<int:plan_id>/schedule")
@roles(STAFF)
def schedule(plan_id: int):
    """Set a component's exam date and time."""
    form = ScheduleForm()
    if form.validate_on_submit():
        try:
            schedule_component(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id,
                               component=form.component.data, exam_on=form.exam_on.data,
                               exam_time=form.exam_time.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Exam date saved."), "success")
    return _back(plan_id)


@bp.post("/plans/<int:plan_id>/register")
@roles(STAFF)
def register(plan_id: int):
    """Register a candidate by the ID number they present; the eligibility outcome is stored either way."""
    plan = or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id)
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            reg = register_individual(db.session, actor=current_actor(), now=utcnow(), plan_id=plan.id,
                                      id_type=form.id_type.data, id_number=form.id_number.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s registered: %(outcome)s", name=reg.person.name, outcome=eligibility_summary(reg)),
                  "success" if reg.eligible else "warning")
            return _back(plan.id, "#registrations")
    return _plan_page(plan, status=400, register_form=form)


@bp.post("/plans/<int:plan_id>/register-training")
@roles(STAFF)
def register_training(plan_id: int):
    """Register people from completed classes and apprenticeships in the plan's occupation."""
    form = TrainingSourcesForm()
    if form.validate_on_submit():
        try:
            regs = register_from_training(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id,
                                          enrolment_ids=form.enrolment_ids.data or [],
                                          apprenticeship_ids=form.apprenticeship_ids.data or [])
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("%(n)s registered, %(e)s eligible.", n=len(regs), e=sum(r.eligible for r in regs)), "success")
    return _back(plan_id, "#registrations")


@bp.post("/registrations/<int:registration_id>/override")
@roles(Role.ADMIN)
def override(registration_id: int):
    """An administrator admits an ineligible candidate with a written reason."""
    reg = or_404(get_registration, session=db.session, actor=current_actor(), registration_id=registration_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            override_registration(db.session, actor=current_actor(), now=utcnow(), registration_id=reg.id,
                                  reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Candidate admitted by override."), "success")
    else:
        flash(_("Please give the reason for the override."), "danger")
    return _back(reg.plan_id, "#registrations")


@bp.post("/registrations/<int:registration_id>/withdraw")
@roles(STAFF)
def withdraw(registration_id: int):
    """Withdraw a registration before the exams, with a reason."""
    reg = or_404(get_registration, session=db.session, actor=current_actor(), registration_id=registration_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            withdraw_registration(db.session, actor=current_actor(), now=utcnow(), registration_id=reg.id,
                                  reason=form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Registration withdrawn."), "success")
    return _back(reg.plan_id, "#registrations")


@bp.get("/plans/<int:plan_id>/registrations.xlsx")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def registrations_export(plan_id: int):
    """The registration list with eligibility outcomes, numbers masked."""
    plan = or_404(get_plan, session=db.session, actor=current_actor(), plan_id=plan_id)
    return send_file(io.BytesIO(registration_workbook(plan)), mimetype=XLSX, as_attachment=True,
                     download_name=f"报名名单-{plan.id}.xlsx")


def _tickets_pdf(plan_id: int, registration_id: int | None, name: str):
    views = or_404(plan_tickets, session=db.session, actor=current_actor(), plan_id=plan_id,
                   registration_id=registration_id, storage_dir=Path(current_app.config["FILE_STORAGE_DIR"]))
    if not views:
        flash(_("No admitted candidate has a ticket yet."), "warning")
        return _back(plan_id, "#registrations")
    pdf = render_design_pdf("admission_ticket",
                            {"tickets": [{"v": v, "photo_uri": photo_data_uri(v.photo)} for v in views]})
    return send_file(io.BytesIO(pdf), mimetype=PDF, as_attachment=False, download_name=name)


@bp.get("/plans/<int:plan_id>/tickets.pdf")
@roles(STAFF)
def tickets(plan_id: int):
    """Admission tickets of every admitted candidate, one per page."""
    return _tickets_pdf(plan_id, None, f"准考证-{plan_id}.pdf")


@bp.get("/registrations/<int:registration_id>/ticket.pdf")
@roles(STAFF)
def ticket(registration_id: int):
    """One candidate's admission ticket."""
    reg = or_404(get_registration, session=db.session, actor=current_actor(), registration_id=registration_id)
    return _tickets_pdf(reg.plan_id, reg.id, f"准考证-{reg.ticket_number or reg.id}.pdf")
