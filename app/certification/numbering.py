"""Gap-free certificate serial numbers: one counter per filed site, issue year and level.

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
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, UniqueConstraint, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.accounts.models import EvaluationFiling
from app.catalog.ladder import level_label
from app.database import Base
from app.errors import DomainError, ValidationFailed
from app.idnumbers import format_certificate_number

MAX_SERIAL = 999_999
# A number carries only two year digits, so a wider range would let two years share numbers.
FIRST_YEAR, LAST_YEAR = 2000, 2099


class CertificateSerialCounter(Base):
    """The last serial issued for one filed site, issue year and level digit."""

    __tablename__ = "certificate_serial_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    filing_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_filings.id", ondelete="RESTRICT"), nullable=False
    )
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
        raise ValidationFailed(f"发证年份应为 {FIRST_YEAR}–{LAST_YEAR} 年，实际为 {year!r}", field="year")
    if isinstance(level_digit, bool) or not isinstance(level_digit, int) or not 1 <= level_digit <= 5:
        raise ValidationFailed(f"等级代码应为 1–5，实际为 {level_digit!r}", field="level_digit")


def _key(filing_id: int, year: int, level_digit: int):
    """WHERE clause selecting one counter row."""
    return (
        CertificateSerialCounter.filing_id == filing_id,
        CertificateSerialCounter.year == year,
        CertificateSerialCounter.level_digit == level_digit,
    )


def _number(filing: EvaluationFiling, year: int, level_digit: int, serial: int) -> str:
    """The 22-character number for a serial of this site, year and level."""
    return format_certificate_number(
        filing.org_type, filing.org_code, filing.province_code, filing.site_code, year, level_digit, serial
    )


def _exhausted(year: int, level_digit: int) -> DomainError:
    """The refusal when a site has used every serial of a year and level."""
    return DomainError(
        f"本站点 {year} 年{level_label(level_digit)}证书顺序号已用完（最大 {MAX_SERIAL:06d}），无法继续编号"
    )


def _create_counter(session: Session, filing_id: int, year: int, level_digit: int) -> None:
    """Insert the counter row at 0 unless a concurrent transaction already has."""
    dialect = session.connection().dialect.name
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:
        raise NotImplementedError(f"certificate numbering supports PostgreSQL and SQLite, not {dialect}")
    # ON CONFLICT DO NOTHING: two first issues may race; on PostgreSQL the loser waits for the winner.
    stmt = (
        insert(CertificateSerialCounter)
        .values(filing_id=filing_id, year=year, level_digit=level_digit, last_serial=0)
        .on_conflict_do_nothing(index_elements=["filing_id", "year", "level_digit"])
    )
    session.execute(stmt)


def allocate_serial(
    session: Session, *, filing: EvaluationFiling, year: int, level_digit: int
) -> tuple[int, str]:
    """Take the next serial of this site, year and level in the caller's transaction; return (serial, number).

    On SQLite the caller's transaction must have begun inside ``app.database.write_intent()``.
    """
    _check_key(year, level_digit)
    if filing.id is None:
        session.flush()
    key = _key(filing.id, year, level_digit)
    # PostgreSQL: a second issuer waits here until the first commits or rolls back (SQLite ignores FOR UPDATE).
    locked = session.scalar(select(CertificateSerialCounter.id).where(*key).with_for_update())
    if locked is None:
        _create_counter(session, filing.id, year, level_digit)
    # Atomic on its own, so no two transactions get the same serial even without the lock above; the
    # WHERE clause refuses to pass 999999.
    bump = (
        update(CertificateSerialCounter)
        .where(*key, CertificateSerialCounter.last_serial < MAX_SERIAL)
        .values(last_serial=CertificateSerialCounter.last_serial + 1)
        .returning(CertificateSerialCounter.last_serial)
        .execution_options(synchronize_session="fetch")
    )
    serial = session.scalar(bump)
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
    key = _key(filing.id, year, level_digit)
    last = session.scalar(select(CertificateSerialCounter.last_serial).where(*key))
    serial = (last or 0) + 1
    if serial > MAX_SERIAL:
        return None
    return serial, _number(filing, year, level_digit, serial)
