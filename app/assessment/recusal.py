"""Recusal (回避): links the system knows between an assessor and a candidate, which block an assignment.

Links found:
- declared relations (relative, colleague, teacher/student, master/apprentice), by the assessor or staff;
- the same employer: the assessor's organisation is the candidate's employer, or holds an 'employer'
  access to the candidate;
- training links, when the training stage records them (see app.assessment.training_links): the
  assessor teaches a class the candidate was enrolled in, or is the candidate's apprenticeship mentor or
  institution teacher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.assessment.models import DeclaredRelation
from app.assessment.training_links import training_links
from app.assessment.vocabulary import ASSIGNMENT_ROLES, RELATION_KINDS
from app.people.models import Person, PersonAccess


@dataclass(frozen=True)
class Link:
    """A reason an assessor may not assess a person, in a sentence naming both."""

    person_id: int
    kind: str  # declared / employer / class_teacher / mentor / institution_teacher
    description: str


def links_between(session: Session, *, assessor: User, people: Sequence[Person]) -> list[Link]:
    """Every known link between the assessor and any of the people."""
    if not people:
        return []
    by_id = {p.id: p for p in people}
    found: list[Link] = []
    found += _declared(session, assessor, by_id)
    found += _same_employer(session, assessor, by_id)
    found += training_links(session, assessor=assessor, people=by_id)
    return found


def _declared(session: Session, assessor: User, people: dict[int, Person]) -> Iterable[Link]:
    rows = session.scalars(select(DeclaredRelation).where(
        DeclaredRelation.assessor_id == assessor.id, DeclaredRelation.person_id.in_(people)
    ).order_by(DeclaredRelation.id))
    for row in rows:
        person = people[row.person_id]
        yield Link(person.id, "declared",
                   f"已申报{assessor.display_name}与{person.name}为{RELATION_KINDS[row.kind]}关系")


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
        yield Link(person.id, "employer", f"{assessor.display_name}与{person.name}同在{org.name}工作")


def conflict_message(role: str, assessor: User, person: Person, link: Link) -> str:
    """The refusal: '考评员孙志刚与考生王伟存在回避关系：…'."""
    return f"{ASSIGNMENT_ROLES[role]}{assessor.display_name}与考生{person.name}存在回避关系：{link.description}"

