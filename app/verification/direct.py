"""A check's one statement run straight on a pooled DBAPI connection: the PostgreSQL hot path.

A public check is one statement (look the certificate up and write the log row, see `checks`). Run through
an ORM Session it costs about as much Python again as the statement itself: the session's transaction
bookkeeping, a connection checkout, an autocommit switch, the commit, and SQLAlchemy's per-execution result
set-up. `DirectConnection` keeps the statements as SQLAlchemy Core constructs — compiled once per statement
by the engine's own dialect — and executes the compiled SQL on one connection taken from the engine's pool,
in autocommit mode (the statement is its own transaction), handing back plain named tuples.

Only statements whose values need no SQLAlchemy type processing on PostgreSQL go through it: strings,
integers, dates and aware datetimes (`UTCDateTime` passes aware values through unchanged there). A test on
PostgreSQL checks that both ways give the same facts and the same log rows.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.sql import ClauseElement

_Compiled = tuple[str, dict[str, Any], type | None]


class DirectConnection:
    """One pooled DBAPI connection in autocommit mode, running pre-compiled Core statements."""

    dialect_name = "postgresql"

    def __init__(self, engine: Engine, cursor: Any) -> None:
        self._engine = engine
        self._cursor = cursor
        self._compiled: dict[int, _Compiled] = engine.__dict__.setdefault("_jiangcai_direct_statements", {})

    def _compile(self, statement: ClauseElement) -> _Compiled:
        # Module-level statements live as long as the process, so their id() is a stable key.
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            sql = statement.compile(dialect=self._engine.dialect)
            keys = list(statement.selected_columns.keys()) if hasattr(statement, "selected_columns") else []
            row = namedtuple("DirectRow", keys, rename=True) if keys else None
            compiled = (sql.string, dict(sql.params), row)
            self._compiled[id(statement)] = compiled
        return compiled

    def one_or_none(self, statement: ClauseElement, params: Mapping[str, Any]):
        """The statement's only row as a named tuple, or None."""
        sql, defaults, row = self._compile(statement)
        self._cursor.execute(sql, {**defaults, **params})
        rows = self._cursor.fetchall()
        if len(rows) > 1:
            raise LookupError("a check statement returned more than one row")
        return row._make(rows[0]) if rows else None

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> None:
        """Run a statement that returns nothing (a log insert)."""
        sql, defaults, _ = self._compile(statement)
        self._cursor.execute(sql, {**defaults, **params})


@contextmanager
def direct_connection(engine: Engine) -> Iterator[DirectConnection]:
    """A pooled connection in autocommit mode for the length of one check; back to the pool as it was."""
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    # One cursor per pooled connection, kept with it (and dropped with it when the pool invalidates it):
    # making a psycopg cursor costs about a third of running the check's statement.
    cursor = pooled.info.get("jiangcai_check_cursor")
    if cursor is None or cursor.connection is not driver or cursor.closed:
        cursor = pooled.info["jiangcai_check_cursor"] = driver.cursor()
    try:
        driver.autocommit = True  # psycopg: a client-side switch, no round trip
        yield DirectConnection(engine, cursor)
        driver.autocommit = False
    except BaseException:
        if getattr(driver, "closed", True):  # the server went away: never hand this connection out again
            pooled.invalidate()
        else:
            driver.autocommit = False
        raise
    finally:
        pooled.close()
