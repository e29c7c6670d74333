"""A class's Excel sign-in sheet: trainees × sessions to print or fill in, read back all or nothing.

Columns: 姓名, 证件号码 (masked as on screen, 2101**********1234: the sheet is printed and passed round), then
one per session headed "2026-12-01 08:30". Cells take the marks of `attendance_grid` (到 √ 1 出勤, 缺 × 0 缺勤,
or the hours attended). Rows are found by name and the last four characters of the ID number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed
from app.spreadsheets import CellError, Table, cell_text, is_blank_row, simple_workbook
from app.training.attendance_grid import Cell, MarksRefused, mark_text, record_marks, session_label
from app.training.models import Attendance, ClassSession, Enrolment
from app.training.projects import class_for_change, get_class
from app.training.vocabulary import LEFT
from app.translation import N_

KIND = "sign_in_sheet"
MAX_ROWS = 1_000
NAME_HEADERS = ("姓名", "full name", "name")
ID_HEADERS = ("证件号码", "证件号码后四位", "身份证号码", "id number", "id number (last 4)")


def _last4(enrolment: Enrolment) -> str:
    return enrolment.person.id_masked[-4:].upper()


def sheet_workbook(session: Session, *, actor: User, class_id: int) -> bytes:
    """The sign-in sheet of a class: one row per trainee who has not left, one column per session, marks recorded."""
    klass = get_class(session, actor=actor, class_id=class_id)
    rows = sorted(klass.sessions, key=lambda s: (s.session_date, s.start_time))
    recorded = {(a.session_id, a.enrolment_id): a for a in session.scalars(
        select(Attendance).where(Attendance.session_id.in_([s.id for s in rows])))} if rows else {}
    lines = [[e.person.name, e.person.id_masked, *(mark_text(recorded.get((s.id, e.id))) for s in rows)]
             for e in klass.enrolments if e.status not in LEFT]
    return simple_workbook("签到表", ["姓名", "证件号码", *(session_label(s) for s in rows)], lines,
                           text_columns=list(range(1, 2 + len(rows))))


@dataclass
class SheetOutcome:
    """The marks recorded, or every problem found (then nothing was recorded)."""

    count: int = 0
    errors: list[CellError] = field(default_factory=list)


def _header_index(headers: list[str], words: tuple[str, ...]) -> int | None:
    for index, header in enumerate(headers):
        if header.strip().lower() in words:
            return index
    return None


def _session_columns(headers: list[str], rows: dict[str, ClassSession], outcome: SheetOutcome,
                     skip: set[int]) -> dict[int, ClassSession]:
    columns = {}
    for index, header in enumerate(headers):
        if index in skip or not header.strip():
            continue
        row = rows.get(header.strip()[:16])
        if row is None:
            outcome.errors.append(CellError(1, header, N_(
                "“{header}” is not a session of this class (a session column is headed with its date and start "
                "time, as 2026-12-01 08:30).", header=header), index))
        else:
            columns[index] = row
    return columns


def import_sign_in_sheet(session: Session, *, actor: User, now: datetime, class_id: int,
                         table: Table) -> SheetOutcome:
    """Record every mark of an uploaded sign-in sheet (method "sheet"), or none, with every problem listed."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    outcome = SheetOutcome()
    if not table.rows:
        raise ValidationFailed(N_("The file has no data rows."), field="file")
    headers = [_header_text(v) for v in table.rows[0]]
    name_col, id_col = _header_index(headers, NAME_HEADERS), _header_index(headers, ID_HEADERS)
    if name_col is None or id_col is None:
        outcome.errors.append(CellError(1, "", N_("The first row must have the columns 姓名 and 证件号码.")))
        return outcome
    columns = _session_columns(headers, {session_label(s): s for s in klass.sessions}, outcome, {name_col, id_col})
    people = {}
    for e in klass.enrolments:
        people.setdefault((e.person.name, _last4(e)), []).append(e)
    cells, where = [], {}
    for number, values in enumerate(table.rows[1:], start=2):
        if is_blank_row(values):
            continue
        name = cell_text(values[name_col]) if name_col < len(values) else ""
        id_text = cell_text(values[id_col]) if id_col < len(values) else ""
        found = people.get((name, id_text[-4:].upper()), [])
        if len(found) != 1:
            message = (N_("{name} ({id}) is not a trainee of this class.", name=name, id=id_text) if not found
                       else N_("{name} ({id}) matches more than one trainee of this class.", name=name, id=id_text))
            outcome.errors.append(CellError(number, headers[name_col], message, name_col))
            continue
        for index, row in columns.items():
            text = cell_text(values[index]) if index < len(values) else ""
            cells.append(Cell(row.id, found[0].id, text))
            where[(row.id, found[0].id)] = (number, index)
    if outcome.errors:
        return outcome
    try:
        outcome.count = record_marks(session, actor=actor, now=now, class_id=klass.id, cells=cells, method="sheet")
    except MarksRefused as refused:
        for key, message in refused.problems.items():
            number, index = where[key]
            outcome.errors.append(CellError(number, headers[index], message, index))
        outcome.errors.sort(key=lambda e: (e.row, e.col if e.col is not None else -1))
    return outcome


def _header_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return cell_text(value)
