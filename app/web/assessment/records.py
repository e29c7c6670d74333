"""Assessor records (qualifications, declared relations) for evaluation staff; the holiday calendar for 人社."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.qualifications import (
    declare_relation,
    list_assessors,
    list_qualifications,
    record_qualification,
    relations_for,
)
from app.assessment.registration import find_person_by_id_number
from app.assessment.scope import local_date
from app.assessment.vocabulary import RELATION_KINDS
from app.assessment.workdays import add_holiday, list_holidays, remove_holiday
from app.catalog.ladder import level_label
from app.catalog.occupations import list_occupations
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import ConfirmForm, HolidayForm, QualificationForm, StaffRelationForm
from app.web.forms import attach_error, choices

STAFF = Role.EVALUATION_STAFF


def _assessors_page(status=200, qualification_form=None, relation_form=None):
    actor = current_actor()
    assessors = list_assessors(db.session)
    qualification_form = qualification_form or QualificationForm(formdata=None)
    qualification_form.user_id.choices = choices((u.id, f"{u.display_name}（{u.organisation.name}）") for u in assessors)
    qualification_form.occupation_code.choices = choices(
        (o.code, f"{o.name}（{o.code}）") for o in list_occupations(db.session))
    relation_form = relation_form or StaffRelationForm(formdata=None)
    relation_form.assessor_id.choices = choices(
        (u.id, u.display_name) for u in assessors if u.organisation_id == actor.organisation_id)
    return render_template("assessment/assessors.html", qualifications=list_qualifications(db.session),
                           relations=relations_for(db.session, actor=actor), qualification_form=qualification_form,
                           relation_form=relation_form, kinds=RELATION_KINDS, level_label=level_label), status


@bp.get("/assessors")
@roles(STAFF)
def assessors():
    """Assessors' own levels per occupation and the relations that require recusal."""
    return _assessors_page()


@bp.post("/assessors/qualifications")
@roles(STAFF)
def add_qualification():
    """Record an assessor's level in an occupation."""
    form = QualificationForm()
    form.occupation_code.choices = choices((o.code, o.code) for o in list_occupations(db.session))
    if form.validate_on_submit():
        try:
            record_qualification(db.session, actor=current_actor(), now=utcnow(), user_id=form.user_id.data,
                                 occupation_code=form.occupation_code.data, level_digit=form.level_digit.data,
                                 certificate_number=form.certificate_number.data or None)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Qualification saved."), "success")
            return redirect(url_for("assessment.assessors"))
    return _assessors_page(400, qualification_form=form)


@bp.post("/assessors/relations")
@roles(STAFF)
def add_relation():
    """Record a relation between an assessor and a person, found by the exact ID number."""
    form = StaffRelationForm()
    if form.validate_on_submit():
        try:
            person = find_person_by_id_number(db.session, id_type=form.id_type.data, id_number=form.id_number.data,
                                              today=local_date(utcnow()))
            declare_relation(db.session, actor=current_actor(), now=utcnow(), assessor_id=form.assessor_id.data,
                             person_id=person.id, kind=form.kind.data, note=form.note.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Relation declared."), "success")
            return redirect(url_for("assessment.assessors") + "#relations")
    return _assessors_page(400, relation_form=form)


@bp.route("/holidays", methods=["GET", "POST"])
@roles(Role.ADMIN)
def holidays():
    """Public holidays and make-up working days used to count notice periods."""
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            add_holiday(db.session, actor=current_actor(), now=utcnow(), day=form.day.data, name=form.name.data,
                        is_makeup_workday=form.is_makeup_workday.data)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Day recorded."), "success")
            return redirect(url_for("assessment.holidays"))
    return render_template("assessment/holidays.html", form=form, holidays=list_holidays(db.session),
                           remove_form=ConfirmForm(formdata=None)), 400 if form.errors else 200


@bp.post("/holidays/<int:holiday_id>/remove")
@roles(Role.ADMIN)
def delete_holiday(holiday_id: int):
    """Remove a recorded day."""
    if ConfirmForm().validate_on_submit():
        try:
            remove_holiday(db.session, actor=current_actor(), now=utcnow(), holiday_id=holiday_id)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("Day removed."), "success")
    return redirect(url_for("assessment.holidays"))
