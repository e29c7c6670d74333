"""Enrolling people in classes and moving enrolments through their states."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, ValidationFailed
from app.people.access import add_access, person_in_scope
from app.people.models import Person, PersonAccess
from app.people.services import identify_person
from app.people.validation import age_on
from app.training.models import MIN_WORKING_AGE, Attendance, Enrolment, TrainingClass, TrainingProject
from app.training.progress import ZERO, completion_shortfall
from app.training.projects import class_for_change, get_class, require_institution_staff
from app.training.vocabulary import ENROLMENT_STATUSES, LEFT
from app.translation import N_, Message

NOT_REGISTERED = N_("This person is not registered yet. Register the person first.")
NAME_MISMATCH = N_("The name differs from the name registered for this ID number.")
TRANSITIONS: dict[str, frozenset[str]] = {
    "enrolled": frozenset({"in_training", "withdrawn", "expelled"}),
    "in_training": frozenset({"completed", "withdrawn", "expelled"}),
    "completed": frozenset(),
    "withdrawn": frozenset(),
    "expelled": frozenset(),
}
REASONS: dict[str, Message] = {  # leaving the class needs its reason, kept on the enrolment and in the log
    "withdrawn": N_("Give the reason the trainee leaves the class."),
    "expelled": N_("Give the reason the trainee is expelled (e.g. absences beyond the rules, misconduct)."),
}


def active_count(session: Session, class_id: int) -> int:
    """Enrolments of a class that take a place (everyone but those who left: withdrew or were expelled)."""
    return session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.class_id == class_id, Enrolment.status.notin_(LEFT))) or 0


def refusal_for(session: Session, klass: TrainingClass, person: Person, *, taken: int | None = None) -> Message | None:
    """Why this person cannot join this class (duplicate, working age, capacity), or None."""
    existing = session.scalar(select(Enrolment).where(Enrolment.class_id == klass.id,
                                                      Enrolment.person_id == person.id))
    if existing is not None:
        return N_("{name} is already enrolled in this class (status: {status}) and cannot enrol twice.",
                  name=person.name, status=ENROLMENT_STATUSES[existing.status])
    refusal = age_refusal(klass, name=person.name, birth_date=person.birth_date)
    if refusal is not None:
        return refusal
    taken = active_count(session, klass.id) if taken is None else taken
    if taken >= klass.capacity:
        return N_("The class holds {capacity} people and {taken} are enrolled: no more can enrol.",
                  capacity=klass.capacity, taken=taken)
    return None


def age_refusal(klass: TrainingClass, *, name: str, birth_date: date) -> Message | None:
    """Why someone born on `birth_date` is outside the class's working age on its start date, or None."""
    age = age_on(birth_date, klass.start_date)
    if not MIN_WORKING_AGE <= age <= klass.max_age:
        return N_("{name} is {age} on the class's start date ({start}), outside the working age of {low}–{high}.",
                  name=name, start=klass.start_date.isoformat(), age=age, low=MIN_WORKING_AGE,
                  high=klass.max_age)
    return None


def ensure_access(session: Session, *, person_id: int, organisation_id: int, reason: str, now: datetime) -> None:
    """Let an organisation see a person it now works with, unless it already can."""
    held = session.scalar(select(PersonAccess.id).where(PersonAccess.person_id == person_id,
                                                        PersonAccess.organisation_id == organisation_id))
    if held is None:
        add_access(session, person_id=person_id, organisation_id=organisation_id, reason=reason, now=now)


def _enrol(session: Session, *, actor: User, now: datetime, klass: TrainingClass, person: Person,
           via: str) -> Enrolment:
    refusal = refusal_for(session, klass, person)
    if refusal is not None:
        raise ValidationFailed(refusal, field="person")
    ensure_access(session, person_id=person.id, organisation_id=klass.project.institution_id, reason="enrolment",
                  now=now)
    enrolment = Enrolment(class_id=klass.id, person_id=person.id, status="enrolled", enrolled_at=now,
                          status_changed_at=now, enrolled_by_id=actor.id)
    session.add(enrolment)
    session.flush()
    record_event(session, actor=actor, now=now, action="enrolment.create", object_type="enrolment",
                 object_id=enrolment.id, new={"class_id": klass.id, "person_id": person.id, "status": "enrolled",
                                              "via": via})
    return enrolment


def enrol_person(session: Session, *, actor: User, now: datetime, class_id: int, person_id: int) -> Enrolment:
    """Enrol a person the institution can already see."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    person = person_in_scope(session, actor=actor, person_id=person_id)
    return _enrol(session, actor=actor, now=now, klass=klass, person=person, via="scope")


def find_registered_person(session: Session, *, name: str, id_type: str, id_number: str, now: datetime) -> Person:
    """The registered person holding this ID, whose name must match; refusals name the field at fault."""
    person, name = identify_person(session, name=name, id_type=id_type, id_number=id_number, now=now)
    if person is None:
        raise ValidationFailed(NOT_REGISTERED, field="id_number")
    if person.name != name:
        raise ValidationFailed(NAME_MISMATCH, field="name")
    return person


def enrol_by_identity(
    session: Session, *, actor: User, now: datetime, class_id: int, name: str, id_type: str, id_number: str
) -> Enrolment:
    """Enrol a registered person found by name and ID number; the institution gains access for the enrolment."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    person = find_registered_person(session, name=name, id_type=id_type, id_number=id_number, now=now)
    return _enrol(session, actor=actor, now=now, klass=klass, person=person, via="identity")


def enrol_found(session: Session, *, actor: User, now: datetime, klass: TrainingClass, person: Person) -> Enrolment:
    """Enrol a person already found and checked by an import (the caller holds the class in scope)."""
    return _enrol(session, actor=actor, now=now, klass=klass, person=person, via="import")


def get_enrolment(session: Session, *, actor: User, enrolment_id: int) -> Enrolment:
    """One enrolment in a class the actor may see."""
    enrolment = get_or_not_found(
        session, Enrolment, enrolment_id, N_("The enrolment does not exist or is outside your data scope.")
    )
    get_class(session, actor=actor, class_id=enrolment.class_id)
    return enrolment


def attended_hours(session: Session, enrolment_id: int) -> Decimal:
    """Hours attended over every session recorded for the enrolment."""
    total = session.scalar(select(func.sum(Attendance.hours)).where(Attendance.enrolment_id == enrolment_id))
    return Decimal(str(total)).quantize(Decimal("0.1")) if total is not None else ZERO


def change_enrolment_status(
    session: Session, *, actor: User, now: datetime, enrolment_id: int, to_status: str, reason: str | None = None
) -> Enrolment:
    """Move an enrolment to a new state; completion needs the attendance bar, leaving (withdrawal, expulsion)
    needs a reason, every change is audited."""
    require_institution_staff(actor)
    enrolment = get_enrolment(session, actor=actor, enrolment_id=enrolment_id)
    klass = class_for_change(session, actor=actor, class_id=enrolment.class_id)
    if to_status not in ENROLMENT_STATUSES:
        raise ValidationFailed(N_("Unknown status: {status}.", status=to_status), field="status")
    current = enrolment.status
    if to_status not in TRANSITIONS[current]:
        raise InvalidTransition(
            N_("An enrolment cannot change from “{old}” to “{new}”.", old=ENROLMENT_STATUSES[current],
               new=ENROLMENT_STATUSES[to_status]), field="status"
        )
    reason = (reason or "").strip()[:300] or None
    if to_status in REASONS and reason is None:
        raise ValidationFailed(REASONS[to_status], field="reason")
    if to_status == "completed":
        shortfall = completion_shortfall(attended_hours(session, enrolment.id), klass.project.reference_hours,
                                         klass.completion_threshold)
        if shortfall is not None:
            raise ValidationFailed(N_("{name}: {problem}", name=enrolment.person.name, problem=shortfall),
                                   field="status")
        enrolment.completed_on = local_date(now)
    if to_status in LEFT:
        enrolment.withdrawal_reason = reason
    _set_status(session, enrolment, to_status, actor=actor, now=now, note=reason)
    return enrolment


def _set_status(session: Session, enrolment: Enrolment, to_status: str, *, actor: User, now: datetime,
                note: str | None = None) -> None:
    old = enrolment.status
    enrolment.status, enrolment.status_changed_at = to_status, now
    session.flush()
    record_event(session, actor=actor, now=now, action="enrolment.status", object_type="enrolment",
                 object_id=enrolment.id, old={"status": old}, new={"status": to_status}, note=note)


def start_if_enrolled(session: Session, enrolment: Enrolment, *, actor: User, now: datetime) -> None:
    """Attendance is recorded: an enrolled trainee is now in training (audited like any change)."""
    if enrolment.status == "enrolled":
        _set_status(session, enrolment, "in_training", actor=actor, now=now, note="首次记录考勤")


def complete_enrolment(session: Session, *, actor: User, now: datetime, enrolment_id: int) -> Enrolment:
    """Complete a trainee who met the attendance bar."""
    return change_enrolment_status(session, actor=actor, now=now, enrolment_id=enrolment_id, to_status="completed")


def withdraw_enrolment(
    session: Session, *, actor: User, now: datetime, enrolment_id: int, reason: str | None = None
) -> Enrolment:
    """Record that a trainee left the class, and why (a reason is required)."""
    return change_enrolment_status(session, actor=actor, now=now, enrolment_id=enrolment_id, to_status="withdrawn",
                                   reason=reason)


PASS_MARK = Decimal(60)  # a completion test scored at least this was passed (百分制)


def passed_test(enrolment: Enrolment) -> bool:
    """Whether a completion test is recorded for the trainee and was passed (what "经考核成绩合格" claims)."""
    return enrolment.test_score is not None and enrolment.test_score >= PASS_MARK


def record_completion_test(
    session: Session, *, actor: User, now: datetime, enrolment_id: int, test_score: Decimal | None,
    test_on: date | None,
) -> Enrolment:
    """Record (or correct) the completion test of one trainee: the score out of 100 and the day it was held."""
    require_institution_staff(actor)
    enrolment = get_enrolment(session, actor=actor, enrolment_id=enrolment_id)
    klass = class_for_change(session, actor=actor, class_id=enrolment.class_id)
    if enrolment.status in LEFT:
        raise InvalidTransition(N_("{name} left the class; no test can be recorded.", name=enrolment.person.name),
                                field="test_score")
    score, tested_on = test_score, test_on
    if score is None:
        raise ValidationFailed(N_("Enter the test score."), field="test_score")
    if not Decimal(0) <= score <= Decimal(100) or score != score.quantize(Decimal("0.1")):
        raise ValidationFailed(N_("The test score is out of 100, with one decimal at most (e.g. 86 or 86.5)."),
                               field="test_score")
    if tested_on is None:
        raise ValidationFailed(N_("Enter the date of the test."), field="test_on")
    if tested_on > local_date(now):
        raise ValidationFailed(N_("The test date {date} is after today.", date=tested_on.isoformat()),
                               field="test_on")
    if tested_on < klass.start_date:
        raise ValidationFailed(N_("The test date {date} is before the class starts ({start}).",
                                  date=tested_on.isoformat(), start=klass.start_date.isoformat()), field="test_on")
    old = {"test_score": str(enrolment.test_score) if enrolment.test_score is not None else None,
           "test_on": enrolment.test_on.isoformat() if enrolment.test_on else None}
    enrolment.test_score, enrolment.test_on = score.quantize(Decimal("0.1")), tested_on
    session.flush()
    record_event(session, actor=actor, now=now, action="enrolment.test", object_type="enrolment",
                 object_id=enrolment.id, old=old,
                 new={"test_score": str(enrolment.test_score), "test_on": tested_on.isoformat()})
    return enrolment


def enrolment_counts(session: Session, *, institution_id: int | None = None) -> dict[str, int]:
    """Enrolments by state, for one institution or all."""
    stmt = select(Enrolment.status, func.count(Enrolment.id)).group_by(Enrolment.status)
    if institution_id is not None:
        stmt = (stmt.join(TrainingClass, Enrolment.class_id == TrainingClass.id).join(TrainingProject)
                .where(TrainingProject.institution_id == institution_id))
    counts = dict.fromkeys(ENROLMENT_STATUSES, 0)
    counts.update(dict(session.execute(stmt).all()))
    return counts
