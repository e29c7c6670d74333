"""Seasonal demand curves, available workers with their cover, schedule runs, assignments, contracts, hours,
pay and the notifications sent when a schedule is published."""

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

from app.accounts.models import Organisation
from app.database import Entity, MarkedText, actor_ref, one_of, owned, ref, stamp
from app.labour.vocabulary import (
    ASSIGNMENT_STATUSES,
    CONFIRM_METHODS,
    CONTRACT_STATUSES,
    COVER_KINDS,
    DEMAND_STATUSES,
    HALVES,
    PAY_KINDS,
    REGISTRATION_CHANNELS,
    RUN_STATUSES,
    TASKS,
)
from app.people.models import Person


class LabourDemand(Entity):
    """Seasonal demand an enterprise posts: one task at one township, with a headcount per half-day (the curve)."""

    __tablename__ = "labour_demands"

    enterprise_id: Mapped[int] = ref("organisations.id", index=True)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    task: Mapped[str] = mapped_column(String(20), nullable=False)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    county: Mapped[str] = mapped_column(String(50), nullable=False)
    township: Mapped[str] = mapped_column(String(50), nullable=False)
    pay_kind: Mapped[str] = mapped_column(String(10), nullable=False)
    pay_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)  # yuan per day or per piece
    hours_per_half_day: Mapped[int] = mapped_column(Integer, nullable=False, default=4)
    required_certificate: Mapped[str | None] = mapped_column(String(10))  # occupation code of a held certificate
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="posted")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    enterprise: Mapped[Organisation] = relationship(lazy="joined")
    slots: Mapped[list[DemandSlot]] = owned("demand", order_by="(DemandSlot.day, DemandSlot.half)")

    __table_args__ = (
        one_of("task", TASKS),
        one_of("pay_kind", PAY_KINDS),
        one_of("status", DEMAND_STATUSES),
        CheckConstraint("pay_rate > 0", name="pay_rate"),
        CheckConstraint("hours_per_half_day BETWEEN 1 AND 6", name="hours_per_half_day"),
        Index("ix_labour_demands_place", "city_code", "county", "status"),
    )


class DemandSlot(Entity):
    """One point of a demand curve: the headcount wanted on a day's morning or afternoon."""

    __tablename__ = "labour_demand_slots"

    demand_id: Mapped[int] = ref("labour_demands.id", ondelete="CASCADE")
    day: Mapped[date] = mapped_column(Date, nullable=False)
    half: Mapped[str] = mapped_column(String(2), nullable=False)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)

    demand: Mapped[LabourDemand] = relationship(back_populates="slots")

    __table_args__ = (
        UniqueConstraint("demand_id", "day", "half", name="uq_labour_demand_slots_demand_day_half"),
        one_of("half", HALVES),
        CheckConstraint("headcount BETWEEN 1 AND 500", name="headcount"),
        Index("ix_labour_demand_slots_day", "day"),
    )


class SeasonalWorker(Entity):
    """A person available for seasonal work: where they can get to, what they can do and prefer."""

    __tablename__ = "labour_workers"

    person_id: Mapped[int] = ref("people.id", unique=True)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    county: Mapped[str] = mapped_column(String(50), nullable=False)
    home_township: Mapped[str] = mapped_column(String(50), nullable=False)
    townships: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # reachable, home included
    tasks: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    preferred_tasks: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    registered_by_org_id: Mapped[int] = ref("organisations.id")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(lazy="joined")
    periods: Mapped[list[WorkerPeriod]] = owned("worker", order_by="WorkerPeriod.start_date")
    covers: Mapped[list[InjuryCover]] = owned("worker", order_by="InjuryCover.start_date")

    __table_args__ = (one_of("channel", REGISTRATION_CHANNELS), Index("ix_labour_workers_place", "city_code", "county"))

    def cover_on(self, day: date) -> InjuryCover | None:
        """The injury cover in force on a day, if any."""
        return next((c for c in self.covers if c.start_date <= day <= c.end_date), None)


class WorkerPeriod(Entity):
    """A stretch of days on which a worker is available."""

    __tablename__ = "labour_worker_periods"

    worker_id: Mapped[int] = ref("labour_workers.id", ondelete="CASCADE", index=True)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)

    worker: Mapped[SeasonalWorker] = relationship(back_populates="periods")

    __table_args__ = (CheckConstraint("end_date >= start_date", name="dates"),)


class InjuryCover(Entity):
    """A work-injury or occupational-injury policy covering a worker for a period."""

    __tablename__ = "labour_injury_covers"

    worker_id: Mapped[int] = ref("labour_workers.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    insurer: Mapped[str] = mapped_column(String(100), nullable=False)
    policy_number: Mapped[str] = mapped_column(String(50), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    worker: Mapped[SeasonalWorker] = relationship(back_populates="covers")

    __table_args__ = (one_of("kind", COVER_KINDS), CheckConstraint("end_date >= start_date", name="dates"))


class ScheduleRun(Entity):
    """One solve of a county's demand over a period: its progress, outcome and unmet demand with reasons."""

    __tablename__ = "labour_schedule_runs"

    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    county: Mapped[str] = mapped_column(String(50), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    time_limit_seconds: Mapped[int] = mapped_column(Integer, nullable=False)
    solver_status: Mapped[str | None] = mapped_column(String(20))
    demanded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    covered: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    kept: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    unmet: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    conflicts: Mapped[list[dict]] = mapped_column(JSON, nullable=False, default=list)
    error: Mapped[str | None] = mapped_column(MarkedText(500))
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    started_at: Mapped[datetime | None] = stamp()
    finished_at: Mapped[datetime | None] = stamp()
    published_at: Mapped[datetime | None] = stamp()
    published_by_id: Mapped[int | None] = actor_ref()

    def progress_at(self, now: datetime) -> int:
        """Percent done: 100 once finished, else the share of the time limit used (the solver stops at it)."""
        if self.status not in ("queued", "running"):
            return 100
        if self.started_at is None:
            return 0
        return max(1, min(99, int(100 * (now - self.started_at).total_seconds() / self.time_limit_seconds)))

    __table_args__ = (
        one_of("status", RUN_STATUSES),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        CheckConstraint("time_limit_seconds BETWEEN 1 AND 600", name="time_limit"),
        Index("ix_labour_schedule_runs_place", "city_code", "county", "created_at"),
    )


class Assignment(Entity):
    """A worker on one half-day of a demand: proposed by a run, published, then confirmed with the contract."""

    __tablename__ = "labour_assignments"

    slot_id: Mapped[int] = ref("labour_demand_slots.id", ondelete="CASCADE")
    worker_id: Mapped[int] = ref("labour_workers.id", index=True)
    run_id: Mapped[int | None] = ref("labour_schedule_runs.id", ondelete="SET NULL", index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="proposed")
    pinned: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = stamp()

    slot: Mapped[DemandSlot] = relationship(lazy="joined")
    worker: Mapped[SeasonalWorker] = relationship()

    __table_args__ = (
        UniqueConstraint("slot_id", "worker_id", name="uq_labour_assignments_slot_worker"),
        one_of("status", ASSIGNMENT_STATUSES),
    )


class SeasonalContract(Entity):
    """The electronic seasonal contract of one worker on one demand, confirmed online by both parties."""

    __tablename__ = "labour_contracts"

    demand_id: Mapped[int] = ref("labour_demands.id")
    worker_id: Mapped[int] = ref("labour_workers.id", index=True)
    cover_id: Mapped[int] = ref("labour_injury_covers.id")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    half_days: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    employer_confirmed_at: Mapped[datetime | None] = stamp()
    employer_confirmed_by_id: Mapped[int | None] = actor_ref()
    employer_method: Mapped[str | None] = mapped_column(String(10))
    worker_confirmed_at: Mapped[datetime | None] = stamp()
    worker_confirmed_by_id: Mapped[int | None] = actor_ref()  # the staff member the worker confirmed before
    worker_method: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = stamp()

    demand: Mapped[LabourDemand] = relationship(lazy="joined")
    worker: Mapped[SeasonalWorker] = relationship(lazy="joined")
    cover: Mapped[InjuryCover] = relationship()
    work_logs: Mapped[list[WorkLog]] = owned("contract", order_by="WorkLog.day")
    payments: Mapped[list[WagePayment]] = owned("contract", order_by="WagePayment.paid_on")

    __table_args__ = (
        UniqueConstraint("demand_id", "worker_id", name="uq_labour_contracts_demand_worker"),
        one_of("status", CONTRACT_STATUSES),
        one_of("employer_method", CONFIRM_METHODS, nullable=True),
        one_of("worker_method", CONFIRM_METHODS, nullable=True),
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("status != 'confirmed' OR (employer_confirmed_at IS NOT NULL "
                        "AND worker_confirmed_at IS NOT NULL)", name="both_confirmed"),
    )


class WorkLog(Entity):
    """Hours (and pieces, for piece pay) worked on a day under a contract, confirmed by the worker."""

    __tablename__ = "labour_work_logs"

    contract_id: Mapped[int] = ref("labour_contracts.id", ondelete="CASCADE")
    day: Mapped[date] = mapped_column(Date, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    pieces: Mapped[int | None] = mapped_column(Integer)
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()
    worker_confirmed_at: Mapped[datetime | None] = stamp()
    worker_method: Mapped[str | None] = mapped_column(String(10))

    contract: Mapped[SeasonalContract] = relationship(back_populates="work_logs")

    __table_args__ = (
        UniqueConstraint("contract_id", "day", name="uq_labour_work_logs_contract_day"),
        CheckConstraint("hours > 0 AND hours <= 10", name="hours"),
        CheckConstraint("pieces IS NULL OR pieces >= 0", name="pieces"),
        one_of("worker_method", CONFIRM_METHODS, nullable=True),
    )


class WagePayment(Entity):
    """A wage payment for the confirmed hours of a period; the difference to what the hours earn is flagged."""

    __tablename__ = "labour_wage_payments"

    contract_id: Mapped[int] = ref("labour_contracts.id", ondelete="CASCADE", index=True)
    paid_on: Mapped[date] = mapped_column(Date, nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    due: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    difference: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)
    flagged: Mapped[bool] = mapped_column(Boolean, nullable=False)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    contract: Mapped[SeasonalContract] = relationship(back_populates="payments")

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount"),
        CheckConstraint("period_end >= period_start", name="period"),
    )


class Notification(Entity):
    """A message to a person (seen on their pages) and, when they have a phone, the SMS sent for it."""

    __tablename__ = "labour_notifications"

    person_id: Mapped[int] = ref("people.id", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)  # Chinese, as sent
    object_id: Mapped[int | None] = mapped_column(Integer)
    sms_backend: Mapped[str | None] = mapped_column(String(20))
    sms_sent_at: Mapped[datetime | None] = stamp()
    created_at: Mapped[datetime] = stamp()
    read_at: Mapped[datetime | None] = stamp()
