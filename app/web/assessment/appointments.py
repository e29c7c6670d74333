"""Enterprise appointments (特级技师 / 首席技师 / 学徒工) for enterprise HR."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.appointments import (
    appoint,
    list_appointments,
    list_employees,
    nominate,
    quota_summary,
    reject_appointment,
    review_appointment,
)
from app.assessment.vocabulary import APPOINTMENT_GRADES, APPOINTMENT_STATUSES, NOMINATIONS
from app.catalog.occupations import list_occupations
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.assessment.blueprint import bp, notice_days, quota_percent
from app.web.assessment.forms import AppointForm, NominateForm, ReasonForm, ReviewForm
from app.web.forms import attach_error, choices

HR = Role.ENTERPRISE_HR


def _page(status=200, form=None):
    actor = current_actor()
    form = form or NominateForm(formdata=None)
    form.person_id.choices = choices((p.id, f"{p.name} {p.id_masked}") for p in list_employees(db.session, actor=actor))
    form.occupation_id.choices = choices((o.id, f"{o.name}（{o.code}）")
                                         for o in list_occupations(db.session, active_only=True))
    return render_template(
        "assessment/appointments.html", appointments=list_appointments(db.session, actor=actor), form=form,
        quota=quota_summary(db.session, actor=actor, now=utcnow(), percent=quota_percent()), percent=quota_percent(),
        review_form=ReviewForm(formdata=None), appoint_form=AppointForm(formdata=None),
        reject_form=ReasonForm(formdata=None), grades=APPOINTMENT_GRADES, statuses=APPOINTMENT_STATUSES,
        nominations=NOMINATIONS,
    ), status


@bp.get("/appointments")
@roles(HR)
def appointments():
    """The enterprise's nominations and appointments, with the 特级技师 quota."""
    return _page()


@bp.post("/appointments")
@roles(HR)
def nominate_view():
    """Nominate an employee; prerequisites and the quota are checked first."""
    form = NominateForm()
    if form.validate_on_submit():
        try:
            nominate(db.session, actor=current_actor(), now=utcnow(), person_id=form.person_id.data,
                     grade_key=form.grade_key.data, occupation_id=form.occupation_id.data,
                     nomination=form.nomination.data, quota_percent=quota_percent())
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Nomination recorded."), "success")
            return redirect(url_for("assessment.appointments"))
    return _page(400, form)


def _done(call, success: str, **kwargs):
    try:
        call(db.session, actor=current_actor(), now=utcnow(), **kwargs)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for("assessment.appointments"))


@bp.post("/appointments/<int:appointment_id>/review")
@roles(HR)
def review_view(appointment_id: int):
    """Record the review; a pass starts the notice."""
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_("Please write the review opinion."), "danger")
        return redirect(url_for("assessment.appointments"))
    return _done(review_appointment, _("Review recorded."), appointment_id=appointment_id,
                 passed=form.passed.data == "yes", note=form.note.data, notice_working_days=notice_days())


@bp.post("/appointments/<int:appointment_id>/appoint")
@roles(HR)
def appoint_view(appointment_id: int):
    """Appoint with a term after the notice."""
    form = AppointForm()
    if not form.validate_on_submit():
        flash(_("Please give the term."), "danger")
        return redirect(url_for("assessment.appointments"))
    return _done(appoint, _("Appointed; the grade is in the level history."), appointment_id=appointment_id,
                 term_start=form.term_start.data, term_end=form.term_end.data, quota_percent=quota_percent())


@bp.post("/appointments/<int:appointment_id>/reject")
@roles(HR)
def reject_view(appointment_id: int):
    """End a nomination with a reason."""
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Please give the reason."), "danger")
        return redirect(url_for("assessment.appointments"))
    return _done(reject_appointment, _("Nomination ended."), appointment_id=appointment_id, reason=form.reason.data)
