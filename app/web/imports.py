"""The one way a view runs an all-or-nothing import: every row is kept, or none and every bad row is reported.

    imported = import_table(form, lambda headers, rows: import_enrolments(db.session, ..., headers=headers,
                                                                           rows=rows),
                            error_name=_("enrolment-errors.xlsx"))
    if imported.done:
        ...flash and redirect...
    return page(form, errors=imported.errors, error_url=imported.error_url)

The service checks every row and reports the bad ones in `result.errors`; when there are any, nothing it wrote
is kept (the session is rolled back), the form is marked refused (422) and the sheet with its problems marked
is stashed for download once. A refusal of the whole upload (an unreadable file) is shown as by `attempt`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import flash
from flask_babel import gettext as _

from app.extensions import db
from app.spreadsheets import error_workbook, read_table
from app.web.actions import attempt
from app.web.downloads import XLSX, stash_download


@dataclass
class Imported:
    """What became of an import: `done` when every row was kept."""

    result: Any = None  # the service's answer, once it ran
    errors: list = field(default_factory=list)  # the bad rows' problems (then nothing was kept)
    error_url: str | None = None  # the uploaded rows with their problems marked, to download
    done: bool = False


def import_upload(form, call: Callable[[Any], Any], *, error_sheet: Callable[[Any], bytes],
                  error_name: str) -> Imported:
    """For a submitted, valid `form`, run `call(form.file.data)`: commit when it reports no bad row, else roll
    back and stash `error_sheet(result)` as `error_name`."""
    imported = Imported()
    if not form.validate_on_submit():
        return imported
    with attempt(form, commit=False) as done:
        imported.result = call(form.file.data)
    if done and imported.result.errors:
        db.session.rollback()
        form.refused, imported.errors = True, imported.result.errors
        imported.error_url = stash_download(error_sheet(imported.result), error_name, XLSX)
    elif done:
        db.session.commit()
        imported.done = True
    return imported


def import_table(form, call: Callable[[list[str], list], Any], *, error_name: str) -> Imported:
    """`import_upload` for a service given the uploaded table's headers and rows; bad rows are also flashed."""
    table: dict[str, list] = {}

    def run(upload):
        headers, rows = read_table(upload.read(), upload.filename)
        table.update(headers=headers, rows=list(rows))
        return call(table["headers"], table["rows"])

    imported = import_upload(form, run, error_name=error_name,
                             error_sheet=lambda result: error_workbook(table["headers"], table["rows"],
                                                                       result.errors, _))
    if imported.errors:
        flash(_("Nothing was imported: %(n)s problems found.", n=len(imported.errors)), "danger")
    return imported
