"""Workbooks the imports hand back: the marked error workbook, the template of an import, and simple lists.

Sheet names, instructions and messages are in the language of the `translate` the edge passes (default: the
English ids); template headers are the Chinese words offices use, which the imports read. Text the user
uploaded is echoed as text, never as a live formula, even when it starts with '='.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.spreadsheets.columns import Field
from app.spreadsheets.errors import CellError
from app.translation import N_, Message, Translate, english, in_chinese, render

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
ERROR_FONT = Font(color="9C0006")
BOLD = Font(bold=True)
FORMULA_STARTS = ("=", "+", "-", "@")
TEMPLATE_ROWS = 5000  # rows a template's drop-down lists cover


def save(book: Workbook) -> bytes:
    """A workbook as bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def text_cell(sheet, value, *, fill: PatternFill | None = None, font: Font | None = None) -> WriteOnlyCell:
    """A write-only cell: '=…' stays text, dates are shown as dates."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if isinstance(value, datetime | date):
        cell.number_format = "yyyy-mm-dd"
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def _needs_cells(values: Sequence) -> bool:
    return any(isinstance(v, str) and v.startswith(FORMULA_STARTS) or isinstance(v, datetime | date) for v in values)


def error_workbook(rows: Sequence[Sequence], errors: Sequence[CellError], *, header_row: int = 1,
                   translate: Translate = english) -> bytes:
    """The uploaded rows as they were, bad cells filled red and an explanation column, plus a list of errors.

    `header_row` is the header row as Excel numbers it (rows above it, like a title, are echoed unchanged).
    """
    book = Workbook(write_only=True)
    data = book.create_sheet(render(N_("Imported data"), translate))
    width = max((len(row) for row in rows), default=0)
    by_row: dict[int, list[CellError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    data.column_dimensions[get_column_letter(width + 1)].width = 60
    separator = render(N_("; "), translate)
    for number, row in enumerate(rows, start=1):
        values = list(row) + [None] * (width - len(row))
        problems = by_row.get(number, [])
        if number == header_row:
            data.append([text_cell(data, v, font=BOLD) for v in values]
                        + [text_cell(data, render(N_("Errors"), translate), font=BOLD)])
            continue
        if not problems:
            data.append([text_cell(data, v) for v in values] if _needs_cells(values) else values)
            continue
        bad = {error.col for error in problems if error.col is not None}
        cells = [text_cell(data, v, fill=ERROR_FILL if i in bad else None) for i, v in enumerate(values)]
        text = separator.join(
            render(N_("{column}: {message}", column=e.column, message=e.message) if e.column else e.message, translate)
            for e in problems)
        data.append(cells + [text_cell(data, text, font=ERROR_FONT)])
    listing = book.create_sheet(render(N_("List of errors"), translate))
    for letter, size in (("A", 8), ("B", 16), ("C", 90)):
        listing.column_dimensions[letter].width = size
    headers = (N_("Row number"), N_("Column"), N_("What is wrong"))
    listing.append([text_cell(listing, render(h, translate), font=BOLD) for h in headers])
    for error in sorted(errors, key=lambda e: (e.row, e.col if e.col is not None else -1)):
        listing.append([error.row, text_cell(listing, error.column), text_cell(listing, render(error.message, translate))])
    return save(book)


def template_workbook(title: Message, fields: Sequence[Field], *, translate: Translate = english,
                      choices: Mapping[str, Mapping[str, object]] | None = None,
                      general: Message | None = None) -> bytes:
    """An import's template: the header row, one example row, drop-down lists for `choices` (field key → labels),
    ID-like columns formatted as text, and a sheet explaining every column and the header words accepted."""
    book = Workbook()
    sheet = book.active
    sheet.title = render(title, translate)
    for index, f in enumerate(fields, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=f.header)
        header.font, header.fill = BOLD, HEADER_FILL
        example = sheet.cell(row=2, column=index, value=f.example or None)
        sheet.column_dimensions[letter].width = f.width
        if f.text_format:
            # '@' = Text: what people type or paste stays as typed, so 18-digit IDs are not turned into 2.1E+17.
            sheet.column_dimensions[letter].number_format = "@"
            example.number_format = "@"
        if f.key in (choices or {}):
            listed = ",".join(in_chinese(label) for label in choices[f.key].values())
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            validation.error = render(N_("Choose {column} from the drop-down list.", column=f.header), translate)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(render(N_("How to fill in"), translate))
    notes.append([render(h, translate) for h in (N_("Column name"), N_("Required or optional"), N_("Notes"),
                                                 N_("Other accepted column names"), N_("Example"))])
    for cell in notes[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for f in fields:
        required = N_("Must be filled in") if f.required else N_("Optional")
        notes.append([f.header, render(required, translate), render(f.note or f.label, translate),
                      "、".join(f.aliases), f.example])
    if general is not None:
        notes.append([])
        notes.append([render(N_("In general"), translate), "", render(general, translate)])
    for letter, size in (("A", 16), ("B", 10), ("C", 80), ("D", 30), ("E", 22)):
        notes.column_dimensions[letter].width = size
    for row in notes.iter_rows(min_row=2, min_col=3, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return save(book)


def _as_text(sheet) -> None:
    """Keep text like "=HYPERLINK(…)" as text, never a live formula (formula injection)."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                cell.data_type = "s"


def simple_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                    text_columns: Sequence[int] = ()) -> bytes:
    """A one-sheet workbook with a bold header; text_columns are formatted as text ('@')."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
    _as_text(sheet)
    for index in text_columns:
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].number_format = "@"
        for cell in sheet.iter_rows(min_col=index + 1, max_col=index + 1):
            cell[0].number_format = "@"
    return save(book)
