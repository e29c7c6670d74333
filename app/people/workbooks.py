"""Excel files about people: the import template, the error report of a refused import, and list exports.

Sheet names, headers and messages are in the language of the `translate` the edge passes (default: the
English ids); the import template keeps the Chinese header words offices use, which the import recognises.
Exports carry masked ID and phone numbers only. Every text cell is written as text, never as a formula,
even when it starts with '=' (uploaded data is echoed back in the error report).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from app.idnumbers import ID_TYPE_LABELS
from app.people.import_columns import COLUMNS, RowError, map_headers
from app.people.models import Person
from app.people.vocabulary import (
    EDUCATION_LABELS,
    GENDER_LABELS,
    SCHOOL_TYPE_LABELS,
    target_group_text,
)
from app.translation import N_, Translate, english, in_chinese, render

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
ERROR_FONT = Font(color="9C0006")
BOLD = Font(bold=True)
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
_TEMPLATE_ROWS = 5000  # rows the template's drop-down lists cover


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value, *, fill: PatternFill | None = None, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"  # echo '=…' back as the text it was, never as a live formula
    if isinstance(value, datetime | date):
        cell.number_format = "yyyy-mm-dd"
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def _needs_cells(values: Iterable) -> bool:
    return any(isinstance(v, str) and v.startswith("=") or isinstance(v, datetime | date) for v in values)



def error_workbook(original_rows: list[tuple], errors: list[RowError], translate: Translate = english) -> bytes:
    """The uploaded rows with an explanation column and bad cells filled red, plus a sheet listing every error."""
    book = Workbook(write_only=True)
    data = book.create_sheet(render(N_("Imported data"), translate))
    width = max((len(row) for row in original_rows), default=0)
    header_map, _ = map_headers(original_rows)
    header_row = header_map.row_number if header_map else 1
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    data.column_dimensions[get_column_letter(width + 1)].width = 60
    for number, row in enumerate(original_rows, start=1):
        values = list(row) + [None] * (width - len(row))
        problems = by_row.get(number, [])
        if number == header_row:
            data.append([_cell(data, v, font=BOLD) for v in values]
                        + [_cell(data, render(N_("Errors"), translate), font=BOLD)])
            continue
        if not problems:
            data.append([_cell(data, v) for v in values] if _needs_cells(values) else values)
            continue
        bad = {error.col for error in problems if error.col is not None}
        cells = [_cell(data, v, fill=ERROR_FILL if i in bad else None) for i, v in enumerate(values)]
        text = render(N_("; "), translate).join(
            render(N_("{column}: {message}", column=e.column, message=e.message) if e.column else e.message, translate)
            for e in problems)
        data.append(cells + [_cell(data, text, font=ERROR_FONT)])
    listing = book.create_sheet(render(N_("List of errors"), translate))
    for letter, size in (("A", 8), ("B", 16), ("C", 90)):
        listing.column_dimensions[letter].width = size
    headers = (N_("Row number"), N_("Column"), N_("What is wrong"))
    listing.append([_cell(listing, render(h, translate), font=BOLD) for h in headers])
    for error in errors:
        listing.append([error.row, _cell(listing, error.column), _cell(listing, render(error.message, translate))])
    return _save(book)


def template_workbook(translate: Translate = english) -> bytes:
    """The import template: header row, one example row, drop-down lists, ID and phone columns as text.

    The header words and drop-down values are the Chinese ones offices use (the import reads them); the
    sheet names and the instructions are in the language `translate` gives.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = render(N_("People details"), translate)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font, header.fill = BOLD, HEADER_FILL
        example = sheet.cell(row=2, column=index, value=column.example or None)
        sheet.column_dimensions[letter].width = column.width
        if column.text_format:
            # '@' = Text: what people type or paste stays as typed, so 18-digit IDs are not turned into 2.1E+17.
            sheet.column_dimensions[letter].number_format = "@"
            example.number_format = "@"
    sheet.freeze_panes = "A2"
    choices = {"id_type": ID_TYPE_LABELS, "gender": GENDER_LABELS, "education": EDUCATION_LABELS,
               "school_type": SCHOOL_TYPE_LABELS}
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in choices:
            listed = ",".join(in_chinese(label) for label in choices[column.key].values())
            validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
            validation.error = render(N_("Choose {column} from the drop-down list.", column=column.header), translate)
            letter = get_column_letter(index)
            validation.add(f"{letter}2:{letter}{_TEMPLATE_ROWS}")
            sheet.add_data_validation(validation)
    notes = book.create_sheet(render(N_("How to fill in"), translate))
    notes.append([render(h, translate) for h in (N_("Column name"), N_("Required or optional"), N_("Notes"), N_("Example"))])
    for cell in notes[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for column in COLUMNS:
        required = N_("Must be filled in") if column.required else N_("Optional")
        notes.append([column.header, render(required, translate), render(column.note, translate), column.example])
    notes.append([])
    notes.append([render(N_("In general"), translate), "", render(N_(
        "A person with several jobs takes several rows with the same ID number; the other personal details may "
        "be filled in on the first row only. The whole sheet is checked on import: if anything is wrong, nothing "
        "is imported and a copy with the errors marked can be downloaded. Importing again never duplicates a "
        "person."), translate)])
    for letter, size in (("A", 16), ("B", 10), ("C", 90), ("D", 22)):
        notes.column_dimensions[letter].width = size
    for row in notes.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    return _save(book)


EXPORT_HEADERS = (N_("Full name"), N_("ID type"), N_("ID number (masked)"), N_("Gender"), N_("Mobile number (masked)"),
                  N_("Education"), N_("School type"), N_("Speciality"), N_("Graduation date"), N_("Target groups"),
                  N_("Registered at"))


def export_people_workbook(people: Iterable[Person], translate: Translate = english) -> bytes:
    """A list of people for download, with masked ID and phone numbers only (nothing is decrypted)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(render(N_("People list"), translate))
    for index, size in enumerate((10, 16, 22, 6, 14, 12, 14, 16, 12, 30, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    sheet.append([_cell(sheet, render(h, translate), font=BOLD) for h in EXPORT_HEADERS])
    for person in people:
        values = [
            person.name, ID_TYPE_LABELS.get(person.id_type, person.id_type), person.id_masked,
            GENDER_LABELS.get(person.gender or "", ""), person.phone_masked or "",
            EDUCATION_LABELS.get(person.education or "", ""), SCHOOL_TYPE_LABELS.get(person.school_type or "", ""),
            person.speciality or "", person.graduated_on, target_group_text(person.target_groups or []),
            person.created_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
        ]
        sheet.append([_cell(sheet, render(v, translate)) for v in values])
    return _save(book)
