"""Bulk check for enterprises: an Excel sheet of (certificate number, name) comes back with a status column.

One query finds every number of the sheet; bad rows are marked in the sheet, never fatal.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.spreadsheets import FORMULA_STARTS, cell_text, normalise_header
from app.translation import N_, Message, in_chinese
from app.verification.checks import (
    LOCAL_ZONE,
    MAX_NAME,
    facts_of_row,
    normalise_name,
    normalise_number,
    number_format,
    rows_by_number,
)
from app.verification.models import VerificationLog

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
NUMBER_HEADERS = ("证书编号", "证书号", "证书号码", "certificatenumber", "number")
NAME_HEADERS = ("姓名", "持证人", "持证人姓名", "name", "holdername")
STATUS_HEADER, CHECKED_HEADER = N_("Verification result"), N_("Checked at")
FILLS = {
    "valid": PatternFill("solid", start_color="FFD9EAD3", end_color="FFD9EAD3"),
    "problem": PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC"),
    "other": PatternFill("solid", start_color="FFFFF2CC", end_color="FFFFF2CC"),
}
MISS_TEXT = N_("No matching certificate (number and name must both match).")


@dataclass(frozen=True)
class BulkRow:
    """One data row of the sheet and what its check found."""

    row: int
    number: str
    name: str
    code: str  # valid, revoked, superseded, miss, legacy, malformed, empty
    status: Message  # shown in the user's language; the sheet gets it in the language the edge asks for


@dataclass(frozen=True)
class BulkResult:
    """Every checked row, and the uploaded workbook with the status column appended."""

    rows: list[BulkRow]
    workbook: bytes

    def count(self, code: str) -> int:
        """How many rows ended with this code."""
        return sum(1 for r in self.rows if r.code == code)


def _column(headers: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.lower() for h in headers]
    for name in names:
        if name in folded:
            return folded.index(name)
    return None


def _status(code: str, facts=None) -> Message:
    if code == "valid":
        return N_("Valid: {kind} {what} ({issuer})", kind=facts.kind_label,
                  what=facts.level_label or facts.occupation_name, issuer=facts.issuer_name)
    if code == "revoked":
        return N_("Revoked ({date}): {reason}", date=facts.revoked_on, reason=facts.revoked_reason)
    if code == "superseded":
        return N_("Superseded by a corrected certificate, new number {number}", number=facts.replaced_by)
    if code == "legacy":
        return N_("A vocational qualification certificate number from before 2020, not issued by this system; "
                  "check it on the national query site.")
    if code == "malformed":
        return N_("The certificate number is malformed (22 characters, e.g. S000021000101264000001).")
    if code == "empty":
        return N_("The certificate number or the name is missing.")
    return MISS_TEXT


def _load(data: bytes, filename: str):
    if not filename.lower().endswith(".xlsx"):
        raise ValidationFailed(N_("Upload an Excel file in .xlsx format (save an old .xls file as .xlsx first)."),
                               field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed(N_("The file is larger than 10 MB."), field="file")
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationFailed(N_("This Excel file cannot be read; make sure it is an undamaged .xlsx file."),
                               field="file") from exc


def check_workbook(session: Session, *, data: bytes, filename: str, now: datetime, organisation_id: int | None,
                   translate: Callable[[Any], Any] = in_chinese) -> BulkResult:
    """Check every row of the first sheet and return the sheet with a status column; logs each row.

    `translate` puts the added headers and statuses in the user's language (Chinese unless the edge says).
    """
    workbook = _load(data, filename)
    sheet = workbook.worksheets[0]
    if sheet.max_row - 1 > MAX_ROWS:
        raise ValidationFailed(N_("At most {maximum} rows can be checked at once; this sheet has {rows}.",
                                  maximum=MAX_ROWS, rows=sheet.max_row - 1), field="file")
    headers = [normalise_header(c.value) for c in sheet[1]] if sheet.max_row >= 1 else []
    number_col, name_col = _column(headers, NUMBER_HEADERS), _column(headers, NAME_HEADERS)
    if number_col is None or name_col is None:
        raise ValidationFailed(N_("Row 1 must hold the headers, with a certificate number column and a name column."),
                               field="file")
    raw: list[tuple[int, str, str]] = []
    for cells in sheet.iter_rows(min_row=2):
        values = [c.value for c in cells]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        number = cell_text(values[number_col]) if number_col < len(values) else ""
        name = cell_text(values[name_col]) if name_col < len(values) else ""
        raw.append((cells[0].row, number, name))
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
            code, log = "miss", "not_found"
        elif normalise_name(found[normalised].holder_name) != normalise_name(name):
            code, log = "miss", "name_mismatch"
        else:
            facts = facts_of_row(found[normalised])
            code = log = facts.status
            certificate_id = facts.certificate_id
        results.append(BulkRow(row_no, number, name, code, _status(code, facts)))
        logs.append({"checked_at": now, "channel": "bulk", "result": log, "certificate_id": certificate_id,
                     "organisation_id": organisation_id, "share_link_id": None})
    if logs:
        session.execute(insert(VerificationLog), logs)
    return BulkResult(results, _annotated(workbook, sheet, results, now, translate))


def _annotated(workbook, sheet, results: list[BulkRow], now: datetime, translate: Callable[[Any], Any]) -> bytes:
    column = sheet.max_column + 1
    header = sheet.cell(row=1, column=column, value=translate(STATUS_HEADER))
    header.font = Font(bold=True)
    sheet.cell(row=1, column=column + 1, value=translate(CHECKED_HEADER)).font = Font(bold=True)
    stamp = now.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    for result in results:
        cell = sheet.cell(row=result.row, column=column, value=str(translate(result.status)))
        cell.data_type = "s"
        cell.fill = FILLS["valid" if result.code == "valid" else "other" if result.code == "legacy" else "problem"]
        sheet.cell(row=result.row, column=column + 1, value=stamp)
    sheet.column_dimensions[header.column_letter].width = 48
    # Uploaded text such as "=HYPERLINK(…)" goes back as text, never as a live formula.
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
