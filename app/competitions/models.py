"""Competitions, events, marking schemes, entries, judges, marks with their events, flags, results,
objections, promotion rules and promotions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.catalog.models import Occupation
from app.competitions.vocabulary import (
    ASPECT_KINDS,
    EVENT_MODES,
    EVENT_STATUSES,
    FLAG_STATUSES,
    JUDGE_ROLES,
    MEDALS,
    OBJECTION_STATUSES,
    PROMOTION_BASES,
    PROMOTION_STATUSES,
    TIE_BREAKS,
    TIERS,
    TRACKS,
)
from app.database import Entity, actor_ref, one_of, owned, ref, stamp
from app.people.models import Person


class Competition(Entity):
    """A competition (职业技能竞赛) held by an organiser, with its tier and public notice period."""

    __tablename__ = "competitions"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    tier: Mapped[str] = mapped_column(String(20), nullable=False)
    organiser_org_id: Mapped[int] = ref("organisations.id")
    # Issues the certificates of promoted winners when the organiser has no evaluation filing (appointed).
    issuer_org_id: Mapped[int | None] = ref("organisations.id")
    rule_set: Mapped[str] = mapped_column(String(40), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    notice_days: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = stamp()
    created_by_id: Mapped[int | None] = actor_ref()

    organiser: Mapped[Organisation] = relationship(foreign_keys=[organiser_org_id])
    issuer: Mapped[Organisation | None] = relationship(foreign_keys=[issuer_org_id])
    events: Mapped[list[CompetitionEvent]] = owned("competition", order_by="CompetitionEvent.id")

    __table_args__ = (
        one_of("tier", TIERS),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("notice_days BETWEEN 1 AND 30", name="notice_days"),
    )


class CompetitionEvent(Entity):
    """An event (赛项): occupation, level band, track, marking rules and its state."""

    __tablename__ = "competition_events"

    competition_id: Mapped[int] = ref("competitions.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    occupation_id: Mapped[int] = ref("occupations.id")
    variant_name: Mapped[str | None] = mapped_column(String(100))
    band_low: Mapped[int] = mapped_column(Integer, nullable=False)  # most junior level digit of the band (e.g. 4)
    band_high: Mapped[int] = mapped_column(Integer, nullable=False)  # most senior (e.g. 2); digits are inverted
    track: Mapped[str] = mapped_column(String(10), nullable=False)
    mode: Mapped[str] = mapped_column(String(10), nullable=False)
    venue: Mapped[str | None] = mapped_column(String(200))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    employer_kinds: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # empty: any
    spread_threshold: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    drop_extremes: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tie_break: Mapped[str] = mapped_column(String(20), nullable=False)
    merit_places: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="preparing")
    entry_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    marking_opened_at: Mapped[datetime | None] = stamp()
    signed_off_at: Mapped[datetime | None] = stamp()
    signed_off_by_id: Mapped[int | None] = actor_ref()
    published_at: Mapped[datetime | None] = stamp()
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    finalised_at: Mapped[datetime | None] = stamp()
    created_at: Mapped[datetime] = stamp()

    competition: Mapped[Competition] = relationship(back_populates="events")
    occupation: Mapped[Occupation] = relationship()
    sections: Mapped[list[SchemeSection]] = owned("event", order_by="SchemeSection.position")
    judges: Mapped[list[EventJudge]] = owned("event", order_by="EventJudge.id")

    __table_args__ = (
        one_of("track", TRACKS),
        one_of("mode", EVENT_MODES),
        one_of("status", EVENT_STATUSES),
        one_of("tie_break", TIE_BREAKS),
        CheckConstraint("band_low BETWEEN 1 AND 5 AND band_high BETWEEN 1 AND 5 AND band_high <= band_low",
                        name="band"),
        CheckConstraint("spread_threshold >= 0", name="spread_threshold"),
        CheckConstraint("merit_places >= 0", name="merit_places"),
        CheckConstraint("min_age IS NULL OR max_age IS NULL OR min_age <= max_age", name="ages"),
        CheckConstraint("status = 'preparing' OR marking_opened_at IS NOT NULL", name="marking_recorded"),
    )


class SchemeSection(Entity):
    """A section of an event's marking scheme, with its weight in percent."""

    __tablename__ = "competition_scheme_sections"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)

    event: Mapped[CompetitionEvent] = relationship(back_populates="sections")
    aspects: Mapped[list[SchemeAspect]] = owned("section", order_by="SchemeAspect.position")

    __table_args__ = (
        UniqueConstraint("event_id", "position", name="uq_competition_scheme_sections_position"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight"),
    )


class SchemeAspect(Entity):
    """One aspect: a measurement (max mark less allowed deductions) or a judgement (score levels described)."""

    __tablename__ = "competition_scheme_aspects"

    section_id: Mapped[int] = ref("competition_scheme_sections.id", ondelete="CASCADE", index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    max_mark: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    deduction_steps: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # measurement

    section: Mapped[SchemeSection] = relationship(back_populates="aspects")
    levels: Mapped[list[SchemeLevel]] = owned("aspect", order_by="SchemeLevel.score")  # judgement

    __table_args__ = (
        one_of("kind", ASPECT_KINDS),
        UniqueConstraint("section_id", "position", name="uq_competition_scheme_aspects_position"),
        CheckConstraint("max_mark > 0", name="max_mark"),
    )

    @property
    def descriptors(self) -> list[dict]:
        """The judgement's score levels as {"score": "2.00", "text": descriptor}, lowest first."""
        return [{"score": str(level.score.quantize(Decimal("0.01"))), "text": level.descriptor}
                for level in self.levels]


class SchemeLevel(Entity):
    """A score level of a judgement aspect with its written descriptor."""

    __tablename__ = "competition_scheme_levels"

    aspect_id: Mapped[int] = ref("competition_scheme_aspects.id", ondelete="CASCADE", index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    descriptor: Mapped[str] = mapped_column(String(300), nullable=False)

    aspect: Mapped[SchemeAspect] = relationship(back_populates="levels")

    __table_args__ = (
        UniqueConstraint("aspect_id", "score", name="uq_competition_scheme_levels_score"),
        CheckConstraint("score >= 0", name="score"),
    )


class Entry(Entity):
    """A competitor entered in an event by an organisation, with an admission number."""

    __tablename__ = "competition_entries"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    person_id: Mapped[int] = ref("people.id")
    entered_by_org_id: Mapped[int] = ref("organisations.id")
    team_name: Mapped[str | None] = mapped_column(String(100))
    admission_number: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="entered")
    entered_at: Mapped[datetime] = stamp()
    entered_by_id: Mapped[int | None] = actor_ref()

    person: Mapped[Person] = relationship()
    entered_by: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="uq_competition_entries_event_person"),
        UniqueConstraint("event_id", "admission_number", name="uq_competition_entries_admission"),
        CheckConstraint("status IN ('entered', 'withdrawn')", name="status"),
    )


class EventJudge(Entity):
    """A judge or the chief judge (裁判长) of an event."""

    __tablename__ = "competition_judges"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    user_id: Mapped[int] = ref("users.id")
    role: Mapped[str] = mapped_column(String(10), nullable=False)
    assigned_at: Mapped[datetime] = stamp()

    event: Mapped[CompetitionEvent] = relationship(back_populates="judges")
    user: Mapped[User] = relationship()

    __table_args__ = (
        one_of("role", JUDGE_ROLES),
        UniqueConstraint("event_id", "user_id", name="uq_competition_judges_event_user"),
    )


class Mark(Entity):
    """One judge's mark of one aspect of one competitor, versioned: a stale edit is refused."""

    __tablename__ = "competition_marks"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE")
    entry_id: Mapped[int] = ref("competition_entries.id", ondelete="CASCADE")
    aspect_id: Mapped[int] = ref("competition_scheme_aspects.id", ondelete="CASCADE")
    judge_id: Mapped[int] = ref("users.id")
    value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime | None] = stamp()

    __table_args__ = (
        UniqueConstraint("entry_id", "aspect_id", "judge_id", name="uq_competition_marks_cell"),
        Index("ix_competition_marks_event_judge", "event_id", "judge_id"),
        CheckConstraint("version >= 0", name="version"),
    )


class MarkEvent(Entity):
    """The append-only history of a mark: entry, corrections (with reason)."""

    __tablename__ = "competition_mark_events"

    mark_id: Mapped[int] = ref("competition_marks.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    old_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    new_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[int | None] = actor_ref()
    at: Mapped[datetime] = stamp()

    __table_args__ = (CheckConstraint("kind IN ('entry', 'correction')", name="kind"),
                      CheckConstraint("kind = 'entry' OR reason IS NOT NULL", name="reason_given"))


class SpreadFlag(Entity):
    """Judgement marks of one competitor's aspect spread beyond the threshold: re-mark or chief judge decides."""

    __tablename__ = "competition_spread_flags"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    entry_id: Mapped[int] = ref("competition_entries.id", ondelete="CASCADE")
    aspect_id: Mapped[int] = ref("competition_scheme_aspects.id", ondelete="CASCADE")
    spread: Mapped[Decimal] = mapped_column(Numeric(6, 2), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="open")
    decision_value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    reason: Mapped[str | None] = mapped_column(String(500))
    raised_at: Mapped[datetime] = stamp()
    resolved_at: Mapped[datetime | None] = stamp()
    resolved_by_id: Mapped[int | None] = actor_ref()

    entry: Mapped[Entry] = relationship()
    aspect: Mapped[SchemeAspect] = relationship()

    __table_args__ = (
        one_of("status", FLAG_STATUSES),
        UniqueConstraint("entry_id", "aspect_id", name="uq_competition_spread_flags_cell"),
        CheckConstraint("status != 'decided' OR (decision_value IS NOT NULL AND reason IS NOT NULL)",
                        name="decision_recorded"),
    )


class EventResult(Entity):
    """A competitor's total, rank and place, computed at sign-off."""

    __tablename__ = "competition_results"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    entry_id: Mapped[int] = ref("competition_entries.id", ondelete="CASCADE", unique=True)
    total: Mapped[Decimal] = mapped_column(Numeric(7, 3), nullable=False)
    measurement_total: Mapped[Decimal] = mapped_column(Numeric(7, 3), nullable=False)
    judgement_total: Mapped[Decimal] = mapped_column(Numeric(7, 3), nullable=False)
    first_section: Mapped[Decimal] = mapped_column(Numeric(7, 3), nullable=False)
    place: Mapped[int] = mapped_column(Integer, nullable=False)
    medal: Mapped[str | None] = mapped_column(String(10))

    entry: Mapped[Entry] = relationship()

    __table_args__ = (one_of("medal", MEDALS, nullable=True), CheckConstraint("place >= 1", name="place"))


class Objection(Entity):
    """An objection (异议) raised during the public notice, decided by the organiser."""

    __tablename__ = "competition_objections"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    entry_id: Mapped[int | None] = ref("competition_entries.id", ondelete="CASCADE")
    text: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    raised_by_id: Mapped[int | None] = actor_ref()
    raised_at: Mapped[datetime] = stamp()
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    decided_by_id: Mapped[int | None] = actor_ref()
    decided_at: Mapped[datetime | None] = stamp()

    __table_args__ = (
        one_of("status", OBJECTION_STATUSES),
        CheckConstraint("status = 'open' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                        name="decision_recorded"),
    )


class PromotionRule(Entity):
    """(rule set, tier, track, basis, threshold, current grade) → the grade awarded."""

    __tablename__ = "competition_promotion_rules"

    rule_set: Mapped[str] = mapped_column(String(40), nullable=False)
    tier: Mapped[str] = mapped_column(String(20), nullable=False)
    track: Mapped[str] = mapped_column(String(10), nullable=False)
    basis: Mapped[str] = mapped_column(String(12), nullable=False)
    threshold: Mapped[int | None] = mapped_column(Integer)  # place ≤ N, or top N percent
    medals: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # basis "medal"
    from_grade: Mapped[str | None] = mapped_column(String(30))  # None: any grade below the one awarded
    to_grade: Mapped[str] = mapped_column(String(30), nullable=False)
    note: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        one_of("tier", TIERS),
        one_of("track", TRACKS),
        one_of("basis", PROMOTION_BASES),
        CheckConstraint("basis = 'medal' OR threshold > 0", name="threshold"),
        CheckConstraint("basis != 'top_percent' OR threshold <= 100", name="percent"),
    )


class Promotion(Entity):
    """The promotion by result of one competitor of a final event, or why none was given."""

    __tablename__ = "competition_promotions"

    event_id: Mapped[int] = ref("competition_events.id", ondelete="CASCADE", index=True)
    entry_id: Mapped[int] = ref("competition_entries.id", ondelete="CASCADE", unique=True)
    person_id: Mapped[int] = ref("people.id")
    rule_id: Mapped[int | None] = ref("competition_promotion_rules.id", ondelete="SET NULL")
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    from_grade: Mapped[str | None] = mapped_column(String(30))
    to_grade: Mapped[str | None] = mapped_column(String(30))
    level_digit: Mapped[int | None] = mapped_column(Integer)
    level_award_id: Mapped[int | None] = ref("level_awards.id", ondelete="SET NULL")
    reason: Mapped[dict | None] = mapped_column(JSON)  # why withheld, as a marked message (translation.to_json)
    created_at: Mapped[datetime] = stamp()

    event: Mapped[CompetitionEvent] = relationship()
    entry: Mapped[Entry] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        one_of("status", PROMOTION_STATUSES),
        CheckConstraint("status != 'awarded' OR (level_digit IS NOT NULL AND level_award_id IS NOT NULL)",
                        name="award_recorded"),
    )
