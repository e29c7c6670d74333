"""A class at scale: the week grid (trainees × a week's sessions), the Excel sign-in sheet, completion in bulk."""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from app.accounts.roles import Role
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.spreadsheets import error_workbook, nothing_imported, read_table
from app.training.attendance import OPEN_STATES
from app.training.attendance_grid import (
    ABSENT_WORDS,
    PRESENT_WORDS,
    grid_cells,
    record_marks,
    session_label,
    week_grid,
    week_start,
)
from app.training.completion import complete_in_bulk, completion_review
from app.training.projects import get_class
from app.training.sign_in_sheet import MAX_ROWS, import_sign_in_sheet, sheet_workbook
from app.web.access import current_actor, roles
from app.web.actions import attempt, localize, submit
from app.web.baseform import Form
from app.web.downloads import XLSX, send_workbook, stash_download
from app.web.forms import sheet_file

bp = Blueprint("class_attendance", __name__, url_prefix="/classes")
STAFF = Role.INSTITUTION_STAFF
_CELL = re.compile(r"^c-(\d{1,9})-(\d{1,9})$")
_ALL = re.compile(r"^all-(\d{1,9})$")


class GridForm(Form):
    """The week grid: its cells are named c-<session>-<enrolment> and read by the view."""

    submit = SubmitField()


class SignInSheetForm(Form):
    """Upload a filled-in sign-in sheet."""

    file = sheet_file()
    submit = SubmitField(_l("Record the sheet's attendance"))


def _week(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else local_date(utcnow())
    except ValueError:
        return local_date(utcnow())


def _typed() -> tuple[dict[tuple[int, int], str], list[int]]:
    """The cells and "all present" boxes of the posted grid (text capped: a mark is a word)."""
    typed = {}
    for name, value in request.form.items():
        if (match := _CELL.match(name)) is not None:
            typed[(int(match[1]), int(match[2]))] = value[:20]
    boxes = [int(m[1]) for name in request.form if (m := _ALL.match(name)) is not None]
    return typed, boxes


@bp.route("/<int:class_id>/attendance/week", methods=["GET", "POST"])
@roles(STAFF)
def week(class_id: int):
    """A week of attendance at once: every cell typed, one save for all the week's sessions or none."""
    grid = week_grid(db.session, actor=current_actor(), class_id=class_id, week_of=_week(request.args.get("week")))
    form = GridForm()
    typed, boxes = _typed() if request.method == "POST" else (None, [])
    problems = {}
    if request.method == "POST" and form.validate_on_submit():
        with attempt(form) as done:
            count = record_marks(db.session, actor=current_actor(), now=utcnow(), class_id=class_id,
                                 cells=grid_cells(grid, typed, boxes))
        if done:
            flash(_("Attendance saved: %(n)s marks in the week of %(day)s.", n=count, day=grid.monday.isoformat()),
                  "success")
            return redirect(url_for(".week", class_id=class_id, week=grid.monday.isoformat()))
        problems = {key: localize(message) for key, message in getattr(done.error, "problems", {}).items()}
    today = local_date(utcnow())
    status = 422 if request.method == "POST" else 200
    return render_template("training/attendance_week.html", grid=grid, klass=grid.training_class, form=form,
                           typed=typed, boxes=boxes, problems=problems,
                           today=today, open_states=OPEN_STATES, label=session_label,
                           previous=(grid.monday - timedelta(days=7)).isoformat(),
                           next=(grid.monday + timedelta(days=7)).isoformat(),
                           this_week=week_start(today).isoformat()), status


def _sheet_page(class_id: int, form: SignInSheetForm, errors=(), error_url: str | None = None):
    klass = get_class(db.session, actor=current_actor(), class_id=class_id)
    status = 422 if form.is_submitted() and (errors or form.errors or getattr(form, "refused", False)) else 200
    return render_template("training/sign_in_sheet.html", klass=klass, form=form, errors=errors,
                           error_url=error_url, present_words=PRESENT_WORDS, absent_words=ABSENT_WORDS,
                           summary=localize(nothing_imported(len(errors))) if errors else None), status


@bp.get("/<int:class_id>/sign-in-sheet")
@roles(STAFF)
def sheet_page(class_id: int):
    """Download the class's sign-in sheet, upload it filled in."""
    return _sheet_page(class_id, SignInSheetForm(formdata=None))


@bp.get("/<int:class_id>/sign-in-sheet.xlsx")
@roles(STAFF)
def sheet_download(class_id: int):
    """The sign-in sheet: trainees × sessions, with the marks recorded so far."""
    klass = get_class(db.session, actor=current_actor(), class_id=class_id)
    data = sheet_workbook(db.session, actor=current_actor(), class_id=class_id)
    return send_workbook(data, _("sign-in-sheet-%(name)s.xlsx", name=klass.name))


@bp.post("/<int:class_id>/sign-in-sheet")
@roles(STAFF)
def sheet_upload(class_id: int):
    """Record every mark of the uploaded sheet, or none, with every problem listed and marked in a workbook."""
    form = SignInSheetForm()
    if not form.validate_on_submit():
        return _sheet_page(class_id, form)
    upload = form.file.data
    with attempt(form, commit=False) as done:
        table = read_table(upload.read(), upload.filename or "", max_rows=MAX_ROWS)
        outcome = import_sign_in_sheet(db.session, actor=current_actor(), now=utcnow(), class_id=class_id,
                                       table=table)
    if not done:
        return _sheet_page(class_id, form)
    if outcome.errors:
        db.session.rollback()
        form.refused = True
        url = stash_download(error_workbook(table.rows, outcome.errors, translate=_), _("sign-in-errors.xlsx"), XLSX)
        return _sheet_page(class_id, form, errors=outcome.errors, error_url=url)
    db.session.commit()
    flash(_("Sign-in sheet recorded: %(n)s marks.", n=outcome.count), "success")
    return redirect(url_for("classes.show", class_id=class_id, _anchor="roster"))


class CompleteForm(Form):
    """The confirmation of a bulk completion: the trainees are hidden inputs named e."""

    submit = SubmitField(_l("Confirm: complete them"))


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and len(v) < 10]


def _completion_page(class_id: int, form: CompleteForm, chosen: list[int] | None):
    checks = completion_review(db.session, actor=current_actor(), class_id=class_id, enrolment_ids=chosen)
    klass = get_class(db.session, actor=current_actor(), class_id=class_id)
    status = 422 if form.is_submitted() else 200
    return render_template("training/complete_confirm.html", klass=klass, form=form, everyone=chosen is None,
                           qualify=[c for c in checks if c.qualifies],
                           others=[c for c in checks if not c.qualifies]), status


@bp.get("/<int:class_id>/complete")
@roles(STAFF)
def completion(class_id: int):
    """The one confirmation: who qualifies and who does not, and why (the chosen trainees, or everyone)."""
    chosen = None if request.args.get("all") == "1" else _ids(request.args.getlist("e"))
    return _completion_page(class_id, CompleteForm(formdata=None), chosen)


@bp.post("/<int:class_id>/complete")
@roles(STAFF)
def complete(class_id: int):
    """Complete the confirmed trainees, all or none; the message names them."""
    form = CompleteForm()
    ids = _ids(request.form.getlist("e"))
    return submit(form, complete_in_bulk, class_id=class_id, enrolment_ids=ids,
                  success=lambda done: _("Completed: %(names)s.", names=_(", ").join(e.person.name for e in done)),
                  then=url_for("classes.show", class_id=class_id, _anchor="roster")) \
        or _completion_page(class_id, form, ids)
