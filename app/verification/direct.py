"""A check's one statement run straight on a DBAPI connection of the checks' own: the PostgreSQL hot path.

A public check is one statement (look the certificate up and write the log row, see `checks`). Run through
an ORM Session it costs about as much Python again as the statement itself: the session's transaction
bookkeeping, a connection checkout, an autocommit switch, the commit, and SQLAlchemy's per-execution result
set-up. `DirectConnection` keeps the statements as SQLAlchemy Core constructs — compiled once per statement
by the engine's own dialect — and executes the compiled SQL in autocommit mode (the statement is its own
transaction), handing back plain named tuples.

Checks keep a few connections of their own (made by the engine, then detached from its pool), each in
autocommit mode with one cursor, handed out last-in first-out: a SQLAlchemy pool checkout and check-in per
check (events, reset, bookkeeping) cost about half as much again as the statement's own Python. There are
as many as checks ever ran at once in the process. They are closed when the engine is disposed or collected,
a broken one is replaced, and a forked child never touches its parent's (it opens its own). A check that
fails because its connection broke is tried once more on a new connection; should the broken one have
written its log row after all, that check is logged twice, which is the only cost.

Only statements whose values need no SQLAlchemy type processing on PostgreSQL go through it: strings,
integers, dates and aware datetimes (`UTCDateTime` passes aware values through unchanged there). A test on
PostgreSQL checks that both ways give the same facts and the same log rows.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import namedtuple
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.sql import ClauseElement

_Compiled = tuple[str, dict[str, Any], type | None]


class _Connection:
    """One connection for checks, in autocommit mode, with its one cursor."""

    __slots__ = ("cursor", "driver")

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.cursor = driver.cursor()


class _CheckConnections:
    """An engine's connections for checks: idle ones handed out last-in first-out, all closed together."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.idle: list[_Connection] = []
        self.opened: list[_Connection] = []
        self.pid = os.getpid()
        self.inherited: list[_Connection] = []  # a forked parent's: kept referenced, never used or closed
        self.compiled: dict[int, _Compiled] = {}  # statement id -> compiled SQL, defaults, row type

    def take(self, engine: Engine) -> _Connection:
        """An idle connection, or a new one."""
        with self.lock:
            if self.pid != os.getpid():  # forked: the parent's sockets are not ours to use or close
                self.inherited, self.idle, self.opened, self.pid = self.inherited + self.opened, [], [], os.getpid()
            if self.idle:
                return self.idle.pop()
        pooled = engine.raw_connection()  # the engine's connect arguments and connect events
        driver = pooled.driver_connection
        pooled.detach()  # the checks' own from now on; the pool makes others as it needs them
        driver.autocommit = True
        connection = _Connection(driver)
        with self.lock:
            self.opened.append(connection)
        return connection

    def give_back(self, connection: _Connection) -> None:
        """Return a connection after a check; a broken one, or one not idle, is closed instead."""
        if connection.driver.closed or connection.driver.info.transaction_status != 0:  # 0: idle
            self.discard(connection)
            return
        with self.lock:
            if connection in self.opened:  # not closed by close_all meanwhile
                self.idle.append(connection)

    def discard(self, connection: _Connection) -> None:
        """Close and forget a connection."""
        with self.lock:
            if connection in self.opened:
                self.opened.remove(connection)
        with suppress(Exception):
            connection.driver.close()

    def close_all(self, *_args: Any) -> None:
        """Close every connection this process opened (engine disposed or collected)."""
        with self.lock:
            opened, self.opened, self.idle = (self.opened if self.pid == os.getpid() else []), [], []
        for connection in opened:
            with suppress(Exception):
                connection.driver.close()


_SETUP_LOCK = threading.Lock()


def _connections(engine: Engine) -> _CheckConnections:
    connections = engine.__dict__.get("_jiangcai_check_connections")
    if connections is None:
        with _SETUP_LOCK:
            connections = engine.__dict__.get("_jiangcai_check_connections")
            if connections is None:
                connections = _CheckConnections()
                event.listen(engine, "engine_disposed", connections.close_all)
                weakref.finalize(engine, connections.close_all)
                engine.__dict__["_jiangcai_check_connections"] = connections
    return connections


class DirectConnection:
    """A connection for checks, in autocommit mode, running pre-compiled Core statements."""

    dialect_name = "postgresql"

    def __init__(self, engine: Engine, connections: _CheckConnections) -> None:
        self._engine = engine
        self._connections = connections
        self._connection = connections.take(engine)
        self._compiled = connections.compiled

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

    def _run(self, sql: str, params: dict[str, Any]) -> Any:
        cursor = self._connection.cursor
        try:
            cursor.execute(sql, params)
        except self._engine.dialect.loaded_dbapi.OperationalError:
            if not self._connection.driver.closed:
                raise
            # The connection broke (database restarted, network cut): once more on a new one.
            self._connections.discard(self._connection)
            self._connection = self._connections.take(self._engine)
            cursor = self._connection.cursor
            cursor.execute(sql, params)
        return cursor

    def one_or_none(self, statement: ClauseElement, params: Mapping[str, Any]):
        """The statement's only row as a named tuple, or None."""
        sql, defaults, row = self._compile(statement)
        rows = self._run(sql, {**defaults, **params}).fetchall()
        if len(rows) > 1:
            raise LookupError("a check statement returned more than one row")
        return row._make(rows[0]) if rows else None

    def execute(self, statement: ClauseElement, params: Mapping[str, Any]) -> None:
        """Run a statement that returns nothing (a log insert)."""
        sql, defaults, _ = self._compile(statement)
        self._run(sql, {**defaults, **params})

    @property
    def backend_pid(self) -> int:
        """The database session's process id (for tests)."""
        return self._connection.driver.info.backend_pid


@contextmanager
def direct_connection(engine: Engine) -> Iterator[DirectConnection]:
    """A connection for one check (see the module docstring), given back afterwards."""
    connections = _connections(engine)
    connection = DirectConnection(engine, connections)
    try:
        yield connection
    finally:
        connections.give_back(connection._connection)
