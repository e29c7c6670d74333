"""A trainee's sign-in from their own account: the scanned session code is checked as for anyone, but the person
is the account's own instead of a typed name and ID ending (training.sign_in keeps the one way to record it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import NotFound, ValidationFailed
from app.people.models import Person
from app.people.worker_accounts import own_person
from app.training.attendance import OPEN_STATES
from app.training.models import ClassSession, Enrolment
from app.training.sign_in import EXPIRED, SignedIn, _check_window, _record, pass_valid
from app.training.vocabulary import ENROLMENT_STATUSES
from app.translation import N_


def sign_in_own(session: Session, *, actor: User, now: datetime, key: bytes, session_id: int,
                form_pass: str) -> SignedIn:
    """Record the account's own person present for the session (a repeat is no error)."""
    person = own_person(session, actor=actor)
    conn = session.connection()
    row = conn.execute(select(ClassSession.id, ClassSession.class_id, ClassSession.session_date,
                              ClassSession.start_time, ClassSession.hours)
                       .where(ClassSession.id == session_id)).one_or_none()
    if row is None:
        raise NotFound(N_("The session does not exist."))
    if not pass_valid(key, row.id, form_pass, now):
        raise ValidationFailed(EXPIRED, field="form_pass")
    _check_window(row, now)
    enrolment = conn.execute(select(Enrolment.id, Enrolment.status, Person.name)
                             .join(Person, Enrolment.person_id == Person.id)
                             .where(Enrolment.class_id == row.class_id, Enrolment.person_id == person.id)
                             .order_by(Enrolment.id.desc()).limit(1)).one_or_none()
    if enrolment is None:
        raise ValidationFailed(N_("You are not enrolled in this class."), field="form_pass")
    if enrolment.status not in OPEN_STATES:
        raise ValidationFailed(N_("Sign-in is closed to you: your enrolment in this class is “{status}”. Ask the staff.",
                                  status=ENROLMENT_STATUSES[enrolment.status]), field="form_pass")
    return _record(session, conn, now=now, row=row, enrolment=enrolment)
