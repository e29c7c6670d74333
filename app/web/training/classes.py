"""A class's page: roster with progress, enrolment (one person or a sheet), timetable and attendance sheets."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.accounts.roles import Role
from app.assessment.sources import plan_for_class
from app.certification.lifecycle import certificates_by_source
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.training.attendance import (
    OPEN_STATES,
    AttendanceMark,
    class_roster,
    record_attendance,
    session_sheet,
)
from app.training.enrolment_import import KIND, MAX_ROWS, VOCABULARY, import_enrolments, template_workbook
from app.training.enrolments import (
    change_enrolment_status,
    enrol_by_identity,
    get_enrolment,
    record_completion_test,
)
from app.training.projects import add_session, class_for_change
from app.training.readiness import class_readiness
from app.training.session_changes import cancel_session, session_for_change, update_session
from app.training.timetable import create_timetable, preview_timetable
from app.web.access import current_actor, roles
from app.web.actions import attempt, form_status, localize, one_click, render_form, submit
from app.web.baseform import Form
from app.web.downloads import send_workbook
from app.web.imports import SheetImport, run_import
from app.web.training.forms import (
    AttendanceSheetForm,
    CompletionTestForm,
    EnrolForm,
    EnrolImportForm,
    EnrolmentStatusForm,
    SessionCancelForm,
    SessionEditForm,
    SessionForm,
    TimetableForm,
)

bp = Blueprint("classes", __name__, url_prefix="/classes")
STAFF = Role.INSTITUTION_STAFF
ENROLMENT_SHEET = SheetImport(KIND, VOCABULARY, lambda: _("enrolment-errors.xlsx"), MAX_ROWS)


def _page(class_id: int, **context):
    """The class page; forms passed in (refused ones) keep their input and set the status."""
    roster = class_roster(db.session, actor=current_actor(), class_id=class_id, today=local_date(utcnow()))
    submitted = [form for form in context.values() if isinstance(form, Form)]
    context.setdefault("enrol_form", EnrolForm(formdata=None))
    context.setdefault("import_form", EnrolImportForm(formdata=None))
    context.setdefault("session_form", SessionForm(formdata=None, session_date=local_date(utcnow())))
    context.setdefault("status_form", EnrolmentStatusForm(formdata=None))
    context.setdefault("timetable_form", _blank_timetable(roster.training_class))
    context.setdefault("refused_enrolment", None)
    context.setdefault("test_form", None)
    context.setdefault("refused_test", None)
    certificates = certificates_by_source(db.session, source_type="enrolment",
                                          source_ids=[line.enrolment.id for line in roster.lines])
    plan = plan_for_class(db.session, class_id)
    # A plan of the project's occupation the class was registered for decides the level that matters.
    same = plan is not None and plan.occupation_id == roster.training_class.project.occupation_id
    readiness = class_readiness(db.session, actor=current_actor(), class_id=class_id, as_of=local_date(utcnow()),
                                level_digit=plan.level_digit if same else None)
    return render_template("training/class.html", roster=roster, klass=roster.training_class, readiness=readiness,
                           target_level=localize(readiness.level), linked_plan=plan if same else None,
                           eligibility={check.person.id: check.result for check in readiness.checks},
                           certificates=certificates, blank_status_form=EnrolmentStatusForm(formdata=None),
                           blank_test_form=CompletionTestForm(formdata=None, test_on=local_date(utcnow())),
                           today=local_date(utcnow()), **context), form_status(*submitted)


def _shown(class_id: int, anchor: str) -> str:
    return url_for("classes.show", class_id=class_id, _anchor=anchor)


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
    return submit(form, enrol_by_identity, fields=("name", "id_type", "id_number"), class_id=class_id,
                  success=lambda enrolment: _("%(name)s enrolled.", name=enrolment.person.name),
                  then=_shown(class_id, "roster")) or _page(class_id, enrol_form=form)


@bp.post("/<int:class_id>/import")
@roles(STAFF)
def import_sheet(class_id: int):
    """Register the new people on a sheet (the people import's columns) and enrol everyone, or nobody, with every
    problem listed."""
    form = EnrolImportForm()
    imported = run_import(form, ENROLMENT_SHEET, lambda table, mapping: import_enrolments(
        db.session, actor=current_actor(), now=utcnow(), class_id=class_id, table=table, mapping=mapping))
    if imported.done:
        flash(_("%(n)s people enrolled, %(new)s of them newly registered.", n=len(imported.result.enrolments),
                new=imported.result.registered), "success")
        return redirect(_shown(class_id, "roster"))
    return _page(class_id, import_form=form, imported=imported)


@bp.get("/import-template.xlsx")
@roles(STAFF)
def import_template():
    """The enrolment sheet: the people import's columns (name and ID number required), notes, one example row."""
    return send_workbook(template_workbook(_), _("enrolment-template.xlsx"))


@bp.post("/<int:class_id>/sessions")
@roles(STAFF)
def new_session(class_id: int):
    """Add a session to the timetable."""
    form = SessionForm()
    return submit(form, add_session, fields=("session_date", "start_time", "end_time", "hours", "topic"),
                  class_id=class_id, teacher=form.teacher.data or None, success=_("Session added."),
                  then=_shown(class_id, "timetable")) or _page(class_id, session_form=form)


def _blank_timetable(klass) -> TimetableForm:
    """The pattern form, from the class's first to its last day, with the class's first teacher."""
    first_teacher = next((name.strip() for name in klass.teacher_names.replace("，", ",").replace("、", ",")
                          .split(",") if name.strip()), None)
    return TimetableForm(formdata=None, first_date=klass.start_date, last_date=klass.end_date, teacher=first_teacher)


TIMETABLE_FIELDS = ("weekdays", "blocks", "first_date", "last_date", "topic", "teacher", "venue", "makeup_days")


def _timetable_page(class_id: int, form: TimetableForm, plan=None):
    klass = _class_to_timetable(class_id)
    return render_template("training/timetable.html", klass=klass, form=form, plan=plan,
                           summary=localize(plan.summary()) if plan else None), form_status(form)


def _class_to_timetable(class_id: int):
    """The class whose timetable is being made (404 / 403 outside the actor's institution)."""
    return class_for_change(db.session, actor=current_actor(), class_id=class_id)


@bp.route("/<int:class_id>/timetable", methods=["GET", "POST"])
@roles(STAFF)
def timetable(class_id: int):
    """The weekly pattern (GET), or its preview: the sessions, the holidays skipped and the hours (POST)."""
    if request.method == "GET":
        return _timetable_page(class_id, _blank_timetable(_class_to_timetable(class_id)))
    form = TimetableForm()
    plan = None
    if form.validate_on_submit():
        with attempt(form, commit=False) as done:
            found = preview_timetable(db.session, actor=current_actor(), class_id=class_id,
                                      **{name: form[name].data for name in TIMETABLE_FIELDS})
        plan = found if done else None
    return _timetable_page(class_id, form, plan)


@bp.post("/<int:class_id>/timetable/create")
@roles(STAFF)
def create_sessions(class_id: int):
    """Create every session of the previewed pattern, or none (the refusal keeps the pattern as typed)."""
    form = TimetableForm()
    return submit(form, create_timetable, fields=TIMETABLE_FIELDS, class_id=class_id,
                  success=lambda rows: _("%(n)s sessions created.", n=len(rows)),
                  then=_shown(class_id, "timetable")) or _timetable_page(class_id, form)


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles(STAFF)
def edit_session(session_id: int):
    """Move a session to another date or time, or change its hours, topic, teacher or venue."""
    row = session_for_change(db.session, actor=current_actor(), session_id=session_id)
    form = SessionEditForm(obj=row) if request.method == "GET" else SessionEditForm()
    return submit(form, update_session, fields=("session_date", "start_time", "end_time", "hours", "topic"),
                  session_id=session_id, teacher=form.teacher.data or None, venue=form.venue.data or None,
                  success=_("Session saved."), then=_shown(row.class_id, "timetable")) \
        or render_form("training/session_edit.html", form, session_row=row, cancel_form=SessionCancelForm())


@bp.post("/sessions/<int:session_id>/cancel")
@roles(STAFF)
def cancel(session_id: int):
    """Cancel a session on which no attendance is recorded (confirmed on the page)."""
    class_id = session_for_change(db.session, actor=current_actor(), session_id=session_id).class_id
    return one_click(SessionCancelForm(), cancel_session, session_id=session_id, success=_("Session cancelled."),
                     then=_shown(class_id, "timetable"))


@bp.post("/enrolments/<int:enrolment_id>/status")
@roles(STAFF)
def enrolment_status(enrolment_id: int):
    """Complete or withdraw a trainee (confirmed on the page; a withdrawal gives its reason)."""
    return _on_enrolment(enrolment_id, EnrolmentStatusForm(), change_enrolment_status, ("to_status", "reason"),
                         _("Status changed."), form_key="status_form", refused_key="refused_enrolment")


@bp.post("/enrolments/<int:enrolment_id>/test")
@roles(STAFF)
def enrolment_test(enrolment_id: int):
    """Record a trainee's completion test (score and date); what the training certificate may then claim."""
    return _on_enrolment(enrolment_id, CompletionTestForm(), record_completion_test, ("test_score", "test_on"),
                         lambda e: _("Test recorded for %(name)s: %(score)s.", name=e.person.name, score=e.test_score),
                         form_key="test_form", refused_key="refused_test")


def _on_enrolment(enrolment_id: int, form, action, fields: tuple[str, ...], success, *, form_key: str,
                  refused_key: str):
    """Run a form about one trainee of a class; back to the roster, or the class page with the refused form
    open on that trainee's row."""
    class_id = get_enrolment(db.session, actor=current_actor(), enrolment_id=enrolment_id).class_id
    return submit(form, action, fields=fields, enrolment_id=enrolment_id, success=success,
                  then=_shown(class_id, "roster")) \
        or _page(class_id, **{form_key: form, refused_key: enrolment_id})


def _marks(form: AttendanceSheetForm) -> list[AttendanceMark]:
    return [AttendanceMark(int(r.form.enrolment_id.data), r.form.status.data, r.form.hours.data) for r in form.rows]


def _sheet_form(trainees, records) -> AttendanceSheetForm:
    rows = []
    for enrolment in trainees:
        record = records.get(enrolment.id)
        rows.append({"enrolment_id": enrolment.id, "status": record.status if record else "present",
                     "hours": record.hours if record else None})
    return AttendanceSheetForm(formdata=None, rows=rows)


@bp.route("/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@roles(STAFF)
def attendance(session_id: int):
    """The attendance sheet of one session: a row per trainee with status and hours."""
    row, trainees, records = session_sheet(db.session, actor=current_actor(), session_id=session_id)
    editable = [e for e in trainees if e.status in OPEN_STATES]
    form = AttendanceSheetForm() if request.method == "POST" else _sheet_form(editable, records)
    return submit(form, lambda: record_attendance(db.session, actor=current_actor(), now=utcnow(), session_id=row.id,
                                                  marks=_marks(form)),
                  success=_("Attendance saved."), then=_shown(row.class_id, "timetable")) \
        or render_form("training/attendance.html", form, session_row=row, people={str(e.id): e for e in trainees},
                       closed=[e for e in trainees if e.status not in OPEN_STATES], records=records,
                       today=local_date(utcnow()))
