"""A class's page: roster with progress, enrolment (one person or a sheet), timetable and attendance sheets."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.certification.lifecycle import certificates_by_source
from app.database import utcnow
from app.errors import DomainError, NotFound
from app.extensions import db
from app.spreadsheets import error_workbook, read_table, simple_workbook
from app.training.attendance import (
    OPEN_STATES,
    AttendanceMark,
    class_roster,
    record_attendance,
    session_sheet,
)
from app.training.enrolment_import import COLUMNS, import_enrolments
from app.training.enrolments import change_enrolment_status, enrol_by_identity
from app.training.projects import add_session
from app.web.access import current_actor, roles
from app.web.downloads import stash_download
from app.web.forms import attach_error
from app.web.training.forms import (
    AttendanceSheetForm,
    EnrolForm,
    EnrolImportForm,
    EnrolmentStatusForm,
    SessionForm,
)
from app.web.training.labels import init_labels

bp = Blueprint("classes", __name__, url_prefix="/classes")
bp.record_once(lambda state: init_labels(state.app))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = Role.INSTITUTION_STAFF


def _page(class_id: int, *, status: int = 200, **context):
    try:
        roster = class_roster(db.session, actor=current_actor(), class_id=class_id, today=utcnow().date())
    except NotFound:
        abort(404)
    context.setdefault("enrol_form", EnrolForm(formdata=None))
    context.setdefault("import_form", EnrolImportForm(formdata=None))
    context.setdefault("session_form", SessionForm(formdata=None, session_date=utcnow().date()))
    certificates = certificates_by_source(db.session, source_type="enrolment",
                                          source_ids=[line.enrolment.id for line in roster.lines])
    return render_template("training/class.html", roster=roster, klass=roster.training_class,
                           certificates=certificates, status_form=EnrolmentStatusForm(formdata=None),
                           today=utcnow().date(), **context), status


@bp.get("/<int:class_id>")
@roles(STAFF, Role.ADMIN)
def show(class_id: int):
    """Roster with attended hours, share and on-track; enrolment; timetable."""
    return _page(class_id)


@bp.post("/<int:class_id>/enrol")
@roles(STAFF)
def enrol(class_id: int):
    """Enrol a registered person found by name and ID number."""
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            enrolment = enrol_by_identity(db.session, actor=current_actor(), now=utcnow(), class_id=class_id,
                                          name=form.name.data, id_type=form.id_type.data, id_number=form.id_number.data)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s enrolled.", name=enrolment.person.name), "success")
            return redirect(url_for("classes.show", class_id=class_id) + "#roster")
    return _page(class_id, status=400, enrol_form=form)


@bp.post("/<int:class_id>/import")
@roles(STAFF)
def import_sheet(class_id: int):
    """Enrol everyone on a sheet (姓名, 证件类型, 证件号码), or nobody, with every problem listed."""
    form = EnrolImportForm()
    errors, error_url = [], None
    if form.validate_on_submit():
        upload = form.file.data
        try:
            headers, rows = read_table(upload.read(), upload.filename)
            rows = list(rows)
            outcome = import_enrolments(db.session, actor=current_actor(), now=utcnow(), class_id=class_id,
                                        headers=headers, rows=rows)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            if outcome.errors:
                db.session.rollback()
                errors = outcome.errors
                error_url = stash_download(error_workbook(headers, rows, errors, _), _("enrolment-errors.xlsx"), XLSX)
                flash(_("Nothing was imported: %(n)s problems found.", n=len(errors)), "danger")
            else:
                db.session.commit()
                flash(_("%(n)s people enrolled.", n=len(outcome.enrolments)), "success")
                return redirect(url_for("classes.show", class_id=class_id) + "#roster")
    return _page(class_id, import_form=form, import_errors=errors, error_url=error_url)


@bp.get("/import-template.xlsx")
@roles(STAFF)
def import_template():
    """An enrolment sheet with the three columns and one example row."""
    data = simple_workbook("报名名单", COLUMNS, [("张三", "居民身份证", "11010519491231002X")], text_columns=[2])
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name="报名名单模板.xlsx")


@bp.post("/<int:class_id>/sessions")
@roles(STAFF)
def new_session(class_id: int):
    """Add a session to the timetable."""
    form = SessionForm()
    if form.validate_on_submit():
        try:
            add_session(db.session, actor=current_actor(), now=utcnow(), class_id=class_id,
                        session_date=form.session_date.data, start_time=form.start_time.data,
                        end_time=form.end_time.data, hours=form.hours.data, topic=form.topic.data,
                        teacher=form.teacher.data or None)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(_("Session added."), "success")
            return redirect(url_for("classes.show", class_id=class_id) + "#timetable")
    return _page(class_id, status=400, session_form=form)


@bp.post("/enrolments/<int:enrolment_id>/status")
@roles(STAFF)
def enrolment_status(enrolment_id: int):
    """Complete or withdraw a trainee; a refusal (e.g. too few hours) is shown with its numbers."""
    form = EnrolmentStatusForm()
    class_id = request.form.get("class_id", type=int)
    if form.validate_on_submit():
        try:
            enrolment = change_enrolment_status(db.session, actor=current_actor(), now=utcnow(),
                                                enrolment_id=enrolment_id, to_status=form.to_status.data,
                                                reason=form.reason.data)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            class_id = enrolment.class_id
            flash(_("Status changed."), "success")
    if not class_id:
        abort(400)
    return redirect(url_for("classes.show", class_id=class_id) + "#roster")


def _sheet_form(trainees, records) -> AttendanceSheetForm:
    rows = []
    for enrolment in trainees:
        record = records.get(enrolment.id)
        rows.append({"enrolment_id": enrolment.id, "status": record.status if record else "present",
                     "hours": record.hours if record else None})
    return AttendanceSheetForm(formdata=None, rows=rows)


def _attach_sheet_error(form: AttendanceSheetForm, error: DomainError) -> None:
    kind, _sep, enrolment_id = (error.field or "").partition("-")
    for row in form.rows:
        if enrolment_id and row.form.enrolment_id.data == enrolment_id and kind in ("hours", "status"):
            getattr(row.form, kind).errors = [error.message]
            flash(error.message, "danger")
            return
    attach_error(form, error)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles(STAFF)
def attendance(session_id: int):
    """The attendance sheet of one session: a row per trainee with status and hours."""
    try:
        row, trainees, records = session_sheet(db.session, actor=current_actor(), session_id=session_id)
    except NotFound:
        abort(404)
    editable = [e for e in trainees if e.status in OPEN_STATES]
    form = AttendanceSheetForm() if request.method == "POST" else _sheet_form(editable, records)
    if form.validate_on_submit():
        marks = [AttendanceMark(int(r.form.enrolment_id.data), r.form.status.data, r.form.hours.data)
                 for r in form.rows]
        try:
            record_attendance(db.session, actor=current_actor(), now=utcnow(), session_id=row.id, marks=marks)
        except NotFound:
            db.session.rollback()
            abort(404)
        except DomainError as error:
            db.session.rollback()
            _attach_sheet_error(form, error)
        else:
            db.session.commit()
            flash(_("Attendance saved."), "success")
            return redirect(url_for("classes.show", class_id=row.class_id) + "#timetable")
    people = {str(e.id): e for e in trainees}
    return render_template("training/attendance.html", session_row=row, form=form, people=people,
                           closed=[e for e in trainees if e.status not in OPEN_STATES], records=records,
                           today=utcnow().date())
