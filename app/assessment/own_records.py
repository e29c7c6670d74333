"""A person's own view of their assessments: registrations, admission tickets, and results once published.

Scores stay hidden from the candidate until the results go on public notice (公示), as on the notice board.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.assessment.models import Registration
from app.assessment.registration import completed_apprenticeships
from app.assessment.result_models import AssessmentResult
from app.catalog.eligibility import EligibilityResult
from app.catalog.ladder import Grade, grade_by_key, next_grade
from app.catalog.standards import check_eligibility, current_standard_for
from app.errors import NotFound
from app.people.levels import current_levels
from app.people.models import LevelAward, Person
from app.people.records import applicant_for
from app.translation import N_

SHOWN_RESULT_STATUSES = ("published", "final")


@dataclass(frozen=True)
class OwnRegistration:
    """One registration of the person and its result once it may be shown."""

    registration: Registration
    result: AssessmentResult | None


def own_registrations(session: Session, *, person_id: int) -> list[OwnRegistration]:
    """Every registration of the person, newest first, with a published or final result."""
    registrations = session.scalars(select(Registration).where(Registration.person_id == person_id)
                                    .order_by(Registration.created_at.desc(), Registration.id.desc()))
    rows = []
    for registration in registrations:
        result = session.scalar(select(AssessmentResult).where(
            AssessmentResult.registration_id == registration.id,
            AssessmentResult.status.in_(SHOWN_RESULT_STATUSES)))
        rows.append(OwnRegistration(registration=registration, result=result))
    return rows


def own_registration(session: Session, *, person_id: int, registration_id: int) -> Registration:
    """One of the person's own registrations; anyone else's "does not exist"."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.person_id != person_id:
        raise NotFound(N_("The registration does not exist."))
    return registration


@dataclass(frozen=True)
class LevelOutlook:
    """The person's grade in one occupation, the next rung of the eight-level ladder, and what the occupation's
    standard says about applying for it today (None when there is no certificate level next or no standard)."""

    award: LevelAward
    grade: Grade
    next: Grade | None
    eligibility: EligibilityResult | None


def level_outlook(session: Session, *, person: Person, today: date) -> list[LevelOutlook]:
    """For each occupation the person holds a grade in: the next grade and the eligibility rules' answer."""
    rows = []
    for code, award in sorted(current_levels(session, person.id, as_of=today).items()):
        grade = grade_by_key(award.grade_key)
        upcoming = next_grade(grade)
        result = None
        standard = current_standard_for(session, occupation_code=code)
        if upcoming is not None and upcoming.digit is not None and standard is not None:
            applicant = applicant_for(session, person, occupation_code=code, related_codes=standard.related_codes)
            applicant = replace(applicant, apprenticeships=applicant.apprenticeships
                                + completed_apprenticeships(session, person.id))
            result = check_eligibility(standard, level_digit=upcoming.digit, applicant=applicant, as_of=today)
        rows.append(LevelOutlook(award=award, grade=grade, next=upcoming, eligibility=result))
    return rows
