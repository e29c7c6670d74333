"""Enrolling a class from an Excel or CSV sheet (姓名, 证件类型, 证件号码): all rows or none."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed
from app.idnumbers import RESIDENT
from app.people.models import Person
from app.people.vocabulary import id_type_key
from app.spreadsheets import CellError, SheetRow, cell_text, require_headers
from app.training.enrolments import active_count, enrol_found, find_registered_person, refusal_for
from app.training.models import Enrolment
from app.training.projects import class_for_change

COLUMNS = ("姓名", "证件类型", "证件号码")
_FIELD_COLUMN = {"name": "姓名", "id_type": "证件类型", "id_number": "证件号码"}


@dataclass
class EnrolmentImport:
    """The enrolments made, or every problem found (then nothing was enrolled)."""

    enrolments: list[Enrolment] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def _person_for_row(session: Session, row: SheetRow, now: datetime, errors: list[CellError]) -> Person | None:
    values = {c: cell_text(row.values.get(c)) for c in COLUMNS}
    id_type = id_type_key(values["证件类型"]) if values["证件类型"] else RESIDENT
    if id_type is None:
        errors.append(CellError(row.number, "证件类型", f"不认识的证件类型“{values['证件类型']}”"))
        return None
    try:
        return find_registered_person(session, name=values["姓名"], id_type=id_type, id_number=values["证件号码"],
                                      now=now)
    except ValidationFailed as exc:
        errors.append(CellError(row.number, _FIELD_COLUMN.get(exc.field or "", "证件号码"), exc.message))
        return None


def import_enrolments(
    session: Session, *, actor: User, now: datetime, class_id: int, headers: list[str], rows: Iterable[SheetRow]
) -> EnrolmentImport:
    """Check every row (registered, name matches, not duplicated, working age, capacity), then enrol all or none."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    require_headers(headers, COLUMNS)
    outcome = EnrolmentImport()
    found: list[tuple[int, Person]] = []
    seen: dict[int, int] = {}
    for row in rows:
        person = _person_for_row(session, row, now, outcome.errors)
        if person is None:
            continue
        if person.id in seen:
            outcome.errors.append(CellError(row.number, "证件号码", f"与第 {seen[person.id]} 行是同一人"))
            continue
        seen[person.id] = row.number
        refusal = refusal_for(session, klass, person, taken=0)  # capacity is checked for the whole file below
        if refusal is not None:
            outcome.errors.append(CellError(row.number, "证件号码", refusal))
            continue
        found.append((row.number, person))
    if not found and not outcome.errors:
        raise ValidationFailed("文件中没有数据行", field="file")
    taken = active_count(session, klass.id)
    room = max(klass.capacity - taken, 0)
    if len(found) > room:
        first_over = found[room][0]
        outcome.errors.append(CellError(
            first_over, "姓名",
            f"超出班级容量：本班容量 {klass.capacity} 人，已报名 {taken} 人，本次 {len(found)} 人，"
            f"多出 {len(found) - room} 人（从本行起）"))
    if outcome.errors:
        outcome.errors.sort(key=lambda e: (e.row, e.column))
        return outcome
    outcome.enrolments = [enrol_found(session, actor=actor, now=now, klass=klass, person=p) for _n, p in found]
    return outcome
