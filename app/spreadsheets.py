"""Reading uploaded tables (xlsx, or CSV in UTF-8/GBK) into rows keyed by header, and error workbooks.

Low, Flask-free module shared by every import (people, enrolments, shortage catalogue, bulk checks).
Messages are marked (`N_`); workbooks shown to a user take the edge's `translate` (default: English ids).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from app.errors import ValidationFailed
from app.translation import N_, Message, Translate, english, render

MAX_ROWS = 50_000


@dataclass(frozen=True)
class SheetRow:
    """One data row: its row number as the user sees it in Excel, and cell values by header."""

    number: int
    values: dict[str, object]


@dataclass(frozen=True)
class CellError:
    """What is wrong, and where."""

    row: int
    column: str  # the header as written in the file (data)
    message: Message | str


def normalise_header(text: object) -> str:
    """Header text without full-width forms, spaces, asterisks or a trailing note in brackets."""
    value = unicodedata.normalize("NFKC", str(text or "")).strip().replace(" ", "").rstrip("*")
    for bracket in ("(", "（"):
        if bracket in value:
            value = value.split(bracket, 1)[0]
    return value


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed(N_("The CSV file's encoding is not recognised; save it as UTF-8 or GBK."), field="file")


def read_table(data: bytes, filename: str) -> tuple[list[str], Iterator[SheetRow]]:
    """Headers and rows of the first sheet of an xlsx file, or of a CSV file."""
    name = filename.lower()
    if name.endswith(".csv"):
        reader = csv.reader(io.StringIO(_decode_csv(data)))
        raw_rows: Iterator[Sequence[object]] = iter(reader)
    elif name.endswith((".xlsx", ".xlsm")):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ValidationFailed(N_("The Excel file cannot be read; make sure it is an .xlsx file and not damaged."),
                                   field="file") from exc
        raw_rows = workbook.worksheets[0].iter_rows(values_only=True)
    else:
        raise ValidationFailed(N_("Upload an .xlsx or .csv file (save an old .xls file as .xlsx first)."), field="file")
    try:
        header_row = next(raw_rows)
    except StopIteration as exc:
        raise ValidationFailed(N_("The file is empty."), field="file") from exc
    headers = [normalise_header(h) for h in header_row]
    return headers, _rows(headers, raw_rows)


def _rows(headers: list[str], raw_rows: Iterator[Sequence[object]]) -> Iterator[SheetRow]:
    for number, raw in enumerate(raw_rows, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationFailed(N_("At most {limit} rows can be imported at once.", limit=MAX_ROWS), field="file")
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        yield SheetRow(number, {h: (raw[i] if i < len(raw) else None) for i, h in enumerate(headers) if h})


def require_headers(headers: Sequence[str], required: Sequence[str]) -> None:
    """Refuse a file missing any required column, naming every missing one."""
    missing = [h for h in required if h not in headers]
    if missing:
        raise ValidationFailed(N_("Required columns are missing: {columns} (row 1 should be the header row).",
                                  columns="; ".join(missing)), field="file")


def cell_text(value: object) -> str:
    """A cell as trimmed text with full-width characters folded to ASCII."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def parse_date_cell(value: object) -> date:
    """Dates from Excel cells or text: 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    if not text:
        raise ValueError(N_("The date is empty."))
    cleaned = text.replace("年", "-").replace("月", "-").replace("日", "").replace("/", "-").replace(".", "-")
    try:
        if cleaned.isdigit() and len(cleaned) == 8:
            return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:]))
        year, month, day = (int(p) for p in cleaned.split("-"))
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(N_("The date “{text}” is not recognised; write it as 2024-03-01.", text=text)) from exc


ERROR_FILL = PatternFill("solid", start_color="FFF4CCCC", end_color="FFF4CCCC")



def error_workbook(headers: Sequence[str], rows: Sequence[SheetRow], errors: Sequence[CellError],
                   translate: Translate = english) -> bytes:
    """The uploaded rows with an explanation column and bad cells in red, plus a sheet listing every error.

    Sheet names, headers and messages are in the language `translate` gives (the edge passes gettext).
    """
    by_row: dict[int, list[CellError]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(error)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = render(N_("Data"), translate)
    columns = [h for h in headers if h]
    sheet.append([*columns, render(N_("Errors"), translate)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for out_row, row in enumerate(rows, start=2):
        problems = [N_("{column}: {message}", column=e.column, message=e.message) for e in by_row.get(row.number, [])]
        sheet.append([_plain(row.values.get(h)) for h in columns] + [
            render(N_("; "), translate).join(render(problem, translate) for problem in problems)
        ])
        for error in by_row.get(row.number, []):
            if error.column in columns:
                sheet.cell(row=out_row, column=columns.index(error.column) + 1).fill = ERROR_FILL
    _as_text(sheet)
    listing = workbook.create_sheet(render(N_("Error list"), translate))
    listing.append([render(text, translate) for text in (N_("Row number"), N_("Column"), N_("What is wrong"))])
    for error in sorted(errors, key=lambda e: (e.row, e.column)):
        listing.append([error.row, error.column, render(error.message, translate)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _plain(value: object) -> object:
    return value if isinstance(value, (int, float, date, datetime)) or value is None else str(value)


FORMULA_STARTS = ("=", "+", "-", "@")


def _as_text(sheet) -> None:
    """Keep uploaded text like "=HYPERLINK(…)" as text, never a live formula (formula injection)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"


def simple_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                    text_columns: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook with a bold header; text_columns are formatted as text ('@')."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    _as_text(sheet)
    for index in text_columns:
        for cell in sheet.iter_rows(min_col=index + 1, max_col=index + 1):
            cell[0].number_format = "@"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
