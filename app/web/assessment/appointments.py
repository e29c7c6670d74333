"""Enterprise appointments (特级技师 / 首席技师 / 学徒工) for enterprise HR."""

from __future__ import annotations

from flask import render_template, url_for
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
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import form_status, submit
from app.web.assessment.blueprint import bp, notice_days, occupation_label, quota_percent
from app.web.assessment.forms import AppointForm, NominateForm, ReasonForm, ReviewForm
from app.web.forms import choices

HR = Role.ENTERPRISE_HR


def _page(form=None, row=None):
    """The appointments page; `row` = (kind, appointment id, form) re-shows one row's refused step."""
    actor = current_actor()
    shown = form or NominateForm(formdata=None)
    shown.person_id.choices = choices((p.id, f"{p.name} {p.id_masked}") for p in list_employees(db.session, actor=actor))
    shown.occupation_id.choices = choices((o.id, occupation_label(o))
                                          for o in list_occupations(db.session, active_only=True))
    row_kind, row_id, row_form = row or (None, None, None)
    return render_template(
        "assessment/appointments.html", appointments=list_appointments(db.session, actor=actor), form=shown,
        quota=quota_summary(db.session, actor=actor, now=utcnow(), percent=quota_percent()), percent=quota_percent(),
        review_form=ReviewForm(formdata=None), appoint_form=AppointForm(formdata=None),
        reject_form=ReasonForm(formdata=None), row_kind=row_kind, row_id=row_id, row_form=row_form,
        grades=APPOINTMENT_GRADES, statuses=APPOINTMENT_STATUSES, nominations=NOMINATIONS,
    ), form_status(form, row_form)


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
    return submit(form, nominate, fields=("person_id", "grade_key", "occupation_id", "nomination"),
                  quota_percent=quota_percent(), success=_("Nomination recorded."),
                  then=url_for("assessment.appointments")) or _page(form)


def _row_step(appointment_id: int, kind: str, form, action, success: str):
    """A step on one appointment: `action(form)` calls the service; a refusal re-opens that row's form."""
    return submit(form, lambda: action(form), success=success, then=url_for("assessment.appointments")) \
        or _page(row=(kind, appointment_id, form))


@bp.post("/appointments/<int:appointment_id>/review")
@roles(HR)
def review_view(appointment_id: int):
    """Record the review; a pass starts the notice."""
    return _row_step(appointment_id, "review", ReviewForm(), lambda form: review_appointment(
        db.session, actor=current_actor(), now=utcnow(), appointment_id=appointment_id,
        passed=form.passed.data == "yes", note=form.note.data, notice_working_days=notice_days(),
    ), _("Review recorded."))


@bp.post("/appointments/<int:appointment_id>/appoint")
@roles(HR)
def appoint_view(appointment_id: int):
    """Appoint with a term after the notice."""
    return _row_step(appointment_id, "appoint", AppointForm(), lambda form: appoint(
        db.session, actor=current_actor(), now=utcnow(), appointment_id=appointment_id,
        term_start=form.term_start.data, term_end=form.term_end.data, quota_percent=quota_percent(),
    ), _("Appointed; the grade is in the level history."))


@bp.post("/appointments/<int:appointment_id>/reject")
@roles(HR)
def reject_view(appointment_id: int):
    """End a nomination with a reason (after the confirmation step)."""
    return _row_step(appointment_id, "reject", ReasonForm(), lambda form: reject_appointment(
        db.session, actor=current_actor(), now=utcnow(), appointment_id=appointment_id, reason=form.reason.data,
    ), _("Nomination ended."))
