"""Blind, independent marking: each judge saves their own sheet; nobody sees another judge's mark of a
competitor's aspect until every judge has marked it. Each saved mark is an append-only event (corrections with a
reason); a stale edit is refused as in assessment score entry (compare-and-set on the cell's version). When the
judgement marks of an aspect spread beyond the event's threshold it is flagged: the chief judge asks for
re-marking (resolved when the judges' corrections bring the spread within the threshold) or records a decision.
The chief judge's sign-off locks the event.

Fast path (house rule 10): a whole sheet is read with one query and written with one compare-and-set UPDATE per
changed cell and one multi-row INSERT of mark events; bench/competition_marking.py measures a 480-cell sheet
(40 competitors × 12 aspects) at well under its 200 ms p95 target on SQLite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.scope import check_reason
from app.audit.services import record_event
from app.competitions.events import get_event
from app.competitions.judges import chief_of, markers_of
from app.competitions.models import CompetitionEvent, Mark, MarkEvent, SchemeAspect, SpreadFlag
from app.competitions.results import compute_results
from app.competitions.scheme import aspects_of, check_mark
from app.competitions.vocabulary import OPEN_FLAGS
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import CLAUSE_SEPARATOR, N_, joined


@dataclass(frozen=True)
class CellInput:
    """One typed mark of a sheet: the cell, the text typed ("" leaves it alone) and the version the judge saw."""

    mark_id: int
    value: str
    expected_version: int


def require_marking(event: CompetitionEvent) -> None:
    """Refuse marks unless the event is being marked."""
    if event.status in ("signed_off", "published", "final"):
        raise InvalidTransition(N_("The chief judge has signed {event} off: its marks are locked.", event=event.name),
                                field="marks")
    if event.status != "marking":
        raise InvalidTransition(N_("Marking of {event} has not opened.", event=event.name), field="marks")


def event_for_judge(session: Session, *, actor: User, event_id: int) -> CompetitionEvent:
    """The event, when the actor judges it (NotFound otherwise, so events stay private to their judges)."""
    event = session.get(CompetitionEvent, event_id)
    if event is None or not any(j.user_id == actor.id for j in event.judges):
        raise NotFound(N_("The event does not exist or you do not judge it."))
    return event


def parse_mark(text: str, *, field: str) -> Decimal:
    """A typed mark as a number."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValidationFailed(N_('"{value}" is not a mark.', value=text), field=field) from None
    if not value.is_finite():
        raise ValidationFailed(N_('"{value}" is not a mark.', value=text), field=field)
    return value


def save_sheet(session: Session, *, actor: User, now: datetime, event_id: int, cells: Sequence[CellInput],
               reason: str | None = None) -> int:
    """Save the judge's own marks from the versions they saw; all or nothing. Returns how many changed."""
    event = event_for_judge(session, actor=actor, event_id=event_id)
    require_marking(event)
    aspects = {a.id: a for a in aspects_of(event)}
    own = {row.id: row for row in session.execute(
        select(Mark.id, Mark.entry_id, Mark.aspect_id, Mark.value, Mark.version)
        .where(Mark.event_id == event.id, Mark.judge_id == actor.id))}
    changes, problems = [], []
    for cell in cells:
        if not str(cell.value).strip():
            continue
        row = own.get(cell.mark_id)
        if row is None:
            raise NotAllowed(N_("You may only enter your own marks."))
        field = f"mark-{cell.mark_id}"
        try:
            value = check_mark(aspects[row.aspect_id], parse_mark(str(cell.value), field=field), field=field)
        except ValidationFailed as refused:
            if refused.message not in problems:  # the same wrong mark typed for many competitors: say it once
                problems.append(refused.message)
            continue
        if row.version != cell.expected_version:
            raise Conflict(N_("A mark of {aspect} was changed meanwhile (now version {version}; you opened version "
                              "{expected}): reload the sheet and save again.", aspect=aspects[row.aspect_id].code,
                              version=row.version, expected=cell.expected_version), field=field)
        if row.value is not None and row.value == value:
            continue
        changes.append((row, value))
    if problems:
        raise ValidationFailed(N_("Nothing was saved: {problems}", problems=joined(problems, CLAUSE_SEPARATOR)),
                               field="marks")
    if not changes:
        return 0
    why = check_reason(reason, what=N_("the reason for the correction")) if any(
        row.value is not None for row, _v in changes) else None
    _write(session, actor=actor, now=now, changes=changes, reason=why)
    record_event(session, actor=actor, now=now, action="competition.marks_saved", object_type="competition_event",
                 object_id=event.id, new={"changed": len(changes),
                                          "corrections": sum(1 for row, _v in changes if row.value is not None)},
                 note=why)
    review_spreads(session, now=now, event=event, groups={(row.entry_id, row.aspect_id) for row, _v in changes})
    return len(changes)


def _write(session: Session, *, actor: User, now: datetime, changes: list, reason: str | None) -> None:
    """Compare-and-set each changed cell from the version the judge saw, then append the mark events."""
    statement = (update(Mark.__table__).where(Mark.__table__.c.id == bindparam("b_id"),
                                              Mark.__table__.c.version == bindparam("b_version"))
                 .values(value=bindparam("b_value"), version=bindparam("b_version") + 1, updated_at=now))
    connection = session.connection()
    params = [{"b_id": row.id, "b_version": row.version, "b_value": value} for row, value in changes]
    # One executemany where the driver reports the summed row count (SQLite, psycopg): fewer rows than cells means
    # some cell moved on since the judge opened the sheet, and the caller's rollback undoes the whole save.
    batches = [params] if connection.dialect.supports_sane_multi_rowcount else [[p] for p in params]
    for batch in batches:
        if connection.execute(statement, batch).rowcount != len(batch):
            raise Conflict(N_("A mark was changed meanwhile by another save: reload the sheet and save again."),
                           field="marks")
    connection.execute(insert(MarkEvent.__table__), [
        {"mark_id": row.id, "kind": "entry" if row.value is None else "correction", "old_value": row.value,
         "new_value": value, "version": row.version + 1, "reason": None if row.value is None else reason,
         "actor_id": actor.id, "at": now} for row, value in changes])


def _spread_groups(session: Session, event: CompetitionEvent, groups: set[tuple[int, int]]):
    """Marks per (entry, aspect) for the given judgement groups."""
    marks: dict[tuple[int, int], list] = defaultdict(list)
    entry_ids = {g[0] for g in groups}
    for entry_id, aspect_id, value in session.execute(select(Mark.entry_id, Mark.aspect_id, Mark.value).where(
            Mark.event_id == event.id, Mark.entry_id.in_(entry_ids))):
        if (entry_id, aspect_id) in groups:
            marks[(entry_id, aspect_id)].append(value)
    return marks


def review_spreads(session: Session, *, now: datetime, event: CompetitionEvent, groups: set[tuple[int, int]]) -> None:
    """Raise a flag where a fully marked judgement aspect spreads beyond the threshold; resolve a flag whose
    re-marks came back within it."""
    judgement = {a.id for a in aspects_of(event) if a.kind == "judgement"}
    groups = {g for g in groups if g[1] in judgement}
    if not groups:
        return
    flags = {(f.entry_id, f.aspect_id): f for f in session.scalars(select(SpreadFlag).where(
        SpreadFlag.event_id == event.id, SpreadFlag.entry_id.in_({g[0] for g in groups})))}
    for group, values in _spread_groups(session, event, groups).items():
        if any(v is None for v in values):
            continue
        spread = max(values) - min(values)
        flag = flags.get(group)
        if spread > event.spread_threshold:
            if flag is None:
                session.add(SpreadFlag(event_id=event.id, entry_id=group[0], aspect_id=group[1], spread=spread,
                                       status="open", raised_at=now))
            elif flag.status in OPEN_FLAGS:
                flag.spread = spread
        elif flag is not None and flag.status in OPEN_FLAGS:
            flag.spread, flag.status, flag.resolved_at = spread, "resolved_remark", now
    session.flush()


@dataclass(frozen=True)
class SheetCell:
    """One cell of a judge's sheet: their own mark and, once all judges have marked, everyone's."""

    mark_id: int
    entry_id: int
    aspect_id: int
    value: Decimal | None
    version: int
    others: tuple[Decimal, ...] | None  # None while hidden (blind marking)


def judge_sheet(session: Session, *, actor: User, event_id: int) -> list[SheetCell]:
    """The judge's own cells; other judges' marks show only for aspects every judge has marked."""
    event = event_for_judge(session, actor=actor, event_id=event_id)
    rows = session.execute(select(Mark.id, Mark.entry_id, Mark.aspect_id, Mark.judge_id, Mark.value, Mark.version)
                           .where(Mark.event_id == event.id)).all()
    groups: dict[tuple[int, int], list] = defaultdict(list)
    for row in rows:
        groups[(row.entry_id, row.aspect_id)].append(row)
    cells = []
    for row in rows:
        if row.judge_id != actor.id:
            continue
        group = groups[(row.entry_id, row.aspect_id)]
        complete = all(r.value is not None for r in group)
        others = tuple(r.value for r in group if r.judge_id != actor.id) if complete else None
        cells.append(SheetCell(row.id, row.entry_id, row.aspect_id, row.value, row.version, others))
    return sorted(cells, key=lambda c: (c.entry_id, c.aspect_id))


def _chief_flag(session: Session, actor: User, flag_id: int) -> tuple[SpreadFlag, CompetitionEvent]:
    flag = session.get(SpreadFlag, flag_id)
    if flag is None:
        raise NotFound(N_("The flag does not exist."))
    event = get_event(session, flag.event_id)
    chief = chief_of(event)
    if chief is None or chief.user_id != actor.id:
        raise NotAllowed(N_("Only the chief judge of this event decides a spread flag."))
    require_marking(event)
    if flag.status not in OPEN_FLAGS:
        raise InvalidTransition(N_("This flag is already resolved."), field="flag")
    return flag, event


def request_remark(session: Session, *, actor: User, now: datetime, flag_id: int) -> SpreadFlag:
    """The chief judge sends a flagged aspect back to its judges for re-marking."""
    flag, event = _chief_flag(session, actor, flag_id)
    old = flag.status
    flag.status = "remarking"
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_flag.remark", object_type="competition_event",
                 object_id=event.id, old={"flag": flag.id, "status": old}, new={"status": "remarking"})
    return flag


def decide_flag(session: Session, *, actor: User, now: datetime, flag_id: int, value: str,
                reason: str | None) -> SpreadFlag:
    """The chief judge records the aspect's mark for this competitor, with a reason."""
    flag, event = _chief_flag(session, actor, flag_id)
    aspect = session.get(SchemeAspect, flag.aspect_id)
    mark = check_mark(aspect, parse_mark(value, field="value"), field="value")
    why = check_reason(reason, what=N_("the reason for the decision"))
    flag.status, flag.decision_value, flag.reason = "decided", mark, why
    flag.resolved_at, flag.resolved_by_id = now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_flag.decide", object_type="competition_event",
                 object_id=event.id, new={"flag": flag.id, "value": str(mark)}, note=why)
    return flag


def open_flags(session: Session, *, event_id: int) -> list[SpreadFlag]:
    """Flags still waiting for re-marking or a decision."""
    return list(session.scalars(select(SpreadFlag).where(SpreadFlag.event_id == event_id,
                                                         SpreadFlag.status.in_(OPEN_FLAGS)).order_by(SpreadFlag.id)))


def sign_off(session: Session, *, actor: User, now: datetime, event_id: int) -> CompetitionEvent:
    """The chief judge signs the marking off: every cell marked, no flag open; results are computed and locked."""
    event = event_for_judge(session, actor=actor, event_id=event_id)
    chief = chief_of(event)
    if chief is None or chief.user_id != actor.id:
        raise NotAllowed(N_("Only the chief judge signs the marking off."))
    require_marking(event)
    missing = session.execute(select(Mark.judge_id).where(Mark.event_id == event.id, Mark.value.is_(None))).all()
    problems = []
    if missing:
        names = {j.user_id: j.user.display_name for j in markers_of(event)}
        problems.append(N_("{count} marks are missing (from {judges})", count=len(missing),
                           judges=joined(sorted({names[m.judge_id] for m in missing}))))
    flags = open_flags(session, event_id=event.id)
    if flags:
        problems.append(N_("{count} spread flags wait for re-marking or a decision", count=len(flags)))
    if problems:
        raise InvalidTransition(N_("The marking cannot be signed off: {problems}.",
                                   problems=joined(problems, CLAUSE_SEPARATOR)), field="sign_off")
    computed = compute_results(session, event=event)
    event.status, event.signed_off_at, event.signed_off_by_id = "signed_off", now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.sign_off", object_type="competition_event",
                 object_id=event.id, old={"status": "marking"}, new={"status": "signed_off", "results": computed})
    return event
