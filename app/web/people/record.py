"""What a person did here, for the person page: classes, apprenticeships, assessments and certificates.

People come before training, assessment and certification in the chain, so app/people cannot read them; this
edge module gathers them, each through its own package's data-scope rule, so a role sees here only what it
would see on that package's own pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, scope_by_role
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.result_models import AssessmentResult
from app.certification.lifecycle import visible_clause as certificate_scope
from app.certification.models import Certificate
from app.training.apprenticeship_models import Apprenticeship
from app.training.apprenticeships import scope_clause as apprenticeship_scope
from app.training.models import Attendance, Enrolment, TrainingClass, TrainingProject


@dataclass(frozen=True)
class EnrolmentLine:
    """One class the person is or was in, with the hours attended and those the project requires."""

    enrolment: Enrolment
    attended: Decimal
    required: Decimal


@dataclass(frozen=True)
class RegistrationLine:
    """One assessment registration and its result, if any."""

    registration: Registration
    result: AssessmentResult | None


@dataclass(frozen=True)
class PersonRecord:
    """Everything the person page lists beyond the person's own details."""

    enrolments: list[EnrolmentLine]
    apprenticeships: list[Apprenticeship]
    registrations: list[RegistrationLine]
    certificates: list[Certificate]


def _enrolments(session: Session, actor: User, person_id: int) -> list[EnrolmentLine]:
    # As on the class pages: a training institution sees its own classes, administrators every one.
    scope = scope_by_role(actor, {Role.INSTITUTION_STAFF: TrainingProject.institution_id == actor.organisation_id})
    enrolments = list(session.scalars(
        select(Enrolment).join(TrainingClass, Enrolment.class_id == TrainingClass.id)
        .join(TrainingProject, TrainingClass.project_id == TrainingProject.id)
        .where(Enrolment.person_id == person_id, scope).order_by(TrainingClass.start_date.desc(), Enrolment.id)))
    hours = dict(session.execute(
        select(Attendance.enrolment_id, func.sum(Attendance.hours))
        .where(Attendance.enrolment_id.in_([e.id for e in enrolments])).group_by(Attendance.enrolment_id)).all())
    return [EnrolmentLine(e, Decimal(str(hours.get(e.id) or 0)).quantize(Decimal("0.1")),
                          Decimal(e.training_class.project.reference_hours)) for e in enrolments]


def _registrations(session: Session, actor: User, person_id: int) -> list[RegistrationLine]:
    # As plan_visible: an organisation's own plans, administrators every one.
    scope = scope_by_role(actor, {role: AssessmentPlan.organisation_id == actor.organisation_id
                                  for role in (Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF, Role.ENTERPRISE_HR)})
    rows = session.execute(
        select(Registration, AssessmentResult)
        .join(AssessmentPlan, Registration.plan_id == AssessmentPlan.id)
        .outerjoin(AssessmentResult, AssessmentResult.registration_id == Registration.id)
        .where(Registration.person_id == person_id, scope).order_by(Registration.id.desc())).all()
    return [RegistrationLine(registration, result) for registration, result in rows]


def person_record(session: Session, *, actor: User, person_id: int) -> PersonRecord:
    """The person's classes, apprenticeships, assessments and certificates the actor may see (the caller has
    already checked that the actor may see the person)."""
    return PersonRecord(
        enrolments=_enrolments(session, actor, person_id),
        apprenticeships=list(session.scalars(select(Apprenticeship).where(
            Apprenticeship.person_id == person_id, apprenticeship_scope(actor)).order_by(Apprenticeship.id.desc()))),
        registrations=_registrations(session, actor, person_id),
        certificates=list(session.scalars(select(Certificate).where(
            Certificate.person_id == person_id, certificate_scope(actor))
            .order_by(Certificate.issue_date.desc(), Certificate.id.desc()))),
    )
