"""Administrators' studio pages: the department overview and the assessment rounds."""

from __future__ import annotations

from decimal import Decimal

from flask import render_template, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.clock import local_date
from app.database import get_or_not_found, utcnow
from app.extensions import db
from app.studios.appraisal import (
    close_round,
    get_round,
    grade_assessment,
    list_rounds,
    open_round,
    score_panel,
)
from app.studios.models import StudioAssessment
from app.studios.overview import department_overview
from app.studios.rubric import score
from app.translation import N_
from app.web.access import current_actor, roles
from app.web.actions import one_click, submit
from app.web.studios.forms import GradeForm, PanelForm, ReasonForm, RoundForm
from app.web.studios.views import bp


@bp.get("/overview")
@roles(Role.ADMIN)
def overview():
    """Studios and bases by tier, city and occupation; apprentices and levels; money; due for review."""
    today = local_date(utcnow())
    return render_template("studios/overview.html", o=department_overview(db.session, actor=current_actor(),
                                                                          today=today), today=today)


@bp.route("/rounds", methods=["GET", "POST"])
@roles(Role.ADMIN)
def rounds():
    """Assessment rounds, and opening a new one."""
    form = RoundForm()
    if not form.is_submitted():
        form.year.data, form.cap_percent.data = local_date(utcnow()).year, 20
    done = submit(form, open_round, fields=("year", "round_kind", "cap_percent"), success=_("Round opened."),
                  then=lambda r: url_for("studios.round_page", round_id=r.id))
    if done:
        return done
    status = 422 if form.is_submitted() else 200
    return render_template("studios/rounds.html", form=form, rounds=list_rounds(db.session, actor=current_actor())), \
        status


def _round_page(round_id: int, given: dict | None = None):
    given = given or {}
    round_ = get_round(db.session, actor=current_actor(), round_id=round_id)
    results = {e.id: score(round_.rubric, e.measured, e.panel_scores) for e in round_.entries}
    forms = {}
    for entry in round_.entries:
        panel = given.get(("panel", entry.id)) or PanelForm(formdata=None, prefix=f"p{entry.id}",
                                                            data={k: Decimal(v) for k, v in entry.panel_scores.items()} or None)
        grade = given.get(("grade", entry.id)) or GradeForm(formdata=None, prefix=f"g{entry.id}",
                                                            data={"grade": entry.grade} if entry.grade else None)
        forms[entry.id] = (panel, grade)
    refused = any(getattr(f, "refused", False) or (f.is_submitted() and f.errors) for f in given.values())
    return render_template("studios/round.html", round=round_, results=results, forms=forms,
                           close_form=ReasonForm(formdata=None)), 422 if refused else 200


@bp.get("/rounds/<int:round_id>")
@roles(Role.ADMIN)
def round_page(round_id: int):
    """A round: each studio's measures, panel points, total and grade."""
    return _round_page(round_id)


def _entry(assessment_id: int) -> StudioAssessment:
    return get_or_not_found(db.session, StudioAssessment, assessment_id, N_("The assessment does not exist."))


@bp.post("/assessments/<int:assessment_id>/panel")
@roles(Role.ADMIN)
def panel(assessment_id: int):
    """Save the expert panel's points for one studio."""
    entry = _entry(assessment_id)
    form = PanelForm(prefix=f"p{entry.id}")
    back = url_for("studios.round_page", round_id=entry.round_id, _anchor=f"entry-{entry.id}")
    return submit(form, score_panel, assessment_id=entry.id,
                  form_extra=lambda f: {"scores": {"plan_and_rules": f.plan_and_rules.data,
                                                   "influence": f.influence.data}},
                  success=_("Panel points saved."), then=back) or \
        _round_page(entry.round_id, {("panel", entry.id): form})


@bp.post("/assessments/<int:assessment_id>/grade")
@roles(Role.ADMIN)
def grade(assessment_id: int):
    """Grade one studio (the cap on excellent grades is checked)."""
    entry = _entry(assessment_id)
    form = GradeForm(prefix=f"g{entry.id}")
    back = url_for("studios.round_page", round_id=entry.round_id, _anchor=f"entry-{entry.id}")
    return submit(form, grade_assessment, fields=("grade",), assessment_id=entry.id, success=_("Graded."),
                  then=back) or _round_page(entry.round_id, {("grade", entry.id): form})


@bp.post("/rounds/<int:round_id>/close")
@roles(Role.ADMIN)
def close(round_id: int):
    """Close the round: failed studios are de-listed."""
    back = url_for("studios.round_page", round_id=round_id)
    return one_click(ReasonForm(), close_round, round_id=round_id, success=_("Round closed."), then=back)
