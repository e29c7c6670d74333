"""Checking one certificate by number and holder name, or by its QR token; every check is logged.

Every check ends in one **verdict** (`verdict_of`, the one place that decides it; pages, the printable PDF,
the API and bulk checks all read it): valid, revoked, superseded, not_found, malformed, qr_mismatch or
legacy. A miss never says why: an unknown number and a wrong name are both "not_found", so the public pages
cannot be used to learn which numbers exist or whose they are. "malformed" is decided from the typed
characters alone (never from the register), so it reveals nothing either.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, aliased

from app.catalog.ladder import level_label
from app.certification.issuing import qr_payload
from app.certification.models import KIND_LABELS, STATUS_LABELS, Certificate
from app.certification.signing import KeyRing, parse_verification_query
from app.clock import LOCAL_ZONE
from app.idnumbers import is_certificate_number
from app.translation import N_, Message
from app.verification.fastpath import Checks, check_lookup, look_up_and_log, write_log

FOUND, MISS, LEGACY = "found", "miss", "legacy"
VALID, REVOKED, SUPERSEDED, NOT_FOUND, MALFORMED, QR_MISMATCH = (
    "valid", "revoked", "superseded", "not_found", "malformed", "qr_mismatch")
VERDICTS = (VALID, REVOKED, SUPERSEDED, NOT_FOUND, MALFORMED, QR_MISMATCH, LEGACY)
# The word of each verdict, the same on the page, in the PDF, in the API's message and in a bulk sheet.
VERDICT_WORDS: dict[str, Message] = {
    VALID: N_("Valid"),
    REVOKED: N_("Revoked by the issuer"),
    SUPERSEDED: N_("Superseded"),
    NOT_FOUND: N_("Not found"),
    MALFORMED: N_("Not a certificate number"),
    QR_MISMATCH: N_("QR code invalid"),
    LEGACY: N_("Not issued here"),
}
# The headline under the word: what the verdict means for the reader, and what to do.
VERDICT_HEADLINES: dict[str, Message] = {
    VALID: N_("Valid: this certificate is in the register and in force."),
    REVOKED: N_("Revoked by the issuer: this certificate is no longer valid."),
    SUPERSEDED: N_("Superseded: a corrected certificate replaces this one; check the new number."),
    NOT_FOUND: N_("Not found: no certificate in the register matches this number and name."),
    MALFORMED: N_("Not a certificate number: check the number as printed and type it again."),
    QR_MISMATCH: N_("QR code invalid: this paper certificate does not match the register; do not rely on it."),
    LEGACY: N_("Not issued here: a number from before 2020; check it on the national query site."),
}
# The sign beside the words (never colour alone: word and sign say it in black and white too).
VERDICT_SIGNS = {VALID: "✔", REVOKED: "✖", SUPERSEDED: "⚠", NOT_FOUND: "✖", MALFORMED: "⚠", QR_MISMATCH: "✖",
                 LEGACY: "ℹ"}
# Told with every malformed verdict: the shapes a number may take (nothing about which numbers exist).
NUMBER_FORMAT_HINT = N_("A certificate number has 22 characters, e.g. S000021000101264000001; training and "
                        "apprenticeship certificates have PX or XT followed by 13 digits, e.g. PX2100012600001.")
# Who issued a certificate, named by what kind of certificate it is.
ISSUER_LABELS: dict[str, Message] = {"skill_level": N_("Evaluation organisation"),
                                     "training": N_("Training institution"),
                                     "apprenticeship": N_("Employer (issuing enterprise)")}
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
    issuer_label: str  # 评价机构 / 培训机构 / 用人单位, by the kind
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
    """The answer to one check: found (with facts), a miss, or a legacy number not issued here; and its verdict."""

    result: str
    checked_at: datetime
    facts: CertificateFacts | None = None
    signature: str | None = None  # QR checks: "valid", "invalid" or "absent"
    number: str = ""  # the number as checked (normalised), for legacy answers
    malformed: bool = False  # a miss decided from the typed characters alone

    @property
    def found(self) -> bool:
        """True when a certificate was found and the name matched."""
        return self.result == FOUND

    @property
    def verdict(self) -> str:
        """The one verdict of this check (see `verdict_of`)."""
        return verdict_of(self)


def verdict_of(outcome: CheckOutcome) -> str:
    """The verdict of a check: the single rule every page, PDF, API answer and bulk row follows.

    A QR whose signed payload does not verify for the certificate it points to is "qr_mismatch" whatever the
    register says of that certificate (the paper is not what the register holds); otherwise a found
    certificate's verdict is its status. A miss is "malformed" only when the typed number cannot be a number.
    """
    if outcome.result == LEGACY:
        return LEGACY
    if outcome.result != FOUND or outcome.facts is None:
        return MALFORMED if outcome.malformed else NOT_FOUND
    if outcome.signature == "invalid":
        return QR_MISMATCH
    return outcome.facts.status


def input_problem(number: str | None, name: str | None) -> str | None:
    """What keeps a number-and-name check from being made at all: "number" or "name" (empty or too long), else None.

    Forms and the API refuse these on their field before checking; a malformed but present number is not one
    of them (it gets the malformed verdict, as in a bulk sheet).
    """
    if not normalise_number(number):
        return "number"
    if not normalise_name(name) or len(name or "") > MAX_NAME:
        return "name"
    return None


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
        kind_label=KIND_LABELS[row.kind], issuer_label=ISSUER_LABELS[row.kind], status=row.status, status_label=STATUS_LABELS[row.status],
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
_CHECK_BY_NUMBER = check_lookup(_BY_NUMBER, by_name=True)
_CHECK_BY_TOKEN = check_lookup(_BY_TOKEN, by_name=False)


def log_check(session: Checks, *, now: datetime, channel: str, result: str, certificate_id: int | None = None,
              organisation_id: int | None = None, share_link_id: int | None = None) -> None:
    """Record one check (no names, no ID numbers)."""
    write_log(session, {"checked_at": now, "channel": channel, "result": result, "certificate_id": certificate_id,
                        "organisation_id": organisation_id, "share_link_id": share_link_id})


def _logged_as_found(row) -> tuple[str, int | None]:
    return ("not_found", None) if row is None else (row.status, row.id)


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
        # Said only of the number's characters; an empty or overlong name is refused on its field by the edges.
        return CheckOutcome(MISS, now, malformed=kind == "malformed")

    def decide(row) -> tuple[str, int | None]:
        if row is None:
            return "not_found", None
        return (row.status, row.id) if normalise_name(row.holder_name) == wanted else ("name_mismatch", None)

    row, result = look_up_and_log(session, _CHECK_BY_NUMBER, value=normalised, decide=decide, checked_at=now,
                                  channel=channel, organisation_id=organisation_id, name_typed=name,
                                  name_normalised=wanted)
    if row is None or result == "name_mismatch":
        return CheckOutcome(MISS, now)
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
    row, _ = look_up_and_log(session, _CHECK_BY_TOKEN, value=token, decide=_logged_as_found, checked_at=now,
                             channel=channel, organisation_id=organisation_id)
    if row is None:
        return CheckOutcome(MISS, now)
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
