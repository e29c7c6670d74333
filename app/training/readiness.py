"""Whether a project's trainees would meet its target level's application conditions (申报条件) today.

The same rules as registration (catalog.standards.check_eligibility on people.records' applicant plus completed
apprenticeships), read in one query per kind of record so a 60-trainee class costs a handful of queries.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.catalog.eligibility import CompletedApprenticeship, EligibilityResult
from app.catalog.eligibility_rules import rules_from_json
from app.catalog.ladder import level_name
from app.catalog.models import Occupation, SkillStandard
from app.catalog.standards import check_eligibility
from app.people.models import Person
from app.people.records import applicants_for
from app.training.apprenticeship_models import Apprenticeship
from app.training.models import Enrolment, TrainingClass, TrainingProject
from app.training.projects import get_class
from app.translation import N_, Message, joined

COUNTED = ("enrolled", "completed")  # a withdrawn trainee is not going to apply


@dataclass(frozen=True)
class TraineeCheck:
    """One trainee and the outcome of the target level's rules for them."""

    person: Person
    result: EligibilityResult


@dataclass(frozen=True)
class Readiness:
    """How many of a project's trainees would meet its target level's conditions, with the level's routes."""

    level: Message
    checks: tuple[TraineeCheck, ...]
    routes: tuple[str | Message, ...]

    @property
    def eligible_count(self) -> int:
        """Trainees who would qualify today."""
        return sum(1 for check in self.checks if check.result.eligible)

    def warning(self) -> Message | None:
        """A warning when some trainees (or, with none yet, possibly everyone) would not qualify; None if all do."""
        if not self.checks:
            return N_("No trainees yet. To apply for {level} a trainee needs one of: {routes}.", level=self.level,
                      routes=joined(self.routes, "; "))
        if self.eligible_count == len(self.checks):
            return None
        reasons = joined(dict.fromkeys(r for c in self.checks if not c.result.eligible for r in c.result.reasons),
                         "; ")
        return N_("{eligible} of {total} trainees would meet the {level} conditions today: {reasons}.",
                  eligible=self.eligible_count, total=len(self.checks), level=self.level, reasons=reasons)


def project_standard(session: Session, project: TrainingProject) -> SkillStandard | None:
    """The standard edition the project was set up under (the current one if that edition is gone)."""
    standard = session.scalar(select(SkillStandard).where(SkillStandard.occupation_id == project.occupation_id,
                                                          SkillStandard.edition == project.standard_edition))
    return standard or project.occupation.current_standard


def _apprenticeships(session: Session, person_ids: Collection[int]) -> dict[int, tuple[CompletedApprenticeship, ...]]:
    found: dict[int, list[CompletedApprenticeship]] = {pid: [] for pid in person_ids}
    rows = session.execute(
        select(Apprenticeship.person_id, Occupation.code, Apprenticeship.completed_on)
        .join(Occupation, Apprenticeship.occupation_id == Occupation.id)
        .where(Apprenticeship.person_id.in_(list(person_ids)), Apprenticeship.status == "completed",
               Apprenticeship.completed_on.is_not(None))
    ).all()
    for person_id, code, completed_on in rows:
        found[person_id].append(CompletedApprenticeship(code, completed_on))
    return {pid: tuple(items) for pid, items in found.items()}


def check_people(session: Session, *, project: TrainingProject, persons: Collection[Person], as_of: date,
                 level_digit: int | None = None) -> Readiness:
    """Run the project's target level (or the given one) on each person's records as of a date."""
    standard = project_standard(session, project)
    level_digit = level_digit or project.target_level_digit
    level = level_name(level_digit)
    if standard is None:
        return Readiness(level, (), ())
    persons = list(persons)
    applicants = applicants_for(session, persons, occupation_code=project.occupation.code,
                                related_codes=standard.related_codes)
    apprenticeships = _apprenticeships(session, [p.id for p in persons])
    checks = []
    for person in persons:
        applicant = applicants[person.id]
        applicant = replace(applicant, apprenticeships=applicant.apprenticeships + apprenticeships[person.id])
        checks.append(TraineeCheck(person, check_eligibility(standard, level_digit=level_digit,
                                                             applicant=applicant, as_of=as_of)))
    routes = tuple(route.label for route in rules_from_json(standard.eligibility_rules).get(level_digit, ()))
    return Readiness(level, tuple(checks), routes)


def _trainees(session: Session, *class_filter) -> list[Person]:
    # IN (subquery) rather than DISTINCT: PostgreSQL cannot compare the people table's JSON column.
    enrolled = (select(Enrolment.person_id).join(TrainingClass, Enrolment.class_id == TrainingClass.id)
                .where(Enrolment.status.in_(COUNTED), *class_filter))
    stmt = select(Person).where(Person.id.in_(enrolled)).order_by(Person.id)
    return list(session.scalars(stmt))


def project_readiness(session: Session, *, project: TrainingProject, as_of: date) -> Readiness:
    """The project's trainees (all its classes, withdrawn ones left out) against its target level."""
    persons = _trainees(session, TrainingClass.project_id == project.id)
    return check_people(session, project=project, persons=persons, as_of=as_of)


def class_readiness(session: Session, *, actor: User, class_id: int, as_of: date, level_digit: int | None = None
                    ) -> Readiness:
    """A class's trainees (in the actor's scope) against its project's target level, or the level of the
    assessment plan it was registered for (the caller, a later stage, knows that one)."""
    klass = get_class(session, actor=actor, class_id=class_id)
    persons = _trainees(session, TrainingClass.id == klass.id)
    return check_people(session, project=klass.project, persons=persons, as_of=as_of, level_digit=level_digit)
