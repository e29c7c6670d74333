"""Applying for an assessment oneself (个人报名): open plans, the eligibility outcome before applying, and the
application, which the evaluation organisation finds in its registration list marked as self-applied."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.registration import REGISTERING, check_candidate, register_candidate
from app.catalog.eligibility import EligibilityResult
from app.errors import NotFound, ValidationFailed
from app.people.worker_accounts import own_person
from app.translation import N_

SELF = "self"  # the registration source of an application from the person's own account


def open_plans(session: Session, *, today: date) -> list[AssessmentPlan]:
    """Plans taking registrations today, soonest deadline first."""
    return list(session.scalars(select(AssessmentPlan).where(AssessmentPlan.status.in_(REGISTERING),
                                                              AssessmentPlan.registration_deadline >= today)
                                .order_by(AssessmentPlan.registration_deadline, AssessmentPlan.id)))


def open_plan(session: Session, *, plan_id: int, today: date) -> AssessmentPlan:
    """One plan taking registrations today; any other "does not exist" for an applicant."""
    plan = session.get(AssessmentPlan, plan_id)
    if plan is None or plan.status not in REGISTERING or plan.registration_deadline < today:
        raise NotFound(N_("This assessment plan does not take applications."))
    return plan


def own_application(session: Session, *, actor: User, plan_id: int) -> Registration | None:
    """The account's registration for a plan, if any (whoever made it)."""
    person = own_person(session, actor=actor)
    return session.scalar(select(Registration).where(Registration.plan_id == plan_id,
                                                     Registration.person_id == person.id))


def preview_eligibility(session: Session, *, actor: User, plan_id: int, today: date) -> EligibilityResult:
    """What the plan's eligibility rules say about the account's person, before applying."""
    plan = open_plan(session, plan_id=plan_id, today=today)
    return check_candidate(session, plan, own_person(session, actor=actor))


def apply_for_assessment(session: Session, *, actor: User, now: datetime, plan_id: int, today: date,
                         declaration_signed: bool) -> Registration:
    """Apply with the signed work-years declaration (承诺) and a photo on record; an ineligible application is
    kept as such for the evaluation organisation to review, as for any registration."""
    plan = open_plan(session, plan_id=plan_id, today=today)
    person = own_person(session, actor=actor)
    if not declaration_signed:
        raise ValidationFailed(N_("Sign the declaration that your work years and documents are true."),
                               field="declaration")
    if not person.photo_path:
        raise ValidationFailed(N_("Upload your 1-inch photo first: it is printed on the admission ticket."),
                               field="photo")
    return register_candidate(session, actor=actor, now=now, plan=plan, person=person, source=SELF)
