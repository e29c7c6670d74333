"""Assessment plans with their components, registrations, sessions and staffing, assessor records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.assessment.vocabulary import (
    ASSIGNMENT_ROLES,
    PLAN_STATUSES,
    REGISTRATION_SOURCES,
    REGISTRATION_STATUSES,
    RELATION_KINDS,
    SESSION_STATUSES,
)
from app.catalog.calendar import Holiday  # noqa: F401 -- moved down the chain; kept importable here
from app.catalog.models import COMPONENTS, Occupation, SkillStandard
from app.database import Entity, MarkedText, actor_ref, one_of, owned, ref, stamp
from app.people.models import Person

_LEVEL = "level_digit BETWEEN 1 AND 5"


class AssessmentPlan(Entity):
    """An evaluation organisation's plan to assess one occupation (and 工种/方向) at one level."""

    __tablename__ = "assessment_plans"

    organisation_id: Mapped[int] = ref("organisations.id", index=True)
    occupation_id: Mapped[int] = ref("occupations.id")
    standard_id: Mapped[int] = ref("skill_standards.id")
    variant_name: Mapped[str | None] = mapped_column(String(100))  # 工种/职业方向
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    registration_deadline: Mapped[date] = mapped_column(Date, nullable=False)
    venue: Mapped[str] = mapped_column(String(200), nullable=False)
    fee_yuan: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False, default=Decimal("0"))
    # Settings copied from configuration when the plan is made, so a later change never rewrites history.
    notice_working_days: Mapped[int] = mapped_column(Integer, nullable=False, default=5)
    retake_months: Mapped[int] = mapped_column(Integer, nullable=False, default=12)
    ticket_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    published_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    finalised_at: Mapped[datetime | None] = stamp()
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    organisation: Mapped[Organisation] = relationship()
    occupation: Mapped[Occupation] = relationship()
    standard: Mapped[SkillStandard] = relationship()
    components: Mapped[list[PlanComponent]] = owned("plan", order_by="PlanComponent.id")
    registrations: Mapped[list[Registration]] = relationship(back_populates="plan", order_by="Registration.id")

    __table_args__ = (
        one_of("status", PLAN_STATUSES),
        CheckConstraint(_LEVEL, name="level_digit"),
        CheckConstraint("fee_yuan >= 0", name="fee"),
        CheckConstraint("notice_working_days BETWEEN 1 AND 60", name="notice_days"),
        CheckConstraint("retake_months BETWEEN 0 AND 60", name="retake_months"),
        CheckConstraint("ticket_seq >= 0", name="ticket_seq"),
        CheckConstraint("status != 'cancelled' OR cancel_reason IS NOT NULL", name="cancel_reason"),
        CheckConstraint("notice_ends_on IS NULL OR notice_ends_on > published_on", name="notice_period"),
    )

    def component(self, name: str) -> PlanComponent | None:
        """The plan's component of this kind, if it has one."""
        return next((c for c in self.components if c.component == name), None)


class PlanComponent(Entity):
    """A component to sit, copied from the standard with its pass mark, and when it is held."""

    __tablename__ = "assessment_plan_components"

    plan_id: Mapped[int] = ref("assessment_plans.id", ondelete="CASCADE")
    component: Mapped[str] = mapped_column(String(20), nullable=False)
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    exam_on: Mapped[date | None] = mapped_column(Date)
    exam_time: Mapped[str | None] = mapped_column(String(20))  # e.g. "09:00–11:00"

    plan: Mapped[AssessmentPlan] = relationship(back_populates="components")

    __table_args__ = (
        one_of("component", COMPONENTS),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),
        UniqueConstraint("plan_id", "component", name="uq_assessment_plan_components_component"),
    )


class Registration(Entity):
    """A candidate registered for a plan, with the eligibility outcome as it was checked."""

    __tablename__ = "assessment_registrations"

    plan_id: Mapped[int] = ref("assessment_plans.id")
    person_id: Mapped[int] = ref("people.id", index=True)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    source_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    eligible: Mapped[bool] = mapped_column(Boolean, nullable=False)
    route_id: Mapped[str | None] = mapped_column(String(20))
    route_label: Mapped[str | None] = mapped_column(MarkedText())  # a marked default label stays translatable
    # [{"route_id": ..., "route_label": ..., "reasons": [...]}, ...] for every route that failed.
    failures: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    checked_as_of: Mapped[date] = mapped_column(Date, nullable=False)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = actor_ref()
    overridden_at: Mapped[datetime | None] = stamp()
    ticket_number: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    plan: Mapped[AssessmentPlan] = relationship(back_populates="registrations")
    person: Mapped[Person] = relationship()
    carried: Mapped[list[CarriedComponent]] = owned("registration", order_by="CarriedComponent.id")

    __table_args__ = (
        UniqueConstraint("plan_id", "person_id", name="uq_assessment_registrations_person"),
        UniqueConstraint("plan_id", "ticket_number", name="uq_assessment_registrations_ticket"),
        one_of("status", REGISTRATION_STATUSES),
        one_of("source", REGISTRATION_SOURCES),
        CheckConstraint("status != 'overridden' OR (override_reason IS NOT NULL AND overridden_at IS NOT NULL)",
                        name="override_recorded"),
        CheckConstraint("status != 'eligible' OR eligible", name="eligible_status"),
    )

    @property
    def admitted(self) -> bool:
        """True when the candidate may sit the exams (eligible, or admitted by an administrator)."""
        return self.status in ("eligible", "overridden")


class CarriedComponent(Entity):
    """A component passed in an earlier plan and kept for this registration within the retake window."""

    __tablename__ = "assessment_carried_components"

    registration_id: Mapped[int] = ref("assessment_registrations.id", ondelete="CASCADE")
    component: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    passed_on: Mapped[date] = mapped_column(Date, nullable=False)
    source_plan_id: Mapped[int] = ref("assessment_plans.id")
    source_result_id: Mapped[int] = mapped_column(Integer, nullable=False)

    registration: Mapped[Registration] = relationship(back_populates="carried")

    __table_args__ = (
        UniqueConstraint("registration_id", "component", name="uq_assessment_carried_components_component"),
        one_of("component", COMPONENTS),
        CheckConstraint("score >= 0 AND score <= 100", name="score"),
    )


class AssessmentSession(Entity):
    """One sitting of a component in one room, with its candidates and assigned staff."""

    __tablename__ = "assessment_sessions"

    plan_id: Mapped[int] = ref("assessment_plans.id", index=True)
    plan_component_id: Mapped[int] = ref("assessment_plan_components.id")
    room: Mapped[str] = mapped_column(String(100), nullable=False)
    starts_at: Mapped[datetime] = stamp()
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=120)
    capacity: Mapped[int | None] = mapped_column(Integer)  # seats; None when not limited
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="planning")
    confirmed_at: Mapped[datetime | None] = stamp()
    signed_off_at: Mapped[datetime | None] = stamp()
    signed_off_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    plan: Mapped[AssessmentPlan] = relationship()
    plan_component: Mapped[PlanComponent] = relationship()
    candidates: Mapped[list[SessionCandidate]] = owned("session", order_by="SessionCandidate.id")
    assignments: Mapped[list[SessionAssignment]] = owned("session", order_by="SessionAssignment.id")

    __table_args__ = (
        one_of("status", SESSION_STATUSES),
        CheckConstraint("duration_minutes > 0", name="duration"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity"),
        CheckConstraint("status != 'signed_off' OR signed_off_at IS NOT NULL", name="sign_off_recorded"),
    )

    @property
    def component(self) -> str:
        """The kind of component sat in this session."""
        return self.plan_component.component


class SessionCandidate(Entity):
    """A registration placed in a session; a candidate sits each component in one session only."""

    __tablename__ = "assessment_session_candidates"

    session_id: Mapped[int] = ref("assessment_sessions.id", ondelete="CASCADE")
    registration_id: Mapped[int] = ref("assessment_registrations.id")
    plan_component_id: Mapped[int] = ref("assessment_plan_components.id")

    session: Mapped[AssessmentSession] = relationship(back_populates="candidates")
    registration: Mapped[Registration] = relationship()

    __table_args__ = (
        UniqueConstraint("registration_id", "plan_component_id", name="uq_assessment_session_candidates_component"),
    )


class SessionAssignment(Entity):
    """An assessor assigned to a session in one role."""

    __tablename__ = "assessment_session_assignments"

    session_id: Mapped[int] = ref("assessment_sessions.id", ondelete="CASCADE")
    user_id: Mapped[int] = ref("users.id", index=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    external: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    assigned_at: Mapped[datetime] = stamp()

    session: Mapped[AssessmentSession] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_assessment_session_assignments_user"),
        one_of("role", ASSIGNMENT_ROLES),
        CheckConstraint("role = 'supervisor' OR NOT external", name="external_supervisor_only"),
    )


class AssessorQualification(Entity):
    """An assessor's own level in an occupation, which decides which sessions they may mark."""

    __tablename__ = "assessor_qualifications"

    user_id: Mapped[int] = ref("users.id", ondelete="CASCADE")
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    certificate_number: Mapped[str | None] = mapped_column(String(22))
    recorded_by_id: Mapped[int | None] = actor_ref()
    recorded_at: Mapped[datetime] = stamp()

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        UniqueConstraint("user_id", "occupation_code", name="uq_assessor_qualifications_occupation"),
        CheckConstraint(_LEVEL, name="level_digit"),
        CheckConstraint("length(occupation_code) = 10", name="occupation_code_length"),
    )


class DeclaredRelation(Entity):
    """A relation between an assessor and a person that requires recusal (回避), declared by either side's staff."""

    __tablename__ = "assessor_declared_relations"

    assessor_id: Mapped[int] = ref("users.id", ondelete="CASCADE", index=True)
    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(String(300))
    declared_by_id: Mapped[int | None] = actor_ref()
    declared_at: Mapped[datetime] = stamp()

    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    person: Mapped[Person] = relationship()

    __table_args__ = (
        UniqueConstraint("assessor_id", "person_id", "kind", name="uq_assessor_declared_relations_kind"),
        one_of("kind", RELATION_KINDS),
    )
