"""Declarative base with a naming convention, shared column types and SQLite tuning."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import CheckConstraint, DateTime, Engine, ForeignKey, MetaData, String, event
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    MappedColumn,
    Relationship,
    Session,
    mapped_column,
    relationship,
)
from sqlalchemy.types import TypeDecorator

from app.errors import NotFound
from app.translation import Message, from_json, to_json

M = TypeVar("M")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model; constraints get predictable names for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Entity(Base):
    """Base class of a model whose rows are known by a surrogate integer key, `id` (the table's first column)."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-1)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Column helpers. A column's nullability comes from its annotation: Mapped[int] is NOT NULL, Mapped[int | None]
# may be NULL (SQLAlchemy derives it when `nullable` is not given).


def stamp(**options) -> MappedColumn:
    """A point in time, stored as an aware UTC datetime."""
    return mapped_column(UTCDateTime(), **options)


def ref(target: str, *, ondelete: str = "RESTRICT", **options) -> MappedColumn:
    """A foreign key to `target` ("table.id"); rows it points at cannot go while referenced unless told."""
    return mapped_column(ForeignKey(target, ondelete=ondelete), **options)


def actor_ref() -> MappedColumn:
    """The user who did something; the row stays (with NULL) when the account is deleted."""
    return mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


def owned(back_populates: str, **options) -> Relationship[Any]:
    """A parent's list of the rows it owns: saved and deleted with it, deleted when taken off the list."""
    return relationship(back_populates=back_populates, cascade="all, delete-orphan", **options)


def get_or_not_found(session: Session, model: type[M], key, missing: Message) -> M:
    """The row of `model` with this primary key; NotFound with the `missing` message when there is none."""
    row = session.get(model, key)
    if row is None:
        raise NotFound(missing)
    return row


def one_of(column: str, values, *, nullable: bool = False) -> CheckConstraint:
    """A CHECK named after the column, limiting it to the given values (a vocabulary's keys)."""
    listed = ", ".join(f"'{value}'" for value in values)
    check = f"{column} IN ({listed})"
    return CheckConstraint(f"{column} IS NULL OR {check}" if nullable else check, name=column)


def utcnow() -> datetime:
    """Current time as an aware UTC datetime (for the edge to pass into services)."""
    return datetime.now(UTC)


# Set by the edge (POST requests, CLI commands, tasks) when a transaction will read then write:
# SQLite then starts it with BEGIN IMMEDIATE so two writers never deadlock into "database is locked".
_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("jiangcai_write_intent", default=False)


def set_write_intent(value: bool) -> contextvars.Token:
    """Mark the current context as one whose transactions write."""
    return _write_intent.set(value)


def reset_write_intent(token: contextvars.Token) -> None:
    """Undo set_write_intent at the end of a request."""
    _write_intent.reset(token)


@contextmanager
def write_intent() -> Iterator[None]:
    """Run a block whose SQLite transactions begin IMMEDIATE."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


_listeners_installed = False


def install_sqlite_listeners() -> None:
    """WAL, foreign keys, busy timeout and explicit BEGIN on every SQLite engine (idempotent)."""
    global _listeners_installed
    if _listeners_installed:
        return
    _listeners_installed = True
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)


def _on_connect(dbapi_connection, record) -> None:
    if not type(dbapi_connection).__module__.startswith("sqlite3"):
        return
    # Let SQLAlchemy, not pysqlite, decide when a transaction begins (SQLAlchemy docs recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Reports scan large indexes: a 64 MB page cache and memory-mapped reads keep them off the syscall path.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=1073741824")
    cursor.close()


def _on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


class MarkedText(TypeDecorator):
    """A text column that keeps a marked message translatable: stored as JSON, read back as a `Message`.

    Plain strings are stored and read as they are (rows written before messages were marked stay readable).
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if isinstance(value, Message):
            return json.dumps(to_json(value), ensure_ascii=False)
        return value

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value and value.startswith('{"template"'):
            return from_json(json.loads(value))
        return value
