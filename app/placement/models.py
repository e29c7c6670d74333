"""Placements (a person starting work), their evidence, scheduled follow-ups and invitations from matching."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.database import Entity, actor_ref, one_of, owned, ref, stamp
from app.demand.models import JobDemand
from app.people.models import Person
from app.placement.vocabulary import (
    EVIDENCE_KINDS,
    FOLLOW_UP_MONTHS,
    FOLLOW_UP_OUTCOMES,
    INVITATION_STATUSES,
    PLACEMENT_STATUSES,
)


class Placement(Entity):
    """A trainee, apprentice or certificate holder who started work at an enterprise."""

    __tablename__ = "placements"

    person_id: Mapped[int] = ref("people.id")
    enterprise_id: Mapped[int] = ref("organisations.id")
    demand_id: Mapped[int | None] = ref("job_demands.id")
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    job_title: Mapped[str] = mapped_column(String(100), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    contract_months: Mapped[int] = mapped_column(Integer, nullable=False)
    monthly_wage: Mapped[int] = mapped_column(Integer, nullable=False)  # yuan
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    registration_due_on: Mapped[date] = mapped_column(Date, nullable=False)
    left_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(lazy="joined")
    enterprise: Mapped[Organisation] = relationship(lazy="joined")
    demand: Mapped[JobDemand | None] = relationship()
    evidence: Mapped[list[PlacementEvidence]] = owned("placement", order_by="PlacementEvidence.id")
    follow_ups: Mapped[list[FollowUp]] = owned("placement", order_by="FollowUp.months")

    __table_args__ = (
        one_of("status", PLACEMENT_STATUSES),
        CheckConstraint("contract_months BETWEEN 1 AND 600", name="contract_months"),
        CheckConstraint("monthly_wage >= 0", name="monthly_wage"),
        CheckConstraint("registration_due_on >= start_date", name="registration_due"),
        CheckConstraint("left_on IS NULL OR left_on >= start_date", name="left_on"),
        Index("ix_placements_person_start", "person_id", "start_date", "status"),
        Index("ix_placements_enterprise", "enterprise_id", "start_date"),
        Index("ix_placements_demand", "demand_id"),
    )

    @property
    def evidence_kinds(self) -> set[str]:
        """Kinds of evidence recorded so far."""
        return {e.kind for e in self.evidence if e.follow_up_id is None}


class FollowUp(Entity):
    """A 稳岗 check due 3, 6 or 12 months after the start, and its outcome once recorded."""

    __tablename__ = "placement_follow_ups"

    placement_id: Mapped[int] = ref("placements.id", ondelete="CASCADE")
    months: Mapped[int] = mapped_column(Integer, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    outcome: Mapped[str | None] = mapped_column(String(10))
    checked_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime | None] = stamp()

    placement: Mapped[Placement] = relationship(back_populates="follow_ups")

    __table_args__ = (
        UniqueConstraint("placement_id", "months", name="uq_placement_follow_ups_months"),
        one_of("months", FOLLOW_UP_MONTHS),
        one_of("outcome", FOLLOW_UP_OUTCOMES, nullable=True),
        CheckConstraint("outcome IS NULL OR checked_on IS NOT NULL", name="checked_on"),
        Index("ix_placement_follow_ups_due", "outcome", "due_on"),
        Index("ix_placement_follow_ups_outcome", "placement_id", "months", "outcome"),
    )


class PlacementEvidence(Entity):
    """A labour contract, social-insurance or wage record, or employment registration: a file or a reference."""

    __tablename__ = "placement_evidence"

    placement_id: Mapped[int] = ref("placements.id", ondelete="CASCADE", index=True)
    follow_up_id: Mapped[int | None] = ref("placement_follow_ups.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    reference: Mapped[str | None] = mapped_column(String(100))
    file_path: Mapped[str | None] = mapped_column(String(200))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    dated_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    placement: Mapped[Placement] = relationship(back_populates="evidence")

    __table_args__ = (
        one_of("kind", EVIDENCE_KINDS),
        CheckConstraint("reference IS NOT NULL OR file_path IS NOT NULL", name="reference_or_file"),
    )


class Invitation(Entity):
    """A matched candidate invited for a demand: invited → interview → offer → hired / declined."""

    __tablename__ = "placement_invitations"

    demand_id: Mapped[int] = ref("job_demands.id")
    person_id: Mapped[int] = ref("people.id", index=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="invited")
    reason: Mapped[str | None] = mapped_column(String(300))  # why the matcher ranked the person
    note: Mapped[str | None] = mapped_column(String(500))
    placement_id: Mapped[int | None] = ref("placements.id", ondelete="SET NULL")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()

    demand: Mapped[JobDemand] = relationship()
    person: Mapped[Person] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("demand_id", "person_id", name="uq_placement_invitations_demand_person"),
        one_of("status", INVITATION_STATUSES),
        CheckConstraint("status != 'hired' OR placement_id IS NOT NULL", name="hired_placement"),
    )
