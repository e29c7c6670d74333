"""What an apprenticeship accumulates: its three documents, the logbook with mentor sign-off, the 学徒工 grade."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, ValidationFailed
from app.people.levels import record_level_award
from app.people.models import LevelAward
from app.training.apprenticeship_models import Apprenticeship, ApprenticeshipDocument, LogbookEntry
from app.training.apprenticeships import apprenticeship_for_change, get_apprenticeship
from app.training.storage import store_document
from app.training.vocabulary import APPRENTICESHIP_STATUSES, DOCUMENT_KINDS
from app.translation import N_

SOURCE_TYPE = "apprenticeship"


def upload_document(
    session: Session,
    *,
    actor: User,
    now: datetime,
    apprenticeship_id: int,
    kind: str,
    filename: str,
    data: bytes,
    storage_dir: Path,
    fee: Decimal | str | None = None,
) -> ApprenticeshipDocument:
    """Store (or replace, before filing) one of the three documents; the cooperation agreement carries the fee."""
    record = apprenticeship_for_change(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if kind not in DOCUMENT_KINDS:
        raise ValidationFailed(N_("Unknown document kind: {kind}.", kind=kind), field="kind")
    if record.status != "planned":
        raise InvalidTransition(N_("The apprenticeship is “{status}”: its documents can no longer be replaced.",
                                   status=APPRENTICESHIP_STATUSES[record.status]), field="file")
    amount = _fee(fee) if kind == "cooperation_agreement" else None
    stored = store_document(data, storage_dir=storage_dir, folder="apprenticeships")
    document = record.document(kind)
    old = None if document is None else {"sha256": document.sha256, "filename": document.filename}
    if document is None:
        document = ApprenticeshipDocument(kind=kind)
        record.documents.append(document)
    document.filename = (re.split(r"[\\/]", filename or "")[-1].strip() or "upload")[:200]
    document.path, document.sha256, document.size_bytes = stored.path, stored.sha256, stored.size
    document.content_type, document.uploaded_at, document.uploaded_by_id = stored.content_type, now, actor.id
    if amount is not None:
        record.cooperation_fee = amount
    session.flush()
    record_event(session, actor=actor, now=now, action="apprenticeship.document", object_type="apprenticeship",
                 object_id=record.id, old=old, new={"kind": kind, "sha256": stored.sha256, "filename": document.filename,
                                                    "fee": None if amount is None else str(amount)})
    return document


def _fee(fee: Decimal | str | None) -> Decimal:
    if fee is None or str(fee).strip() == "":
        raise ValidationFailed(N_("Enter the training fee (yuan) agreed in the cooperation agreement."), field="fee")
    try:
        amount = Decimal(str(fee).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("The training fee must be an amount, such as 12000."), field="fee") from exc
    if amount < 0:
        raise ValidationFailed(N_("The training fee cannot be negative."), field="fee")
    return amount


def get_document(session: Session, *, actor: User, document_id: int) -> ApprenticeshipDocument:
    """A document of an apprenticeship the actor may see."""
    document = get_or_not_found(
        session, ApprenticeshipDocument, document_id, N_("The document does not exist.")
    )
    get_apprenticeship(session, actor=actor, apprenticeship_id=document.apprenticeship_id)
    return document


def add_logbook_entry(
    session: Session,
    *,
    actor: User,
    now: datetime,
    apprenticeship_id: int,
    entry_date: date,
    work_done: str,
    skills: str,
    hours: Decimal,
) -> LogbookEntry:
    """Add a day to the logbook of an apprentice in training."""
    record = apprenticeship_for_change(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if record.status != "in_training":
        raise InvalidTransition(N_("Only an apprenticeship under way keeps a logbook (now: {status}).",
                                   status=APPRENTICESHIP_STATUSES[record.status]), field="entry_date")
    if entry_date > local_date(now):
        raise ValidationFailed(N_("The logbook date {day} is after today.", day=entry_date.isoformat()),
                               field="entry_date")
    if entry_date < record.planned_start:
        raise ValidationFailed(N_("The logbook date is before the training start {start}.",
                                  start=record.planned_start.isoformat()), field="entry_date")
    hours = Decimal(str(hours)).quantize(Decimal("0.1"))
    if not Decimal(0) < hours <= Decimal(24):
        raise ValidationFailed(N_("Hours must lie between 0 and 24."), field="hours")
    work_done, skills = (work_done or "").strip(), (skills or "").strip()
    if not work_done:
        raise ValidationFailed(N_("Enter the work done."), field="work_done")
    if not skills:
        raise ValidationFailed(N_("Enter the skills practised."), field="skills")
    entry = LogbookEntry(entry_date=entry_date, work_done=work_done[:2000], skills=skills[:300], hours=hours,
                         created_at=now, created_by_id=actor.id)
    record.logbook.append(entry)
    session.flush()
    record_event(session, actor=actor, now=now, action="apprenticeship.logbook", object_type="apprenticeship",
                 object_id=record.id, new={"entry_id": entry.id, "date": entry_date.isoformat(), "hours": str(hours)})
    return entry


def sign_logbook_entry(session: Session, *, actor: User, now: datetime, entry_id: int) -> LogbookEntry:
    """Sign an entry off for the enterprise mentor (HR signs on the mentor's behalf; the mentor's name is kept)."""
    entry = get_or_not_found(session, LogbookEntry, entry_id, N_("The logbook entry does not exist."))
    record = apprenticeship_for_change(session, actor=actor, apprenticeship_id=entry.apprenticeship_id)
    if entry.signed_off_at is not None:
        raise InvalidTransition(N_("Mentor {mentor} already signed this entry off on {day}.",
                                   day=entry.signed_off_at.strftime("%Y-%m-%d"), mentor=entry.signed_mentor_name),
                                field="entry")
    entry.signed_off_at, entry.signed_off_by_id, entry.signed_mentor_name = now, actor.id, record.mentor_name
    session.flush()
    record_event(session, actor=actor, now=now, action="apprenticeship.logbook_sign", object_type="apprenticeship",
                 object_id=record.id, new={"entry_id": entry.id, "mentor": record.mentor_name})
    return entry


def apprentice_grade_award(session: Session, record: Apprenticeship) -> LevelAward | None:
    """The 学徒工 grade awarded for this apprenticeship, if any."""
    return session.scalar(select(LevelAward).where(LevelAward.source_type == SOURCE_TYPE,
                                                   LevelAward.source_id == str(record.id),
                                                   LevelAward.grade_key == "apprentice"))


def award_apprentice_grade(
    session: Session, *, actor: User, now: datetime, apprenticeship_id: int, awarded_on: date | None = None
) -> LevelAward:
    """The enterprise grants the apprentice the 学徒工 grade (an enterprise appointment) in the occupation."""
    record = apprenticeship_for_change(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if record.status not in ("filed", "in_training", "completed"):
        raise InvalidTransition(N_("The apprenticeship is “{status}”: the apprentice grade cannot be awarded.",
                                   status=APPRENTICESHIP_STATUSES[record.status]), field="awarded_on")
    if apprentice_grade_award(session, record) is not None:
        raise ValidationFailed(N_("{name} already holds the apprentice grade from this apprenticeship.",
                                  name=record.person.name), field="awarded_on")
    awarded_on = awarded_on or local_date(now)
    if awarded_on < record.contract_start:
        raise ValidationFailed(N_("The award date is before the labour contract's start {start}.",
                                  start=record.contract_start.isoformat()), field="awarded_on")
    return record_level_award(
        session, actor=actor, now=now, person_id=record.person_id, occupation_code=record.occupation.code,
        occupation_name=record.occupation.name, grade_key="apprentice", route="enterprise_appointment",
        awarded_on=awarded_on, awarded_by_org_id=record.enterprise_id, source_type=SOURCE_TYPE,
        source_id=record.id, note=f"企业新型学徒制（导师 {record.mentor_name}）",
    )
