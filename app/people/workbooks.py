"""Excel files about people: the import template, the error report of a refused import, and list exports.

Sheet names, headers and messages are in the language of the `translate` the edge passes (default: the
English ids); the import template keeps the Chinese header words offices use, which the import recognises.
Exports carry masked ID and phone numbers only. Every text cell is written as text, never as a formula,
even when it starts with '=' (uploaded data is echoed back in the error report).
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from app.clock import LOCAL_ZONE
from app.idnumbers import ID_TYPE_LABELS
from app.people.import_columns import CHOICES, FIELDS
from app.people.models import Person
from app.people.vocabulary import (
    EDUCATION_LABELS,
    GENDER_LABELS,
    SCHOOL_TYPE_LABELS,
    target_group_text,
)
from app.spreadsheets.workbooks import BOLD, save, text_cell
from app.spreadsheets.workbooks import error_workbook as sheet_errors
from app.spreadsheets.workbooks import template_workbook as fields_template
from app.translation import N_, Translate, english, render

GENERAL_NOTE = N_(
    "A person with several jobs takes several rows with the same ID number; the other personal details may be "
    "filled in on the first row only. Your own sheet may be uploaded as it is: its columns are matched by name "
    "(the other accepted names are listed above) and you confirm the matching before anything is imported. The "
    "whole sheet is checked on import: if anything is wrong, nothing is imported and a copy with the errors "
    "marked can be downloaded. Importing again never duplicates a person.")


def error_workbook(result, translate: Translate = english) -> bytes:
    """The uploaded rows of a refused import with bad cells marked, plus a sheet listing every error."""
    header_row = result.layout.row_number if result.layout is not None else 1
    return sheet_errors(result.rows, result.errors, header_row=header_row, translate=translate)


def template_workbook(translate: Translate = english) -> bytes:
    """The import template: the Chinese header words offices use, one example row, drop-down lists, ID and
    phone columns as text, and the notes (in the language `translate` gives)."""
    return fields_template(N_("People details"), FIELDS, translate=translate, choices=CHOICES, general=GENERAL_NOTE)


EXPORT_HEADERS = (N_("Full name"), N_("ID type"), N_("ID number (masked)"), N_("Gender"), N_("Mobile number (masked)"),
                  N_("Education"), N_("School type"), N_("Speciality"), N_("Graduation date"), N_("Target groups"),
                  N_("Registered at"))


def export_people_workbook(people: Iterable[Person], translate: Translate = english) -> bytes:
    """A list of people for download, with masked ID and phone numbers only (nothing is decrypted)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(render(N_("People list"), translate))
    for index, size in enumerate((10, 16, 22, 6, 14, 12, 14, 16, 12, 30, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    sheet.append([text_cell(sheet, render(h, translate), font=BOLD) for h in EXPORT_HEADERS])
    for person in people:
        values = [
            person.name, ID_TYPE_LABELS.get(person.id_type, person.id_type), person.id_masked,
            GENDER_LABELS.get(person.gender or "", ""), person.phone_masked or "",
            EDUCATION_LABELS.get(person.education or "", ""), SCHOOL_TYPE_LABELS.get(person.school_type or "", ""),
            person.speciality or "", person.graduated_on, target_group_text(person.target_groups or []),
            person.created_at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M"),
        ]
        sheet.append([text_cell(sheet, render(v, translate)) for v in values])
    return save(book)
