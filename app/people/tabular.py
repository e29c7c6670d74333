"""Reading uploaded spreadsheets (xlsx, or CSV in UTF-8 / GBK) into rows, and reading cell values.

Rows are kept exactly as read, from row 1, so row numbers in error reports match what Excel shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import ValidationFailed
from app.translation import N_

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DATE_PATTERNS = (
    re.compile(r"(\d{4}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII),
    re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日?", re.ASCII),
    re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII),
)


@dataclass(frozen=True)
class Table:
    """The rows of the first sheet (or the CSV) as read; ``encoding`` is set for CSV files."""

    rows: list[tuple]
    kind: str
    encoding: str | None = None


def read_table(data: bytes, filename: str = "") -> Table:
    """Read an .xlsx workbook's first sheet or a CSV file, chosen by content (and name for CSV)."""
    if not data:
        raise ValidationFailed(N_("The uploaded file is empty."), field="file")
    if data.startswith(_OLE_MAGIC):
        raise ValidationFailed(N_("Old Excel files (.xls) are not supported; use “Save as” .xlsx in Excel and upload "
                                  "again."), field="file")
    if data.startswith(_ZIP_MAGIC):
        return Table(_trim(_read_xlsx(data)), "xlsx")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ValidationFailed(N_("The file name ends in .xlsx but the content is not an Excel workbook."), field="file")
    text, encoding = decode_csv(data)
    return Table(_trim(_read_csv(text)), "csv", encoding)


def _read_xlsx(data: bytes) -> list[tuple]:
    try:
        # openpyxl warns about styles and extensions it ignores; none of them matter for reading values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                return [tuple(row) for row in sheet.iter_rows(values_only=True)]
            finally:
                book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ValidationFailed(N_("The Excel file cannot be read; it may be damaged or not an .xlsx file."),
                               field="file") from None


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK (read as GB18030)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise ValidationFailed(N_("The CSV file's encoding is not recognised; save it as UTF-8 or GBK."),
                               field="file") from None


def _read_csv(text: str) -> list[tuple]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise ValidationFailed(N_("The CSV file is malformed: {problem}", problem=str(exc)), field="file") from None


def _trim(rows: list[tuple]) -> list[tuple]:
    """Drop trailing empty rows (Excel often reports formatted but empty rows)."""
    end = len(rows)
    while end and is_blank_row(rows[end - 1]):
        end -= 1
    return rows[:end]


def is_blank(value: object) -> bool:
    """True for None and strings of whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(row: tuple) -> bool:
    """True when every cell of the row is blank."""
    return all(is_blank(value) for value in row)


def cell_text(value: object) -> str:
    """A cell as trimmed text: integral numbers without '.0', dates as ISO, None as ''."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def cell_date(value: object) -> date:
    """A date from an Excel date cell or text like 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
    elif isinstance(value, str):
        text = " ".join(unicodedata.normalize("NFKC", value).split())
    else:
        text = str(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValidationFailed(N_("The date “{text}” does not exist.", text=text)) from None
    raise ValidationFailed(N_("The date “{text}” is not recognised; write it like 2024-03-01.", text=text))
