"""Job demands (岗位需求) posted by enterprises."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.catalog.models import Occupation
from app.database import Entity, actor_ref, one_of, ref, stamp
from app.translation import N_, Message

DEMAND_STATUSES: dict[str, Message] = {
    "open": N_("Open"),
    "filled": N_("Filled"),
    "closed": N_("Closed"),
    "expired": N_("Expired"),
}


class JobDemand(Entity):
    """A vacancy posting: enterprise, occupation, level, headcount, place, pay and how long it stands."""

    __tablename__ = "job_demands"

    enterprise_id: Mapped[int] = ref("organisations.id")
    occupation_id: Mapped[int] = ref("occupations.id")
    variant_name: Mapped[str | None] = mapped_column(String(100))  # 工种 / 职业方向
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    min_level_digit: Mapped[int | None] = mapped_column(Integer)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    city_code: Mapped[str] = mapped_column(String(4), nullable=False)
    wage_min: Mapped[int] = mapped_column(Integer, nullable=False)  # yuan per month
    wage_max: Mapped[int] = mapped_column(Integer, nullable=False)
    requirements: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")
    # Whether the occupation was on the shortage catalogue in force when the demand was recorded.
    is_shortage: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    shortage_quarter: Mapped[str | None] = mapped_column(String(6))
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()
    status_changed_at: Mapped[datetime] = stamp()

    enterprise: Mapped[Organisation] = relationship(lazy="joined")
    occupation: Mapped[Occupation] = relationship(lazy="joined")

    __table_args__ = (
        one_of("status", DEMAND_STATUSES),
        CheckConstraint("min_level_digit IS NULL OR min_level_digit BETWEEN 1 AND 5", name="min_level_digit"),
        CheckConstraint("headcount > 0", name="headcount"),
        CheckConstraint("length(city_code) = 4", name="city_code_length"),
        CheckConstraint("wage_min >= 0 AND wage_max >= wage_min", name="wage_range"),
        Index("ix_job_demands_enterprise", "enterprise_id", "status"),
        Index("ix_job_demands_status_valid", "status", "valid_until"),
    )

    def effective_status(self, today: date) -> str:
        """The status as users should see it: an open demand past its date is expired."""
        return "expired" if self.status == "open" and self.valid_until < today else self.status
