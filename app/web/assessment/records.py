"""Assessor records (qualifications, declared relations) for evaluation staff; the holiday calendar for 人社."""

from __future__ import annotations

from flask import render_template, url_for
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
from app.assessment.vocabulary import RELATION_KINDS
from app.assessment.workdays import add_holiday, list_holidays, remove_holiday
from app.catalog.ladder import level_label
from app.catalog.occupations import list_occupations
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import form_status, one_click, render_form, submit
from app.web.assessment.blueprint import bp, occupation_label
from app.web.assessment.forms import ConfirmForm, HolidayForm, QualificationForm, StaffRelationForm
from app.web.forms import choices

STAFF = Role.EVALUATION_STAFF


def _qualification_form(form: QualificationForm | None = None) -> QualificationForm:
    form = form or QualificationForm(formdata=None)
    form.occupation_code.choices = choices((o.code, occupation_label(o)) for o in list_occupations(db.session))
    form.level_digit.choices = choices((digit, level_label(digit)) for digit in (5, 4, 3, 2, 1))
    return form


def _assessors_page(qualification_form=None, relation_form=None):
    actor = current_actor()
    assessors = list_assessors(db.session)
    shown_qualification = _qualification_form(qualification_form)
    shown_qualification.user_id.choices = choices(
        (u.id, _("%(name)s (%(organisation)s)", name=u.display_name, organisation=u.organisation.name))
        for u in assessors)
    shown_relation = relation_form or StaffRelationForm(formdata=None)
    shown_relation.assessor_id.choices = choices(
        (u.id, u.display_name) for u in assessors if u.organisation_id == actor.organisation_id)
    return render_template("assessment/assessors.html", qualifications=list_qualifications(db.session),
                           relations=relations_for(db.session, actor=actor), qualification_form=shown_qualification,
                           relation_form=shown_relation, kinds=RELATION_KINDS,
                           level_label=level_label), form_status(qualification_form, relation_form)


@bp.get("/assessors")
@roles(STAFF)
def assessors():
    """Assessors' own levels per occupation and the relations that require recusal."""
    return _assessors_page()


@bp.post("/assessors/qualifications")
@roles(STAFF)
def add_qualification():
    """Record an assessor's level in an occupation."""
    form = _qualification_form(QualificationForm())
    return submit(form, record_qualification, fields=("user_id", "occupation_code", "level_digit"),
                  certificate_number=form.certificate_number.data or None, success=_("Qualification saved."),
                  then=url_for("assessment.assessors")) \
        or _assessors_page(qualification_form=form)


@bp.post("/assessors/relations")
@roles(STAFF)
def add_relation():
    """Record a relation between an assessor and a person, found by the exact ID number."""
    form = StaffRelationForm()
    return submit(form, lambda: _declare_relation(form),
                  success=_("Relation declared."), then=url_for("assessment.assessors", _anchor="relations")) \
        or _assessors_page(relation_form=form)


def _declare_relation(form: StaffRelationForm):
    person = find_person_by_id_number(db.session, id_type=form.id_type.data, id_number=form.id_number.data,
                                      today=local_date(utcnow()))
    return declare_relation(db.session, actor=current_actor(), now=utcnow(), assessor_id=form.assessor_id.data,
                            person_id=person.id, kind=form.kind.data, note=form.note.data)


@bp.route("/holidays", methods=["GET", "POST"])
@roles(Role.ADMIN)
def holidays():
    """Public holidays and make-up working days used to count notice periods."""
    form = HolidayForm()
    return submit(form, add_holiday, fields=("day", "name", "is_makeup_workday"), success=_("Day recorded."),
                  then=url_for("assessment.holidays")) \
        or render_form("assessment/holidays.html", form, holidays=list_holidays(db.session),
                       remove_form=ConfirmForm(formdata=None))


@bp.post("/holidays/<int:holiday_id>/remove")
@roles(Role.ADMIN)
def delete_holiday(holiday_id: int):
    """Remove a recorded day (after the confirmation step)."""
    return one_click(ConfirmForm(), remove_holiday, holiday_id=holiday_id, success=_("Day removed."),
                     then=url_for("assessment.holidays"))
