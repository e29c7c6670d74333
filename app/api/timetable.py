"""API: a class's timetable (single sessions and patterns), attendance per session, and trainee self sign-in.

The same services as the pages: a pattern is previewed and created all or nothing, a session with attendance
cannot be moved or cancelled, an attendance sheet is recorded all lines or none, and the self sign-in checks the
scanned code, the window and the trainee's name and ID number's last four exactly as the phone page does.
"""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from app.accounts.roles import TRAINING_READERS as READERS
from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import clock, day, decimal, integer, text
from app.api.openapi import register_schema
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.training.attendance import AttendanceMark, record_attendance, session_sheet
from app.training.models import Attendance, ClassSession
from app.training.projects import add_session, get_class
from app.training.session_changes import cancel_session, update_session
from app.training.sign_in import (
    open_sign_in,
    seconds_to_next_code,
    sign_in_count,
    sign_in_session,
    sign_in_trainee,
    sign_in_window,
    window_state,
)
from app.training.timetable import TimetablePlan, create_timetable, preview_timetable
from app.training.vocabulary import ATTENDANCE_METHODS, ATTENDANCE_STATUSES
from app.translation import N_, render
from app.web.access import current_actor, public, roles
from app.web.training.sign_in import scan_url, sign_in_key, sign_in_limit, signed_in_message

STAFF = Role.INSTITUTION_STAFF
CLASS_ID = path_id("class_id")
SESSION_ID = path_id("session_id")
_TIME = {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}
_DATE = {"type": "string", "format": "date"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


register_schema("ClassSession", {"type": "object", "required": ["id", "class_id", "session_date", "start_time",
                                                                "end_time", "hours", "topic"], "properties": {
    "id": {"type": "integer"}, "class_id": {"type": "integer"}, "session_date": _DATE, "start_time": _TIME,
    "end_time": _TIME, "hours": {"type": "number"}, "topic": {"type": "string"},
    "teacher": {"type": ["string", "null"]}, "venue": {"type": ["string", "null"]}}})
register_schema("ClassSessionList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": _ref("ClassSession")}, "timetabled_hours": {"type": "number"},
    "required_hours": {"type": "integer"}}})
register_schema("TimetablePlan", {"type": "object", "required": ["sessions", "total_hours", "verdict", "summary"],
                                  "properties": {
    "sessions": {"type": "array", "items": {"type": "object", "properties": {
        "session_date": _DATE, "start_time": _TIME, "end_time": _TIME, "hours": {"type": "number"}}}},
    "skipped_holidays": {"type": "array", "items": {"type": "object", "properties": {
        "day": _DATE, "name": {"type": "string"}}}},
    "added_makeup_days": {"type": "array", "items": {"type": "object", "properties": {
        "day": _DATE, "name": {"type": "string"}}}},
    "total_hours": {"type": "number"}, "timetabled_hours": {"type": "number"}, "required_hours": {"type": "integer"},
    "hours_after": {"type": "number"}, "verdict": {"enum": ["short", "exact", "over"]}, "summary": {"type": "string"},
    "created": {"type": "array", "items": _ref("ClassSession")}}})
register_schema("AttendanceSheet", {"type": "object", "required": ["session", "lines"], "properties": {
    "session": _ref("ClassSession"),
    "lines": {"type": "array", "items": {"type": "object", "required": ["enrolment_id", "name", "status"],
                                         "properties": {
        "enrolment_id": {"type": "integer"}, "person_id": {"type": "integer"}, "name": {"type": "string"},
        "id_masked": {"type": "string"}, "enrolment_status": {"type": "string"},
        "status": {"enum": [*ATTENDANCE_STATUSES, None]}, "hours": {"type": ["number", "null"]},
        "method": {"enum": [*ATTENDANCE_METHODS, None]},
        "recorded_at": {"type": ["string", "null"], "format": "date-time"}}}}}})
register_schema("SignInStatus", {"type": "object", "required": ["state", "opens", "closes", "signed", "expected"],
                                 "properties": {
    "state": {"enum": ["before", "open", "closed"]}, "opens": {"type": "string", "format": "date-time"},
    "closes": {"type": "string", "format": "date-time"}, "signed": {"type": "integer"},
    "expected": {"type": "integer"}, "next_code_in": {"type": "integer"},
    "scan_url": {"type": ["string", "null"], "description": "What the QR code holds now (only while open); it "
                                                              "changes every 30 seconds"}}})
register_schema("SignedIn", {"type": "object", "required": ["name", "at", "already"], "properties": {
    "name": {"type": "string"}, "at": {"type": "string", "format": "date-time"}, "already": {"type": "boolean"},
    "message": {"type": "string"}}})

_SESSION_FIELDS = {"session_date": _DATE, "start_time": _TIME, "end_time": _TIME, "hours": {"type": "number"},
                   "topic": {"type": "string"}, "teacher": {"type": ["string", "null"]},
                   "venue": {"type": ["string", "null"]}}
SESSION_BODY = {"type": "object", "required": ["session_date", "start_time", "end_time", "topic"],
                "properties": _SESSION_FIELDS,
                "description": "hours defaults to the time between start and end"}
PATTERN_BODY = {"type": "object", "required": ["weekdays", "blocks", "first_date", "last_date", "topic"],
                "properties": {
    "weekdays": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 6},
                 "description": "0 = Monday … 6 = Sunday"},
    "blocks": {"type": "string", "description": "daily time blocks, e.g. \"08:30-11:30, 13:30-16:30\""},
    "first_date": _DATE, "last_date": _DATE, "topic": {"type": "string"}, "teacher": {"type": ["string", "null"]},
    "venue": {"type": ["string", "null"]},
    "makeup_days": {"type": "boolean", "description": "also teach on make-up working days (调休上班日)"}}}
MARKS_BODY = {"type": "object", "required": ["marks"], "properties": {"marks": {"type": "array", "items": {
    "type": "object", "required": ["enrolment_id", "status"], "properties": {
        "enrolment_id": {"type": "integer"}, "status": {"enum": list(ATTENDANCE_STATUSES)},
        "hours": {"type": ["number", "null"], "description": "required when late; default: the whole session "
                                                             "(present) or 0 (absent)"}}}}}}
CANCELLED = {"type": "object", "required": ["cancelled", "class_id"], "properties": {
    "cancelled": {"type": "integer", "description": "the cancelled session's id"}, "class_id": {"type": "integer"}}}
SIGN_IN_BODY = {"type": "object", "required": ["token", "name", "id_last4"], "properties": {
    "token": {"type": "string", "description": "the code from the scanned QR address (/sign-in/<session>/<token>)"},
    "name": {"type": "string"}, "id_last4": {"type": "string"}}}


def session_json(row: ClassSession) -> dict:
    """A timetabled session as JSON."""
    return {"id": row.id, "class_id": row.class_id, "session_date": row.session_date.isoformat(),
            "start_time": f"{row.start_time:%H:%M}", "end_time": f"{row.end_time:%H:%M}", "hours": float(row.hours),
            "topic": row.topic, "teacher": row.teacher, "venue": row.venue}


def _plan_json(plan: TimetablePlan) -> dict:
    return {"sessions": [{"session_date": s.session_date.isoformat(), "start_time": f"{s.start_time:%H:%M}",
                          "end_time": f"{s.end_time:%H:%M}", "hours": float(s.hours)} for s in plan.sessions],
            "skipped_holidays": [{"day": d.day.isoformat(), "name": d.name} for d in plan.skipped],
            "added_makeup_days": [{"day": d.day.isoformat(), "name": d.name} for d in plan.added],
            "total_hours": float(plan.total_hours), "timetabled_hours": float(plan.timetabled_hours),
            "required_hours": plan.required_hours, "hours_after": float(plan.after), "verdict": plan.verdict,
            "summary": render(plan.summary(), gettext)}


def _weekdays(data: dict) -> list[int]:
    value = data.get("weekdays")
    if not isinstance(value, list) or any(isinstance(d, bool) or not isinstance(d, int) for d in value):
        raise ValidationFailed(N_("{field} must be a list of integers.", field="weekdays"), field="weekdays")
    return value


def _pattern(data: dict) -> dict:
    makeup = data.get("makeup_days", False)
    if not isinstance(makeup, bool):
        raise ValidationFailed(N_("{field} must be true or false.", field="makeup_days"), field="makeup_days")
    return {"weekdays": _weekdays(data), "blocks": text(data, "blocks", required=True),
            "first_date": day(data, "first_date", required=True), "last_date": day(data, "last_date", required=True),
            "topic": text(data, "topic", required=True), "teacher": text(data, "teacher"),
            "venue": text(data, "venue"), "makeup_days": makeup}


def _session_values(data: dict) -> dict:
    start, end = clock(data, "start_time", required=True), clock(data, "end_time", required=True)
    hours = decimal(data, "hours")
    if hours is None and end > start:
        hours = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) / 60
    return {"session_date": day(data, "session_date", required=True), "start_time": start, "end_time": end,
            "hours": hours if hours is not None else 0, "topic": text(data, "topic", required=True),
            "teacher": text(data, "teacher"), "venue": text(data, "venue")}


@bp.get("/classes/<int:class_id>/sessions")
@roles(*READERS)
@documented("/classes/{class_id}/sessions", "get", summary="The class's timetable", tag="timetable",
            parameters=CLASS_ID, responses={"200": _ref("ClassSessionList"), "403": None, "404": None})
def class_sessions(class_id: int):
    """Every session of a class in the caller's scope, in date order, with the hours against the required."""
    klass = get_class(db.session, actor=current_actor(), class_id=class_id)
    rows = sorted(klass.sessions, key=lambda s: (s.session_date, s.start_time))
    return jsonify({"items": [session_json(s) for s in rows],
                    "timetabled_hours": float(sum(s.hours for s in rows)),
                    "required_hours": klass.project.reference_hours})


@bp.post("/classes/<int:class_id>/sessions")
@roles(STAFF)
@documented("/classes/{class_id}/sessions", "post", summary="Add one session to the timetable", tag="timetable",
            parameters=CLASS_ID, request_body=SESSION_BODY,
            responses={"201": _ref("ClassSession"), "403": None, "404": None, "422": None})
def class_sessions_add(class_id: int):
    """Within the class dates and clear of the class's and the teacher's other sessions, or 422 naming the clash."""
    values = _session_values(json_body())
    row = add_session(db.session, actor=current_actor(), now=utcnow(), class_id=class_id, **values)
    db.session.commit()
    return jsonify(session_json(row)), 201


@bp.post("/classes/<int:class_id>/timetable/preview")
@roles(STAFF)
@documented("/classes/{class_id}/timetable/preview", "post", summary="Preview the sessions a weekly pattern makes",
            tag="timetable", parameters=CLASS_ID, request_body=PATTERN_BODY,
            responses={"200": _ref("TimetablePlan"), "403": None, "404": None, "422": None})
def timetable_preview(class_id: int):
    """Public holidays of the working-day calendar are skipped and listed; nothing is written."""
    plan = preview_timetable(db.session, actor=current_actor(), class_id=class_id, **_pattern(json_body()))
    return jsonify(_plan_json(plan))


@bp.post("/classes/<int:class_id>/timetable")
@roles(STAFF)
@documented("/classes/{class_id}/timetable", "post", summary="Create every session of a weekly pattern",
            tag="timetable", parameters=CLASS_ID, request_body=PATTERN_BODY,
            responses={"201": _ref("TimetablePlan"), "403": None, "404": None, "422": None})
def timetable_create(class_id: int):
    """All sessions or none: the first that clashes refuses the pattern (422 naming it)."""
    actor, pattern = current_actor(), _pattern(json_body())
    plan = preview_timetable(db.session, actor=actor, class_id=class_id, **pattern)
    rows = create_timetable(db.session, actor=actor, now=utcnow(), class_id=class_id, **pattern)
    db.session.commit()
    return jsonify({**_plan_json(plan), "created": [session_json(r) for r in rows]}), 201


@bp.put("/class-sessions/<int:session_id>")
@roles(STAFF)
@documented("/class-sessions/{session_id}", "put", summary="Move or edit a session", tag="timetable",
            parameters=SESSION_ID, request_body=SESSION_BODY,
            responses={"200": _ref("ClassSession"), "403": None, "404": None, "422": None})
def class_session_update(session_id: int):
    """A session with attendance keeps its date and times; its hours cannot drop below what a trainee has."""
    values = _session_values(json_body())
    row = update_session(db.session, actor=current_actor(), now=utcnow(), session_id=session_id, **values)
    db.session.commit()
    return jsonify(session_json(row))


@bp.delete("/class-sessions/<int:session_id>")
@roles(STAFF)
@documented("/class-sessions/{session_id}", "delete", summary="Cancel a session without attendance",
            tag="timetable", parameters=SESSION_ID, responses={"200": CANCELLED, "403": None, "404": None, "422": None})
def class_session_cancel(session_id: int):
    """Refused once any attendance is recorded for it."""
    class_id = cancel_session(db.session, actor=current_actor(), now=utcnow(), session_id=session_id)
    db.session.commit()
    return jsonify({"cancelled": session_id, "class_id": class_id})


def _sheet_json(session_id: int) -> dict:
    row, trainees, records = session_sheet(db.session, actor=current_actor(), session_id=session_id)

    def line(enrolment) -> dict:
        record: Attendance | None = records.get(enrolment.id)
        return {"enrolment_id": enrolment.id, "person_id": enrolment.person_id, "name": enrolment.person.name,
                "id_masked": enrolment.person.id_masked, "enrolment_status": enrolment.status,
                "status": record.status if record else None, "hours": float(record.hours) if record else None,
                "method": record.method if record else None,
                "recorded_at": record.recorded_at.isoformat() if record else None}

    return {"session": session_json(row), "lines": [line(e) for e in trainees]}


@bp.get("/class-sessions/<int:session_id>/attendance")
@roles(*READERS)
@documented("/class-sessions/{session_id}/attendance", "get", summary="A session's attendance sheet",
            tag="timetable", parameters=SESSION_ID, responses={"200": _ref("AttendanceSheet"), "403": None,
                                                               "404": None})
def attendance_sheet(session_id: int):
    """Everyone who has not left the class, with what is recorded and how it was taken (staff, sheet, self)."""
    return jsonify(_sheet_json(session_id))


def _marks(data: dict) -> list[AttendanceMark]:
    lines = data.get("marks")
    if not isinstance(lines, list) or not lines:
        raise ValidationFailed(N_("{field} must be a non-empty list.", field="marks"), field="marks")
    marks = []
    for index, line in enumerate(lines):
        if not isinstance(line, dict):
            raise ValidationFailed(N_("{field} must be a list of objects.", field="marks"), field=f"marks[{index}]")
        marks.append(AttendanceMark(enrolment_id=integer(line, "enrolment_id", required=True),
                                    status=text(line, "status", required=True), hours=decimal(line, "hours")))
    return marks


@bp.put("/class-sessions/<int:session_id>/attendance")
@roles(STAFF)
@documented("/class-sessions/{session_id}/attendance", "put", summary="Record or correct a session's attendance",
            tag="timetable", parameters=SESSION_ID, request_body=MARKS_BODY,
            responses={"200": _ref("AttendanceSheet"), "403": None, "404": None, "422": None})
def attendance_record(session_id: int):
    """All lines or none; a wrong line is 422 naming the trainee. Lines not sent are left as they are."""
    record_attendance(db.session, actor=current_actor(), now=utcnow(), session_id=session_id,
                      marks=_marks(json_body()))
    db.session.commit()
    return jsonify(_sheet_json(session_id))


@bp.get("/class-sessions/<int:session_id>/sign-in")
@roles(STAFF)
@documented("/class-sessions/{session_id}/sign-in", "get", summary="Self sign-in: window, current code, count",
            tag="timetable", parameters=SESSION_ID, responses={"200": _ref("SignInStatus"), "403": None,
                                                               "404": None})
def sign_in_status(session_id: int):
    """What the classroom QR page shows, for a screen of the institution's own: poll it for the live count."""
    actor, now = current_actor(), utcnow()
    row = sign_in_session(db.session, actor=actor, session_id=session_id)
    opens, closes = sign_in_window(row)
    state = window_state(row, now)
    figure = sign_in_count(db.session, actor=actor, session_id=row.id)
    address = None
    if state == "open":
        address = scan_url(row.id)
    return jsonify({"state": state, "opens": opens.isoformat(), "closes": closes.isoformat(),
                    "signed": figure.signed, "expected": figure.expected,
                    "next_code_in": seconds_to_next_code(now), "scan_url": address})


@bp.post("/sign-in/<int:session_id>")
@public
@sign_in_limit
@documented("/sign-in/{session_id}", "post", summary="A trainee signs in with the scanned code (no token needed)",
            tag="timetable", parameters=SESSION_ID, request_body=SIGN_IN_BODY,
            responses={"200": _ref("SignedIn"), "404": None, "422": None, "429": None})
def sign_in_self(session_id: int):
    """For a phone app: the code from the scanned address, the full name and the ID number's last four. Refused
    (422) with the reason when the code has expired, outside the window, or when no trainee matches."""
    data, now = json_body(), utcnow()
    _row, form_pass = open_sign_in(db.session, now=now, key=sign_in_key(), session_id=session_id,
                                   token=text(data, "token", required=True))
    result = sign_in_trainee(db.session, now=now, key=sign_in_key(), session_id=session_id, form_pass=form_pass,
                             name=text(data, "name", required=True), id_last4=text(data, "id_last4", required=True))
    db.session.commit()
    return jsonify({"name": result.name, "at": result.at.isoformat(), "already": result.already,
                    "message": signed_in_message(result)})
