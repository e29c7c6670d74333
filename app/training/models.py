"""Training projects, their classes, timetabled sessions, enrolments and attendance."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.catalog.models import Occupation
from app.database import Base, Entity, actor_ref, one_of, owned, ref, stamp
from app.demand.models import JobDemand
from app.people.models import Person
from app.training.vocabulary import ATTENDANCE_METHODS, ATTENDANCE_STATUSES, ENROLMENT_STATUSES, PROJECT_TYPES

DEFAULT_THRESHOLD = Decimal("0.80")
MIN_WORKING_AGE = 16
DEFAULT_MAX_AGE = 65

project_demands = Table(
    "training_project_demands",
    Base.metadata,
    Column("project_id", ForeignKey("training_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("demand_id", ForeignKey("job_demands.id", ondelete="CASCADE"), primary_key=True),
)

class_teachers = Table(
    "training_class_teachers",
    Base.metadata,
    Column("class_id", ForeignKey("training_classes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingProject(Entity):
    """A training project run by an institution for one occupation and target level (order-based if linked)."""

    __tablename__ = "training_projects"

    institution_id: Mapped[int] = ref("organisations.id", index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    project_type: Mapped[str] = mapped_column(String(30), nullable=False)
    occupation_id: Mapped[int] = ref("occupations.id")
    variant_name: Mapped[str | None] = mapped_column(String(100))
    target_level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    # Copied from the standard's level when the project is created, so later edits of the standard do not
    # move the completion bar of classes already running.
    reference_hours: Mapped[int] = mapped_column(Integer, nullable=False)
    standard_edition: Mapped[str] = mapped_column(String(20), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = actor_ref()
    created_at: Mapped[datetime] = stamp()

    institution: Mapped[Organisation] = relationship(lazy="joined")
    occupation: Mapped[Occupation] = relationship(lazy="joined")
    demands: Mapped[list[JobDemand]] = relationship(secondary=project_demands, order_by="JobDemand.id")
    classes: Mapped[list[TrainingClass]] = relationship(back_populates="project", order_by="TrainingClass.start_date")

    __table_args__ = (
        one_of("project_type", PROJECT_TYPES),
        CheckConstraint("target_level_digit BETWEEN 1 AND 5", name="target_level_digit"),
        CheckConstraint("reference_hours > 0", name="reference_hours"),
    )


class TrainingClass(Entity):
    """A class (班) of a project: dates, capacity, venue, teachers and the completion threshold."""

    __tablename__ = "training_classes"

    project_id: Mapped[int] = ref("training_projects.id", index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    venue: Mapped[str] = mapped_column(String(200), nullable=False)
    teacher_names: Mapped[str] = mapped_column(String(300), nullable=False)
    # Share of the reference hours a trainee must attend to complete (0.80 = 80 %).
    completion_threshold: Mapped[Decimal] = mapped_column(Numeric(3, 2), nullable=False, default=DEFAULT_THRESHOLD)
    max_age: Mapped[int] = mapped_column(Integer, nullable=False, default=DEFAULT_MAX_AGE)
    created_at: Mapped[datetime] = stamp()

    project: Mapped[TrainingProject] = relationship(back_populates="classes", lazy="joined")
    teachers: Mapped[list[User]] = relationship(secondary=class_teachers, order_by="User.id")
    sessions: Mapped[list[ClassSession]] = owned(
        "training_class", order_by="[ClassSession.session_date, ClassSession.start_time]"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="training_class", order_by="Enrolment.id")

    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="dates"),
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("completion_threshold > 0 AND completion_threshold <= 1", name="completion_threshold"),
        CheckConstraint(f"max_age >= {MIN_WORKING_AGE} AND max_age <= 80", name="max_age"),
    )


class ClassSession(Entity):
    """One timetabled session of a class: when, where, how many hours, on what, by whom."""

    __tablename__ = "class_sessions"

    class_id: Mapped[int] = ref("training_classes.id", ondelete="CASCADE", index=True)
    session_date: Mapped[date] = mapped_column(Date, nullable=False)
    start_time: Mapped[time] = mapped_column(Time, nullable=False)
    end_time: Mapped[time] = mapped_column(Time, nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    teacher: Mapped[str | None] = mapped_column(String(100))
    # Where this session is held when it is not the class's own venue (a workshop, a practice site).
    venue: Mapped[str | None] = mapped_column(String(200))

    training_class: Mapped[TrainingClass] = relationship(back_populates="sessions")

    __table_args__ = (
        CheckConstraint("end_time > start_time", name="times"),
        CheckConstraint("hours > 0 AND hours <= 12", name="hours"),
    )


class Enrolment(Entity):
    """A person in a class: enrolled → in_training → completed / withdrawn."""

    __tablename__ = "enrolments"

    class_id: Mapped[int] = ref("training_classes.id")
    person_id: Mapped[int] = ref("people.id", index=True)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="enrolled")
    enrolled_at: Mapped[datetime] = stamp()
    status_changed_at: Mapped[datetime] = stamp()
    completed_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(300))
    test_score: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))  # the completion test, when one was held
    test_on: Mapped[date | None] = mapped_column(Date)
    enrolled_by_id: Mapped[int | None] = actor_ref()

    training_class: Mapped[TrainingClass] = relationship(back_populates="enrolments")
    person: Mapped[Person] = relationship(lazy="joined")
    attendance: Mapped[list[Attendance]] = owned("enrolment")

    __table_args__ = (
        UniqueConstraint("class_id", "person_id", name="uq_enrolments_class_person"),
        # Covers the funnel report's per-class scan (issue 8).
        Index("ix_enrolments_class_person_status", "class_id", "person_id", "status"),
        one_of("status", ENROLMENT_STATUSES),
        CheckConstraint("status != 'completed' OR completed_on IS NOT NULL", name="completed_on"),
    )


class Attendance(Entity):
    """Whether a trainee attended a session, and for how many of its hours."""

    __tablename__ = "attendance_records"

    session_id: Mapped[int] = ref("class_sessions.id", ondelete="CASCADE")
    enrolment_id: Mapped[int] = ref("enrolments.id", ondelete="CASCADE")
    status: Mapped[str] = mapped_column(String(10), nullable=False)
    hours: Mapped[Decimal] = mapped_column(Numeric(4, 1), nullable=False)
    method: Mapped[str] = mapped_column(String(10), nullable=False, default="staff", server_default="staff")
    recorded_at: Mapped[datetime] = stamp()
    recorded_by_id: Mapped[int | None] = actor_ref()

    enrolment: Mapped[Enrolment] = relationship(back_populates="attendance")
    class_session: Mapped[ClassSession] = relationship()

    __table_args__ = (
        UniqueConstraint("session_id", "enrolment_id", name="uq_attendance_records_session_enrolment"),
        Index("ix_attendance_records_enrolment", "enrolment_id"),
        one_of("status", ATTENDANCE_STATUSES),
        one_of("method", ATTENDANCE_METHODS),
        CheckConstraint("hours >= 0", name="hours"),
        CheckConstraint("status != 'absent' OR hours = 0", name="absent_hours"),
    )
