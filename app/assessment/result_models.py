"""Scores with versions and their append-only events, results with per-component outcomes, objections,
and enterprise appointments (特级技师 / 首席技师 / 学徒工)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.assessment.models import AssessmentPlan, AssessmentSession, PlanComponent, Registration
from app.assessment.vocabulary import (
    APPOINTMENT_GRADES,
    APPOINTMENT_STATUSES,
    NOMINATIONS,
    OBJECTION_STATUSES,
    RESULT_STATUSES,
    SCORE_EVENT_KINDS,
)
from app.catalog.models import COMPONENTS
from app.database import Base, Entity, MarkedText, actor_ref, one_of, owned, ref, stamp
from app.people.models import Person

_SCORE = "value IS NULL OR (value >= 0 AND value <= 100)"


class Score(Entity):
    """One score cell: a candidate's theory score (marker NULL) or one panel member's mark.

    ``version`` rises by one on every change; an edit names the version it started from and is refused
    when another edit got there first (see app.assessment.scoring).
    """

    __tablename__ = "assessment_scores"

    session_id: Mapped[int] = ref("assessment_sessions.id")
    registration_id: Mapped[int] = ref("assessment_registrations.id", index=True)
    marker_id: Mapped[int | None] = ref("users.id")
    value: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    absent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 缺考, marked on purpose
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime | None] = stamp()
    updated_by_id: Mapped[int | None] = actor_ref()

    session: Mapped[AssessmentSession] = relationship()
    registration: Mapped[Registration] = relationship()
    marker: Mapped[User | None] = relationship(foreign_keys=[marker_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    __table_args__ = (
        # A theory score has no marker; the service creates exactly one per candidate and session.
        UniqueConstraint("session_id", "registration_id", "marker_id", name="uq_assessment_scores_cell"),
        CheckConstraint(_SCORE, name="value"),
        CheckConstraint("NOT absent OR value IS NULL", name="absent_unscored"),
        CheckConstraint("version >= 0", name="version"),
    )


class ScoreEvent(Base):
    """An entry or correction of a score: who, when, old and new value, and why (append-only)."""

    __tablename__ = "assessment_score_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    score_id: Mapped[int] = ref("assessment_scores.id", index=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    old_value: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    new_value: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)  # the score's version after this change
    reason: Mapped[str | None] = mapped_column(String(500))
    actor_id: Mapped[int | None] = actor_ref()
    actor_name: Mapped[str] = mapped_column(String(120), nullable=False)
    at: Mapped[datetime] = stamp()

    __table_args__ = (
        one_of("kind", SCORE_EVENT_KINDS),
        CheckConstraint("kind != 'correction' OR reason IS NOT NULL", name="correction_reason"),
        CheckConstraint("new_value >= 0 AND new_value <= 100", name="new_value"),
        UniqueConstraint("score_id", "version", name="uq_assessment_score_events_version"),
    )


class AppendOnlyScoreEvent(RuntimeError):
    """Raised when code tries to change or remove a score event."""


@event.listens_for(ScoreEvent, "before_update")
def _refuse_update(mapper, connection, target) -> None:
    raise AppendOnlyScoreEvent("score events are append-only")


@event.listens_for(ScoreEvent, "before_delete")
def _refuse_delete(mapper, connection, target) -> None:
    raise AppendOnlyScoreEvent("score events are append-only")


class AssessmentResult(Entity):
    """A candidate's outcome in a plan: passed only if every required component reached its pass mark.

    Certificates are issued from results that are final and passed (see results.result_for_certificate).
    """

    __tablename__ = "assessment_results"

    registration_id: Mapped[int] = ref("assessment_registrations.id", unique=True)
    plan_id: Mapped[int] = ref("assessment_plans.id", index=True)
    person_id: Mapped[int] = ref("people.id", index=True)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="provisional")
    computed_at: Mapped[datetime] = stamp()
    published_at: Mapped[datetime | None] = stamp()
    finalised_at: Mapped[datetime | None] = stamp()
    ready_for_certificate: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    change_reason: Mapped[str | None] = mapped_column(Text)
    level_award_id: Mapped[int | None] = ref("level_awards.id", ondelete="SET NULL")

    registration: Mapped[Registration] = relationship()
    plan: Mapped[AssessmentPlan] = relationship()
    person: Mapped[Person] = relationship()
    components: Mapped[list[ResultComponent]] = owned("result", order_by="ResultComponent.id")

    __table_args__ = (
        one_of("status", RESULT_STATUSES),
        CheckConstraint("status != 'final' OR finalised_at IS NOT NULL", name="final_recorded"),
        CheckConstraint("NOT ready_for_certificate OR (passed AND status = 'final')", name="certificate_ready"),
        # Covers the funnel report's per-person lookup (issue 8).
        Index("ix_assessment_results_person_plan_passed", "person_id", "plan_id", "passed"),
    )


class ResultComponent(Entity):
    """One component's score and outcome within a result; ``carried`` when kept from an earlier plan."""

    __tablename__ = "assessment_result_components"

    result_id: Mapped[int] = ref("assessment_results.id", ondelete="CASCADE")
    plan_component_id: Mapped[int] = ref("assessment_plan_components.id")
    component: Mapped[str] = mapped_column(String(20), nullable=False)
    score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    pass_mark: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    required: Mapped[bool] = mapped_column(Boolean, nullable=False)
    passed: Mapped[bool] = mapped_column(Boolean, nullable=False)
    absent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 缺考
    carried: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    carried_from_plan_id: Mapped[int | None] = ref("assessment_plans.id")
    corrected_reason: Mapped[str | None] = mapped_column(String(500))

    result: Mapped[AssessmentResult] = relationship(back_populates="components")
    plan_component: Mapped[PlanComponent] = relationship()

    __table_args__ = (
        UniqueConstraint("result_id", "component", name="uq_assessment_result_components_component"),
        one_of("component", COMPONENTS),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score"),
        CheckConstraint("NOT absent OR (score IS NULL AND NOT passed)", name="absent_fails"),
        CheckConstraint("NOT carried OR carried_from_plan_id IS NOT NULL", name="carried_source"),
    )


class Objection(Entity):
    """An objection (异议) to a published result, lodged during the notice and resolved by staff."""

    __tablename__ = "assessment_objections"

    plan_id: Mapped[int] = ref("assessment_plans.id", index=True)
    result_id: Mapped[int] = ref("assessment_results.id")
    lodged_by_name: Mapped[str] = mapped_column(String(50), nullable=False)
    lodged_on: Mapped[date] = mapped_column(Date, nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    resolution: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = actor_ref()
    resolved_by_id: Mapped[int | None] = actor_ref()
    resolved_at: Mapped[datetime | None] = stamp()
    created_at: Mapped[datetime] = stamp()

    result: Mapped[AssessmentResult] = relationship()

    __table_args__ = (
        one_of("status", OBJECTION_STATUSES),
        CheckConstraint("status = 'open' OR (resolution IS NOT NULL AND resolved_at IS NOT NULL)",
                        name="resolution_recorded"),
    )


class EnterpriseAppointment(Entity):
    """An enterprise's 评聘 of an employee to 学徒工, 特级技师 or 首席技师: nomination to appointment with a term."""

    __tablename__ = "enterprise_appointments"

    enterprise_id: Mapped[int] = ref("organisations.id", index=True)
    person_id: Mapped[int] = ref("people.id", index=True)
    grade_key: Mapped[str] = mapped_column(String(30), nullable=False)
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    nomination: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="nominated")
    # Written by the service (a marked message), shown in the reader's language.
    eligibility_note: Mapped[str] = mapped_column(MarkedText(500), nullable=False)
    review_note: Mapped[str | None] = mapped_column(String(500))
    notice_starts_on: Mapped[date | None] = mapped_column(Date)
    notice_ends_on: Mapped[date | None] = mapped_column(Date)
    term_start: Mapped[date | None] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    level_award_id: Mapped[int | None] = ref("level_awards.id", ondelete="SET NULL")
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()
    decided_at: Mapped[datetime | None] = stamp()

    enterprise: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()

    __table_args__ = (
        one_of("grade_key", APPOINTMENT_GRADES),
        one_of("status", APPOINTMENT_STATUSES),
        one_of("nomination", NOMINATIONS),
        CheckConstraint("length(occupation_code) = 10", name="occupation_code_length"),
        CheckConstraint("term_end IS NULL OR term_end > term_start", name="term"),
        CheckConstraint("status != 'appointed' OR (term_start IS NOT NULL AND term_end IS NOT NULL)",
                        name="appointed_term"),
        Index("ix_enterprise_appointments_grade", "enterprise_id", "grade_key", "status"),
    )
