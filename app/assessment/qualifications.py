"""Assessor records kept by evaluation staff: qualifications (own level per occupation) and declared relations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User, UserRole
from app.accounts.roles import Role
from app.assessment.models import AssessorQualification, DeclaredRelation
from app.assessment.scope import require_staff
from app.assessment.vocabulary import RELATION_KINDS
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import IdNumberError, parse_any_certificate_number
from app.people.models import Person
from app.people.validation import check_occupation_code
from app.translation import N_


def _assessor(session: Session, user_id: int, *roles: Role) -> User:
    user = session.get(User, user_id)
    if user is None or not user.has_role(*(roles or (Role.ASSESSOR,))):
        raise NotFound(N_("The assessor does not exist."), field="user_id")
    return user


def active_users_with(session: Session, role: Role) -> list[User]:
    """Every active user holding the role, by name."""
    stmt = (select(User).join(UserRole).where(UserRole.role == role, User.active.is_(True))
            .order_by(User.display_name, User.id))
    return list(session.scalars(stmt))


def list_assessors(session: Session) -> list[User]:
    """Every active user holding the assessor role (external ones included), by name."""
    return active_users_with(session, Role.ASSESSOR)


def record_qualification(
    session: Session, *, actor: User | None, now: datetime, user_id: int, occupation_code: str, level_digit: int,
    certificate_number: str | None = None,
) -> AssessorQualification:
    """Record (or update) an assessor's own level in an occupation; it decides which sessions they may mark."""
    if actor is not None:
        require_staff(actor)
    user = _assessor(session, user_id)
    code = check_occupation_code(occupation_code)
    if code is None:
        raise ValidationFailed(N_("Please enter the occupation code."), field="occupation_code")
    if isinstance(level_digit, bool) or level_digit not in (1, 2, 3, 4, 5):
        raise ValidationFailed(N_("The level must be 1 to 5, not {level}.", level=repr(level_digit)), field="level_digit")
    number = (certificate_number or "").strip() or None
    if number is not None:
        try:
            parsed = parse_any_certificate_number(number)
        except IdNumberError as exc:
            raise ValidationFailed(exc.message, field="certificate_number") from exc
        if parsed.level_digit != level_digit:
            raise ValidationFailed(N_("The level code in the certificate number is {digit}, which does not match "
                                      "{level}.", digit=parsed.level_digit, level=level_label(level_digit)),
                                   field="certificate_number")
        number = parsed.text
    row = session.scalar(select(AssessorQualification).where(
        AssessorQualification.user_id == user.id, AssessorQualification.occupation_code == code))
    old = None if row is None else {"level_digit": row.level_digit, "certificate_number": row.certificate_number}
    if row is None:
        row = AssessorQualification(user_id=user.id, occupation_code=code, level_digit=level_digit, recorded_at=now)
        session.add(row)
    row.level_digit, row.certificate_number = level_digit, number
    row.recorded_by_id, row.recorded_at = (actor.id if actor else None), now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessor.qualification", object_type="user",
                 object_id=user.id, old=old,
                 new={"occupation_code": code, "level_digit": level_digit, "certificate_number": number})
    return row


def qualification_of(session: Session, *, user_id: int, occupation_code: str) -> AssessorQualification | None:
    """An assessor's recorded level in one occupation, if any."""
    return session.scalar(select(AssessorQualification).where(
        AssessorQualification.user_id == user_id, AssessorQualification.occupation_code == occupation_code))


def list_qualifications(session: Session) -> list[AssessorQualification]:
    """Every recorded qualification, by assessor and occupation."""
    stmt = (select(AssessorQualification).join(User, AssessorQualification.user_id == User.id)
            .order_by(User.display_name, AssessorQualification.occupation_code))
    return list(session.scalars(stmt))


def declare_relation(
    session: Session, *, actor: User, now: datetime, assessor_id: int, person_id: int, kind: str,
    note: str | None = None,
) -> DeclaredRelation:
    """Record a relation requiring recusal: an assessor declares their own, staff those of their organisation."""
    # Department quality supervisors (external, no organisation staff over them) declare their own.
    assessor = _assessor(session, assessor_id, Role.ASSESSOR, Role.DEPT_SUPERVISOR)
    own = actor.id == assessor.id
    staff = actor.has_role(Role.EVALUATION_STAFF) and assessor.organisation_id == actor.organisation_id
    if not (own or staff):
        raise NotAllowed(N_("You may declare only your own relations; staff of the assessor's organisation may "
                            "record them on the assessor's behalf."))
    if kind not in RELATION_KINDS:
        raise ValidationFailed(N_("Unknown relation type: {kind}.", kind=kind), field="kind")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("The person does not exist."), field="person_id")
    duplicate = session.scalar(select(DeclaredRelation.id).where(
        DeclaredRelation.assessor_id == assessor.id, DeclaredRelation.person_id == person.id,
        DeclaredRelation.kind == kind))
    if duplicate is not None:
        raise ValidationFailed(N_("A relation ({kind}) between {assessor} and {person} is already recorded.",
                                  kind=RELATION_KINDS[kind], assessor=assessor.display_name, person=person.name),
                               field="kind")
    row = DeclaredRelation(assessor_id=assessor.id, person_id=person.id, kind=kind,
                           note=(note or "").strip()[:300] or None, declared_by_id=actor.id, declared_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessor.declare_relation", object_type="declared_relation",
                 object_id=row.id, new={"assessor_id": assessor.id, "person_id": person.id, "kind": kind})
    return row


def relations_for(session: Session, *, actor: User) -> list[DeclaredRelation]:
    """Declared relations of the actor's organisation's assessors; an assessor sees their own."""
    stmt = select(DeclaredRelation).join(User, DeclaredRelation.assessor_id == User.id)
    if actor.has_role(Role.EVALUATION_STAFF):
        stmt = stmt.where(or_(User.organisation_id == actor.organisation_id,
                              DeclaredRelation.declared_by_id == actor.id))
    else:
        stmt = stmt.where(DeclaredRelation.assessor_id == actor.id)
    return list(session.scalars(stmt.order_by(DeclaredRelation.id.desc())))
