"""Reading an uploaded table: the first sheet of an .xlsx workbook, or a CSV / tab-separated text file.

The format is told by content, not by the name: a zip is a workbook, an OLE file is an old .xls (refused with
how to save it as .xlsx), anything else is text in UTF-8 (with or without BOM), UTF-16 (with BOM) or GBK
(read as GB18030). Rows are kept exactly as read, from row 1, so row numbers in reports match what Excel shows;
trailing empty rows (Excel reports formatted but empty ones) are dropped.

Every upload is bounded before it is parsed, and each import passes its own row cap (`max_rows`, required):
the file's size; for a workbook the zip's directory alone (parts, their compression, their unpacked sizes and
ratios — app/spreadsheets/packages.py) and the sheet's declared dimension; then rows are streamed and the
reading stops as soon as the cap is passed. No whole sheet, nor a zip part, is unpacked before those checks.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from app.errors import ValidationFailed
from app.spreadsheets.cells import is_blank_row
from app.spreadsheets.packages import MAX_COLUMNS, ROW_SLACK, sheet_rows, too_many_columns, too_many_rows
from app.translation import N_

MAX_BYTES = 20 * 1024 * 1024  # any upload; bulk checks pass a smaller one
MAX_LINE = 1024 * 1024  # characters in one line of a text file
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_CHUNK = 64 * 1024


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


def read_table(data: bytes, filename: str = "", *, max_rows: int, max_bytes: int = MAX_BYTES) -> Table:
    """Read an .xlsx workbook's first sheet or a CSV / tab-separated file of at most `max_rows` data rows and
    `max_bytes` bytes; larger files are refused before anything is parsed."""
    if not data:
        raise ValidationFailed(N_("The uploaded file is empty."), field="file")
    if len(data) > max_bytes:
        raise ValidationFailed(N_("The file is larger than {limit} MB.", limit=_megabytes(max_bytes)), field="file")
    if data.startswith(_OLE_MAGIC):
        raise ValidationFailed(N_("Old Excel files (.xls) are not supported; in Excel choose “Save as”, pick "
                                  "“Excel Workbook (*.xlsx)” and upload that file."), field="file")
    if data.startswith(_ZIP_MAGIC):
        # openpyxl warns of what it ignores (dates out of range become errors …); none of it matters here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            rows, kind, encoding = _collect(sheet_rows(data, max_rows), max_rows), "xlsx", None
    elif filename.lower().endswith((".xlsx", ".xlsm")):
        raise ValidationFailed(N_("The file name ends in .xlsx but the content is not an Excel workbook."), field="file")
    else:
        encoding, codec = _text_encoding(data)
        rows, kind = _read_csv(data, codec, max_rows), "csv"
    if not rows:
        raise ValidationFailed(N_("The uploaded file is empty."), field="file")
    return Table(rows, kind, filename, encoding)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _unknown_encoding() -> ValidationFailed:
    return ValidationFailed(N_("The CSV file's encoding is not recognised; save it as “CSV UTF-8” or as GBK "
                               "(Excel's plain “CSV”)."), field="file")


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else GBK (read as GB18030)."""
    encoding, codec = _text_encoding(data)
    return data.decode(codec), encoding


def _text_encoding(data: bytes) -> tuple[str, str]:
    """The encoding's name as reported and the codec that reads it (a BOM is left to the codec), checked by
    decoding in chunks so that nothing the size of the file is held."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("UTF-8", "utf-8-sig")]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("UTF-16", "utf-16")]
    else:
        candidates = [("UTF-8", "utf-8"), ("GBK", "gb18030")]
    for encoding, codec in candidates:
        if _decodes(data, codec):
            return encoding, codec
    raise _unknown_encoding()


def _decodes(data: bytes, codec: str) -> bool:
    decoder = codecs.getincrementaldecoder(codec)()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start:start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _read_csv(data: bytes, codec: str, max_rows: int) -> list[tuple]:
    text = io.TextIOWrapper(io.BytesIO(data), encoding=codec, newline="")
    first = text.readline(MAX_LINE)
    text.seek(0)
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(_bounded_lines(text), delimiter=delimiter)
    try:
        return _collect(enumerate(reader, 1), max_rows)
    except csv.Error as exc:
        raise ValidationFailed(N_("The CSV file is malformed at line {line}: {problem}", line=reader.line_num,
                                  problem=str(exc)), field="file") from None


def _bounded_lines(text: io.TextIOWrapper) -> Iterator[str]:
    """The file's lines, refusing one so long that it cannot be a row of a table."""
    number = 0
    while line := text.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise ValidationFailed(N_("Line {line} of the file is longer than {limit} characters; it is not a "
                                      "table that can be imported.", line=number, limit=MAX_LINE), field="file")
        yield line


def _collect(numbered: Iterable[tuple[int, Sequence]], max_rows: int) -> list[tuple]:
    """The rows up to the last non-blank one, numbered as Excel (or the line count) numbers them.

    Refused as soon as there are more than `max_rows` filled rows below a header, or the rows (empty ones too)
    run past `max_rows` + ROW_SLACK; formatted but empty rows at the end are never held.
    """
    rows: list[tuple] = []
    filled = 0
    for number, raw in numbered:
        if number > max_rows + ROW_SLACK:
            raise too_many_rows(max_rows)
        if len(raw) > MAX_COLUMNS:
            raw = _narrowed(raw)
        if is_blank_row(raw):
            continue
        filled += 1
        if filled > max_rows + 1:
            raise too_many_rows(max_rows)
        rows.extend([()] * (number - 1 - len(rows)))
        rows.append(tuple(raw))
    return rows


def _narrowed(raw: Sequence) -> Sequence:
    """A row cut to MAX_COLUMNS; refused when anything is written beyond."""
    if not is_blank_row(raw[MAX_COLUMNS:]):
        raise too_many_columns()
    return raw[:MAX_COLUMNS]

