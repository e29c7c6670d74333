"""Shared employment between firms (共享用工) and weekend engineers (周末工程师)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.database import Entity, actor_ref, one_of, owned, ref, stamp
from app.labour.vocabulary import AGREEMENT_STATUSES, CONFIRM_METHODS, POST_KINDS, REQUEST_STATUSES
from app.people.models import Person


class SharedAgreement(Entity):
    """A lending firm's workers working for a borrowing firm for a period, passed on at cost."""

    __tablename__ = "labour_shared_agreements"

    lender_id: Mapped[int] = ref("organisations.id", index=True)
    borrower_id: Mapped[int] = ref("organisations.id", index=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    weekly_hours_cap: Mapped[int] = mapped_column(Integer, nullable=False)
    safety_duties: Mapped[str] = mapped_column(Text, nullable=False)
    charge: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)  # what the borrower pays the lender
    cost: Mapped[Decimal] = mapped_column(Numeric(12, 2), nullable=False)  # wages + social insurance, same period
    lender_pays_wages: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    lender: Mapped[Organisation] = relationship(foreign_keys=[lender_id], lazy="joined")
    borrower: Mapped[Organisation] = relationship(foreign_keys=[borrower_id], lazy="joined")
    workers: Mapped[list[SharedWorker]] = owned("agreement", order_by="SharedWorker.id")

    __table_args__ = (
        one_of("status", AGREEMENT_STATUSES),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("lender_id != borrower_id", name="two_firms"),
        CheckConstraint("weekly_hours_cap BETWEEN 1 AND 44", name="weekly_hours_cap"),
        CheckConstraint("charge >= 0 AND charge <= cost", name="at_cost"),
        CheckConstraint("lender_pays_wages", name="lender_pays_wages"),
    )


class SharedWorker(Entity):
    """A named worker lent under an agreement, with the wage and social insurance the lender keeps paying."""

    __tablename__ = "labour_shared_workers"

    agreement_id: Mapped[int] = ref("labour_shared_agreements.id", ondelete="CASCADE")
    person_id: Mapped[int] = ref("people.id", index=True)
    monthly_wage: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    monthly_social_insurance: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    consented_on: Mapped[date] = mapped_column(Date, nullable=False)
    consent_method: Mapped[str] = mapped_column(String(10), nullable=False)

    agreement: Mapped[SharedAgreement] = relationship(back_populates="workers")
    person: Mapped[Person] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("agreement_id", "person_id", name="uq_labour_shared_workers_agreement_person"),
        one_of("consent_method", CONFIRM_METHODS),
        CheckConstraint("monthly_wage > 0 AND monthly_social_insurance >= 0", name="amounts"),
    )


class SharedPost(Entity):
    """A firm's surplus of staff to lend, or shortage to borrow for, in an occupation over dates."""

    __tablename__ = "labour_shared_posts"

    organisation_id: Mapped[int] = ref("organisations.id", index=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    skills: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    __table_args__ = (
        one_of("kind", POST_KINDS),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("headcount BETWEEN 1 AND 1000", name="headcount"),
    )


class Expert(Entity):
    """A weekend engineer: an expert from a central city who serves firms elsewhere part-time."""

    __tablename__ = "labour_experts"

    person_id: Mapped[int] = ref("people.id", unique=True)
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)  # 1 = 高级技师 … 5 = 初级工
    titles: Mapped[str | None] = mapped_column(String(200))
    home_city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    cities: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    availability: Mapped[str] = mapped_column(String(200), nullable=False)
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(lazy="joined")

    __table_args__ = (CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),)


class ExpertRequest(Entity):
    """A firm asking for an expert's help with a described problem."""

    __tablename__ = "labour_expert_requests"

    enterprise_id: Mapped[int] = ref("organisations.id", index=True)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    problem: Mapped[str] = mapped_column(Text, nullable=False)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    expert_id: Mapped[int | None] = ref("labour_experts.id")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    enterprise: Mapped[Organisation] = relationship(lazy="joined")
    expert: Mapped[Expert | None] = relationship(lazy="joined")
    visits: Mapped[list[ExpertVisit]] = owned("request", order_by="ExpertVisit.visited_on")

    __table_args__ = (
        one_of("status", REQUEST_STATUSES),
        CheckConstraint("status = 'open' OR expert_id IS NOT NULL", name="assigned_expert"),
    )


class AllowanceRule(Entity):
    """How a visit's allowance is computed: a rate per hour and per visit, for experts of a level or better."""

    __tablename__ = "labour_allowance_rules"

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    max_level_digit: Mapped[int] = mapped_column(Integer, nullable=False)  # applies to this level and higher
    per_hour: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    per_visit: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    solved_bonus: Mapped[Decimal] = mapped_column(Numeric(8, 2), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("max_level_digit BETWEEN 1 AND 5", name="max_level_digit"),
        CheckConstraint("per_hour >= 0 AND per_visit >= 0 AND solved_bonus >= 0", name="amounts"),
    )


class ExpertVisit(Entity):
    """A service visit: hours and outcome, confirmed by the firm, with the allowance computed from the rules."""

    __tablename__ = "labour_expert_visits"

    request_id: Mapped[int] = ref("labour_expert_requests.id", ondelete="CASCADE", index=True)
    expert_id: Mapped[int] = ref("labour_experts.id", index=True)
    visited_on: Mapped[date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    outcome: Mapped[str] = mapped_column(Text, nullable=False)
    solved: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    allowance: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    rule_id: Mapped[int | None] = ref("labour_allowance_rules.id")
    confirmed_at: Mapped[datetime | None] = stamp()
    confirmed_by_id: Mapped[int | None] = actor_ref()
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    request: Mapped[ExpertRequest] = relationship(back_populates="visits")
    expert: Mapped[Expert] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("hours > 0 AND hours <= 16", name="hours"),
        CheckConstraint("confirmed_at IS NULL OR allowance IS NOT NULL", name="allowance_on_confirm"),
    )
