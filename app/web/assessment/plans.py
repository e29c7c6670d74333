"""Plans and registration: list, create, plan page, registering candidates, overrides, exports and tickets."""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.accounts.roles import Role
from app.assessment.exception_models import EXCEPTION_STATUSES
from app.assessment.exceptions import latest_requests
from app.assessment.plans import (
    change_registration_deadline,
    create_plan,
    get_plan,
    list_plans,
    plannable_scopes,
    schedule_component,
    transition_plan,
)
from app.assessment.registration import (
    eligibility_summary,
    failure_label,
    failure_reasons,
    get_registration,
    override_registration,
    register_individual,
    withdraw_registration,
)
from app.assessment.sources import register_from_training, source_candidates
from app.assessment.tickets import number_tickets, plan_tickets, registration_workbook, unnumbered
from app.assessment.vocabulary import PLAN_STATUSES, REGISTRATION_SOURCES, REGISTRATION_STATUSES
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS
from app.certification.rendering import photo_data_uri, render_design_pdf
from app.database import utcnow
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import attempt, form_status, localize, one_click, render_form, submit
from app.web.assessment.blueprint import bp, notice_days, occupation_label, retake_months
from app.web.assessment.forms import (
    ConfirmForm,
    DeadlineForm,
    PlanForm,
    ReasonForm,
    RegisterForm,
    ScheduleForm,
    StatusForm,
    TrainingSourcesForm,
)
from app.web.downloads import send_workbook, storage_dir
from app.web.forms import choices

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
    form.scope.choices = choices((f"{o.id}:{d}", occupation_label(o, level_label(d)))
                                 for o, d in plannable_scopes(db.session, actor=actor))
    return submit(form, lambda: _create_plan(form),
                  success=_("Assessment plan created."), then=lambda plan: _plan_url(plan.id)) \
        or render_form("assessment/plan_form.html", form)


def _create_plan(form: PlanForm):
    occupation_id, digit = (int(part) for part in form.scope.data.split(":"))
    dates = {k: v for k, v in (("theory", form.theory_on.data), ("practical", form.practical_on.data),
                               ("review", form.review_on.data)) if v}
    return create_plan(db.session, actor=current_actor(), now=utcnow(), occupation_id=occupation_id,
                       level_digit=digit, registration_deadline=form.registration_deadline.data,
                       venue=form.venue.data, fee_yuan=form.fee_yuan.data or 0,
                       variant_name=form.variant_name.data or None, title=form.title.data or None,
                       exam_dates=dates, notice_working_days=notice_days(), retake_months=retake_months())


def _plan_url(plan_id: int, anchor: str | None = None) -> str:
    return url_for("assessment.plan", plan_id=plan_id, _anchor=anchor)


def _plan_page(plan_id: int, *, status_form=None, register_form=None, training_form=None, row=None):
    """The plan page; `row` = (kind, key, form) re-shows one row's refused form (withdraw, override, schedule)."""
    actor = current_actor()
    plan = get_plan(db.session, actor=actor, plan_id=plan_id)
    is_staff = actor.has_role(STAFF) and plan.organisation_id == actor.organisation_id
    sources = source_candidates(db.session, actor=actor, plan_id=plan.id) if is_staff and plan.status == "open" else None
    training_form = training_form or TrainingSourcesForm(formdata=None)
    if sources:
        training_form.enrolment_ids.choices = choices(
            (e.id, f"{e.person.name} {e.person.id_masked} · {e.training_class.name}") for e in sources.enrolments)
        training_form.apprenticeship_ids.choices = choices(
            (a.id, f"{a.person.name} {a.person.id_masked} · {a.enterprise.name}") for a in sources.apprenticeships)
    row_kind, row_key, row_form = row or (None, None, None)
    context = {
        "plan": plan, "is_staff": is_staff, "is_admin": actor.has_role(Role.ADMIN), "sources": sources,
        "status_form": status_form or StatusForm(formdata=None), "confirm_form": ConfirmForm(formdata=None),
        "schedule_form": ScheduleForm(formdata=None), "deadline_form": DeadlineForm(formdata=None),
        "register_form": register_form or RegisterForm(formdata=None),
        "training_form": training_form, "reason_form": ReasonForm(formdata=None),
        "row_kind": row_kind, "row_key": row_key, "row_form": row_form,
        "summary": eligibility_summary, "failure_label": failure_label, "failure_reasons": failure_reasons,
        "localize": localize, "statuses": PLAN_STATUSES, "reg_statuses": REGISTRATION_STATUSES,
        "sources_labels": REGISTRATION_SOURCES, "component_labels": COMPONENT_LABELS,
        "unnumbered": len(unnumbered(plan)),
        "exceptions": latest_requests(db.session, [r.id for r in plan.registrations]),
        "exception_statuses": EXCEPTION_STATUSES,
    }
    return render_template("assessment/plan.html", **context), form_status(status_form, register_form, training_form,
                                                                            row_form)


@bp.get("/plans/<int:plan_id>")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def plan(plan_id: int):
    """A plan: components and dates, state, registrations with their eligibility outcome."""
    return _plan_page(plan_id)


STATUS_DONE = {"open": _l("Registration opened."), "close": _l("Registration closed."),
               "reopen": _l("Registration reopened."), "start": _l("The assessment has started."),
               "cancel": _l("Plan cancelled.")}  # flashed as str (the session stores text)


@bp.post("/plans/<int:plan_id>/status")
@roles(STAFF)
def plan_status(plan_id: int):
    """Open or close registration, start the exams, or cancel (with a reason)."""
    form = StatusForm()
    return submit(form, transition_plan, fields=("action", "reason"), plan_id=plan_id,
                  success=lambda _plan: str(STATUS_DONE[form.action.data]), then=_plan_url(plan_id)) \
        or _plan_page(plan_id, status_form=form)


@bp.post("/plans/<int:plan_id>/deadline")
@roles(STAFF)
def deadline(plan_id: int):
    """Move the registration deadline; refused on or after an exam date, or before today."""
    form = DeadlineForm()
    return submit(form, change_registration_deadline, fields=("registration_deadline",), plan_id=plan_id,
                  success=_("Registration deadline saved."), then=_plan_url(plan_id)) \
        or _plan_page(plan_id, row=("deadline", None, form))


@bp.post("/plans/<int:plan_id>/schedule")
@roles(STAFF)
def schedule(plan_id: int):
    """Set a component's exam date and time."""
    form = ScheduleForm()
    return submit(form, schedule_component, fields=("component", "exam_on", "exam_time"), plan_id=plan_id,
                  success=_("Exam date saved."), then=_plan_url(plan_id)) \
        or _plan_page(plan_id, row=("schedule", form.component.data, form))


@bp.post("/plans/<int:plan_id>/register")
@roles(STAFF)
def register(plan_id: int):
    """Register a candidate by the ID number they present; the eligibility outcome is stored either way."""
    form = RegisterForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            reg = register_individual(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id,
                                      id_type=form.id_type.data, id_number=form.id_number.data)
        if done:
            flash(_("%(name)s registered: %(outcome)s", name=reg.person.name, outcome=localize(eligibility_summary(reg))),
                  "success" if reg.eligible else "warning")
            return redirect(_plan_url(plan_id, "registrations"))
    return _plan_page(plan_id, register_form=form)


@bp.post("/plans/<int:plan_id>/register-training")
@roles(STAFF)
def register_training(plan_id: int):
    """Register people from completed classes and apprenticeships in the plan's occupation."""
    form = TrainingSourcesForm()
    return submit(form, register_from_training, plan_id=plan_id, enrolment_ids=form.enrolment_ids.data or [],
                  apprenticeship_ids=form.apprenticeship_ids.data or [],
                  success=lambda regs: _("%(n)s registered, %(e)s eligible.", n=len(regs), e=sum(r.eligible for r in regs)),
                  then=_plan_url(plan_id, "registrations")) or _plan_page(plan_id, training_form=form)


def _registration_action(registration_id: int, kind: str, action, success):
    """Override or withdraw one registration with a written reason; a refusal re-opens that row's step."""
    reg = get_registration(db.session, actor=current_actor(), registration_id=registration_id)
    form = ReasonForm()
    return submit(form, action, fields=("reason",), registration_id=reg.id, success=success,
                  then=_plan_url(reg.plan_id, "registrations")) \
        or _plan_page(reg.plan_id, row=(kind, registration_id, form))


@bp.post("/registrations/<int:registration_id>/override")
@roles(Role.ADMIN)
def override(registration_id: int):
    """An administrator admits an ineligible candidate with a written reason."""
    return _registration_action(registration_id, "override", override_registration,
                                _("Candidate admitted by override."))


@bp.post("/registrations/<int:registration_id>/withdraw")
@roles(STAFF)
def withdraw(registration_id: int):
    """Withdraw a registration before the exams, with a reason."""
    return _registration_action(registration_id, "withdraw", withdraw_registration, _("Registration withdrawn."))


@bp.get("/plans/<int:plan_id>/registrations.xlsx")
@roles(Role.EVALUATION_STAFF, Role.ADMIN)
def registrations_export(plan_id: int):
    """The registration list with eligibility outcomes, numbers masked."""
    plan = get_plan(db.session, actor=current_actor(), plan_id=plan_id)
    return send_workbook(registration_workbook(plan, translate=_), _("registrations-%(plan)s.xlsx", plan=plan.id))


def _tickets_pdf(plan_id: int, registration_id: int | None, name: str):
    with attempt(commit=False) as done:  # a candidate without a ticket number: flashed, back to the plan
        views = plan_tickets(db.session, actor=current_actor(), plan_id=plan_id, registration_id=registration_id,
                             storage_dir=storage_dir())
    if not done:
        return redirect(_plan_url(plan_id, "registrations"))
    if not views:
        flash(_("No admitted candidate has a ticket yet."), "warning")
        return redirect(_plan_url(plan_id, "registrations"))
    pdf = render_design_pdf("admission_ticket",
                            {"tickets": [{"v": v, "photo_uri": photo_data_uri(v.photo)} for v in views]})
    return send_file(io.BytesIO(pdf), mimetype=PDF, as_attachment=False, download_name=name)


@bp.get("/plans/<int:plan_id>/tickets.pdf")
@roles(STAFF)
def tickets(plan_id: int):
    """Admission tickets of every admitted candidate, one per page."""
    return _tickets_pdf(plan_id, None, _("admission-tickets-%(plan)s.pdf", plan=plan_id))


@bp.get("/registrations/<int:registration_id>/ticket.pdf")
@roles(STAFF)
def ticket(registration_id: int):
    """One candidate's admission ticket."""
    reg = get_registration(db.session, actor=current_actor(), registration_id=registration_id)
    return _tickets_pdf(reg.plan_id, reg.id, _("admission-ticket-%(number)s.pdf", number=reg.ticket_number or reg.id))


@bp.post("/plans/<int:plan_id>/tickets/number")
@roles(STAFF)
def number_plan_tickets(plan_id: int):
    """Give ticket numbers to the admitted candidates who have none (recorded before numbering at admission)."""
    return one_click(ConfirmForm(), number_tickets, plan_id=plan_id,
                     success=lambda count: _("Ticket numbers given: %(num)s.", num=count) if count
                     else _("Every admitted candidate already has a ticket number."),
                     then=_plan_url(plan_id, "registrations"))
