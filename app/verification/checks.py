"""Checking one certificate by number and holder name, or by its QR token; every check is logged.

A miss never says why: an unknown number, a wrong name and a malformed number give the same outcome,
so the public pages cannot be used to learn which numbers exist or whose they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    func,
    insert,
    null,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session, aliased

from app.catalog.ladder import level_label
from app.certification.issuing import qr_payload
from app.certification.models import KIND_LABELS, STATUS_LABELS, Certificate
from app.certification.signing import KeyRing, parse_verification_query
from app.idnumbers import is_certificate_number
from app.verification.direct import DirectConnection
from app.verification.models import VerificationLog

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
FOUND, MISS, LEGACY = "found", "miss", "legacy"
_LOCAL_NUMBER = re.compile(r"(PX|XT)\d{13}", re.ASCII)
_LEGACY_NUMBER = re.compile(r"\d{16}", re.ASCII)
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}", re.ASCII)
_NAME_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "‧": "·", "∙": "·"})
MAX_NAME = 50

_replacement = aliased(Certificate)
# Only the columns a result shows: one indexed lookup, no JSON or PII columns loaded.
_COLUMNS = (
    Certificate.id, Certificate.kind, Certificate.number, Certificate.status, Certificate.holder_name,
    Certificate.id_masked, Certificate.occupation_code, Certificate.occupation_name, Certificate.variant_name,
    Certificate.level_digit, Certificate.issuer_org_id, Certificate.issuer_name, Certificate.issue_date,
    Certificate.revoked_at, Certificate.revoked_reason, Certificate.key_id, _replacement.number.label("replaced_by"),
)


@dataclass(frozen=True)
class CertificateFacts:
    """What a verification shows about a certificate, as plain values (pages, API, PDF)."""

    certificate_id: int
    issuer_org_id: int
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    holder_name: str
    id_masked: str
    occupation_code: str
    occupation_name: str
    variant_name: str  # "--" when none, as printed
    level_label: str  # "" for certificates without a level
    issue_date: str  # YYYY-MM-DD
    issuer_name: str
    revoked_on: str | None
    revoked_reason: str | None
    replaced_by: str | None


@dataclass(frozen=True)
class CheckOutcome:
    """The answer to one check: found (with facts), a miss, or a legacy number not issued here."""

    result: str
    checked_at: datetime
    facts: CertificateFacts | None = None
    signature: str | None = None  # QR checks: "valid", "invalid" or "absent"
    number: str = ""  # the number as checked (normalised), for legacy answers

    @property
    def found(self) -> bool:
        """True when a certificate was found and the name matched."""
        return self.result == FOUND


def normalise_number(raw: str | None) -> str:
    """A certificate number as typed, folded to ASCII upper case without spaces."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).upper()


def normalise_name(raw: str | None) -> str:
    """A holder name for comparison: full-width folded, spaces dropped, middle dots unified."""
    return "".join(unicodedata.normalize("NFKC", raw or "").split()).translate(_NAME_DOTS)


def number_format(number: str) -> str:
    """Classify a normalised number: "current" (22 chars), "local" (training/apprenticeship), "legacy", "malformed"."""
    if len(number) == 22:
        return "current" if is_certificate_number(number) else "malformed"
    if _LOCAL_NUMBER.fullmatch(number):
        return "local"
    if _LEGACY_NUMBER.fullmatch(number):
        return "legacy"
    return "malformed"


def _facts(row) -> CertificateFacts:
    revoked_on = row.revoked_at.astimezone(LOCAL_ZONE).date().isoformat() if row.revoked_at else None
    return CertificateFacts(
        certificate_id=row.id, issuer_org_id=row.issuer_org_id, number=row.number, kind=row.kind,
        kind_label=KIND_LABELS[row.kind], status=row.status, status_label=STATUS_LABELS[row.status],
        holder_name=row.holder_name, id_masked=row.id_masked, occupation_code=row.occupation_code or "",
        occupation_name=row.occupation_name, variant_name=row.variant_name or "--",
        level_label=level_label(row.level_digit) if row.level_digit else "", issue_date=row.issue_date.isoformat(),
        issuer_name=row.issuer_name, revoked_on=revoked_on,
        revoked_reason=row.revoked_reason if row.status == "revoked" else None, replaced_by=row.replaced_by,
    )


_LOOKUP: Select = select(*_COLUMNS).outerjoin(_replacement, _replacement.id == Certificate.superseded_by_id)
# Built once: executing the same statement object skips most of SQLAlchemy's per-call statement work.
_BY_NUMBER = _LOOKUP.where(Certificate.number == bindparam("value"))
_BY_TOKEN = _LOOKUP.where(Certificate.token == bindparam("value"))
_BY_ID = _LOOKUP.where(Certificate.id == bindparam("value"))
_BY_NUMBERS = _LOOKUP.where(Certificate.number.in_(bindparam("values", expanding=True)))
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


class _SessionStatements:
    """The ORM session's connection, with the two calls a check makes (see `direct.DirectConnection`)."""

    __slots__ = ("connection", "dialect_name")

    def __init__(self, session: Session) -> None:
        self.connection = session.connection()
        self.dialect_name = self.connection.dialect.name

    def one_or_none(self, statement, params: Mapping[str, object]):
        return self.connection.execute(statement, params).one_or_none()

    def execute(self, statement, params: Mapping[str, object]) -> None:
        self.connection.execute(statement, params)


Checks = Session | DirectConnection  # where a check runs: a session (any database) or a direct connection


def _statements(session: Checks) -> _SessionStatements | DirectConnection:
    return session if isinstance(session, DirectConnection) else _SessionStatements(session)


def log_check(session: Checks, *, now: datetime, channel: str, result: str, certificate_id: int | None = None,
              organisation_id: int | None = None, share_link_id: int | None = None) -> None:
    """Record one check (no names, no ID numbers)."""
    # Core, not ORM, execution: a check is the hottest path of the application and needs no unit of work.
    statements = _statements(session)
    statement = _LOG_RELAXED if statements.dialect_name == "postgresql" else _LOG
    statements.execute(statement, {"checked_at": now, "channel": channel, "result": result,
                                   "certificate_id": certificate_id, "organisation_id": organisation_id,
                                   "share_link_id": share_link_id})


def _looked_up_and_logged(lookup: Select, *, by_name: bool) -> Select:
    """PostgreSQL: one statement that looks a certificate up AND writes the log row (one round trip, not two).

    The log row's result is computed in SQL from the same row: ``not_found`` when there is none, else the
    certificate's status — for checks by name only when the stored holder name equals the name as typed or
    its normalised form, else ``name_mismatch``. Python decides the answer with ``normalise_name`` (the
    rule); in the rare case the two disagree (a stored name that is not in normal form), the row is
    corrected by id (see `_settle_log`). Returns the lookup columns plus ``log_id`` and ``logged_result``;
    no row when nothing was found (the not_found row is written all the same).
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


_BY_NUMBER_LOGGED = _looked_up_and_logged(_BY_NUMBER, by_name=True)
_BY_TOKEN_LOGGED = _looked_up_and_logged(_BY_TOKEN, by_name=False)
_SETTLE_LOG = text("UPDATE verification_log SET result = :result, certificate_id = :certificate_id WHERE id = :id")


def _settle_log(statements, row, *, result: str, certificate_id: int | None) -> None:
    """Correct a log row written by a combined statement when Python's name rule disagrees with SQL's."""
    if row.logged_result != result:
        statements.execute(_SETTLE_LOG, {"result": result, "certificate_id": certificate_id, "id": row.log_id})




def check_number(session: Checks, *, number: str | None, name: str | None, now: datetime, channel: str = "public",
                 organisation_id: int | None = None) -> CheckOutcome:
    """Check a certificate by number and holder name; both must match to see anything."""
    normalised = normalise_number(number)
    kind = number_format(normalised)
    if kind == "legacy":
        log_check(session, now=now, channel=channel, result="legacy", organisation_id=organisation_id)
        return CheckOutcome(LEGACY, now, number=normalised)
    wanted = normalise_name(name)
    if kind == "malformed" or not wanted or len(name or "") > MAX_NAME:
        log_check(session, now=now, channel=channel, result="malformed", organisation_id=organisation_id)
        return CheckOutcome(MISS, now)
    statements = _statements(session)
    if statements.dialect_name == "postgresql":
        row = statements.one_or_none(_BY_NUMBER_LOGGED, {
            "value": normalised, "name_typed": name, "name_normalised": wanted, "checked_at": now,
            "channel": channel, "organisation_id": organisation_id})
        if row is None:
            return CheckOutcome(MISS, now)
        matched = normalise_name(row.holder_name) == wanted
        _settle_log(statements, row, result=row.status if matched else "name_mismatch",
                    certificate_id=row.id if matched else None)
        return CheckOutcome(FOUND, now, _facts(row), number=normalised) if matched else CheckOutcome(MISS, now)
    row = statements.one_or_none(_BY_NUMBER, {"value": normalised})
    if row is None or normalise_name(row.holder_name) != wanted:
        log_check(session, now=now, channel=channel, result="not_found" if row is None else "name_mismatch",
                  organisation_id=organisation_id)
        return CheckOutcome(MISS, now)
    log_check(session, now=now, channel=channel, result=row.status, certificate_id=row.id,
              organisation_id=organisation_id)
    return CheckOutcome(FOUND, now, _facts(row), number=normalised)


def _signature_state(row, query: Mapping[str, str] | None, keyring: KeyRing) -> str:
    """Does the QR's signed payload verify, and does it describe this very certificate?"""
    if not query:
        return "absent"
    try:
        payload, signature = parse_verification_query(query)
    except ValueError:
        return "invalid"
    expected = qr_payload(row.number, row.level_digit, row.occupation_code, row.issue_date, row.key_id)
    if payload != expected or not keyring.verify(payload, signature):
        return "invalid"
    return "valid"


def check_token(session: Checks, *, token: str, query: Mapping[str, str] | None, keyring: KeyRing, now: datetime,
                channel: str = "qr", organisation_id: int | None = None) -> CheckOutcome:
    """Check the certificate a QR token belongs to and state whether the QR's signature verifies."""
    if not _TOKEN.fullmatch(token or ""):
        log_check(session, now=now, channel=channel, result="malformed", organisation_id=organisation_id)
        return CheckOutcome(MISS, now)
    statements = _statements(session)
    if statements.dialect_name == "postgresql":
        row = statements.one_or_none(_BY_TOKEN_LOGGED, {
            "value": token, "checked_at": now, "channel": channel, "organisation_id": organisation_id})
        if row is None:
            return CheckOutcome(MISS, now)
    else:
        row = statements.one_or_none(_BY_TOKEN, {"value": token})
        if row is None:
            log_check(session, now=now, channel=channel, result="not_found", organisation_id=organisation_id)
            return CheckOutcome(MISS, now)
        log_check(session, now=now, channel=channel, result=row.status, certificate_id=row.id,
                  organisation_id=organisation_id)
    return CheckOutcome(FOUND, now, _facts(row), signature=_signature_state(row, query, keyring), number=row.number)


def facts_for(session: Session, certificate_id: int) -> CertificateFacts | None:
    """The facts of one certificate by id (share links), without logging."""
    row = session.connection().execute(_BY_ID, {"value": certificate_id}).one_or_none()
    return _facts(row) if row is not None else None


def rows_by_number(session: Session, numbers: list[str]) -> dict[str, object]:
    """Lookup rows for many numbers at once (bulk checks), in chunks that every database accepts."""
    found: dict[str, object] = {}
    for start in range(0, len(numbers), 900):
        chunk = numbers[start:start + 900]
        for row in session.connection().execute(_BY_NUMBERS, {"values": chunk}):
            found[row.number] = row
    return found


def facts_of_row(row) -> CertificateFacts:
    """Facts from a lookup row (bulk checks)."""
    return _facts(row)
