"""Gap-free counters: certificate serial numbers, print serials and local certificate numbers, one mechanism.

The last six digits of a certificate number (DOMAIN.md §5) count certificates per organisation site, year
and level, and the numbers must have no gaps. A database sequence would skip numbers when a transaction
rolls back, so the counter is a row updated in the caller's transaction: if issuing the certificate fails,
the increment rolls back with it and the next issue reuses the number.

Concurrency: the increment is a single ``UPDATE … SET last_serial = last_serial + 1 … RETURNING``, so two
transactions can never read the same value. On PostgreSQL the row is also locked with ``SELECT … FOR
UPDATE`` and a second issuer waits until the first commits or rolls back. SQLite has one writer at a
time, but a transaction that began with a plain ``BEGIN`` fails with "database is locked" when it tries to
write after another writer committed, so **the edge must run the issuing transaction inside
``app.database.write_intent()``** (POST requests, CLI commands and tasks do), which begins it IMMEDIATE.

Two tables hold counters, both taken by `_take_next`: `CertificateSerialCounter` (one row per filed site,
year and level, capped at 999999) and the named `SequenceCounter` rows (print serials, training and
apprenticeship certificate numbers).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Integer, UniqueConstraint, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, mapped_column

from app.accounts.models import EvaluationFiling
from app.catalog.ladder import level_label
from app.certification.models import SequenceCounter
from app.database import Entity, ref
from app.errors import DomainError, ValidationFailed
from app.idnumbers import format_certificate_number
from app.translation import N_

MAX_SERIAL = 999_999
# A number carries only two year digits, so a wider range would let two years share numbers.
FIRST_YEAR, LAST_YEAR = 2000, 2099


class CertificateSerialCounter(Entity):
    """The last serial issued for one filed site, issue year and level digit."""

    __tablename__ = "certificate_serial_counters"

    filing_id: Mapped[int] = ref("evaluation_filings.id")
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    last_serial: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (
        CheckConstraint(f"year BETWEEN {FIRST_YEAR} AND {LAST_YEAR}", name="year"),
        CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),
        CheckConstraint(f"last_serial BETWEEN 0 AND {MAX_SERIAL}", name="last_serial"),
        UniqueConstraint("filing_id", "year", "level_digit", name="uq_certificate_serial_counters_key"),
    )


def _check_key(year: int, level_digit: int) -> None:
    """Refuse a year or level digit that a certificate number cannot carry."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(N_("The issue year must lie between {first} and {last}; it is {year}.",
                                  first=FIRST_YEAR, last=LAST_YEAR, year=repr(year)), field="year")
    if isinstance(level_digit, bool) or not isinstance(level_digit, int) or not 1 <= level_digit <= 5:
        raise ValidationFailed(N_("The level digit must be 1 to 5; it is {digit}.", digit=repr(level_digit)),
                               field="level_digit")


def _number(filing: EvaluationFiling, year: int, level_digit: int, serial: int) -> str:
    """The 22-character number for a serial of this site, year and level."""
    return format_certificate_number(
        filing.org_type, filing.org_code, filing.province_code, filing.site_code, year, level_digit, serial
    )


def _exhausted(year: int, level_digit: int) -> DomainError:
    """The refusal when a site has used every serial of a year and level."""
    maximum = f"{MAX_SERIAL:06d}"
    return DomainError(N_("This site has used every serial number for {level} certificates of {year} (at most "
                          "{maximum}); no further number can be issued.",
                          year=year, level=level_label(level_digit), maximum=maximum),
                       code="exhausted")


def _take_next(session: Session, counter: InstrumentedAttribute, key: dict[str, Any], *,
               ceiling: int | None = None) -> int | None:
    """The one gap-free mechanism: the counter row of `key` (created at 0) plus one, in the caller's transaction.

    None when the counter already stands at `ceiling`. The increment rolls back with the caller's transaction.
    """
    model = counter.class_
    where = [getattr(model, column) == value for column, value in key.items()]
    # PostgreSQL: a second taker waits here until the first commits or rolls back (SQLite ignores FOR UPDATE).
    if session.scalar(select(counter).where(*where).with_for_update()) is None:
        dialect = session.connection().dialect.name
        if dialect not in ("postgresql", "sqlite"):
            raise NotImplementedError(f"gap-free counters support PostgreSQL and SQLite, not {dialect}")
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # ON CONFLICT DO NOTHING: two first takers may race; on PostgreSQL the loser waits for the winner.
        session.execute(insert(model).values(**key, **{counter.key: 0})
                        .on_conflict_do_nothing(index_elements=list(key)))
    # Atomic on its own, so no two transactions get the same value even without the lock above.
    limit = [counter < ceiling] if ceiling is not None else []
    bump = (update(model).where(*where, *limit).values({counter: counter + 1}).returning(counter)
            .execution_options(synchronize_session="fetch"))
    return session.scalar(bump)


def allocate_serial(
    session: Session, *, filing: EvaluationFiling, year: int, level_digit: int
) -> tuple[int, str]:
    """Take the next serial of this site, year and level in the caller's transaction; return (serial, number).

    On SQLite the caller's transaction must have begun inside ``app.database.write_intent()``.
    """
    _check_key(year, level_digit)
    if filing.id is None:
        session.flush()
    serial = _take_next(session, CertificateSerialCounter.last_serial,
                        {"filing_id": filing.id, "year": year, "level_digit": level_digit}, ceiling=MAX_SERIAL)
    if serial is None:
        raise _exhausted(year, level_digit)
    return serial, _number(filing, year, level_digit, serial)


def peek_next_serial(
    session: Session, *, filing: EvaluationFiling, year: int, level_digit: int
) -> tuple[int, str] | None:
    """The serial and number the next issue would take, for display only; None when all are used.

    Nothing is reserved: another issue may take this number first.
    """
    _check_key(year, level_digit)
    if filing.id is None:
        return 1, _number(filing, year, level_digit, 1)
    last = session.scalar(select(CertificateSerialCounter.last_serial).where(
        CertificateSerialCounter.filing_id == filing.id, CertificateSerialCounter.year == year,
        CertificateSerialCounter.level_digit == level_digit))
    serial = (last or 0) + 1
    if serial > MAX_SERIAL:
        return None
    return serial, _number(filing, year, level_digit, serial)


def next_value(session: Session, name: str) -> int:
    """Take the next value of a named counter; it rolls back with the caller's transaction."""
    return _take_next(session, SequenceCounter.last_value, {"name": name})


def next_print_serial(session: Session, *, year: int) -> str:
    """The next print serial (印制编号), kept apart from the certificate number: LN2026A0000001."""
    return f"LN{year}A{next_value(session, f'print:{year}'):07d}"


def next_local_number(session: Session, *, prefix: str, organisation_id: int, year: int) -> str:
    """Numbers of training and apprenticeship certificates: PX + organisation + year + serial."""
    serial = next_value(session, f"{prefix}:{organisation_id}:{year}")
    return f"{prefix}{organisation_id:05d}{year % 100:02d}{serial:06d}"
