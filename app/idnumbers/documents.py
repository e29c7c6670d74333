"""Identity documents a person may register with: the types, their labels and `parse_id`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.idnumbers.errors import IdNumberError, is_digits, prepare
from app.idnumbers.resident import check_date_and_check_char, check_shape, gender, upgrade_15_to_18
from app.translation import N_, Message

RESIDENT = "resident_id"
HMT_PERMIT = "hmt_residence_permit"
FOREIGN_PR = "foreign_permanent_residence"
PASSPORT = "passport"
ID_TYPES: tuple[str, ...] = (RESIDENT, HMT_PERMIT, FOREIGN_PR, PASSPORT)
ID_TYPE_LABELS: dict[str, Message] = {
    RESIDENT: N_("Resident ID card"),
    HMT_PERMIT: N_("Hong Kong, Macao and Taiwan residence permit"),
    FOREIGN_PR: N_("Foreign permanent resident ID card"),
    PASSPORT: N_("Passport"),
}

_HMT_PREFIXES = ("810000", "820000", "830000")
_PASSPORT_CHARS = re.compile(r"[A-Z0-9]+", re.ASCII)


@dataclass(frozen=True)
class ParsedId:
    """A validated identity document number with what it encodes."""

    id_type: str
    number: str
    birth_date: date | None
    gender: str | None


def _parse_resident(s: str, today: date) -> ParsedId:
    """Resident ID: 18 chars, or a legacy 15-digit number that is upgraded first."""
    if len(s) == 15:
        if not is_digits(s):
            raise IdNumberError(N_("A legacy 15-digit resident ID number must be all digits."))
        s = upgrade_15_to_18(s)
    elif len(s) != 18:
        raise IdNumberError(N_(
            "A resident ID number has 18 characters (or 15 digits for an old number), not {length}.", length=len(s)
        ))
    label = ID_TYPE_LABELS[RESIDENT]
    check_shape(s, label)
    if s[0] not in "12345678":
        raise IdNumberError(N_(
            "Region code {region} of the resident ID number is invalid: its first digit must be 1–8.", region=s[:6]
        ))
    born = check_date_and_check_char(s, label, today)
    return ParsedId(RESIDENT, s, born, gender(s))


def _parse_hmt(s: str, today: date) -> ParsedId:
    """Hong Kong, Macao and Taiwan residents' residence permit: GB 11643 with prefix 810000/820000/830000."""
    label = ID_TYPE_LABELS[HMT_PERMIT]
    check_shape(s, label)
    if s[:6] not in _HMT_PREFIXES:
        raise IdNumberError(N_(
            "A Hong Kong, Macao and Taiwan residence permit number starts with 810000, 820000 or 830000, "
            "not {prefix}.", prefix=s[:6],
        ))
    born = check_date_and_check_char(s, label, today)
    return ParsedId(HMT_PERMIT, s, born, gender(s))


def _parse_foreign_pr(s: str, today: date) -> ParsedId:
    """2023 foreign permanent residence ID: '9', issuing province, nationality, YYYYMMDD, sequence, check."""
    label = ID_TYPE_LABELS[FOREIGN_PR]
    check_shape(s, label)
    if s[0] != "9":
        raise IdNumberError(N_(
            "A foreign permanent resident ID number (the format used since 2023) starts with 9, not {first}.",
            first=s[0],
        ))
    born = check_date_and_check_char(s, label, today)
    # The 2023 rules do not say that the sequence encodes sex, so none is inferred.
    return ParsedId(FOREIGN_PR, s, born, None)


def _parse_passport(s: str) -> ParsedId:
    """Passport: 5–17 letters and digits, at least one digit."""
    if not 5 <= len(s) <= 17:
        raise IdNumberError(N_("A passport number has 5–17 characters, not {length}.", length=len(s)))
    if not _PASSPORT_CHARS.fullmatch(s):
        bad = next(ch for ch in s if not _PASSPORT_CHARS.fullmatch(ch))
        raise IdNumberError(N_("A passport number may contain only letters and digits; found “{char}”.", char=bad))
    if not any(is_digits(ch) for ch in s):
        raise IdNumberError(N_("A passport number contains at least one digit."))
    return ParsedId(PASSPORT, s, None, None)


def parse_id(id_type: str, raw: str, *, today: date | None = None) -> ParsedId:
    """Validate an identity document number of the given type and return its normalised form and facts."""
    if id_type not in ID_TYPE_LABELS:
        raise IdNumberError(N_("Unsupported ID type: {id_type}.", id_type=id_type))
    s = prepare(raw, N_("ID number"))
    today = today or date.today()
    if id_type == RESIDENT:
        return _parse_resident(s, today)
    if id_type == HMT_PERMIT:
        return _parse_hmt(s, today)
    if id_type == FOREIGN_PR:
        return _parse_foreign_pr(s, today)
    return _parse_passport(s)
