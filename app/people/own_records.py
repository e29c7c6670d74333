"""What a worker keeps up to date on their own record: the 1-inch photo and the years worked they declare
(从业年限, signed as a 承诺 when they apply). The same checks as when staff record them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.people.models import Person, WorkRecord
from app.people.photos import store_photo
from app.people.validation import check_declared_years, check_occupation_code, check_text
from app.people.worker_accounts import own_person
from app.translation import N_


def set_own_photo(session: Session, *, actor: User, now: datetime, data: bytes, storage_dir: Path) -> Person:
    """Check and store the account's own 1-inch photo."""
    return store_photo(session, actor=actor, now=now, person=own_person(session, actor=actor), data=data,
                       storage_dir=storage_dir)


def declare_own_work(session: Session, *, actor: User, now: datetime, employer_name: str, occupation_name: str,
                     declared_years: Decimal, occupation_code: str | None = None) -> WorkRecord:
    """Record the years the account's person declares having worked in an occupation (kept as declared today)."""
    person = own_person(session, actor=actor)
    employer = check_text(employer_name, field="employer_name", what=N_("employer"), max_length=200, required=True)
    occupation = check_text(occupation_name, field="occupation_name", what=N_("occupation worked in"),
                            max_length=100, required=True)
    code = check_occupation_code(occupation_code)
    years = check_declared_years(declared_years, born=person.birth_date, today=local_date(now))
    record = WorkRecord(person_id=person.id, employer_name=employer, occupation_code=code,
                        occupation_name=occupation, declared_years=years, declared_on=local_date(now), created_at=now)
    session.add(record)
    session.flush()
    record_event(session, actor=actor, now=now, action="person.add_work", object_type="person", object_id=person.id,
                 new={"work_record_id": record.id, "employer_name": employer, "occupation_code": code,
                      "occupation_name": occupation, "declared_years": str(years), "by": "self"})
    return record
