"""Assessors' pages: my sessions, the keyboard-friendly score sheet, supervisor sign-off, own declarations."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.qualifications import declare_relation
from app.assessment.score_sheets import CellInput, CellOutcome, save_sheet, score_sheet
from app.assessment.scoring import sign_off_session
from app.assessment.staffing import mode_of, sessions_of_assessor
from app.assessment.vocabulary import ASSIGNMENT_ROLES, SESSION_STATUSES
from app.catalog.models import COMPONENT_LABELS
from app.database import utcnow
from app.extensions import db
from app.web.access import current_actor, roles
from app.web.actions import REFUSED, attempt, one_click, render_form, submit
from app.web.assessment.blueprint import bp
from app.web.assessment.forms import ConfirmForm, RelationForm
from app.web.forms import choices
from app.web.query import parse_integer, query_integer

MARKERS = (Role.ASSESSOR, Role.DEPT_SUPERVISOR, Role.EVALUATION_STAFF, Role.ADMIN)
ASSIGNED = (Role.ASSESSOR, Role.DEPT_SUPERVISOR)  # people placed in rooms: assessors and department supervisors


def _relation_form(assigned, form=None) -> RelationForm:
    form = form or RelationForm(formdata=None)
    actor = current_actor()
    form.assessor_id.choices = choices([(actor.id, actor.display_name)])
    people = {c.registration.person.id: c.registration.person for s, _a in assigned for c in s.candidates}
    form.person_id.choices = choices((p.id, f"{p.name} {p.id_masked}") for p in people.values())
    return form


@bp.get("/my-sessions")
@roles(*ASSIGNED)
def my_sessions():
    """The sessions assigned to me, with my role and where to enter scores or sign off."""
    actor = current_actor()
    assigned = sessions_of_assessor(db.session, actor=actor)
    return render_template("assessment/my_sessions.html", assigned=assigned, roles=ASSIGNMENT_ROLES,
                           labels=COMPONENT_LABELS, statuses=SESSION_STATUSES, form=_relation_form(assigned))


@bp.post("/my-sessions/relations")
@roles(*ASSIGNED)
def declare_own_relation():
    """An assessor or department supervisor declares a relation with a candidate of one of their sessions."""
    actor = current_actor()
    assigned = sessions_of_assessor(db.session, actor=actor)
    form = _relation_form(assigned, RelationForm())
    return submit(form, lambda: declare_relation(db.session, actor=actor, now=utcnow(), assessor_id=actor.id,
                                                 person_id=_own_candidate(form), kind=form.kind.data,
                                                 note=form.note.data),
                  success=_("Relation declared; you will not be assigned to assess this person."),
                  then=url_for("assessment.my_sessions")) \
        or render_form("assessment/my_sessions.html", form, assigned=assigned, roles=ASSIGNMENT_ROLES,
                       labels=COMPONENT_LABELS, statuses=SESSION_STATUSES)


def _own_candidate(form: RelationForm) -> int:
    """The person chosen on the form, who must be a candidate of one of the assessor's sessions."""
    if form.person_id.data not in {c.value for c in form.person_id.choices}:
        abort(404)
    return form.person_id.data


def _render_sheet(sitting_id: int, outcomes: dict[int, CellOutcome] | None = None, reason: str = "", status=200,
                  column: int | None = None, ticked: frozenset[int] = frozenset()):
    actor = current_actor()
    sheet = score_sheet(db.session, actor=actor, sitting_id=sitting_id, column=column)
    is_supervisor = any(a.user_id == actor.id and a.role == "supervisor" for a in sheet.sitting.assignments)
    return render_template("assessment/sheet.html", sheet=sheet, sitting=sheet.sitting, outcomes=outcomes or {},
                           reason=reason, ticked=ticked, labels=COMPONENT_LABELS, roles=ASSIGNMENT_ROLES, statuses=SESSION_STATUSES,
                           is_supervisor=is_supervisor, panel=mode_of(sheet.sitting) != "invigilated",
                           sign_off_form=ConfirmForm(formdata=None)), status


@bp.get("/sessions/<int:sitting_id>/sheet")
@roles(*MARKERS)
def sheet(sitting_id: int):
    """The score sheet: one row per candidate; my own column (or the member the leader chose) open in tab order."""
    return _render_sheet(sitting_id, column=query_integer("column"))


def _cells_from_form(form) -> list[CellInput]:
    """Typed cells from the posted sheet (value-, version-, original-, absent-<id>), with the sheet's reason."""
    reason = form.get("reason", "").strip()
    cells = []
    for key, value in form.items():
        if not key.startswith("value-"):
            continue
        try:
            score_id, version = int(key.removeprefix("value-")), int(form.get(f"version-{key[6:]}", ""))
        except ValueError:
            abort(400)  # a tampered sheet: the page always sends whole numbers here
        cells.append(CellInput(score_id, value, version, reason, form.get(f"original-{score_id}"),
                               absent=bool(form.get(f"absent-{score_id}"))))
    return cells


@bp.post("/sessions/<int:sitting_id>/sheet")
@roles(*MARKERS)
def save_sheet_view(sitting_id: int):
    """Save every changed cell in one transaction; conflicting or invalid cells are reported and keep what was typed.

    A refused sheet (locked, not staffed) answers 422; rows refused one by one answer 409 when another user
    changed a cell meanwhile (reload and check), else 422.
    """
    cells = _cells_from_form(request.form)
    reason = request.form.get("reason", "")
    column = parse_integer(request.form.get("column"))
    with attempt() as done:
        results = save_sheet(db.session, actor=current_actor(), now=utcnow(), sitting_id=sitting_id, cells=cells)
    if not done:
        return _render_sheet(sitting_id, reason=reason, status=done.status, column=column)
    refused = {o.score_id: o for o in results if o.status in ("conflict", "invalid")}
    saved = sum(o.status in ("saved", "cleared", "absent") for o in results)
    if refused:
        flash(_("%(saved)s saved; %(refused)s not saved — see the marked rows.", saved=saved, refused=len(refused)),
              "warning")
        conflict = any(o.status == "conflict" for o in refused.values())
        return _render_sheet(sitting_id, refused, reason, status=409 if conflict else REFUSED, column=column,
                             ticked=frozenset(c.score_id for c in cells if c.absent))
    flash(_("%(n)s scores saved.", n=saved), "success")
    return redirect(url_for("assessment.sheet", sitting_id=sitting_id, column=column))


@bp.post("/sessions/<int:sitting_id>/sign-off")
@roles(*ASSIGNED)
def sign_off(sitting_id: int):
    """The session's quality supervisor signs the scores off (after the confirmation step); they are locked."""
    return one_click(ConfirmForm(), sign_off_session, sitting_id=sitting_id,
                     success=_("Scores signed off and locked."),
                     then=url_for("assessment.sheet", sitting_id=sitting_id))
