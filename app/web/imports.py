"""The one way a view runs an all-or-nothing import: upload, check the column mapping, then import or report.

    imported = run_import(form, ENROLMENTS, lambda table, mapping: import_enrolments(
        db.session, actor=current_actor(), now=utcnow(), class_id=class_id, table=table, mapping=mapping))
    if imported.done:
        ...flash and redirect...
    return page(form, imported=imported)   # the page includes _macros/imports.html's import_panel(imported)

Step 1 (the form's file is posted): the sheet is read and kept for the user, encrypted, for two hours; the page
shows a preview — every column of the sheet beside the field it maps to (the organisation's saved mapping
first, then the header words), unrecognised columns marked — and nothing is written.
Step 2 (the preview's form is posted): the user's choices are the mapping; the service checks every row and
reports the bad ones in `result.errors`. When there are any, nothing it wrote is kept (the session is rolled
back), the preview is shown again with the problems, and the sheet with its problems marked can be
downloaded once. Otherwise it commits, with the mapping saved for the organisation when asked.
A refusal of the whole upload (an unreadable file) is shown on the file field as by `attempt`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, SubmitField
from wtforms.validators import Optional

from app import keptfiles
from app.accounts.mappings import save_mapping, saved_mapping
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.spreadsheets import IGNORE, Layout, Table, Vocabulary, error_workbook, lay_out, read_table
from app.translation import N_
from app.web.access import current_actor
from app.web.actions import attempt
from app.web.baseform import Form
from app.web.downloads import XLSX, stash_download, storage_dir
from app.web.forms import choices

LEAVE_OUT = "-"  # the preview's choice for "leave this column out"
Run = Callable[[Table, dict[str, str]], Any]


@dataclass(frozen=True)
class Confirmed:
    """A confirmed upload, as a view's `defer` sees it before the import runs."""

    data: bytes
    filename: str
    table: Table
    mapping: dict[str, str]
    token: str  # the kept upload
    remember: bool  # save the mapping for the organisation once imported


Defer = Callable[[Confirmed], str | None]  # a job page's URL when the import was handed to the task queue
_LONG_DIGITS = re.compile(r"\d{6,}")


@dataclass(frozen=True)
class SheetImport:
    """An import as the web offers it: its name for saved mappings, its fields, the error sheet's name."""

    kind: str
    vocabulary: Vocabulary
    error_name: Callable[[], str]
    max_rows: int  # the import's cap on data rows per upload


@dataclass
class Imported:
    """What became of an import request."""

    result: Any = None  # the service's answer, once it ran
    errors: list = field(default_factory=list)  # the problems (then nothing was kept)
    error_url: str | None = None  # the uploaded rows with their problems marked, to download
    layout: Layout | None = None  # the columns of the uploaded sheet, for the preview
    mapping_form: Form | None = None
    filename: str = ""
    done: bool = False
    job_url: str | None = None  # the import went to the task queue: its progress page

    @property
    def previewing(self) -> bool:
        """True while the user is to check the mapping (a file is kept and not yet imported)."""
        return self.mapping_form is not None and not self.done

    def preview(self) -> list[dict]:
        """The sheet's columns for the preview: letter, header, a few values (long numbers masked), the choice."""
        return [{"letter": c.letter, "header": c.header, "unmapped": c.source == "unmapped",
                 "samples": [_masked(v) for v in c.samples], "choice": self.mapping_form[f"column_{c.index}"]}
                for c in self.layout.columns if f"column_{c.index}" in self.mapping_form]

    @property
    def to_resolve(self) -> list:
        """What stops the sheet being read as mapped (missing, repeated or unrecognised columns)."""
        return self.layout.errors if self.layout is not None else []


def _masked(value: str) -> str:
    """A sample value with long digit runs (ID, phone numbers) masked: 210102199003071233 → 210…33."""
    return _LONG_DIGITS.sub(lambda m: m.group()[:3] + "…" + m.group()[-2:], value)[:40]


class MappingForm(Form):
    """The preview's form: the kept upload, a choice per column (added per sheet), save the mapping or not."""

    pending = HiddenField()
    remember = BooleanField(_l("Save this column mapping for my organisation's next upload"), default=True)
    confirm = SubmitField(_l("Import"))


def _choices(vocabulary: Vocabulary) -> list:
    return choices([("", N_("— choose —")), (LEAVE_OUT, N_("Leave this column out")),
                    *((f.key, f.label) for f in vocabulary.fields)])


def _mapping_form(layout: Layout, vocabulary: Vocabulary, token: str, *, formdata=None) -> Form:
    """A form with one select per column of the sheet, preset to what the layout found."""
    fields = {
        f"column_{c.index}": SelectField(c.label, choices=_choices(vocabulary), validators=[Optional()],
                                         default=c.field or (LEAVE_OUT if c.source == "ignored" else ""))
        for c in layout.columns
    }
    form_class = type("SheetMappingForm", (MappingForm,), fields)
    form = form_class(formdata=formdata, pending=token)  # formdata None: as preset, not from the upload's post
    form.pending.data = token
    return form


def _chosen_mapping(form: Form, layout: Layout) -> dict[str, str]:
    """The user's choices as a mapping; a column left on "choose" stays out of it (so it is still unmapped)."""
    mapping = {}
    for column in layout.columns:
        choice = form[f"column_{column.index}"].data or ""
        if choice == LEAVE_OUT:
            mapping[column.key] = IGNORE
        elif choice:
            mapping[column.key] = choice
    return mapping


def keep_upload(data: bytes, filename: str, kind: str, fields: dict | None = None) -> str:
    """Keep an upload (and the upload form's other fields) for the current user between the two steps,
    encrypted (it holds ID numbers) and for two hours at most (app/keptfiles.py)."""
    return keptfiles.keep(storage_dir(), keptfiles.PENDING_IMPORTS, data,
                          {"user_id": current_actor().id, "filename": filename, "kind": kind, "fields": fields or {}})


def kept_upload(token: str, kind: str) -> tuple[bytes, str, dict]:
    """The kept upload of the current user (bytes, name, form fields), or a refusal saying to upload it again."""
    found = keptfiles.kept(storage_dir(), keptfiles.PENDING_IMPORTS, token)
    if found is not None:
        data, meta = found
        if meta["user_id"] == current_actor().id and meta["kind"] == kind:
            return data, meta["filename"], meta["fields"]
    raise ValidationFailed(N_("The uploaded file is no longer kept (after two hours it is deleted); upload it "
                              "again."), field="file")


def drop_upload(token: str) -> None:
    """Delete a kept upload once it is imported."""
    keptfiles.drop(storage_dir(), keptfiles.PENDING_IMPORTS, token)


def run_import(form: Form, sheet: SheetImport, run: Run, *, defer: Defer | None = None) -> Imported:
    """Step 1 or step 2 of an import (see the module's docstring), by what was posted.

    `defer`, when given, sees the confirmed upload first; if it hands the import to the task queue it returns
    the job's page, which becomes `imported.job_url`, and nothing runs here.
    """
    imported = Imported()
    if request.method != "POST":
        return imported
    if request.form.get("pending"):
        return _confirm(form, sheet, run, imported, defer)
    if not form.validate_on_submit():
        return imported
    with attempt(form, commit=False) as done:
        upload = form.file.data
        data, imported.filename = upload.read(), upload.filename or ""
        table = read_table(data, imported.filename, max_rows=sheet.max_rows)
        mapping = saved_mapping(db.session, organisation_id=current_actor().organisation_id, kind=sheet.kind)
        imported.layout = lay_out(table.rows, sheet.vocabulary, mapping=mapping)
        token = keep_upload(data, imported.filename, sheet.kind, _other_fields(form))
    if done:
        imported.mapping_form = _mapping_form(imported.layout, sheet.vocabulary, token)
    return imported


def _other_fields(form: Form) -> dict:
    """The upload form's fields besides the file (a quarter, a title …), kept with the upload for step 2."""
    return {name: f.data for name, f in form._fields.items()
            if f.type not in ("FileField", "CSRFTokenField", "SubmitField") and isinstance(f.data, str | bool | int | None)}


def _confirm(form: Form, sheet: SheetImport, run: Run, imported: Imported, defer: Defer | None) -> Imported:
    token = request.form["pending"]
    with attempt(form, commit=False) as done:
        data, imported.filename, fields = kept_upload(token, sheet.kind)
        form.process(formdata=None, data=fields)  # the upload form as it was sent in step 1
        table = read_table(data, imported.filename, max_rows=sheet.max_rows)
    if not done:
        return imported
    # The columns as step 1 listed them (the saved mapping may be what found the header row).
    saved = saved_mapping(db.session, organisation_id=current_actor().organisation_id, kind=sheet.kind)
    layout = lay_out(table.rows, sheet.vocabulary, mapping=saved, ignore_unmapped=True)
    mapping_form = imported.mapping_form = _mapping_form(layout, sheet.vocabulary, token, formdata=request.form)
    if not mapping_form.validate_on_submit():
        imported.layout = layout
        return imported
    mapping = _chosen_mapping(mapping_form, layout)
    if defer is not None:
        with attempt(form, commit=False) as done:
            imported.job_url = defer(Confirmed(data, imported.filename, table, mapping, token,
                                               bool(mapping_form.remember.data)))
        if not done or imported.job_url:
            return imported
    with attempt(form, commit=False) as done:
        imported.result = run(table, mapping)
        if not imported.result.errors and mapping_form.remember.data and current_actor().organisation_id:
            save_mapping(db.session, actor=current_actor(), now=utcnow(), kind=sheet.kind,
                         mapping=imported.result.layout.mapping())
    imported.layout = getattr(imported.result, "layout", None) or layout
    if done and imported.result.errors:
        db.session.rollback()
        form.refused, imported.errors = True, imported.result.errors
        imported.error_url = stash_download(
            error_workbook(table.rows, imported.errors, header_row=imported.layout.row_number, translate=_),
            sheet.error_name(), XLSX)
    elif done:
        db.session.commit()
        drop_upload(token)
        imported.done = True
    return imported
