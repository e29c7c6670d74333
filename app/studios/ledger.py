"""The funding ledger of a studio or base: grants per source, spending by category with evidence, balances."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import ValidationFailed
from app.studios.models import FundEntry
from app.studios.registry import require_active
from app.studios.scope import get_studio
from app.studios.vocabulary import FUND_SOURCES, SPEND_CATEGORIES
from app.training.storage import store_document
from app.translation import N_

MAX_AMOUNT = Decimal("100000000")


@dataclass(frozen=True)
class SourceBalance:
    """Money granted and spent from one source."""

    source: str
    granted: Decimal
    spent: Decimal

    @property
    def balance(self) -> Decimal:
        """What is left to spend."""
        return self.granted - self.spent


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(N_("Enter the amount in yuan, e.g. 12000.50."), field="amount") from None
    if not Decimal("0") < amount <= MAX_AMOUNT:
        raise ValidationFailed(N_("The amount must be more than 0 and at most 100,000,000 yuan."), field="amount")
    return amount


def _check_date(dated_on: date, today: date, approved_on: date | None) -> None:
    if dated_on > today:
        raise ValidationFailed(N_("The date {day} is after today.", day=dated_on.isoformat()), field="dated_on")
    if approved_on and dated_on < approved_on:
        raise ValidationFailed(N_("The date {day} is before the approval on {approved}.", day=dated_on.isoformat(),
                                  approved=approved_on.isoformat()), field="dated_on")


def ledger_entries(session: Session, studio_id: int, *, year: int | None = None) -> list[FundEntry]:
    """The ledger's lines, oldest first (of one year when given)."""
    stmt = select(FundEntry).where(FundEntry.studio_id == studio_id).order_by(FundEntry.dated_on, FundEntry.id)
    if year is not None:
        stmt = stmt.where(FundEntry.dated_on >= date(year, 1, 1), FundEntry.dated_on <= date(year, 12, 31))
    return list(session.scalars(stmt))


def balances(entries: Iterable[FundEntry]) -> list[SourceBalance]:
    """Granted, spent and balance per source that has any line."""
    granted = dict.fromkeys(FUND_SOURCES, Decimal("0"))
    spent = dict.fromkeys(FUND_SOURCES, Decimal("0"))
    for entry in entries:
        (granted if entry.entry_kind == "grant" else spent)[entry.source] += entry.amount
    return [SourceBalance(source, granted[source], spent[source]) for source in FUND_SOURCES
            if granted[source] or spent[source]]


def record_grant(session: Session, *, actor: User, now: datetime, studio_id: int, source: str, amount,
                 dated_on: date, description: str) -> FundEntry:
    """Record money granted to the studio by a source (national, provincial, city or the host)."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="amount")
    return _record(session, actor, now, studio, "grant", source, None, amount, dated_on, description, None, None,
                   None)


def record_spending(session: Session, *, actor: User, now: datetime, studio_id: int, source: str, category: str,
                    amount, dated_on: date, description: str, data: bytes | None = None,
                    filename: str | None = None, storage_dir: Path | None = None) -> FundEntry:
    """Record spending from a source; it may not exceed that source's balance. Without evidence it is flagged."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="amount")
    if category not in SPEND_CATEGORIES:
        raise ValidationFailed(N_("Choose what the money was spent on."), field="category")
    value = _amount(amount)
    if source in FUND_SOURCES:
        left = {row.source: row.balance for row in balances(ledger_entries(session, studio.id))}.get(source,
                                                                                                     Decimal("0"))
        if value > left:
            raise ValidationFailed(N_("{amount} yuan is more than the {source} balance of {left} yuan.",
                                      amount=str(value), source=FUND_SOURCES[source], left=str(left)),
                                   field="amount")
    return _record(session, actor, now, studio, "spend", source, category, value, dated_on, description, data,
                   filename, storage_dir)


def _record(session, actor, now, studio, entry_kind, source, category, amount, dated_on, description, data,
            filename, storage_dir) -> FundEntry:
    if source not in FUND_SOURCES:
        raise ValidationFailed(N_("Choose where the money comes from."), field="source")
    value = _amount(amount)
    _check_date(dated_on, local_date(now), studio.approved_on)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(N_("Describe the line (what the grant or the spending is)."), field="description")
    stored = store_document(data, storage_dir=storage_dir, folder="studio-evidence") if data else None
    entry = FundEntry(studio_id=studio.id, source=source, entry_kind=entry_kind, category=category, amount=value,
                      dated_on=dated_on, description=description[:300], file_path=stored.path if stored else None,
                      file_sha256=stored.sha256 if stored else None,
                      file_name=(filename or "")[:200] or None if stored else None,
                      recorded_by_id=actor.id, recorded_at=now)
    session.add(entry)
    session.flush()
    record_event(session, actor=actor, now=now, action=f"studio.fund_{entry_kind}", object_type="studio",
                 object_id=studio.id, new={"entry_id": entry.id, "source": source, "category": category,
                                           "amount": str(value), "dated_on": dated_on.isoformat(),
                                           "sha256": entry.file_sha256})
    return entry


def attach_evidence(session: Session, *, actor: User, now: datetime, studio_id: int, entry_id: int,
                    data: bytes | None, filename: str | None, storage_dir: Path) -> FundEntry:
    """Attach the evidence file (invoice, contract) to spending recorded without it."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    entry = get_or_not_found(session, FundEntry, entry_id, N_("The ledger line does not exist."))
    if entry.studio_id != studio.id or entry.entry_kind != "spend":
        raise ValidationFailed(N_("Evidence is attached to spending of this studio only."), field="file")
    if entry.file_path:
        raise ValidationFailed(N_("This spending already has its evidence."), field="file")
    if not data:
        raise ValidationFailed(N_("Choose the file to upload."), field="file")
    stored = store_document(data, storage_dir=storage_dir, folder="studio-evidence")
    entry.file_path, entry.file_sha256, entry.file_name = stored.path, stored.sha256, (filename or "")[:200] or None
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.fund_evidence", object_type="studio",
                 object_id=studio.id, new={"entry_id": entry.id, "sha256": stored.sha256})
    return entry


def withdraw_entry(session: Session, *, actor: User, now: datetime, studio_id: int, entry_id: int,
                   reason: str) -> None:
    """Withdraw a ledger line recorded in error, with the reason; a grant only while its source's balance allows."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    entry = get_or_not_found(session, FundEntry, entry_id, N_("The ledger line does not exist."))
    if entry.studio_id != studio.id:
        raise ValidationFailed(N_("The ledger line does not exist."), field="reason")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(N_("Give the reason for withdrawing the line."), field="reason")
    if entry.entry_kind == "grant":
        left = {row.source: row.balance for row in balances(ledger_entries(session, studio.id))}[entry.source]
        if left < entry.amount:
            raise ValidationFailed(N_("Spending has already drawn on this grant: the {source} balance is only "
                                      "{left} yuan.", source=FUND_SOURCES[entry.source], left=str(left)),
                                   field="reason")
    record_event(session, actor=actor, now=now, action="studio.fund_withdraw", object_type="studio",
                 object_id=studio.id, old={"entry_id": entry.id, "kind": entry.entry_kind, "source": entry.source,
                                           "amount": str(entry.amount), "dated_on": entry.dated_on.isoformat(),
                                           "description": entry.description}, note=reason[:500])
    session.delete(entry)
    session.flush()
