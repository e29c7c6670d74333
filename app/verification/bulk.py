"""Bulk check for enterprises: an Excel sheet of (certificate number, name) comes back with a status column.

One query finds every number of the sheet; bad rows are marked in the sheet, never fatal.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import insert
from sqlalchemy.orm import Session

from app.errors import ValidationFailed
from app.spreadsheets import FORMULA_STARTS, cell_text, normalise_header
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
STATUS_HEADER = "核验结果"
FILLS = {
    "valid": PatternFill("solid", start_color="FFD9EAD3", end_color="FFD9EAD3"),
    "problem": PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC"),
    "other": PatternFill("solid", start_color="FFFFF2CC", end_color="FFFFF2CC"),
}
MISS_TEXT = "未找到匹配的证书（编号与姓名须一致）"


@dataclass(frozen=True)
class BulkRow:
    """One data row of the sheet and what its check found."""

    row: int
    number: str
    name: str
    code: str  # valid, revoked, superseded, miss, legacy, malformed, empty
    status: str


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


def _status(code: str, facts=None) -> str:
    if code == "valid":
        return f"有效：{facts.kind_label} {facts.level_label or facts.occupation_name}（{facts.issuer_name}）".replace(" （", "（")
    if code == "revoked":
        return f"已撤销（{facts.revoked_on}）：{facts.revoked_reason}"
    if code == "superseded":
        return f"已被更正证书替代，新证书编号 {facts.replaced_by}"
    if code == "legacy":
        return "旧版职业资格证书编号（2020 年前），非本系统发证，请到全国联网查询系统核验"
    if code == "malformed":
        return "证书编号格式不正确（应为 22 位，如 S000021000101264000001）"
    if code == "empty":
        return "缺少证书编号或姓名"
    return MISS_TEXT


def _load(data: bytes, filename: str):
    if not filename.lower().endswith(".xlsx"):
        raise ValidationFailed("请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationFailed("文件超过 10 MB", field="file")
    try:
        return load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ValidationFailed("无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏", field="file") from exc


def check_workbook(session: Session, *, data: bytes, filename: str, now: datetime,
                   organisation_id: int | None) -> BulkResult:
    """Check every row of the first sheet and return the sheet with a status column; logs each row."""
    workbook = _load(data, filename)
    sheet = workbook.worksheets[0]
    if sheet.max_row - 1 > MAX_ROWS:
        raise ValidationFailed(f"一次最多核验 {MAX_ROWS} 行，本表有 {sheet.max_row - 1} 行", field="file")
    headers = [normalise_header(c.value) for c in sheet[1]] if sheet.max_row >= 1 else []
    number_col, name_col = _column(headers, NUMBER_HEADERS), _column(headers, NAME_HEADERS)
    if number_col is None or name_col is None:
        raise ValidationFailed("第 1 行应为表头，且包含“证书编号”和“姓名”两列", field="file")
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
    return BulkResult(results, _annotated(workbook, sheet, results, now))


def _annotated(workbook, sheet, results: list[BulkRow], now: datetime) -> bytes:
    column = sheet.max_column + 1
    header = sheet.cell(row=1, column=column, value=STATUS_HEADER)
    header.font = Font(bold=True)
    sheet.cell(row=1, column=column + 1, value="核验时间").font = Font(bold=True)
    stamp = now.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M")
    for result in results:
        cell = sheet.cell(row=result.row, column=column, value=result.status)
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
