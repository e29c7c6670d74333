"""Data behind the reports: ladder targets, subsidy schemes and claims."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
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

from app.database import Base, Entity, actor_ref, one_of, ref, stamp
from app.people.models import LevelAward, Person
from app.translation import N_, Message

SCHEME_KINDS: dict[str, Message] = {
    "training": N_("Vocational training subsidy"),
    "evaluation": N_("Skill evaluation subsidy"),
    "upgrade": N_("Skill upgrading subsidy"),
    "apprenticeship": N_("Enterprise new apprenticeship subsidy"),
}
CLAIM_STATUSES: dict[str, Message] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "notice": N_("Under public notice"),
    "approved": N_("Approved"),
    "paid": N_("Paid"),
    "withdrawn": N_("Claim withdrawn"),
}


class LadderTarget(Entity):
    """A yearly target for new workers at some grades (e.g. 10,000 new 技师/高级技师 in Liaoning)."""

    __tablename__ = "ladder_targets"

    year: Mapped[int] = mapped_column(Integer, nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    grade_keys: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    target: Mapped[int] = mapped_column(Integer, nullable=False)
    city_code: Mapped[str | None] = mapped_column(String(4))
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()

    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        CheckConstraint("target > 0", name="target"),
        UniqueConstraint("year", "name", name="uq_ladder_targets_year_name"),
    )


class SubsidyScheme(Entity):
    """A subsidy scheme as data: kind, amount per level, caps, claim window, dates, region, shortage uplift."""

    __tablename__ = "subsidy_schemes"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # {"5": 1000, "4": 1500, ...}: yuan per level digit; a level not listed is not covered.
    amounts: Mapped[dict] = mapped_column(JSON, nullable=False)
    per_person_cap: Mapped[int] = mapped_column(Integer, nullable=False, default=3)
    cap_per_year: Mapped[bool] = mapped_column(nullable=False, default=False)
    claim_window_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    effective_to: Mapped[date | None] = mapped_column(Date)
    city_code: Mapped[str | None] = mapped_column(String(4))  # None = the whole province
    shortage_uplift_percent: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = stamp()

    __table_args__ = (
        one_of("kind", SCHEME_KINDS),
        CheckConstraint("per_person_cap BETWEEN 1 AND 100", name="per_person_cap"),
        CheckConstraint("claim_window_months BETWEEN 1 AND 120", name="claim_window"),
        CheckConstraint("shortage_uplift_percent BETWEEN 0 AND 100", name="shortage_uplift"),
        CheckConstraint("effective_to IS NULL OR effective_to >= effective_from", name="effective_dates"),
    )

    def amount_for(self, level_digit: int | None) -> Decimal | None:
        """The base amount for a level digit, or None when the scheme does not cover it."""
        value = self.amounts.get(str(level_digit)) if level_digit is not None else None
        return None if value is None else Decimal(str(value))


class SubsidyClaim(Entity):
    """A claim for one person's certificate-level award under a scheme: draft → submitted → notice → approved → paid."""

    __tablename__ = "subsidy_claims"

    scheme_id: Mapped[int] = ref("subsidy_schemes.id")
    person_id: Mapped[int] = ref("people.id")
    organisation_id: Mapped[int | None] = ref("organisations.id", index=True)  # who prepared it; None: the person
    level_award_id: Mapped[int] = ref("level_awards.id")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    certificate_date: Mapped[date] = mapped_column(Date, nullable=False)
    claimed_on: Mapped[date] = mapped_column(Date, nullable=False)
    base_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    uplift_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="draft")
    status_changed_at: Mapped[datetime] = stamp()
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    scheme: Mapped[SubsidyScheme] = relationship(lazy="joined")
    person: Mapped[Person] = relationship(lazy="joined")
    level_award: Mapped[LevelAward] = relationship()

    __table_args__ = (
        one_of("status", CLAIM_STATUSES),
        one_of("kind", SCHEME_KINDS),
        CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),
        CheckConstraint("amount = base_amount + uplift_amount AND amount >= 0", name="amount"),
        Index("ix_subsidy_claims_person", "person_id", "kind", "status"),
    )


class FunnelFact(Base):
    """Derived: one class's funnel counts (enrolled … retained at 6 months) and employment counts, with the keys
    the report filters on.

    Every funnel filter (quarter of the class start, institution city, occupation, institution, project) is a
    property of the class, so one row per class answers any filter by summing. Rebuilt wholesale by
    `app.reporting.facts.refresh_funnel_facts`; never edited row by row.
    """

    __tablename__ = "funnel_facts"

    class_id: Mapped[int] = ref("training_classes.id", ondelete="CASCADE", primary_key=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    project_id: Mapped[int] = mapped_column(Integer, nullable=False)
    institution_id: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    occupation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    enrolled: Mapped[int] = mapped_column(Integer, nullable=False)
    completed: Mapped[int] = mapped_column(Integer, nullable=False)
    assessed: Mapped[int] = mapped_column(Integer, nullable=False)
    passed: Mapped[int] = mapped_column(Integer, nullable=False)
    certified: Mapped[int] = mapped_column(Integer, nullable=False)
    placed: Mapped[int] = mapped_column(Integer, nullable=False)
    retained: Mapped[int] = mapped_column(Integer, nullable=False)
    # Class employment rate (app.reporting.employment): enrolments past "enrolled", and how many of them were
    # placed between the class start and 2 or 6 months after the class end.
    started: Mapped[int] = mapped_column(Integer, nullable=False)
    employed_2m: Mapped[int] = mapped_column(Integer, nullable=False)
    employed_6m: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (
        CheckConstraint("completed BETWEEN 0 AND enrolled AND passed BETWEEN 0 AND assessed "
                        "AND assessed BETWEEN 0 AND enrolled AND certified BETWEEN 0 AND enrolled "
                        "AND retained BETWEEN 0 AND placed AND placed BETWEEN 0 AND enrolled", name="counts"),
        CheckConstraint("started BETWEEN 0 AND enrolled AND employed_2m BETWEEN 0 AND employed_6m "
                        "AND employed_6m BETWEEN 0 AND started", name="employment"),
    )


class ReportRefresh(Base):
    """When a derived report table (e.g. "funnel_facts") was last rebuilt, how long it took and how many rows."""

    __tablename__ = "report_refreshes"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    refreshed_at: Mapped[datetime] = stamp()
    duration_ms: Mapped[int] = mapped_column(Integer, nullable=False)
    row_count: Mapped[int] = mapped_column(Integer, nullable=False)

    __table_args__ = (CheckConstraint("duration_ms >= 0 AND row_count >= 0", name="figures"),)
