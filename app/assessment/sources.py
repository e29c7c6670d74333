"""Where candidates come from besides walking in: completed classes and completed apprenticeships.

A class counts when its project trains the plan's occupation and the enrolment is completed (结业);
an apprenticeship when it is completed and marked ready for assessment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.registration import register_candidate
from app.assessment.scope import plan_for_staff
from app.catalog.models import Occupation
from app.errors import NotFound
from app.people.models import Person
from app.training.apprenticeship_models import Apprenticeship
from app.training.models import Enrolment, TrainingClass, TrainingProject
from app.translation import N_


@dataclass(frozen=True)
class SourceCandidates:
    """Completed enrolments and apprenticeships in the plan's occupation whose people are not yet registered."""

    enrolments: tuple[Enrolment, ...]
    apprenticeships: tuple[Apprenticeship, ...]


def _registered(plan: AssessmentPlan) -> set[int]:
    return {r.person_id for r in plan.registrations}


def source_candidates(session: Session, *, actor: User, plan_id: int) -> SourceCandidates:
    """Who may be added from training to this plan."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    taken = _registered(plan)
    enrolments = session.scalars(
        select(Enrolment).join(TrainingClass).join(TrainingProject).join(Occupation, TrainingProject.occupation_id ==
                                                                         Occupation.id)
        .where(Enrolment.status == "completed", Occupation.code == plan.occupation.code)
        .order_by(TrainingClass.end_date.desc(), Enrolment.id)
    )
    apprenticeships = session.scalars(
        select(Apprenticeship).join(Occupation, Apprenticeship.occupation_id == Occupation.id)
        .where(Apprenticeship.status == "completed", Apprenticeship.ready_for_assessment_at.is_not(None),
               Occupation.code == plan.occupation.code)
        .order_by(Apprenticeship.completed_on.desc(), Apprenticeship.id)
    )
    seen: set[int] = set(taken)
    chosen_enrolments = []
    for enrolment in enrolments:
        if enrolment.person_id not in seen:
            seen.add(enrolment.person_id)
            chosen_enrolments.append(enrolment)
    chosen_apprenticeships = [a for a in apprenticeships if a.person_id not in taken]
    return SourceCandidates(tuple(chosen_enrolments), tuple(chosen_apprenticeships))


def register_from_training(
    session: Session, *, actor: User, now: datetime, plan_id: int, enrolment_ids: Sequence[int] = (),
    apprenticeship_ids: Sequence[int] = (),
) -> list[Registration]:
    """Register the people of chosen completed enrolments and apprenticeships; each runs the eligibility check."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    offered = source_candidates(session, actor=actor, plan_id=plan.id)
    enrolments = {e.id: e for e in offered.enrolments}
    apprenticeships = {a.id: a for a in offered.apprenticeships}
    picks: list[tuple[str, int, Person]] = []
    for enrolment_id in dict.fromkeys(enrolment_ids):
        if enrolment_id not in enrolments:
            raise NotFound(N_("The chosen training record is not a completed, unregistered trainee of this occupation."),
                           field="enrolment_ids")
        picks.append(("enrolment", enrolment_id, enrolments[enrolment_id].person))
    for apprenticeship_id in dict.fromkeys(apprenticeship_ids):
        if apprenticeship_id not in apprenticeships:
            raise NotFound(N_("The chosen apprentice is not a completed, unregistered apprentice of this occupation."),
                           field="apprenticeship_ids")
        picks.append(("apprenticeship", apprenticeship_id, apprenticeships[apprenticeship_id].person))
    return [register_candidate(session, actor=actor, now=now, plan=plan, person=person, source=source,
                               source_id=source_id)
            for source, source_id, person in picks]


def plan_for_class(session: Session, class_id: int) -> AssessmentPlan | None:
    """The latest plan the class's trainees were registered for from their enrolments, if any."""
    return session.scalar(
        select(AssessmentPlan).join(Registration, Registration.plan_id == AssessmentPlan.id)
        .join(Enrolment, Enrolment.id == Registration.source_id)
        .where(Registration.source == "enrolment", Enrolment.class_id == class_id)
        .order_by(AssessmentPlan.id.desc()).limit(1)
    )
