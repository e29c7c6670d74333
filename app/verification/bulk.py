"""Bulk check for enterprises: a sheet (.xlsx or .csv) of certificate numbers and names comes back as an .xlsx
with every column of the user's own kept and a status and a time column added.

One query finds every number of the sheet; bad rows are marked in the sheet, never fatal. The header row may
sit below a title; the number and name columns are found by the words offices use (证书编号, 持证人姓名 …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.spreadsheets import Field, Vocabulary, data_rows, lay_out, read_table, template_workbook
from app.spreadsheets.workbooks import BOLD, save, text_cell
from app.translation import CLAUSE_SEPARATOR, N_, Message, Translate, english, in_chinese, joined
from app.verification.checks import (
    LOCAL_ZONE,
    MAX_NAME,
    NUMBER_FORMAT_HINT,
    VERDICT_WORDS,
    facts_of_row,
    normalise_name,
    normalise_number,
    number_format,
    rows_by_number,
)
from app.verification.models import VerificationLog

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
FIELDS = (
    Field("number", "证书编号", N_("Certificate number"),
          ("证书号", "证书号码", "职业技能等级证书编号", "证书编码", "Certificate number", "Number"), required=True,
          example="S000021000101264000001", text_format=True, width=26),
    Field("name", "姓名", N_("Holder's name"), ("持证人", "持证人姓名", "员工姓名", "Holder's name", "Holder name", "Name"),
          required=True, example="王建华", width=12),
)
VOCABULARY = Vocabulary(FIELDS)
STATUS_HEADER, CHECKED_HEADER = N_("Verification result"), N_("Checked at")
FILLS = {
    "valid": PatternFill("solid", start_color="FFD9EAD3", end_color="FFD9EAD3"),
    "problem": PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC"),
    "other": PatternFill("solid", start_color="FFFFF2CC", end_color="FFFFF2CC"),
}
MISS_TEXT = N_("{verdict}: no matching certificate (number and name must both match).", verdict=VERDICT_WORDS["not_found"])


@dataclass(frozen=True)
class BulkRow:
    """One data row of the sheet and what its check found."""

    row: int
    number: str
    name: str
    code: str  # the check's verdict (valid, revoked, superseded, not_found, legacy, malformed), or empty
    status: Message  # shown in the user's language; the sheet gets it in the language the edge asks for


@dataclass(frozen=True)
class BulkResult:
    """Every checked row, and the uploaded workbook with the status column appended."""

    rows: list[BulkRow]
    workbook: bytes

    def count(self, code: str) -> int:
        """How many rows ended with this code."""
        return sum(1 for r in self.rows if r.code == code)


def _status(code: str, facts=None) -> Message:
    """The result cell: the verdict's word first (the same words as the page, the PDF and the API), then details."""
    if code == "valid":
        return N_("{verdict}: {kind} {what} ({issuer})", verdict=VERDICT_WORDS[code], kind=facts.kind_label,
                  what=facts.level_label or facts.occupation_name, issuer=facts.issuer_name)
    if code == "revoked":
        return N_("{verdict} ({date}): {reason}", verdict=VERDICT_WORDS[code], date=facts.revoked_on,
                  reason=facts.revoked_reason)
    if code == "superseded":
        return N_("{verdict}: replaced by a corrected certificate, new number {number}", verdict=VERDICT_WORDS[code],
                  number=facts.replaced_by)
    if code == "legacy":
        return N_("{verdict}: a vocational qualification certificate number from before 2020, not issued by this "
                  "system; check it on the national query site.", verdict=VERDICT_WORDS[code])
    if code == "malformed":
        return N_("{verdict}: {format}", verdict=VERDICT_WORDS[code], format=NUMBER_FORMAT_HINT)
    if code == "empty":
        return N_("Missing: the certificate number or the name is empty; fill in both.")
    return MISS_TEXT


def template(translate: Translate = english) -> bytes:
    """The bulk-check sheet to fill in: certificate number and holder's name, numbers formatted as text."""
    return template_workbook(N_("Certificates to check"), FIELDS, translate=translate, general=N_(
        "Other columns of your own (employee number, department …) may stay in the sheet: they come back "
        "unchanged beside the result. At most 5,000 rows per sheet."))


def check_workbook(session: Session, *, data: bytes, filename: str, now: datetime, organisation_id: int | None,
                   translate: Callable[[Any], Any] = in_chinese) -> BulkResult:
    """Check every row of the first sheet and return the sheet with a status column; logs each row.

    `translate` puts the added headers and statuses in the user's language (Chinese unless the edge says).
    """
    table = read_table(data, filename, max_rows=MAX_ROWS, max_bytes=MAX_BYTES)
    layout = lay_out(table.rows, VOCABULARY, keep_unmapped=True)
    if layout.errors:
        raise ValidationFailed(joined([e.message for e in layout.errors], CLAUSE_SEPARATOR), field="file")
    raw = [(row.number, row.text("number"), row.text("name")) for row in data_rows(table, layout)]
    formats = {r: number_format(normalise_number(n)) for r, n, _ in raw}
    wanted = sorted({normalise_number(n) for r, n, _ in raw if formats[r] in ("current", "local")})
    found = rows_by_number(session, wanted)
    results, logs = [], []
    for row_no, number, name in raw:
        normalised, fmt, facts, certificate_id = normalise_number(number), formats[row_no], None, None
        if not number or not name:
            code, log = "empty", "malformed"
        elif fmt in ("legacy", "malformed"):
            code = log = fmt
        elif len(name) > MAX_NAME or normalised not in found:
            code, log = "not_found", "not_found"
        elif normalise_name(found[normalised].holder_name) != normalise_name(name):
            code, log = "not_found", "name_mismatch"
        else:
            facts = facts_of_row(found[normalised])
            code = log = facts.status
            certificate_id = facts.certificate_id
        results.append(BulkRow(row_no, number, name, code, _status(code, facts)))
        logs.append({"checked_at": now, "channel": "bulk", "result": log, "certificate_id": certificate_id,
                     "organisation_id": organisation_id, "share_link_id": None})
    if logs:
        session.execute(insert(VerificationLog), logs)
    return BulkResult(results, _annotated(table.rows, layout.row_number, results, now, translate))


def _annotated(rows: list[tuple], header_row: int, results: list[BulkRow], now: datetime,
               translate: Callable[[Any], Any]) -> bytes:
    """Every row and column of the user's sheet as uploaded, with the result and the time added on the right."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(translate(N_("Verification results"))))
    width = max((len(row) for row in rows), default=0)
    by_row = {result.row: result for result in results}
    stamp = now.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    sheet.column_dimensions[get_column_letter(width + 1)].width = 48
    for number, row in enumerate(rows, start=1):
        cells = [text_cell(sheet, v, font=BOLD if number == header_row else None)
                 for v in list(row) + [None] * (width - len(row))]
        if number == header_row:
            cells += [text_cell(sheet, str(translate(STATUS_HEADER)), font=BOLD),
                      text_cell(sheet, str(translate(CHECKED_HEADER)), font=BOLD)]
        elif number in by_row:
            result = by_row[number]
            fill = FILLS["valid" if result.code == "valid" else "other" if result.code == "legacy" else "problem"]
            cells += [text_cell(sheet, str(translate(result.status)), fill=fill), text_cell(sheet, stamp)]
        sheet.append(cells)
    return save(book)
