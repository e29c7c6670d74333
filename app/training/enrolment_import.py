"""Enrolling a class from an Excel or CSV sheet (姓名, 证件类型, 证件号码): all rows or none.

The columns are named in the user's language on the template; a sheet with the Chinese or the English headers
is accepted either way. Row problems are `CellError`s whose message is marked, so the edge shows it translated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, RESIDENT
from app.people.import_columns import VOCABULARY as PEOPLE
from app.people.models import Person
from app.people.vocabulary import id_type_key
from app.spreadsheets import (
    CellError,
    Layout,
    SheetRow,
    Table,
    Vocabulary,
    data_rows,
    lay_out,
    simple_workbook,
)
from app.training.enrolments import active_count, enrol_found, find_registered_person, refusal_for
from app.training.models import Enrolment
from app.training.projects import class_for_change
from app.translation import N_, Translate, english, in_chinese, render

KIND = "enrolments"
MAX_ROWS = 1_000  # data rows per upload: a class, not a register
# The people import's words for name, ID type and number (姓名, 证件类型, 证件号码, 身份证号码 …).
FIELDS = tuple(PEOPLE.by_key[key] for key in ("name", "id_type", "id_number"))
VOCABULARY = Vocabulary(FIELDS)
COLUMNS = tuple(f.header for f in FIELDS)


def template_workbook(translate: Translate = english) -> bytes:
    """The enrolment sheet to fill in: headers and sheet name in the language `translate` gives, one example."""
    example = ("张三", render(ID_TYPE_LABELS[RESIDENT], translate), "11010519491231002X")
    return simple_workbook(render(N_("Enrolment list"), translate),
                           [render(f.label, translate) for f in FIELDS], [example], text_columns=[2])


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
    layout: Layout | None = None


def _person_for_row(session: Session, row: SheetRow, now: datetime, errors: list[CellError]) -> Person | None:
    id_type_text = row.text("id_type")
    id_type = _id_type(id_type_text) if id_type_text else RESIDENT
    if id_type is None:
        errors.append(row.error("id_type", N_("Unknown ID type “{id_type}”.", id_type=id_type_text)))
        return None
    try:
        return find_registered_person(session, name=row.text("name"), id_type=id_type,
                                      id_number=row.text("id_number"), now=now)
    except ValidationFailed as exc:
        errors.append(row.error(exc.field if exc.field in VOCABULARY.by_key else "id_number", exc.message))
        return None


def import_enrolments(
    session: Session, *, actor: User, now: datetime, class_id: int, table: Table,
    mapping: Mapping[str, str | None] | None = None, ignore_unmapped: bool = False,
) -> EnrolmentImport:
    """Check every row (registered, name matches, not duplicated, working age, capacity), then enrol all or none."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    outcome = EnrolmentImport()
    layout = outcome.layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    if layout.errors:
        outcome.errors = layout.errors
        return outcome
    found: list[tuple[int, SheetRow, Person]] = []
    seen: dict[int, int] = {}
    for row in data_rows(table, layout):
        person = _person_for_row(session, row, now, outcome.errors)
        if person is None:
            continue
        if person.id in seen:
            outcome.errors.append(row.error("id_number", N_("The same person as in row {row}.", row=seen[person.id])))
            continue
        seen[person.id] = row.number
        refusal = refusal_for(session, klass, person, taken=0)  # capacity is checked for the whole file below
        if refusal is not None:
            outcome.errors.append(row.error("id_number", refusal))
            continue
        found.append((row.number, row, person))
    if not found and not outcome.errors:
        raise ValidationFailed(N_("The file has no data rows."), field="file")
    taken = active_count(session, klass.id)
    room = max(klass.capacity - taken, 0)
    if len(found) > room:
        outcome.errors.append(found[room][1].error("name", N_(
            "Over the class capacity: the class holds {capacity} people, {taken} are enrolled and this file adds "
            "{adding}, {over} too many (from this row on).", capacity=klass.capacity, taken=taken,
            adding=len(found), over=len(found) - room)))
    if outcome.errors:
        outcome.errors.sort(key=lambda e: (e.row, e.col if e.col is not None else -1))
        return outcome
    outcome.enrolments = [enrol_found(session, actor=actor, now=now, klass=klass, person=p) for _n, _r, p in found]
    return outcome
