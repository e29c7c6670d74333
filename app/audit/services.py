"""Writing and reading the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.clock import LOCAL_ZONE

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000  # rows one export holds at most (newest first); a narrower filter gets the rest
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Actor(Protocol):
    """What the audit log needs to know about whoever acted."""

    id: int
    username: str
    organisation_id: int


def record_event(
    session: Session,
    *,
    actor: Actor | None,
    now: datetime,
    action: str,
    object_type: str,
    object_id: Any = None,
    old: dict | None = None,
    new: dict | None = None,
    note: str | None = None,
) -> AuditEvent:
    """Append one audit event; the caller's transaction commits it with the change itself."""
    event = AuditEvent(
        at=now,
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        organisation_id=actor.organisation_id if actor else None,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        old_value=old,
        new_value=new,
        note=note,
    )
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class EventRow:
    """One audit event to append with record_events, made in the name of someone who is not a user (e.g. a
    trainee's own sign-in): the name stands in for the actor."""

    action: str
    object_type: str
    object_id: Any
    old: dict | None
    new: dict | None
    note: str | None = None


_APPEND = AuditEvent.__table__.insert()


def record_events(session: Session, *, actor_name: str, now: datetime, events: list[EventRow]) -> None:
    """Append events in one statement, through the session's connection and without ORM objects: for hot paths
    (fifty trainees signing in within seconds, bench/sign_in.py). The caller's transaction commits them."""
    session.connection().execute(_APPEND, [
        {"at": now, "actor_id": None, "actor_name": actor_name, "organisation_id": None, "action": e.action,
         "object_type": e.object_type, "object_id": None if e.object_id is None else str(e.object_id),
         "old_value": e.old, "new_value": e.new, "note": e.note} for e in events])


NEWEST_FIRST = (AuditEvent.at.desc(), AuditEvent.id.desc())


def list_events(
    session: Session, *, object_type: str | None = None, object_id: Any = None, limit: int = 200
) -> list[AuditEvent]:
    """Most recent events first (by time, then id), optionally for one object."""
    stmt = select(AuditEvent).order_by(*NEWEST_FIRST).limit(limit)
    if object_type:
        stmt = stmt.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == str(object_id))
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to; None means any. Dates are days of the Beijing calendar, inclusive."""

    actor_name: str | None = None
    organisation_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions of this filter."""
        found: list[ColumnElement[bool]] = []
        if self.actor_name:
            found.append(AuditEvent.actor_name == self.actor_name)
        if self.organisation_id is not None:
            found.append(AuditEvent.organisation_id == self.organisation_id)
        if self.action:
            found.append(AuditEvent.action == self.action)
        if self.object_type:
            found.append(AuditEvent.object_type == self.object_type)
        if self.object_id:
            found.append(AuditEvent.object_id == self.object_id)
        if self.date_from:
            found.append(AuditEvent.at >= local_midnight(self.date_from))
        if self.date_to:
            found.append(AuditEvent.at < local_midnight(self.date_to + timedelta(days=1)))
        return found


def local_midnight(day: date) -> datetime:
    """The UTC instant a day of the Beijing calendar begins."""
    return datetime.combine(day, time(), tzinfo=LOCAL_ZONE).astimezone(UTC)


@dataclass(frozen=True)
class Cursor:
    """A position in the log, newest first: the (time, id) of one event. Written as "<µs since 1970>-<id>"."""

    at: datetime
    id: int

    @classmethod
    def of(cls, event: AuditEvent) -> Cursor:
        return cls(event.at, event.id)

    def __str__(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}-{self.id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor written in `text`; None for anything else (a hand-edited link starts at the newest)."""
        micros, _, event_id = (text or "").partition("-")
        if not (micros.isascii() and micros.isdigit() and event_id.isascii() and event_id.isdigit()):
            return None
        if len(micros) > 17 or len(event_id) > 18:
            return None
        return cls(_EPOCH + timedelta(microseconds=int(micros)), int(event_id))

    def older(self) -> ColumnElement[bool]:
        """Events after this one in newest-first order."""
        # The plain `at <=` lets the planner walk the index on `at` from the cursor instead of filtering a scan.
        return and_(AuditEvent.at <= self.at,
                    or_(AuditEvent.at < self.at, and_(AuditEvent.at == self.at, AuditEvent.id < self.id)))

    def newer(self) -> ColumnElement[bool]:
        """Events before this one in newest-first order."""
        return and_(AuditEvent.at >= self.at,
                    or_(AuditEvent.at > self.at, and_(AuditEvent.at == self.at, AuditEvent.id > self.id)))


@dataclass(frozen=True)
class EventPage:
    """One page of the log, newest first, with the cursors of the pages either side (None at either end)."""

    events: list[AuditEvent]
    newer: Cursor | None
    older: Cursor | None


def _any(session: Session, filters: AuditFilter, condition: ColumnElement[bool]) -> bool:
    return bool(session.scalar(select(exists().where(condition, *filters.conditions()))))


def page_events(session: Session, *, filters: AuditFilter, after: Cursor | None = None,
                before: Cursor | None = None, size: int = PAGE_SIZE) -> EventPage:
    """A page of matching events by keyset: older than `after` (next page), newer than `before` (previous
    page), or the newest. Never OFFSET: each page costs the same however deep, and rows written meanwhile
    neither shift nor repeat a page."""
    stmt = select(AuditEvent).where(*filters.conditions())
    if before is not None:
        rows = list(session.scalars(stmt.where(before.newer())
                                    .order_by(AuditEvent.at.asc(), AuditEvent.id.asc()).limit(size + 1)))
        events = rows[:size][::-1]
        if not events:
            return EventPage([], None, before if _any(session, filters, before.older()) else None)
        more_newer, more_older = len(rows) > size, _any(session, filters, Cursor.of(events[-1]).older())
    else:
        if after is not None:
            stmt = stmt.where(after.older())
        rows = list(session.scalars(stmt.order_by(*NEWEST_FIRST).limit(size + 1)))
        events = rows[:size]
        if not events:
            return EventPage([], after if after and _any(session, filters, after.newer()) else None, None)
        more_older = len(rows) > size
        more_newer = after is not None and _any(session, filters, Cursor.of(events[0]).newer())
    return EventPage(events, Cursor.of(events[0]) if more_newer else None,
                     Cursor.of(events[-1]) if more_older else None)


def filtered_events(session: Session, *, filters: AuditFilter, limit: int = EXPORT_LIMIT) -> Iterator[AuditEvent]:
    """Matching events newest first, at most `limit`, read in batches (for an export)."""
    stmt: Select = select(AuditEvent).where(*filters.conditions()).order_by(*NEWEST_FIRST).limit(limit)
    yield from session.scalars(stmt.execution_options(yield_per=500))


def count_events(session: Session, *, filters: AuditFilter, limit: int = EXPORT_LIMIT + 1) -> int:
    """How many events match, counted up to `limit` (enough to tell whether an export is cut short)."""
    capped = select(AuditEvent.id).where(*filters.conditions()).limit(limit).subquery()
    return session.scalar(select(func.count()).select_from(capped)) or 0
