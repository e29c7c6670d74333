"""Eligibility exception requests: evaluation staff ask, an administrator decides (issue 17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.assessment.models import Registration
from app.database import Entity, actor_ref, one_of, ref, stamp
from app.translation import N_

EXCEPTION_STATUSES = {"pending": N_("Awaiting the administrator"), "approved": N_("Approved"),
                      "refused": N_("Refused")}


class ExceptionRequest(Entity):
    """A request to admit an ineligible registration by exception, with the administrator's decision."""

    __tablename__ = "assessment_exception_requests"

    registration_id: Mapped[int] = ref("assessment_registrations.id", index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    requested_by_id: Mapped[int | None] = actor_ref()
    requested_at: Mapped[datetime] = stamp(nullable=False)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = actor_ref()
    decided_at: Mapped[datetime | None] = stamp()

    registration: Mapped[Registration] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        one_of("status", EXCEPTION_STATUSES),
        CheckConstraint("status = 'pending' OR (decided_at IS NOT NULL AND decision_reason IS NOT NULL)",
                        name="decision_recorded"),
    )
