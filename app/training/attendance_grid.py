"""Attendance at class scale: many sessions' marks checked together and saved all or none (grid and sheet).

A mark is a word typed in a cell, the same on the week grid and the sign-in sheet: 到 √ 1 出勤 (present),
缺 × 0 缺勤 (absent), or a number, the hours attended (late or left early; the session's full hours count as
present). A blank cell records nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.clock import local_date
from app.errors import ValidationFailed
from app.training.attendance import OPEN_STATES, AttendanceMark, checked_hours, record_attendance
from app.training.models import Attendance, ClassSession, Enrolment, TrainingClass
from app.training.progress import hours_text
from app.training.projects import class_for_change, get_class
from app.training.vocabulary import ENROLMENT_STATUSES, LEFT
from app.translation import N_, Message

PRESENT_WORDS = ("到", "√", "✓", "✔", "1", "出勤", "present", "p")
ABSENT_WORDS = ("缺", "×", "✗", "x", "0", "缺勤", "absent", "a")
Key = tuple[int, int]  # (session id, enrolment id)


@dataclass(frozen=True)
class Cell:
    """What was typed for one trainee in one session."""

    session_id: int
    enrolment_id: int
    text: str


class MarksRefused(ValidationFailed):
    """Some cells are wrong: nothing was saved; `problems` names each by session and trainee."""

    def __init__(self, problems: dict[Key, Message]) -> None:
        super().__init__(N_("Nothing was saved. Marks to correct: {n} (listed below).", n=len(problems)), field="grid")
        self.problems = problems


def mark_for(text: str, row: ClassSession) -> AttendanceMark | None:
    """The mark a typed word stands for (enrolment id 0), None for a blank; a ValueError for an unknown word."""
    word = text.strip().lower()
    if not word:
        return None
    if word in PRESENT_WORDS:
        return AttendanceMark(0, "present")
    if word in ABSENT_WORDS:
        return AttendanceMark(0, "absent")
    try:
        hours = Decimal(word.removesuffix("h").strip())
    except InvalidOperation as exc:
        raise ValueError(word) from exc
    if not hours.is_finite():
        raise ValueError(word)
    return AttendanceMark(0, "present" if hours == row.hours else "late", hours)


def mark_text(record: Attendance | None) -> str:
    """A recorded mark as it is shown in a cell: √, × or the hours attended."""
    if record is None:
        return ""
    return {"present": "√", "absent": "×"}.get(record.status) or hours_text(record.hours)


def session_label(row: ClassSession) -> str:
    """A session as people name it: date and start time."""
    return f"{row.session_date.isoformat()} {row.start_time.strftime('%H:%M')}"


def _cell_problem(cell: Cell, row: ClassSession | None, enrolment: Enrolment | None, today: date,
                  marks: dict[int, list[AttendanceMark]], recorded: dict[Key, tuple[str, Decimal]]) -> Message | None:
    if row is None:
        return N_("The session is not one of this class's.")
    if enrolment is None:
        return N_("The trainee is not in this class.")
    name = enrolment.person.name
    try:
        mark = mark_for(cell.text, row)
    except ValueError:
        return N_("{name}: “{text}” is not an attendance mark. Use 到 or 1 (present), 缺 or 0 (absent), or the hours "
                  "attended.", name=name, text=cell.text.strip())
    if mark is None:
        return None
    if row.session_date > today:
        return N_("{name}: the session has not come yet, so attendance cannot be recorded.", name=name)
    mark = AttendanceMark(enrolment.id, mark.status, mark.hours)
    try:
        hours = checked_hours(mark, row, name)
    except ValidationFailed as error:
        return error.message
    if enrolment.status not in OPEN_STATES:
        if recorded.get((row.id, enrolment.id)) == (mark.status, hours):
            return None  # a sheet downloaded before the trainee completed repeats what is on record
        return N_("{name} is {status}: attendance can no longer be changed.", name=name,
                  status=ENROLMENT_STATUSES[enrolment.status])
    marks.setdefault(row.id, []).append(mark)
    return None


def record_marks(session: Session, *, actor: User, now: datetime, class_id: int, cells: Iterable[Cell],
                 method: str = "staff") -> int:
    """Check every cell, then record each session's marks; any wrong cell refuses all (MarksRefused). Returns
    the number of marks recorded."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    rows = {s.id: s for s in klass.sessions}
    enrolments = {e.id: e for e in klass.enrolments}
    today = local_date(now)
    marks: dict[int, list[AttendanceMark]] = {}
    problems: dict[Key, Message] = {}
    recorded = {(a.session_id, a.enrolment_id): (a.status, a.hours) for a in session.scalars(
        select(Attendance).join(Enrolment).where(Enrolment.class_id == klass.id, Enrolment.status == "completed"))}
    for cell in cells:
        row = rows.get(cell.session_id)
        problem = _cell_problem(cell, row, enrolments.get(cell.enrolment_id), today, marks, recorded)
        if problem is not None:
            where = session_label(row) if row is not None else str(cell.session_id)
            problems[(cell.session_id, cell.enrolment_id)] = N_("{session} · {problem}", session=where,
                                                                problem=problem)
    if problems:
        raise MarksRefused(problems)
    if not marks:
        raise ValidationFailed(N_("No attendance was entered."), field="grid")
    for session_id in sorted(marks, key=lambda sid: (rows[sid].session_date, rows[sid].start_time)):
        record_attendance(session, actor=actor, now=now, session_id=session_id, marks=marks[session_id],
                          method=method)
    return sum(len(m) for m in marks.values())


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class WeekGrid:
    """A class's trainees × the sessions of one week, with what was recorded."""

    training_class: TrainingClass
    monday: date
    sessions: list[ClassSession]
    trainees: list[Enrolment]
    records: dict[Key, Attendance]

    def text(self, session_id: int, enrolment_id: int) -> str:
        """The cell as recorded."""
        return mark_text(self.records.get((session_id, enrolment_id)))


def week_grid(session: Session, *, actor: User, class_id: int, week_of: date) -> WeekGrid:
    """The week's sessions of a class (Monday to Sunday), its trainees (who have not left) and their records."""
    klass = get_class(session, actor=actor, class_id=class_id)
    monday = week_start(week_of)
    rows = sorted((s for s in klass.sessions if monday <= s.session_date < monday + timedelta(days=7)),
                  key=lambda s: (s.session_date, s.start_time))
    records: dict[Key, Attendance] = {}
    if rows:
        stmt = select(Attendance).where(Attendance.session_id.in_([s.id for s in rows]))
        records = {(a.session_id, a.enrolment_id): a for a in session.scalars(stmt)}
    trainees = [e for e in klass.enrolments if e.status not in LEFT]
    return WeekGrid(klass, monday, rows, trainees, records)


def grid_cells(grid: WeekGrid, typed: dict[Key, str], all_present: Sequence[int]) -> list[Cell]:
    """The cells of a posted grid: what was typed; a blank cell of an "all present" session counts as present."""
    cells = []
    for row in grid.sessions:
        for enrolment in grid.trainees:
            text = typed.get((row.id, enrolment.id), "")
            if not text.strip() and row.id in all_present and enrolment.status in OPEN_STATES:
                text = "1"
            cells.append(Cell(row.id, enrolment.id, text))
    return cells
