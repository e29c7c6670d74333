"""Eligibility exception requests: evaluation staff ask, an administrator decides (issue 17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.accounts.models import User
from app.assessment.models import Registration
from app.database import Entity, actor_ref, one_of, ref, stamp
from app.translation import N_

EXCEPTION_STATUSES = {"pending": N_("Awaiting the administrator"), "approved": N_("Approved"),
                      "refused": N_("Refused")}


class AdministratorDecision:
    """Columns of a request an administrator decides: its status, who asked and when, and the decision.

    Shared by eligibility exception requests and external supervisor requests."""

    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    requested_by_id: Mapped[int | None] = actor_ref()
    requested_at: Mapped[datetime] = stamp(nullable=False)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = actor_ref()
    decided_at: Mapped[datetime | None] = stamp()

    @declared_attr
    def requested_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=[cls.requested_by_id])

    @declared_attr
    def decided_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=[cls.decided_by_id])


class ExceptionRequest(AdministratorDecision, Entity):
    """A request to admit an ineligible registration by exception, with the administrator's decision."""

    __tablename__ = "assessment_exception_requests"

    registration_id: Mapped[int] = ref("assessment_registrations.id", index=True)
    reason: Mapped[str] = mapped_column(Text, nullable=False)

    registration: Mapped[Registration] = relationship()

    __table_args__ = (
        one_of("status", EXCEPTION_STATUSES),
        CheckConstraint("status = 'pending' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                        name="decision_recorded"),
    )
