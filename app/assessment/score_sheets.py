"""Score sheets: one column open for entry per user, and saves that change only the cells the user edited.

Each cell comes back with the value and version the page showed; a cell still holding that value was not
touched and is left alone, so two people saving the same sheet only meet on a cell both of them changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentSession
from app.assessment.result_models import Score
from app.assessment.scoring import (
    ABSENT,
    assignment_of,
    can_edit,
    clear_score,
    is_absent_word,
    mark_absent,
    panel_mean,
    require_open_for_scores,
    save_score,
    session_visible,
)
from app.assessment.staffing import mode_of, require_staffed
from app.assessment.vocabulary import MARKING_ROLES
from app.errors import Conflict, DomainError
from app.translation import N_, Message


@dataclass(frozen=True)
class CellInput:
    """One typed cell of a score sheet, with the value and version it was shown at.

    ``original`` is the value the page showed; a cell still holding it was not touched and is left alone, so a
    sheet saved over another examiner's newer marks never fails on cells this user did not change. ``absent`` is
    the cell's 缺考 box (ticked: the candidate did not sit, and no score may be typed with it).
    """

    score_id: int
    value: str
    version: int
    reason: str = ""
    original: str | None = None
    absent: bool = False


@dataclass(frozen=True)
class CellOutcome:
    """What happened to one cell: saved, cleared, unchanged, conflict or invalid, and the user's typed value.

    A conflict also carries the value now stored and who stored it, so the sheet can show both.
    """

    score_id: int
    status: str
    typed: str
    message: Message | str = ""
    current: str = ""
    current_by: str = ""


def save_sheet(session: Session, *, actor: User, now: datetime, sitting_id: int, cells: Sequence[CellInput]
               ) -> list[CellOutcome]:
    """Apply every changed cell of a sheet in the caller's transaction; refused cells are reported per row."""
    sitting = session_visible(session, actor=actor, sitting_id=sitting_id)
    require_open_for_scores(sitting)
    require_staffed(sitting)
    outcomes = []
    for cell in cells:
        score = session.get(Score, cell.score_id)
        typed = cell.value.strip()
        if score is None or score.session_id != sitting.id or not can_edit(sitting, score, actor):
            outcomes.append(CellOutcome(cell.score_id, "invalid", typed, N_("You may not enter this score.")))
            continue
        outcomes.append(_save_cell(session, actor=actor, now=now, score=score, cell=cell, typed=typed))
    return outcomes


def _untouched(cell: CellInput, typed: str) -> bool:
    """True when the cell still holds the value the page showed (compared as numbers where both are numbers)."""
    if cell.original is None:
        return False
    shown = cell.original.strip()
    if typed == shown:
        return True
    try:
        return Decimal(typed) == Decimal(shown)
    except InvalidOperation:
        return False


def _save_cell(session: Session, *, actor: User, now: datetime, score: Score, cell: CellInput, typed: str
               ) -> CellOutcome:
    if cell.absent and typed and not is_absent_word(typed):
        return CellOutcome(cell.score_id, "invalid", typed, N_("A score and absent exclude each other: clear the "
                                                               "score, or untick absent."))
    if cell.absent and not typed:
        typed = ABSENT  # the box ticked on an empty cell (a phone's number pad cannot type the word)
    if _untouched(cell, typed) or (not typed and score.value is None and not score.absent):
        return CellOutcome(cell.score_id, "unchanged", typed)
    before = score.version
    try:
        if is_absent_word(typed):
            mark_absent(session, actor=actor, now=now, score_id=score.id, expected_version=cell.version,
                        reason=cell.reason)
        elif typed:
            save_score(session, actor=actor, now=now, score_id=score.id, value=typed, expected_version=cell.version,
                       reason=cell.reason)
        else:
            clear_score(session, actor=actor, now=now, score_id=score.id, expected_version=cell.version,
                        reason=cell.reason)
    except Conflict as error:
        by = score.updated_by.display_name if score.updated_by else ""
        now_shown = ABSENT if score.absent else "" if score.value is None else str(score.value)
        return CellOutcome(cell.score_id, "conflict", typed, error.message, now_shown, by)
    except DomainError as error:
        return CellOutcome(cell.score_id, "invalid", typed, error.message)
    if score.version == before:
        return CellOutcome(cell.score_id, "unchanged", typed)
    return CellOutcome(cell.score_id, "absent" if is_absent_word(typed) else "saved" if typed else "cleared", typed)


@dataclass(frozen=True)
class SheetRow:
    """One candidate's line on a score sheet: their cells in column order and the component score so far."""

    registration_id: int
    ticket_number: str
    name: str
    cells: tuple[Score, ...]
    mean: Decimal | None


@dataclass(frozen=True)
class Sheet:
    """A session's score sheet as the actor sees it: columns (markers, or None for one score) and rows.

    ``entering`` is the one column being entered (a marker, or None for the single score column); only its
    cells are editable, so the page's tab order runs down that column. ``choosable`` lists the columns the
    actor may switch to (the 考评组长: their team's), ``on_behalf`` says whether a reason is then required.
    """

    sitting: AssessmentSession
    columns: tuple[User | None, ...]
    editable: frozenset[int]
    rows: tuple[SheetRow, ...]
    entering: User | None = None
    choosable: tuple[User, ...] = ()
    on_behalf: bool = False

    @property
    def entering_index(self) -> int | None:
        """The position of the column being entered, or None when the actor enters nothing."""
        if not self.editable:
            return None
        return self.columns.index(self.entering)


def _chosen_column(sitting: AssessmentSession, actor: User, markers: list[User], column: int | None
                   ) -> tuple[User | None, tuple[User, ...]]:
    """The column to enter: the one asked for if the actor may enter it, else their own (or none)."""
    held = assignment_of(sitting, actor)
    choosable = tuple(markers) if held is not None and held.role == "leader" else ()
    by_id = {m.id: m for m in markers}
    if column in by_id and (by_id[column] in choosable or column == actor.id):
        return by_id[column], choosable
    return by_id.get(actor.id), choosable


def score_sheet(session: Session, *, actor: User, sitting_id: int, column: int | None = None) -> Sheet:
    """The sheet of a session with one column open for entry: the actor's own, or the panel member chosen."""
    sitting = session_visible(session, actor=actor, sitting_id=sitting_id)
    markers = [a.user for a in sitting.assignments if a.role in MARKING_ROLES]
    invigilated = mode_of(sitting) == "invigilated"
    columns: list[User | None] = [None] if invigilated else markers
    entering, choosable = (None, ()) if invigilated else _chosen_column(sitting, actor, markers, column)
    scores = list(session.scalars(select(Score).where(Score.session_id == sitting.id)))
    by_cell = {(s.registration_id, s.marker_id): s for s in scores}
    rows = []
    for candidate in sorted(sitting.candidates, key=lambda c: (c.registration.ticket_number or "", c.id)):
        reg = candidate.registration
        cells = tuple(by_cell[(reg.id, col.id if col else None)] for col in columns
                      if (reg.id, col.id if col else None) in by_cell)
        mean = panel_mean([c.value for c in cells]) if len(cells) == len(columns) else None
        rows.append(SheetRow(reg.id, reg.ticket_number or "", reg.person.name, cells, mean))
    wanted = entering.id if entering else None
    editable = frozenset(s.id for s in scores if s.marker_id == wanted and can_edit(sitting, s, actor)
                         and (wanted is not None or invigilated))
    return Sheet(sitting, tuple(columns), editable, tuple(rows), entering, choosable,
                 entering is not None and entering.id != actor.id)
