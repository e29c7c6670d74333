"""The demo worker: `worker1`, the person's own account of a passed 电工 candidate, also enrolled in a class."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.result_models import AssessmentResult
from app.people.models import Person
from app.people.worker_accounts import open_worker_account
from app.training.enrolments import enrol_person
from app.training.models import Enrolment, TrainingClass

DEMO_WORKER = "worker1"
UPCOMING_CLASS = "2026年第二期"


def load_portal(session: Session, *, now: datetime, password: str) -> dict[str, int]:
    """Give the first passed candidate of the finalised plan an account and a place in the upcoming class."""
    result = session.scalar(select(AssessmentResult).where(AssessmentResult.status == "final",
                                                           AssessmentResult.passed.is_(True))
                            .order_by(AssessmentResult.id).limit(1))
    person = session.get(Person, result.person_id)
    klass = session.scalar(select(TrainingClass).where(TrainingClass.name == UPCOMING_CLASS))
    staff = session.scalar(select(User).where(User.username == "inst_sy"))
    enrolled = session.scalar(select(Enrolment.id).where(Enrolment.class_id == klass.id,
                                                         Enrolment.person_id == person.id))
    if enrolled is None:
        enrol_person(session, actor=staff, now=now, class_id=klass.id, person_id=person.id)
    open_worker_account(session, now=now, person=person, username=DEMO_WORKER, password=password)
    return {"worker_accounts": 1}
