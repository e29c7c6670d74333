"""Recusal (回避): links the system knows between an assessor and a candidate, which block an assignment.

Links found:
- declared relations (relative, colleague, teacher/student, master/apprentice), by the assessor or staff;
- the same employer: the assessor's organisation is the candidate's employer, or holds an 'employer'
  access to the candidate;
- training links: the assessor teaches a class the candidate was enrolled in, or is the candidate's
  apprenticeship enterprise mentor or institution teacher.

Class teachers are matched by user account (training_class_teachers) and, because classes also list
teachers by name (teacher_names) and apprenticeships record the enterprise mentor and institution
teacher by name only, by the assessor's display name as well. A name match can be a namesake; recusal
errs on the side of caution and staff can assign someone else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.assessment.models import DeclaredRelation
from app.assessment.vocabulary import ASSIGNMENT_ROLES, RELATION_KINDS
from app.people.models import Person, PersonAccess
from app.training.apprenticeship_models import Apprenticeship
from app.training.models import Enrolment, TrainingClass
from app.translation import N_, Message

_NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class Link:
    """A reason an assessor may not assess a person, in a sentence naming both."""

    person_id: int
    kind: str  # declared / employer / class_teacher / mentor / institution_teacher
    description: Message


def links_between(session: Session, *, assessor: User, people: Sequence[Person]) -> list[Link]:
    """Every known link between the assessor and any of the people."""
    if not people:
        return []
    by_id = {p.id: p for p in people}
    found: list[Link] = []
    found += _declared(session, assessor, by_id)
    found += _same_employer(session, assessor, by_id)
    found += _training(session, assessor, by_id)
    return found


def _declared(session: Session, assessor: User, people: dict[int, Person]) -> Iterable[Link]:
    rows = session.scalars(select(DeclaredRelation).where(
        DeclaredRelation.assessor_id == assessor.id, DeclaredRelation.person_id.in_(people)
    ).order_by(DeclaredRelation.id))
    for row in rows:
        person = people[row.person_id]
        yield Link(person.id, "declared",
                   N_("{assessor} has declared a relation with {person}: {kind}.", assessor=assessor.display_name,
                      person=person.name, kind=RELATION_KINDS[row.kind]))


def _same_employer(session: Session, assessor: User, people: dict[int, Person]) -> Iterable[Link]:
    org_id = assessor.organisation_id
    employed = set(session.scalars(select(PersonAccess.person_id).where(
        PersonAccess.organisation_id == org_id, PersonAccess.reason == "employer",
        PersonAccess.person_id.in_(people))))
    employed |= {p.id for p in people.values() if p.employer_org_id == org_id}
    if not employed:
        return
    org = session.get(Organisation, org_id)
    for person_id in sorted(employed):
        person = people[person_id]
        yield Link(person.id, "employer", N_("{assessor} and {person} both work at {organisation}.",
                                             assessor=assessor.display_name, person=person.name,
                                             organisation=org.name))



def _named(listing: str | None, name: str) -> bool:
    return bool(name) and name in _NAME_SEPARATORS.split(listing or "")


def _training(session: Session, assessor: User, people: dict[int, Person]) -> list[Link]:
    """Links from training records between the assessor and these people."""
    name = assessor.display_name.strip()
    links = []
    enrolments = session.scalars(select(Enrolment).where(Enrolment.person_id.in_(people)).order_by(Enrolment.id))
    for enrolment in enrolments:
        klass: TrainingClass = enrolment.training_class
        if assessor in klass.teachers or _named(klass.teacher_names, name):
            person = people[enrolment.person_id]
            links.append(Link(person.id, "class_teacher",
                              N_("{assessor} teaches the training class of {person} ({training_class}).",
                                 assessor=assessor.display_name, person=person.name, training_class=klass.name)))
    apprenticeships = session.scalars(select(Apprenticeship).where(Apprenticeship.person_id.in_(people))
                                      .order_by(Apprenticeship.id))
    for item in apprenticeships:
        person = people[item.person_id]
        if item.mentor_name.strip() == name:
            links.append(Link(person.id, "mentor",
                              N_("{assessor} is the enterprise mentor of {person} (apprenticeship at {enterprise}).",
                                 assessor=assessor.display_name, person=person.name,
                                 enterprise=item.enterprise.name)))
        if item.teacher_name.strip() == name:
            links.append(Link(person.id, "institution_teacher",
                              N_("{assessor} is the institution teacher of {person} (apprenticeship with "
                                 "{institution}).", assessor=assessor.display_name, person=person.name,
                                 institution=item.institution.name)))
    return links

def conflict_message(role: str, assessor: User, person: Person, link: Link) -> Message:
    """The refusal: 'Examiner 孙志刚 must recuse themselves from candidate 王伟: …'."""
    return N_("{role} {assessor} must recuse themselves from candidate {person}: {link}", role=ASSIGNMENT_ROLES[role],
              assessor=assessor.display_name, person=person.name, link=link.description)

