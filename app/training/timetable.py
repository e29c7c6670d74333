"""A class's timetable in one go: a weekly pattern expanded into sessions, previewed, then created together.

The pattern is weekdays, one or more daily time blocks ("08:30-11:30, 13:30-16:30"), a first and a last date,
topic, teacher and venue. Public holidays of the working-day calendar are skipped and named; on request the
make-up working days (调休上班日) that fall outside the ticked weekdays are taught too, and named. Every proposed
session passes the same check as a session added alone (app.training.session_rules); one refusal refuses the
whole pattern, since the edge commits once. Single sessions are then moved, edited or cancelled here too.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.catalog.calendar import holidays_between, makeup_workdays_between
from app.errors import ValidationFailed
from app.training.models import ClassSession, TrainingClass
from app.training.progress import hours_text
from app.training.projects import _text, class_for_change
from app.training.session_rules import check_fits, hold_timetables
from app.translation import N_, Message

MAX_SESSIONS = 400
MAX_BLOCK_HOURS = 12
_BLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2})[:：](\d{2})$")
_SEPARATORS = re.compile(r"[,，;；、\n]+")


@dataclass(frozen=True)
class TimeBlock:
    """A daily block of teaching time."""

    start: time
    end: time

    @property
    def hours(self) -> Decimal:
        minutes = (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)
        return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.1"))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class ProposedSession:
    """One session the pattern proposes."""

    session_date: date
    start_time: time
    end_time: time
    hours: Decimal


@dataclass(frozen=True)
class SkippedDay:
    """A named day of the working-day calendar within the pattern: a public holiday it skips, or a make-up
    working day (调休上班日) it adds."""

    day: date
    name: str


@dataclass(frozen=True)
class TimetablePlan:
    """The sessions a pattern proposes, the holidays it skips, the make-up working days it adds, and its hours
    against the required hours."""

    training_class: TrainingClass
    sessions: list[ProposedSession]
    skipped: list[SkippedDay]
    total_hours: Decimal
    timetabled_hours: Decimal  # already on the class's timetable
    required_hours: int
    added: list[SkippedDay] = field(default_factory=list)  # make-up working days taught as well (调休上班日)

    @property
    def after(self) -> Decimal:
        """The class's timetabled hours once the proposal is created."""
        return self.timetabled_hours + self.total_hours

    @property
    def verdict(self) -> str:
        """'short', 'exact' or 'over' against the required hours."""
        if self.after < self.required_hours:
            return "short"
        return "exact" if self.after == self.required_hours else "over"

    def summary(self) -> Message:
        """The hours against the required hours, in a sentence."""
        values = {"after": hours_text(self.after), "required": self.required_hours,
                  "gap": hours_text(abs(self.after - self.required_hours))}
        if self.verdict == "short":
            return N_("With these sessions the class has {after} hours: {gap} hours short of the {required} "
                      "required.", **values)
        if self.verdict == "over":
            return N_("With these sessions the class has {after} hours: {gap} hours more than the {required} "
                      "required.", **values)
        return N_("With these sessions the class has {after} hours, exactly the {required} required.", **values)


def parse_blocks(text: str | None) -> list[TimeBlock]:
    """Daily time blocks from "08:30-11:30, 13:30-16:30"; refused when one is unreadable or they overlap."""
    parts = [part.strip() for part in _SEPARATORS.split(text or "") if part.strip()]
    if not parts:
        raise ValidationFailed(N_("Enter at least one daily time block, such as 08:30-11:30."), field="blocks")
    blocks = []
    for part in parts:
        match = _BLOCK.match(part)
        try:
            h1, m1, h2, m2 = (int(g) for g in match.groups()) if match else (None,) * 4
            block = TimeBlock(time(h1, m1), time(h2, m2))
        except (TypeError, ValueError):
            raise ValidationFailed(N_("“{block}” is not a time block; write it as 08:30-11:30.", block=part),
                                   field="blocks") from None
        if block.end <= block.start:
            raise ValidationFailed(N_("The block {block} must end after it starts.", block=str(block)), field="blocks")
        if block.hours > MAX_BLOCK_HOURS:
            raise ValidationFailed(N_("The block {block} is longer than {max} hours.", block=str(block),
                                      max=MAX_BLOCK_HOURS), field="blocks")
        blocks.append(block)
    blocks.sort(key=lambda b: b.start)
    for earlier, later in zip(blocks, blocks[1:], strict=False):
        if later.start < earlier.end:
            raise ValidationFailed(N_("The blocks {first} and {second} overlap.", first=str(earlier),
                                      second=str(later)), field="blocks")
    return blocks


def expand_pattern(*, weekdays: Collection[int], blocks: list[TimeBlock], first: date, last: date,
                   holidays: dict[date, str], makeup: dict[date, str] | None = None,
                   ) -> tuple[list[ProposedSession], list[SkippedDay], list[SkippedDay]]:
    """Every chosen weekday from first to last, once per block, except public holidays (returned as skipped);
    with `makeup`, also those make-up working days that are not chosen weekdays (returned as added)."""
    sessions, skipped, added = [], [], []
    makeup = makeup or {}
    day = first
    while day <= last:
        if day.weekday() in weekdays:
            if day in holidays:
                skipped.append(SkippedDay(day, holidays[day]))
            else:
                sessions.extend(ProposedSession(day, b.start, b.end, b.hours) for b in blocks)
        elif day in makeup:
            added.append(SkippedDay(day, makeup[day]))
            sessions.extend(ProposedSession(day, b.start, b.end, b.hours) for b in blocks)
        day += timedelta(days=1)
    return sessions, skipped, added


def _timetabled_hours(session: Session, class_id: int) -> Decimal:
    total = session.scalar(select(func.sum(ClassSession.hours)).where(ClassSession.class_id == class_id))
    return Decimal(total or 0)


def _plan(session: Session, klass: TrainingClass, *, weekdays: Collection[int], blocks: str | None,
          first_date: date | None, last_date: date | None, teacher: str | None,
          makeup_days: bool = False) -> TimetablePlan:
    days = sorted({int(d) for d in weekdays or ()})
    if not days or any(d not in range(7) for d in days):
        raise ValidationFailed(N_("Tick at least one weekday."), field="weekdays")
    parsed = parse_blocks(blocks)
    if first_date is None:
        raise ValidationFailed(N_("Enter the first date."), field="first_date")
    if last_date is None:
        raise ValidationFailed(N_("Enter the last date."), field="last_date")
    if last_date < first_date:
        raise ValidationFailed(N_("The last date {last} is before the first date {first}.", last=last_date.isoformat(),
                                  first=first_date.isoformat()), field="last_date")
    period = {"start": klass.start_date.isoformat(), "end": klass.end_date.isoformat()}
    if not klass.start_date <= first_date <= klass.end_date:
        raise ValidationFailed(N_("The first date must lie within the class period ({start} to {end}).", **period),
                               field="first_date")
    if not klass.start_date <= last_date <= klass.end_date:
        raise ValidationFailed(N_("The last date must lie within the class period ({start} to {end}).", **period),
                               field="last_date")
    makeup = makeup_workdays_between(session, first=first_date, last=last_date) if makeup_days else None
    sessions, skipped, added = expand_pattern(weekdays=days, blocks=parsed, first=first_date, last=last_date,
                                              holidays=holidays_between(session, first=first_date, last=last_date),
                                              makeup=makeup)
    if not sessions:
        raise ValidationFailed(N_("No session falls on the ticked weekdays from {first} to {last}.",
                                  first=first_date.isoformat(), last=last_date.isoformat()), field="weekdays")
    if len(sessions) > MAX_SESSIONS:
        raise ValidationFailed(N_("The pattern makes {n} sessions; at most {max} can be created at once.",
                                  n=len(sessions), max=MAX_SESSIONS), field="last_date")
    for proposed in sessions:
        check_fits(session, klass, session_date=proposed.session_date, start_time=proposed.start_time,
                   end_time=proposed.end_time, teacher=teacher, field=None)
    return TimetablePlan(klass, sessions, skipped, sum((s.hours for s in sessions), Decimal(0)),
                         _timetabled_hours(session, klass.id), klass.project.reference_hours, added)


def preview_timetable(session: Session, *, actor: User, class_id: int, weekdays: Collection[int], blocks: str | None,
                      first_date: date | None, last_date: date | None, topic: str | None, teacher: str | None = None,
                      venue: str | None = None, makeup_days: bool = False) -> TimetablePlan:
    """The sessions a pattern would create and their hours; refused as the creation would be, nothing written."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    _text(topic, field="topic", what=N_("topic"), max_length=200)
    _text(venue, field="venue", what=N_("venue"), max_length=200, required=False)
    teacher = _text(teacher, field="teacher", what=N_("teacher"), max_length=100, required=False)
    return _plan(session, klass, weekdays=weekdays, blocks=blocks, first_date=first_date, last_date=last_date,
                 teacher=teacher, makeup_days=bool(makeup_days))


def create_timetable(session: Session, *, actor: User, now: datetime, class_id: int, weekdays: Collection[int],
                     blocks: str | None, first_date: date | None, last_date: date | None, topic: str | None,
                     teacher: str | None = None, venue: str | None = None,
                     makeup_days: bool = False) -> list[ClassSession]:
    """Create every session of the pattern, or none: the first that does not fit refuses them all."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    topic = _text(topic, field="topic", what=N_("topic"), max_length=200)
    venue = _text(venue, field="venue", what=N_("venue"), max_length=200, required=False)
    teacher = _text(teacher, field="teacher", what=N_("teacher"), max_length=100, required=False)
    hold_timetables(session, klass)
    plan = _plan(session, klass, weekdays=weekdays, blocks=blocks, first_date=first_date, last_date=last_date,
                 teacher=teacher, makeup_days=bool(makeup_days))
    rows = [ClassSession(class_id=klass.id, session_date=s.session_date, start_time=s.start_time,
                         end_time=s.end_time, hours=s.hours, topic=topic, teacher=teacher, venue=venue)
            for s in plan.sessions]
    session.add_all(rows)
    session.flush()
    session.expire(klass, ["sessions"])
    record_event(session, actor=actor, now=now, action="training_class.add_timetable", object_type="training_class",
                 object_id=klass.id, new={"sessions": len(rows), "first": first_date.isoformat(),
                                          "last": last_date.isoformat(), "weekdays": sorted(int(d) for d in weekdays),
                                          "blocks": [str(b) for b in parse_blocks(blocks)],
                                          "hours": str(plan.total_hours), "topic": topic, "teacher": teacher,
                                          "venue": venue, "skipped": [d.day.isoformat() for d in plan.skipped],
                                          "makeup_days": [d.day.isoformat() for d in plan.added]})
    return rows
