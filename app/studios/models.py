"""Studios and bases: the registry, application materials, members, funding ledger, records and assessments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Date, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.assessment.models import AssessmentPlan
from app.database import Entity, actor_ref, one_of, owned, ref, stamp
from app.people.models import Person
from app.studios.vocabulary import (
    ACTIVITY_KINDS,
    AGREEMENT_STATUSES,
    ENTRY_KINDS,
    FLOOR_AREA_BANDS,
    FUND_SOURCES,
    GRADES,
    KINDS,
    MATERIAL_KINDS,
    ROUND_KINDS,
    ROUND_STATUSES,
    SPEND_CATEGORIES,
    STATUSES,
    TIERS,
    TRADE_COUNT_BANDS,
)
from app.training.models import ClassSession, TrainingClass


class Studio(Entity):
    """A skill master studio/station (led by a master) or a high-skill training base (run by an institution)."""

    __tablename__ = "studios"

    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    tier: Mapped[str] = mapped_column(String(12), nullable=False)
    host_org_id: Mapped[int] = ref("organisations.id", index=True)
    leader_id: Mapped[int | None] = ref("people.id")
    occupations: Mapped[str] = mapped_column(String(300), nullable=False)  # names separated by "、"
    premises: Mapped[str | None] = mapped_column(Text)
    equipment: Mapped[str | None] = mapped_column(Text)
    floor_area_band: Mapped[str | None] = mapped_column(String(12))
    trade_count_band: Mapped[str | None] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    submitted_on: Mapped[date | None] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    cycle_end: Mapped[date | None] = mapped_column(Date)
    decision_note: Mapped[str | None] = mapped_column(String(500))
    delisted_on: Mapped[date | None] = mapped_column(Date)
    reapply_from: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    host: Mapped[Organisation] = relationship(lazy="joined")
    leader: Mapped[Person | None] = relationship(lazy="joined")
    materials: Mapped[list[StudioMaterial]] = owned("studio", order_by="StudioMaterial.id")
    members: Mapped[list[StudioMember]] = owned("studio", order_by="StudioMember.id")

    __table_args__ = (
        one_of("kind", KINDS),
        one_of("tier", TIERS),
        one_of("status", STATUSES),
        one_of("floor_area_band", FLOOR_AREA_BANDS, nullable=True),
        one_of("trade_count_band", TRADE_COUNT_BANDS, nullable=True),
        CheckConstraint("kind = 'base' OR leader_id IS NOT NULL", name="studio_leader"),
        CheckConstraint("kind = 'studio' OR (floor_area_band IS NOT NULL AND trade_count_band IS NOT NULL)",
                        name="base_bands"),
        CheckConstraint("status NOT IN ('notice', 'listed', 'delisted') OR "
                        "(approved_on IS NOT NULL AND notice_ends_on IS NOT NULL AND cycle_end IS NOT NULL)",
                        name="approved_dates"),
        CheckConstraint("status != 'delisted' OR (delisted_on IS NOT NULL AND reapply_from > delisted_on)",
                        name="delisted_dates"),
        Index("ix_studios_status", "status", "kind"),
    )


class StudioMaterial(Entity):
    """An application document, or a year's plan or summary (file kept in the file store)."""

    __tablename__ = "studio_materials"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    year: Mapped[int | None] = mapped_column(Integer)  # the year of an annual plan or summary
    file_path: Mapped[str] = mapped_column(String(200), nullable=False)
    file_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    file_name: Mapped[str | None] = mapped_column(String(200))
    uploaded_by_id: Mapped[int | None] = actor_ref()
    uploaded_at: Mapped[datetime] = stamp()

    studio: Mapped[Studio] = relationship(back_populates="materials")

    __table_args__ = (
        one_of("kind", MATERIAL_KINDS),
        CheckConstraint("(kind IN ('annual_plan', 'annual_summary')) = (year IS NOT NULL)", name="annual_year"),
    )


class StudioMember(Entity):
    """A person of the studio's team: the leader or a member (a master who teaches and takes apprentices)."""

    __tablename__ = "studio_members"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    person_id: Mapped[int] = ref("people.id", index=True)
    is_leader: Mapped[bool] = mapped_column(nullable=False, default=False)
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = stamp()

    studio: Mapped[Studio] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("studio_id", "person_id", name="uq_studio_members_person"),)


class FundEntry(Entity):
    """One line of a studio's funding ledger: a grant from a source, or spending from it by category."""

    __tablename__ = "studio_fund_entries"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    source: Mapped[str] = mapped_column(String(12), nullable=False)
    entry_kind: Mapped[str] = mapped_column(String(6), nullable=False)
    category: Mapped[str | None] = mapped_column(String(12))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)  # yuan, always positive
    dated_on: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(String(300), nullable=False)
    file_path: Mapped[str | None] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    __table_args__ = (
        one_of("source", FUND_SOURCES),
        one_of("entry_kind", ENTRY_KINDS),
        one_of("category", SPEND_CATEGORIES, nullable=True),
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("(entry_kind = 'spend') = (category IS NOT NULL)", name="spend_category"),
        Index("ix_studio_fund_entries_studio", "studio_id", "dated_on"),
    )

    @property
    def flagged(self) -> bool:
        """Spending recorded without an evidence file."""
        return self.entry_kind == "spend" and not self.file_path


class MasterApprentice(Entity):
    """A master–apprentice agreement (师带徒) between a studio member and a person the system knows."""

    __tablename__ = "studio_apprenticeships"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    master_id: Mapped[int] = ref("people.id")
    apprentice_id: Mapped[int] = ref("people.id", index=True)
    start_on: Mapped[date] = mapped_column(Date, nullable=False)
    end_on: Mapped[date] = mapped_column(Date, nullable=False)
    goal: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="active")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    master: Mapped[Person] = relationship(foreign_keys=[master_id], lazy="joined")
    apprentice: Mapped[Person] = relationship(foreign_keys=[apprentice_id], lazy="joined")

    __table_args__ = (
        one_of("status", AGREEMENT_STATUSES),
        CheckConstraint("end_on > start_on", name="dates"),
        CheckConstraint("master_id != apprentice_id", name="not_self"),
        UniqueConstraint("studio_id", "apprentice_id", "start_on", name="uq_studio_apprenticeships_apprentice"),
        Index("ix_studio_apprenticeships_studio", "studio_id", "start_on"),
    )


class StudioActivity(Entity):
    """A technical problem solved (with its benefit), an exchange or a social service."""

    __tablename__ = "studio_activities"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    dated_on: Mapped[date] = mapped_column(Date, nullable=False)
    benefit: Mapped[str | None] = mapped_column(String(500))
    benefit_yuan: Mapped[int | None] = mapped_column(Integer)
    people_reached: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    __table_args__ = (
        one_of("kind", ACTIVITY_KINDS),
        CheckConstraint("kind != 'problem' OR benefit IS NOT NULL", name="problem_benefit"),
        CheckConstraint("benefit_yuan IS NULL OR benefit_yuan >= 0", name="benefit_yuan"),
        Index("ix_studio_activities_studio", "studio_id", "dated_on"),
    )


class TeachingLink(Entity):
    """A timetabled class session taught by a studio member (training records teachers by name only)."""

    __tablename__ = "studio_teaching"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    person_id: Mapped[int] = ref("people.id")
    session_id: Mapped[int] = ref("class_sessions.id", ondelete="CASCADE", index=True)
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(lazy="joined")
    class_session: Mapped[ClassSession] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("studio_id", "person_id", "session_id", name="uq_studio_teaching_session"),
    )


class HostedClass(Entity):
    """A training class or an assessment plan held at a base."""

    __tablename__ = "studio_hosted"

    studio_id: Mapped[int] = ref("studios.id", ondelete="CASCADE")
    class_id: Mapped[int | None] = ref("training_classes.id", ondelete="CASCADE")
    plan_id: Mapped[int | None] = ref("assessment_plans.id", ondelete="CASCADE")
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    training_class: Mapped[TrainingClass | None] = relationship(lazy="joined")
    plan: Mapped[AssessmentPlan | None] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("(class_id IS NULL) != (plan_id IS NULL)", name="class_or_plan"),
        UniqueConstraint("studio_id", "class_id", name="uq_studio_hosted_class"),
        UniqueConstraint("studio_id", "plan_id", name="uq_studio_hosted_plan"),
    )


class AssessmentRound(Entity):
    """An annual assessment or end-of-cycle review of studios and bases, with its rubric and 优秀 cap."""

    __tablename__ = "studio_rounds"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    round_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    rubric: Mapped[dict] = mapped_column(JSON, nullable=False)
    excellent_cap_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=20)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="open")
    opened_by_id: Mapped[int | None] = actor_ref()
    opened_at: Mapped[datetime] = stamp()
    closed_at: Mapped[datetime | None] = stamp()

    entries: Mapped[list[StudioAssessment]] = owned("round", order_by="StudioAssessment.id")

    __table_args__ = (
        one_of("round_kind", ROUND_KINDS),
        one_of("status", ROUND_STATUSES),
        UniqueConstraint("year", "round_kind", name="uq_studio_rounds_year"),
        CheckConstraint("excellent_cap_percent BETWEEN 0 AND 100", name="excellent_cap_percent"),
    )


class StudioAssessment(Entity):
    """One studio's assessment in a round: measured values, panel scores, total and grade."""

    __tablename__ = "studio_assessments"

    round_id: Mapped[int] = ref("studio_rounds.id", ondelete="CASCADE")
    studio_id: Mapped[int] = ref("studios.id", index=True)
    measured: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    panel_scores: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    total: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    grade: Mapped[str | None] = mapped_column(String(10))
    graded_by_id: Mapped[int | None] = actor_ref()
    graded_at: Mapped[datetime | None] = stamp()

    round: Mapped[AssessmentRound] = relationship(back_populates="entries")
    studio: Mapped[Studio] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("round_id", "studio_id", name="uq_studio_assessments_studio"),
        one_of("grade", GRADES, nullable=True),
    )
