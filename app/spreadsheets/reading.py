"""Reading an uploaded table: the first sheet of an .xlsx workbook, or a CSV / tab-separated text file.

The format is told by content, not by the name: a zip is a workbook, an OLE file is an old .xls (refused with
how to save it as .xlsx), anything else is text in UTF-8 (with or without BOM), UTF-16 (with BOM) or GBK
(read as GB18030). Rows are kept exactly as read, from row 1, so row numbers in reports match what Excel shows;
trailing empty rows (Excel reports formatted but empty ones) are dropped.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import ValidationFailed
from app.spreadsheets.cells import is_blank_row
from app.translation import N_

MAX_ROWS = 50_000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Table:
    """The rows of the first sheet (or of the text file) as read; ``encoding`` is set for text files."""

    rows: list[tuple]
    kind: str  # "xlsx" or "csv"
    filename: str = ""
    encoding: str | None = None

    @property
    def width(self) -> int:
        """The number of columns of the widest row."""
        return max((len(row) for row in self.rows), default=0)


def read_table(data: bytes, filename: str = "", *, max_rows: int = MAX_ROWS) -> Table:
    """Read an .xlsx workbook's first sheet or a CSV / tab-separated file; at most `max_rows` data rows."""
    if not data:
        raise ValidationFailed(N_("The uploaded file is empty."), field="file")
    if data.startswith(_OLE_MAGIC):
        raise ValidationFailed(N_("Old Excel files (.xls) are not supported; in Excel choose “Save as”, pick "
                                  "“Excel Workbook (*.xlsx)” and upload that file."), field="file")
    if data.startswith(_ZIP_MAGIC):
        rows, kind, encoding = _read_xlsx(data, max_rows), "xlsx", None
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise ValidationFailed(N_("The file name ends in .xlsx but the content is not an Excel workbook."), field="file")
    else:
        text, encoding = decode_text(data)
        rows, kind = _read_csv(text, max_rows), "csv"
    if not rows:
        raise ValidationFailed(N_("The uploaded file is empty."), field="file")
    return Table(rows, kind, filename, encoding)


def _too_many(max_rows: int) -> ValidationFailed:
    return ValidationFailed(N_("At most {limit} rows can be imported at once; split the file.", limit=max_rows),
                            field="file")


def _read_xlsx(data: bytes, max_rows: int) -> list[tuple]:
    try:
        # openpyxl warns about styles and extensions it ignores; none of them matter for reading values.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _collect(book.worksheets[0].iter_rows(values_only=True), max_rows)
            finally:
                book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, IndexError):
        raise ValidationFailed(N_("The Excel file cannot be read; it may be damaged or not an .xlsx file. Open it in "
                                  "Excel, save it again as .xlsx and upload that file."), field="file") from None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK (read as GB18030)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030"), "GBK"
        except UnicodeDecodeError:
            pass
    raise ValidationFailed(N_("The CSV file's encoding is not recognised; save it as “CSV UTF-8” or as GBK "
                              "(Excel's plain “CSV”)."), field="file")


def _read_csv(text: str, max_rows: int) -> list[tuple]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _collect(reader, max_rows)
    except csv.Error as exc:
        raise ValidationFailed(N_("The CSV file is malformed at line {line}: {problem}", line=reader.line_num,
                                  problem=str(exc)), field="file") from None


def _collect(raw_rows: Iterable[Sequence], max_rows: int) -> list[tuple]:
    """The rows up to the last non-blank one (Excel reports formatted but empty rows; they are never held)."""
    rows: list[tuple] = []
    blanks = 0
    filled = 0
    for raw in raw_rows:
        if is_blank_row(raw):
            blanks += 1
            continue
        filled += 1
        if filled > max_rows + 1:
            raise _too_many(max_rows)
        rows.extend([()] * blanks)
        blanks = 0
        rows.append(tuple(raw))
    return rows
