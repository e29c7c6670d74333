"""Enterprise new-type apprenticeships (企业新型学徒制): the apprenticeship, its documents, logbook and subsidy."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

from app.accounts.models import Organisation
from app.catalog.models import Occupation
from app.database import Entity, actor_ref, one_of, owned, ref, stamp
from app.people.models import Person
from app.training.vocabulary import APPRENTICESHIP_STATUSES, DOCUMENT_KINDS, PAYMENT_KINDS


class Apprenticeship(Entity):
    """An employee trained by enterprise and institution together toward a target level."""

    __tablename__ = "apprenticeships"

    enterprise_id: Mapped[int] = ref("organisations.id", index=True)
    institution_id: Mapped[int] = ref("organisations.id", index=True)
    person_id: Mapped[int] = ref("people.id", index=True)
    occupation_id: Mapped[int] = ref("occupations.id")
    variant_name: Mapped[str | None] = mapped_column(String(100))
    target_level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    contract_start: Mapped[date] = mapped_column(Date, nullable=False)
    contract_end: Mapped[date] = mapped_column(Date, nullable=False)
    planned_start: Mapped[date] = mapped_column(Date, nullable=False)
    planned_end: Mapped[date] = mapped_column(Date, nullable=False)
    planned_months: Mapped[int] = mapped_column(Integer, nullable=False)
    mentor_name: Mapped[str] = mapped_column(String(50), nullable=False)
    mentor_level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    teacher_name: Mapped[str] = mapped_column(String(50), nullable=False)
    cooperation_fee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # yuan, from the cooperation agreement
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    filed_at: Mapped[datetime | None] = stamp()
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    early_completion_reason: Mapped[str | None] = mapped_column(String(300))
    terminated_on: Mapped[date | None] = mapped_column(Date)
    termination_reason: Mapped[str | None] = mapped_column(String(300))
    # Set on completion; the assessment stage reads it to offer the apprentice a skill evaluation.
    ready_for_assessment_at: Mapped[datetime | None] = stamp()
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    status_changed_at: Mapped[datetime] = stamp()

    enterprise: Mapped[Organisation] = relationship(foreign_keys=[enterprise_id], lazy="joined")
    institution: Mapped[Organisation] = relationship(foreign_keys=[institution_id], lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    occupation: Mapped[Occupation] = relationship(lazy="joined")
    documents: Mapped[list[ApprenticeshipDocument]] = owned(
        "apprenticeship", order_by="ApprenticeshipDocument.id"
    )
    logbook: Mapped[list[LogbookEntry]] = owned(
        "apprenticeship", order_by="[LogbookEntry.entry_date, LogbookEntry.id]"
    )
    payments: Mapped[list[SubsidyPayment]] = relationship(
        back_populates="apprenticeship", order_by="SubsidyPayment.id"
    )

    __table_args__ = (
        one_of("status", APPRENTICESHIP_STATUSES),
        # 企业新型学徒制 trains toward 中级工 (4) … 高级技师 (1); 五级 is not a target.
        CheckConstraint("target_level_digit BETWEEN 1 AND 4", name="target_level_digit"),
        CheckConstraint("mentor_level_digit BETWEEN 1 AND 5", name="mentor_level_digit"),
        CheckConstraint("mentor_level_digit <= target_level_digit", name="mentor_level"),
        CheckConstraint("contract_end > contract_start", name="contract_dates"),
        CheckConstraint("planned_end > planned_start", name="planned_dates"),
        CheckConstraint("planned_months BETWEEN 12 AND 36", name="planned_months"),
        CheckConstraint("cooperation_fee IS NULL OR cooperation_fee >= 0", name="cooperation_fee"),
        CheckConstraint("status != 'terminated' OR termination_reason IS NOT NULL", name="termination_reason"),
        CheckConstraint("status != 'completed' OR completed_on IS NOT NULL", name="completed_on"),
    )

    def document(self, kind: str) -> ApprenticeshipDocument | None:
        """The uploaded document of this kind, if any."""
        return next((d for d in self.documents if d.kind == kind), None)

    @property
    def logbook_hours(self) -> Decimal:
        """Hours of every logbook entry."""
        return sum((e.hours for e in self.logbook), Decimal(0))


class ApprenticeshipDocument(Entity):
    """One of the three documents required before filing, stored by content hash."""

    __tablename__ = "apprenticeship_documents"

    apprenticeship_id: Mapped[int] = ref("apprenticeships.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    filename: Mapped[str] = mapped_column(String(200), nullable=False)
    path: Mapped[str] = mapped_column(String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(String(50), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime] = stamp()
    uploaded_by_id: Mapped[int | None] = actor_ref()

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="documents")

    __table_args__ = (
        UniqueConstraint("apprenticeship_id", "kind", name="uq_apprenticeship_documents_kind"),
        one_of("kind", DOCUMENT_KINDS),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("size_bytes > 0", name="size"),
    )


class LogbookEntry(Entity):
    """A day's work in the apprentice's logbook, signed off for the enterprise mentor."""

    __tablename__ = "apprenticeship_logbook_entries"

    apprenticeship_id: Mapped[int] = ref("apprenticeships.id", ondelete="CASCADE", index=True)
    entry_date: Mapped[date] = mapped_column(Date, nullable=False)
    work_done: Mapped[str] = mapped_column(Text, nullable=False)
    skills: Mapped[str] = mapped_column(String(300), nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    created_at: Mapped[datetime] = stamp()
    created_by_id: Mapped[int | None] = actor_ref()
    signed_off_at: Mapped[datetime | None] = stamp()
    signed_off_by_id: Mapped[int | None] = actor_ref()
    signed_mentor_name: Mapped[str | None] = mapped_column(String(50))

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="logbook")

    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 24", name="hours"),
        CheckConstraint("signed_off_at IS NULL OR signed_mentor_name IS NOT NULL", name="signature"),
    )


class SubsidyRate(Entity):
    """Apprenticeship subsidy per person-year for a target level, province-wide or for one city, over a period."""

    __tablename__ = "apprenticeship_subsidy_rates"

    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    city_code: Mapped[str | None] = mapped_column(String(4))  # NULL = the whole province
    amount_per_year: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = stamp()

    __table_args__ = (
        CheckConstraint("level_digit BETWEEN 1 AND 4", name="level_digit"),
        CheckConstraint("city_code IS NULL OR length(city_code) = 4", name="city_code_length"),
        CheckConstraint("amount_per_year >= 0", name="amount"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="period"),
        Index("ix_apprenticeship_subsidy_rates_level", "level_digit", "effective_from"),
    )


class SubsidyPayment(Entity):
    """A ledger row: an advance, the final payment, or money recovered for a terminated apprentice."""

    __tablename__ = "apprenticeship_subsidy_payments"

    apprenticeship_id: Mapped[int] = ref("apprenticeships.id", index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = stamp()
    recorded_by_id: Mapped[int | None] = actor_ref()

    apprenticeship: Mapped[Apprenticeship] = relationship(back_populates="payments")

    __table_args__ = (
        one_of("kind", PAYMENT_KINDS),
        CheckConstraint("amount > 0", name="amount"),
    )
