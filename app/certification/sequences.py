"""Named gap-free counters, incremented inside the caller's transaction (see numbering.py for why)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.certification.models import SequenceCounter


def next_value(session: Session, name: str) -> int:
    """Take the next value of a named counter; it rolls back with the caller's transaction."""
    dialect = session.connection().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(SequenceCounter).values(name=name, last_value=0).on_conflict_do_nothing(
        index_elements=["name"]))
    bump = (
        update(SequenceCounter)
        .where(SequenceCounter.name == name)
        .values(last_value=SequenceCounter.last_value + 1)
        .returning(SequenceCounter.last_value)
        .execution_options(synchronize_session=False)
    )
    return session.scalar(bump)


def next_print_serial(session: Session, *, year: int) -> str:
    """The next print serial (印制编号), kept apart from the certificate number: LN2026A0000001."""
    return f"LN{year}A{next_value(session, f'print:{year}'):07d}"


def next_local_number(session: Session, *, prefix: str, organisation_id: int, year: int) -> str:
    """Numbers of training and apprenticeship certificates: PX + organisation + year + serial."""
    serial = next_value(session, f"{prefix}:{organisation_id}:{year}")
    return f"{prefix}{organisation_id:05d}{year % 100:02d}{serial:06d}"
