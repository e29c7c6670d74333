"""An .xlsx workbook read within bounds: its zip directory is checked before anything is unpacked, its first
sheet's declared dimension before its rows, and its rows are streamed one at a time.

A workbook is a zip of XML parts; a few hundred kilobytes can declare a million rows or unpack to gigabytes.
So, before any part is opened: at most MAX_PARTS parts and a directory of at most MAX_DIRECTORY bytes (read from
the end record, before zipfile parses the directory), stored or deflated parts only, no part over RATIO_FROM
bytes unpacking to more than MAX_RATIO times its packed size, and at most BASE_UNPACKED + PER_ROW × the
import's row cap unpacked in all (zipfile stops any part at the size the directory declares). Then the first
sheet's `<dimension ref=…>`, from its first SNIFF bytes, may not declare more rows than the cap + ROW_SLACK nor
more than MAX_COLUMNS columns. The rows are then parsed one by one with openpyxl's own cell reader (dates,
shared strings, cached formula values as openpyxl reads them) while every finished element is dropped, and the
caller stops at its cap — a sheet without a dimension is bounded the same way.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import ARC_STYLE, SHARED_STRINGS, SHEET_MAIN_NS

from app.errors import ValidationFailed
from app.spreadsheets.cells import is_blank
from app.translation import N_, Message

MAX_PARTS = 1_000
MAX_DIRECTORY = 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # smaller parts may compress as well as they like
BASE_UNPACKED = 8 * 1024 * 1024
PER_ROW = 2 * 1024
MAX_COLUMNS = 256
MAX_CELLS = 16_384  # cell elements in one row: Excel's own number of columns
ROW_SLACK = 10_000  # formatted but empty rows Excel may keep below the data
SNIFF = 64 * 1024
STRINGS_PER_ROW, STRINGS_BASE = 32, 50_000  # different texts a workbook may hold: 32 per row of the cap, and some
# Parts openpyxl parses whole (a few kilobytes in any real workbook); every other part read here is streamed.
WHOLE_PARTS = frozenset({"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"})
MAX_WHOLE_PART = 2 * 1024 * 1024
MAX_CELL_FORMATS = 65_536  # Excel's own limit is 64,000
_SI, _T, _R = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("si", "t", "r"))
_NUM_FMT, _CELL_XFS, _XF = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("numFmt", "cellXfs", "xf"))
_END_RECORD = struct.Struct("<4sHHHHIIH")
_END_SIGNATURE = b"PK\x05\x06"
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b")
_UNREADABLE = (zipfile.BadZipFile, zlib.error, InvalidFileException, KeyError, OSError, ValueError, IndexError,
               TypeError, AttributeError, SyntaxError, EOFError, NotImplementedError, RuntimeError)


def too_many_rows(limit: int) -> ValidationFailed:
    """The refusal of a sheet longer than the import's cap."""
    return ValidationFailed(N_("The file has more than {limit} rows; split it into files of at most {limit} rows.",
                               limit=limit), field="file")


def too_many_columns() -> ValidationFailed:
    """The refusal of a sheet wider than any import reads."""
    return ValidationFailed(N_("The sheet has more than {limit} columns; delete the columns that are not part of "
                               "the import and upload it again.", limit=MAX_COLUMNS), field="file")


def damaged(problem: Message) -> ValidationFailed:
    """The refusal of a file that is not a workbook Excel would write, saying what gave it away."""
    return ValidationFailed(N_("This .xlsx file is damaged or not a real spreadsheet ({problem}). Open it in "
                               "Excel, save it again as .xlsx and upload that file.", problem=problem), field="file")


def sheet_rows(data: bytes, max_rows: int) -> Iterator[tuple[int, tuple]]:
    """The first sheet's rows as (row number, values), streamed, once the package and the sheet's dimension
    are within the bounds for an import of at most `max_rows` rows."""
    check_package(data, max_rows)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        reader.shared_strings = _shared_strings(reader, max_rows)
        reader.read_workbook()
        reader.wb._date_formats, reader.wb._timedelta_formats = _date_styles(reader)
        path = _first_sheet(reader)
        with reader.archive.open(path) as source:
            width = _declared_width(source.read(SNIFF), max_rows)
        with reader.archive.open(path) as source:
            yield from _rows(source, reader, width)
    except _UNREADABLE:
        raise damaged(N_("its content cannot be read")) from None


def check_package(data: bytes, max_rows: int) -> None:
    """Refuse a zip whose directory alone shows it is not a workbook of at most `max_rows` rows."""
    _check_end_record(data)
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _UNREADABLE:
        raise damaged(N_("it is not a complete zip archive")) from None
    if len(infos) > MAX_PARTS:
        raise damaged(N_("it holds more than {limit} parts", limit=MAX_PARTS))
    budget, total = BASE_UNPACKED + PER_ROW * max_rows, 0
    for info in infos:
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or info.flag_bits & 0x1:
            raise damaged(N_("it is encrypted or compressed in a way Excel does not use"))
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise damaged(N_("a part unpacks to more than {limit} times its packed size", limit=MAX_RATIO))
        if info.filename in WHOLE_PARTS and info.file_size > MAX_WHOLE_PART:
            raise damaged(N_("its part {name} is larger than {limit} MB", name=info.filename,
                             limit=MAX_WHOLE_PART // (1024 * 1024)))
        total += info.file_size
    if total > budget:
        raise ValidationFailed(N_("The workbook unpacks to more than {limit} MB, more than a sheet of {rows} rows "
                                  "needs; delete pictures and other sheets, or split the file.",
                                  limit=budget // (1024 * 1024), rows=max_rows), field="file")


def _check_end_record(data: bytes) -> None:
    """The number of parts and the directory's size, from the zip's end record, before zipfile reads more."""
    start = data.rfind(_END_SIGNATURE, max(0, len(data) - _END_RECORD.size - 0xFFFF))
    if start < 0 or start + _END_RECORD.size > len(data):
        raise damaged(N_("it is not a complete zip archive"))
    _, _, _, _, parts, size, _, _ = _END_RECORD.unpack_from(data, start)
    if parts > MAX_PARTS:
        raise damaged(N_("it holds more than {limit} parts", limit=MAX_PARTS))
    if size > MAX_DIRECTORY:
        raise damaged(N_("its zip directory is larger than {limit} MB", limit=MAX_DIRECTORY // (1024 * 1024)))


def _shared_strings(reader: ExcelReader, max_rows: int) -> list[str]:
    """The workbook's table of texts, streamed and counted (openpyxl's reader holds every element and takes
    ~10 µs a text: a 5 MB file of 1.3 million short texts took 13 s and 180 MB)."""
    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    limit = STRINGS_PER_ROW * max_rows + STRINGS_BASE
    strings: list[str] = []
    with reader.archive.open(part.PartName[1:]) as source:
        events = iterparse(source, events=("start", "end"))
        _, root = next(events)
        for event, element in events:
            if event == "end" and element.tag == _SI:
                if len(strings) >= limit:
                    raise ValidationFailed(N_("The workbook holds more than {limit} different texts, more than a "
                                              "sheet of {rows} rows needs; delete other sheets, or split the file.",
                                              limit=limit, rows=max_rows), field="file")
                strings.append(_text(element))
                root.clear()
    return strings


def _text(item) -> str:
    """A shared text as openpyxl reads it: its own <t>, or its runs' <t>s; phonetic guides (<rPh>) left out."""
    parts = []
    for child in item:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(run.text or "" for run in child if run.tag == _T)
    return "".join(parts).replace("x005F_", "")


def _date_styles(reader: ExcelReader) -> tuple[set[int], set[int]]:
    """Which cell formats (by index) show dates and which durations, from styles.xml streamed: openpyxl's
    stylesheet reader builds every format as an object, which a bloated styles part turns into seconds."""
    if ARC_STYLE not in reader.valid_files:
        return set(), set()
    custom: dict[int, str] = {}
    dates: set[int] = set()
    durations: set[int] = set()
    index, in_cell_formats, stack = 0, False, []
    with reader.archive.open(ARC_STYLE) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                stack.append(element)
                in_cell_formats = in_cell_formats or element.tag == _CELL_XFS
                continue
            stack.pop()
            if element.tag == _NUM_FMT:
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif element.tag == _CELL_XFS:
                in_cell_formats = False
            elif element.tag == _XF and in_cell_formats:
                if index >= MAX_CELL_FORMATS:
                    raise damaged(N_("it declares more than {limit} cell formats", limit=MAX_CELL_FORMATS))
                code = _format_code(int(element.get("numFmtId", "0")), custom)
                if is_date_format(code):
                    dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
                index += 1
            if stack:
                stack[-1].clear()
    return dates, durations


def _format_code(number: int, custom: dict[int, str]) -> str | None:
    return custom[number] if number in custom else BUILTIN_FORMATS.get(number)


def _first_sheet(reader: ExcelReader) -> str:
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return rel.target
    raise damaged(N_("it has no worksheet"))


def _declared_width(head: bytes, max_rows: int) -> int:
    """The columns the sheet's dimension declares (0 without one); refused when it declares too many rows or
    columns."""
    found = _DIMENSION.search(head)
    data_at = _SHEET_DATA.search(head)
    if found is None or (data_at is not None and data_at.start() < found.start()):
        return 0
    try:
        _, _, max_col, max_row = range_boundaries(found.group(1).decode("ascii").split(":")[-1])
    except (ValueError, TypeError, UnicodeDecodeError):
        return 0  # an unreadable dimension is ignored, as Excel does; the rows are still bounded
    if max_row is not None and max_row > max_rows + ROW_SLACK:
        raise too_many_rows(max_rows)
    if max_col is not None and max_col > MAX_COLUMNS:
        raise too_many_columns()
    return max_col or 0


def _rows(source, reader: ExcelReader, width: int) -> Iterator[tuple[int, tuple]]:
    """Each row of the sheet as it is parsed; finished elements are dropped so that one row is held at a time."""
    wb = reader.wb
    cells = WorkSheetParser(None, reader.shared_strings, data_only=True, epoch=wb.epoch,
                            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    stack: list = []
    in_row, count, last = False, 0, 0
    for event, element in iterparse(source, events=("start", "end")):
        if event == "start":
            stack.append(element)
            if element.tag == ROW_TAG:
                in_row, count = True, 0
            continue
        stack.pop()
        tag = element.tag
        if tag == ROW_TAG:
            number, parsed = cells.parse_row(element)
            in_row = False
            if number > last:  # a repeated or out-of-order row is skipped, as openpyxl does
                last = number
                yield number, _values(parsed, width)
        elif tag == DATA_TAG:
            return
        elif in_row:
            if tag == CELL_TAG:
                count += 1
                if count > MAX_CELLS:
                    raise too_many_columns()
            continue
        if stack:
            stack[-1].clear()


def _values(parsed: list[dict], width: int) -> tuple:
    """A row's values by column, from column A; nothing may be written beyond MAX_COLUMNS."""
    for cell in parsed:
        if cell["column"] > MAX_COLUMNS and not is_blank(cell["value"]):
            raise too_many_columns()
        if cell["column"] <= MAX_COLUMNS:
            width = max(width, cell["column"])
    values = [None] * width
    for cell in parsed:
        if cell["column"] <= MAX_COLUMNS:
            values[cell["column"] - 1] = cell["value"]
    return tuple(values)
