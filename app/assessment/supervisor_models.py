"""External supervisors (issue 17): evaluation staff request them for a plan, an administrator appoints
department quality supervisors (人社部门质量督导员) from the department's pool, or declines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.assessment.exception_models import AdministratorDecision
from app.assessment.models import AssessmentPlan
from app.database import Entity, actor_ref, one_of, ref, stamp
from app.translation import N_

SUPERVISOR_REQUEST_STATUSES = {"pending": N_("Awaiting the administrator"), "appointed": N_("Supervisors appointed"),
                               "declined": N_("Declined"), "withdrawn": N_("Withdrawn")}


class SupervisorRequest(AdministratorDecision, Entity):
    """A plan's request for external quality supervisors, with the administrator's decision."""

    __tablename__ = "assessment_supervisor_requests"

    plan_id: Mapped[int] = ref("assessment_plans.id", index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    rooms: Mapped[str | None] = mapped_column(String(500))  # the rooms meant, as the staff named them
    note: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[AssessmentPlan] = relationship()

    __table_args__ = (
        one_of("status", SUPERVISOR_REQUEST_STATUSES),
        CheckConstraint("count BETWEEN 1 AND 50", name="count"),
        CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name="decision_recorded"),
    )


class SupervisorAppointment(Entity):
    """A department quality supervisor appointed to a plan: they may be its rooms' external supervisor."""

    __tablename__ = "assessment_supervisor_appointments"

    plan_id: Mapped[int] = ref("assessment_plans.id", index=True)
    user_id: Mapped[int] = ref("users.id", index=True)
    request_id: Mapped[int | None] = ref("assessment_supervisor_requests.id", ondelete="SET NULL")
    appointed_by_id: Mapped[int | None] = actor_ref()
    appointed_at: Mapped[datetime] = stamp(nullable=False)

    plan: Mapped[AssessmentPlan] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    request: Mapped[SupervisorRequest | None] = relationship()

    __table_args__ = (UniqueConstraint("plan_id", "user_id", name="uq_assessment_supervisor_appointments_plan_user"),)
