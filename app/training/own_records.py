"""A person's own view of their training: classes with hours attended against hours required, and the sessions
still to come. Read by the worker's own pages; the caller has already established whose records these are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.training.apprenticeship_models import Apprenticeship
from app.training.enrolments import attended_hours
from app.training.models import ClassSession, Enrolment, TrainingClass
from app.training.progress import required_hours

UPCOMING_SHOWN = 5


@dataclass(frozen=True)
class OwnClass:
    """One class of the person, with progress and the next sessions."""

    enrolment: Enrolment
    training_class: TrainingClass
    attended: Decimal
    required: Decimal
    upcoming: tuple[ClassSession, ...]


def own_classes(session: Session, *, person_id: int, today: date) -> list[OwnClass]:
    """Every class the person is or was enrolled in, newest first, with hours and upcoming sessions."""
    enrolments = session.scalars(
        select(Enrolment).join(TrainingClass, TrainingClass.id == Enrolment.class_id)
        .where(Enrolment.person_id == person_id).order_by(TrainingClass.start_date.desc(), Enrolment.id.desc()))
    rows = []
    for enrolment in enrolments:
        klass = enrolment.training_class
        upcoming = tuple(session.scalars(
            select(ClassSession).where(ClassSession.class_id == klass.id, ClassSession.session_date >= today)
            .order_by(ClassSession.session_date, ClassSession.start_time).limit(UPCOMING_SHOWN)))
        rows.append(OwnClass(enrolment=enrolment, training_class=klass,
                             attended=attended_hours(session, enrolment.id),
                             required=required_hours(klass.project.reference_hours, klass.completion_threshold),
                             upcoming=upcoming))
    return rows


def own_apprenticeships(session: Session, *, person_id: int) -> list[Apprenticeship]:
    """The person's enterprise new-type apprenticeships, newest first (each with its logbook)."""
    return list(session.scalars(select(Apprenticeship).where(Apprenticeship.person_id == person_id)
                                .order_by(Apprenticeship.planned_start.desc(), Apprenticeship.id.desc())))
