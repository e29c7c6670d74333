"""API: importing people with work history from an Excel or CSV sheet (all rows or none), and the fields a
column mapping may name."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext

from app.api import bp, documented, path_id
from app.api.openapi import register_schema
from app.api.people import EDITORS
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.people.import_columns import FIELDS, MAX_ROWS
from app.people.import_job_models import PeopleImportJob
from app.people.import_jobs import get_import_job, import_problems
from app.people.importing import ImportResult, import_people
from app.spreadsheets import mapping_from_json, nothing_imported, read_table
from app.translation import N_, render
from app.web.access import current_actor, roles
from app.web.people.import_queue import hand_over, rows_for_queue

FLAGS = {"true": True, "false": False}
IMPORT_UPLOAD = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {"type": "string", "format": "binary",
                 "description": "The sheet: .xlsx (first sheet) or CSV / tab-separated text (UTF-8, UTF-16 or GBK)."},
        "mapping": {"type": "string", "description": (
            "A JSON object: column header as in the file (or \"#F\" for a column F without a header) → field key "
            "(see GET /people/import/fields), or null / \"\" to leave the column out. It comes before the header "
            "words, e.g. {\"备注\": null, \"受教育程度\": \"education\"}.")},
        "ignore_unmapped": {"enum": ["true", "false"], "description": (
            "true: leave out every column that neither the mapping nor the header words place; false (the "
            "default): refuse the sheet and list those columns in `unmapped`.")},
    },
}
register_schema("PeopleImportResult", {
    "type": "object",
    "required": ["created", "updated", "unchanged", "work_records_added", "mapping"],
    "properties": {
        "created": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"},
        "work_records_added": {"type": "integer"},
        "mapping": {"type": "object", "additionalProperties": {"type": "string"},
                    "description": "How the sheet was read: column key → field key (\"\" for a column left out)."},
    },
})
register_schema("PeopleImportRefusal", {"allOf": [{"$ref": "#/components/schemas/Error"}, {
    "type": "object",
    "description": "When the sheet has problems: every one of them (nothing was imported), the unrecognised "
                   "columns and the field keys a mapping may use. A file that cannot be read, or a malformed "
                   "mapping, is a plain error naming `file` or `mapping`.",
    "properties": {
        "code": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["row", "column", "message", "col"],
            "properties": {"row": {"type": "integer"}, "column": {"type": "string"}, "message": {"type": "string"},
                           "col": {"type": ["integer", "null"], "description": "0-based column index"}}}},
        "unmapped": {"type": "array", "items": {"type": "string"}},
        "fields": {"type": "array", "items": {"type": "string"}},
        "mapping": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}]})
register_schema("PeopleImportJob", {
    "type": "object",
    "required": ["id", "status", "done", "total", "url"],
    "description": "A sheet of more rows than the interactive size (PEOPLE_IMPORT_INTERACTIVE_ROWS), imported by "
                   "the task queue: `done` counts the rows checked; nothing is written until every row is right.",
    "properties": {
        "id": {"type": "integer"}, "status": {"enum": ["queued", "running", "done", "invalid", "failed"]},
        "done": {"type": "integer"}, "total": {"type": "integer"}, "url": {"type": "string"},
        "created": {"type": ["integer", "null"]}, "updated": {"type": ["integer", "null"]},
        "unchanged": {"type": ["integer", "null"]}, "work_records_added": {"type": ["integer", "null"]},
        "error": {"type": ["string", "null"], "description": "Why nothing was imported (invalid or failed)."},
        "error_count": {"type": ["integer", "null"]},
        "errors": {"type": "array", "description": "When invalid: every problem, as in the 422 answer (kept for "
                                                   "an hour after the import).", "items": {
            "type": "object", "required": ["row", "column", "message", "col"],
            "properties": {"row": {"type": "integer"}, "column": {"type": "string"}, "message": {"type": "string"},
                           "col": {"type": ["integer", "null"]}}}},
    },
})
register_schema("PeopleImportFields", {"type": "object", "required": ["items"], "properties": {"items": {
    "type": "array", "items": {
        "type": "object", "required": ["key", "header", "label", "aliases", "required"],
        "properties": {"key": {"type": "string"}, "header": {"type": "string"}, "label": {"type": "string"},
                       "aliases": {"type": "array", "items": {"type": "string"}}, "required": {"type": "boolean"},
                       "note": {"type": ["string", "null"]}}}}}})


def _flag(name: str) -> bool:
    """A true/false form field; absent means false."""
    raw = request.form.get(name)
    if raw is None:
        return False
    if raw not in FLAGS:
        raise ValidationFailed(N_("{field} must be true or false.", field=name), field=name)
    return FLAGS[raw]


def _refusal(result: ImportResult):
    """Every problem of the sheet, with what a client needs to build a mapping; nothing was kept."""
    layout = result.layout
    return jsonify({
        "error": render(nothing_imported(len(result.errors)), gettext), "code": ValidationFailed.code,
        "field": "file", "status": 422,
        "errors": [{"row": e.row, "column": e.column, "message": render(e.message, gettext), "col": e.col}
                   for e in result.errors],
        "unmapped": [c.label for c in layout.unmapped] if layout is not None else [],
        "fields": [f.key for f in FIELDS],
        "mapping": layout.mapping() if layout is not None else {},
    }), 422


@bp.post("/people/import")
@roles(*EDITORS)
@documented("/people/import", "post", summary="Import people with work history from a sheet", tag="people",
            request_body=IMPORT_UPLOAD, request_type="multipart/form-data",
            responses={"200": {"$ref": "#/components/schemas/PeopleImportResult"},
                       "202": {"$ref": "#/components/schemas/PeopleImportJob"}, "403": None,
                       "422": {"$ref": "#/components/schemas/PeopleImportRefusal"}})
def people_import():
    """Check the whole sheet, then create or complete every person in it; any problem imports nothing (422 with
    every problem by row and column). Importing the same sheet again creates no duplicates. A sheet of more rows
    than the interactive size goes to the task queue: 202 with the job to follow."""
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed(N_("Choose the file to upload."), field="file")
    raw_mapping = request.form.get("mapping")
    mapping = mapping_from_json(raw_mapping) if raw_mapping not in (None, "") else None
    ignore_unmapped = _flag("ignore_unmapped")
    data, filename = upload.read(), upload.filename or ""
    table = read_table(data, filename, max_rows=MAX_ROWS)
    rows = rows_for_queue(table, mapping, ignore_unmapped=ignore_unmapped)
    if rows is not None:
        handed = hand_over(data, filename, rows=rows, mapping=dict(mapping or {}), ignore_unmapped=ignore_unmapped,
                           channel="api")
        job = db.session.get(PeopleImportJob, handed.job_id)  # the caller's own, just recorded
        return jsonify(_job_json(job)), 202, {"Location": _job_url(job.id)}
    result = import_people(db.session, actor=current_actor(), now=utcnow(), table=table, filename=filename,
                           mapping=mapping, ignore_unmapped=ignore_unmapped)
    if result.errors:
        db.session.rollback()
        return _refusal(result)
    db.session.commit()
    return jsonify({"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
                    "work_records_added": result.work_records_added, "mapping": result.layout.mapping()})


@bp.get("/people/import/fields")
@roles(*EDITORS)
@documented("/people/import/fields", "get", summary="The fields a people import reads", tag="people",
            responses={"200": {"$ref": "#/components/schemas/PeopleImportFields"}, "403": None})
def people_import_fields():
    """Each field's key (what a mapping names), the template's header, its name in the caller's language, the
    other headers recognised for it and whether a sheet must have it."""
    return jsonify({"items": [
        {"key": f.key, "header": f.header, "label": render(f.label, gettext), "aliases": list(f.aliases),
         "required": f.required, "note": render(f.note, gettext) if f.note is not None else None}
        for f in FIELDS]})


def _job_url(job_id: int) -> str:
    return url_for("api.people_import_job", job_id=job_id)


def _job_json(job: PeopleImportJob) -> dict:
    """A long import's progress and outcome; a refused sheet's problems while they are kept."""
    body = {"id": job.id, "status": job.status, "done": job.done, "total": job.total, "url": _job_url(job.id),
            "created": job.created, "updated": job.updated, "unchanged": job.unchanged,
            "work_records_added": job.work_records_added, "error": job.error, "error_count": job.error_count}
    if job.status == "invalid":
        body["error"] = render(nothing_imported(job.error_count or 0), gettext)
        problems = import_problems(Path(current_app.config["FILE_STORAGE_DIR"]), job) or []
        body["errors"] = [{"row": e.row, "column": e.column, "message": render(e.message, gettext), "col": e.col}
                          for e in problems]
    return body


@bp.get("/people/imports/<int:job_id>")
@roles(*EDITORS)
@documented("/people/imports/{job_id}", "get", summary="Progress and outcome of a long people import", tag="people",
            parameters=path_id("job_id"),
            responses={"200": {"$ref": "#/components/schemas/PeopleImportJob"}, "403": None, "404": None})
def people_import_job(job_id: int):
    """A long import's progress (rows checked of all rows) and, once finished, its counts or every problem; only
    for the user who started it and administrators."""
    return jsonify(_job_json(get_import_job(db.session, actor=current_actor(), job_id=job_id)))
