"""The verification fast path: the one module where a public check leaves the ordinary session (DESIGN rule 10).

Why it exists — `bench/verify_throughput.py` (gunicorn, 2 sync workers, 1,000,000 certificates, this
project's 2-core machine, rate limiting off): with this path the API answers at **52–53 %** and the QR page
at **37–39 %** of hello-world `/ping` (p99 4.8 ms and 6.6 ms); through the ORM session they reached only
**38 % and 28 %**, under the targets of 50 % and 35 % (p99 ≤ 50 ms). See docs/verification.md.
Re-measured on 2026-12-06 after this module took the fast path over (same benchmark, a slower day of the
machine: /ping 3,730–3,860 req/s): API 42–44 %, page 30–33 %, p99 ≤ 9.2 ms; the code before the move gave
42–44 % and 32–35 % in runs interleaved with those, so the move cost nothing measurable.

What it does, on PostgreSQL only:

1. A check is one statement: the certificate lookup and the verification-log insert are one data-modifying
   CTE (`CheckLookup.logged`), committed without waiting for the WAL flush. The log's result is computed in
   SQL by comparing the stored holder name with the name as typed and its normalised form; the caller's
   rule (`checks.normalise_name`) decides, and in the rare case the two disagree (a stored name not in
   normal form) the row is corrected by id before the answer leaves (`look_up_and_log`).
2. That statement runs straight on a DBAPI connection of the checks' own, in autocommit mode
   (`DirectConnection`): still built with SQLAlchemy Core and compiled once per statement by the engine's
   dialect, but without the ORM session's transaction bookkeeping, BEGIN/COMMIT, the pool's checkout
   and SQLAlchemy's per-execution result set-up. The request does not even create a session.

The checks' connections are made by the engine, then detached from its pool, each in autocommit mode with
one cursor, handed out last-in first-out (as many as checks ever ran at once in the process). They are
closed when the engine is disposed or collected, a broken one is replaced, and a forked child never touches
its parent's (it opens its own). A check that fails because its connection broke is tried once more on a new
connection; should the broken one have written its log row after all, that check is logged twice.
Only statements whose values need no SQLAlchemy type processing on PostgreSQL go through it: strings,
integers, dates and aware datetimes (`UTCDateTime` passes aware values through unchanged there).

Everywhere else — SQLite, a request whose session already holds a transaction, share links (which need the
ORM) — the same calls run on the ordinary session: `look_up_and_log` looks up, then inserts the log row.
`checks.py` has one check path over `look_up_and_log` and `write_log`; the edges open a check with
`check_transaction`. A test on PostgreSQL checks that both ways give the same outcomes and log rows.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    event,
    func,
    insert,
    null,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql import ClauseElement

from app.database import write_intent
from app.verification.models import VerificationLog

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


class _SessionStatements:
    """The ORM session's connection, with the two calls a check makes (as `DirectConnection` has them)."""

    __slots__ = ("connection", "dialect_name")

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.dialect_name = self.connection.dialect.name

    def one_or_none(self, statement, params: Mapping[str, object]):
        return self.connection.execute(statement, params).one_or_none()

    def execute(self, statement, params: Mapping[str, object]) -> None:
        self.connection.execute(statement, params)


Checks = Session | DirectConnection  # where a check runs: a session (any database) or a direct connection


def _statements(target: Checks) -> _SessionStatements | DirectConnection:
    return target if isinstance(target, DirectConnection) else _SessionStatements(target)


_LOG = insert(VerificationLog)
# PostgreSQL: the same insert, committed without waiting for the WAL flush. A check writes only this row (and
# a share link's view count); a database crash could lose the last fraction of a second of log rows, never a
# certificate. set_config(…, true) lasts to the end of the current transaction — also the implicit one of a
# single statement in autocommit mode — so the setting travels in the same round trip as the insert.
_LOG_RELAXED = text(
    "INSERT INTO verification_log (checked_at, channel, result, certificate_id, organisation_id, share_link_id) "
    "SELECT :checked_at, :channel, :result, :certificate_id, :organisation_id, :share_link_id "
    "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed"
).bindparams(bindparam("checked_at", type_=VerificationLog.__table__.c.checked_at.type))
_SETTLE_LOG = text("UPDATE verification_log SET result = :result, certificate_id = :certificate_id WHERE id = :id")


def write_log(target: Checks, values: Mapping[str, Any]) -> None:
    """Insert one verification-log row (all six columns in `values`)."""
    # Core, not ORM, execution: a check is the hottest path of the application and needs no unit of work.
    statements = _statements(target)
    statements.execute(_LOG_RELAXED if statements.dialect_name == "postgresql" else _LOG, values)


def _looked_up_and_logged(lookup: Select, *, by_name: bool) -> Select:
    """PostgreSQL: one statement that looks a certificate up AND writes the log row (one round trip, not two).

    The log row's result is ``not_found`` when there is no certificate, else its status — for checks by name
    only when the stored holder name equals the name as typed or its normalised form, else ``name_mismatch``.
    Returns the lookup columns plus ``log_id`` and ``logged_result``; no row when nothing was found (the
    not_found row is written all the same).
    """
    found = lookup.cte("found")
    log = VerificationLog.__table__
    relaxed = select(func.set_config("synchronous_commit", "off", true()).label("relaxed")).subquery("relaxed")
    if by_name:
        matches = or_(found.c.holder_name == bindparam("name_typed", type_=String),
                      found.c.holder_name == bindparam("name_normalised", type_=String))
        result = case((found.c.id.is_(None), "not_found"), (matches, found.c.status), else_="name_mismatch")
        certificate_id = case((matches, found.c.id), else_=null())
    else:
        result, certificate_id = func.coalesce(found.c.status, "not_found"), found.c.id
    row = select(bindparam("checked_at", type_=log.c.checked_at.type), cast(bindparam("channel"), String),
                 result, certificate_id, cast(bindparam("organisation_id"), Integer), cast(null(), Integer))
    logged = (insert(log)
              .from_select(["checked_at", "channel", "result", "certificate_id", "organisation_id", "share_link_id"],
                           row.select_from(relaxed.outerjoin(found, true())))
              .returning(log.c.id, log.c.result)
              .cte("logged"))
    return select(*found.c, logged.c.id.label("log_id"), logged.c.result.label("logged_result")).select_from(
        found.join(logged, true()))


@dataclass(frozen=True)
class CheckLookup:
    """A certificate lookup (``value`` bound) as it runs anywhere, and combined with its log insert on PostgreSQL."""

    plain: Select
    logged: Select
    by_name: bool


def check_lookup(lookup: Select, *, by_name: bool) -> CheckLookup:
    """Prepare a lookup for `look_up_and_log`; build it once, at import (compiled statements are cached by id)."""
    return CheckLookup(lookup, _looked_up_and_logged(lookup, by_name=by_name), by_name)


Decide = Callable[[Any], tuple[str, int | None]]  # lookup row or None -> the logged (result, certificate_id)


def look_up_and_log(target: Checks, lookup: CheckLookup, *, value: str, decide: Decide, checked_at, channel: str,
                    organisation_id: int | None, name_typed: str | None = None,
                    name_normalised: str | None = None) -> tuple[Any, str]:
    """Look a certificate up and log the check as `decide(row)` says; (the lookup row or None, logged result).

    On PostgreSQL one statement does both and the SQL's guess is settled against `decide` (see the module
    docstring); elsewhere the lookup runs first and the log row follows.
    """
    statements = _statements(target)
    if statements.dialect_name == "postgresql":
        params = {"value": value, "checked_at": checked_at, "channel": channel, "organisation_id": organisation_id}
        if lookup.by_name:
            params["name_typed"], params["name_normalised"] = name_typed, name_normalised
        row = statements.one_or_none(lookup.logged, params)
        if row is None:
            return None, "not_found"
        result, certificate_id = decide(row)
        if row.logged_result != result:
            statements.execute(_SETTLE_LOG, {"result": result, "certificate_id": certificate_id, "id": row.log_id})
        return row, result
    row = statements.one_or_none(lookup.plain, {"value": value})
    result, certificate_id = decide(row)
    statements.execute(_LOG, {"checked_at": checked_at, "channel": channel, "result": result,
                              "certificate_id": certificate_id, "organisation_id": organisation_id,
                              "share_link_id": None})
    return row, result


@contextmanager
def check_transaction(engine: Engine, session: scoped_session, *, direct: bool = True) -> Iterator[Checks]:
    """Where one check runs and commits its log row: yields what to pass to `check_number` / `check_token`.

    On PostgreSQL a check runs straight on a connection of its own in autocommit mode (`DirectConnection`).
    Share-link checks (``direct=False``) need the ORM and run in the session, still in autocommit mode. When
    the request's session already holds a transaction, or on SQLite, the check runs in the session (on
    SQLite as one IMMEDIATE transaction, since it writes) and is committed here.
    """
    # registry.has(): a public check should not even create the request's session when nothing else did.
    if engine.dialect.name == "postgresql" and not (session.registry.has() and session().in_transaction()):
        if direct:
            with direct_connection(engine) as connection:
                yield connection
            return
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        try:
            yield session
        finally:
            session.commit()
        return
    with write_intent():
        yield session
        session.commit()
