"""Enrolling a class from an Excel or CSV sheet (姓名, 证件类型, 证件号码): all rows or none.

The columns are named in the user's language on the template; a sheet with the Chinese or the English headers
is accepted either way. Row problems are `CellError`s whose message is marked, so the edge shows it translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, RESIDENT
from app.people.models import Person
from app.people.vocabulary import id_type_key
from app.spreadsheets import (
    CellError,
    SheetRow,
    cell_text,
    normalise_header,
    require_headers,
    simple_workbook,
)
from app.training.enrolments import active_count, enrol_found, find_registered_person, refusal_for
from app.training.models import Enrolment
from app.training.projects import class_for_change
from app.translation import N_, Message, Translate, english, in_chinese, render

# The sheet's columns by field, with their marked headers.
COLUMN_LABELS: dict[str, Message] = {"name": N_("Full name"), "id_type": N_("ID type"), "id_number": N_("ID number")}
COLUMNS = tuple(in_chinese(label) for label in COLUMN_LABELS.values())  # the Chinese headers: 姓名, 证件类型, 证件号码



def template_workbook(translate: Translate = english) -> bytes:
    """The enrolment sheet to fill in: headers and sheet name in the language `translate` gives, one example."""
    example = ("张三", render(ID_TYPE_LABELS[RESIDENT], translate), "11010519491231002X")
    return simple_workbook(render(N_("Enrolment list"), translate),
                           [render(label, translate) for label in COLUMN_LABELS.values()], [example],
                           text_columns=[2])


def _header_names(headers: list[str]) -> dict[str, str]:
    """Each column field and the header the sheet uses for it (Chinese or English), or its Chinese header."""
    found = {}
    for key, label in COLUMN_LABELS.items():
        names = {normalise_header(in_chinese(label)), normalise_header(str(label))}
        found[key] = next((h for h in headers if h in names), in_chinese(label))
    return found


def _id_type(text: str) -> str | None:
    for key, label in ID_TYPE_LABELS.items():
        if text in (str(label), in_chinese(label)):
            return key
    return id_type_key(text)


@dataclass
class EnrolmentImport:
    """The enrolments made, or every problem found (then nothing was enrolled)."""

    enrolments: list[Enrolment] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def _person_for_row(session: Session, row: SheetRow, now: datetime, columns: dict[str, str],
                    errors: list[CellError]) -> Person | None:
    values = {key: cell_text(row.values.get(header)) for key, header in columns.items()}
    id_type = _id_type(values["id_type"]) if values["id_type"] else RESIDENT
    if id_type is None:
        errors.append(CellError(row.number, columns["id_type"],
                                N_("Unknown ID type “{id_type}”.", id_type=values["id_type"])))
        return None
    try:
        return find_registered_person(session, name=values["name"], id_type=id_type, id_number=values["id_number"],
                                      now=now)
    except ValidationFailed as exc:
        errors.append(CellError(row.number, columns.get(exc.field or "", columns["id_number"]), exc.message))
        return None


def import_enrolments(
    session: Session, *, actor: User, now: datetime, class_id: int, headers: list[str], rows: Iterable[SheetRow]
) -> EnrolmentImport:
    """Check every row (registered, name matches, not duplicated, working age, capacity), then enrol all or none."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    columns = _header_names(headers)
    require_headers(headers, list(columns.values()))
    outcome = EnrolmentImport()
    found: list[tuple[int, Person]] = []
    seen: dict[int, int] = {}
    for row in rows:
        person = _person_for_row(session, row, now, columns, outcome.errors)
        if person is None:
            continue
        if person.id in seen:
            outcome.errors.append(CellError(row.number, columns["id_number"],
                                            N_("The same person as in row {row}.", row=seen[person.id])))
            continue
        seen[person.id] = row.number
        refusal = refusal_for(session, klass, person, taken=0)  # capacity is checked for the whole file below
        if refusal is not None:
            outcome.errors.append(CellError(row.number, columns["id_number"], refusal))
            continue
        found.append((row.number, person))
    if not found and not outcome.errors:
        raise ValidationFailed(N_("The file has no data rows."), field="file")
    taken = active_count(session, klass.id)
    room = max(klass.capacity - taken, 0)
    if len(found) > room:
        first_over = found[room][0]
        outcome.errors.append(CellError(first_over, columns["name"], N_(
            "Over the class capacity: the class holds {capacity} people, {taken} are enrolled and this file adds "
            "{adding}, {over} too many (from this row on).", capacity=klass.capacity, taken=taken,
            adding=len(found), over=len(found) - room)))
    if outcome.errors:
        outcome.errors.sort(key=lambda e: (e.row, e.column))
        return outcome
    outcome.enrolments = [enrol_found(session, actor=actor, now=now, klass=klass, person=p) for _n, p in found]
    return outcome
