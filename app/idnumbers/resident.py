"""GB 11643 resident identity numbers: the MOD 11-2 check character, legacy 15-digit numbers, birth dates.

The same 18-character layout (region or prefix, YYYYMMDD, sequence, check character) is used by the Hong Kong,
Macao and Taiwan residence permit and the 2023 foreign permanent residence ID, so their checks live here too.
"""

from __future__ import annotations

from datetime import date

from app.idnumbers.errors import IdNumberError, is_digits, normalize_text
from app.translation import N_, Message

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 (MOD 11-2) check character for 17 digits."""
    if len(first17) != 17 or not is_digits(first17):
        raise IdNumberError(N_("Computing the check character needs 17 digits."))
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def upgrade_15_to_18(raw15: str) -> str:
    """Turn a legacy 15-digit resident ID into 18 digits: insert "19" before the year, add the check char."""
    s = normalize_text(raw15)
    if len(s) != 15 or not is_digits(s):
        raise IdNumberError(N_("A legacy resident ID number has 15 digits, not “{number}”.", number=s))
    first17 = s[:6] + "19" + s[6:]
    return first17 + resident_id_check_char(first17)


def check_birth_date(digits8: str, today: date) -> date:
    """Read YYYYMMDD and require a real date between 1900-01-01 and today."""
    try:
        born = date(int(digits8[:4]), int(digits8[4:6]), int(digits8[6:]))
    except ValueError:
        raise IdNumberError(N_("Birth date {digits} is not a real date.", digits=digits8)) from None
    if born > today:
        raise IdNumberError(N_(
            "Birth date {born} is later than today ({today}).", born=born.isoformat(), today=today.isoformat()
        ))
    if born < _EARLIEST_BIRTH:
        raise IdNumberError(N_("Birth date {born} is before 1900.", born=born.isoformat()))
    return born


def check_shape(s: str, label: Message) -> None:
    """18 characters: 17 ASCII digits and a check char that is a digit or X; `label` names the document."""
    if len(s) != 18:
        raise IdNumberError(N_(
            "{label}: the number must have 18 characters, not {length}.", label=label, length=len(s)
        ))
    bad = next((ch for ch in s[:17] if not is_digits(ch)), None)
    if bad is not None:
        raise IdNumberError(N_(
            "{label}: the first 17 characters of the number must be digits; found “{char}”.", label=label, char=bad
        ))
    if s[17] not in ID_CHECK_CHARS:
        raise IdNumberError(N_(
            "{label}: the last character of the number must be a digit or X, not “{char}”.", label=label, char=s[17]
        ))


def check_date_and_check_char(s: str, label: Message, today: date) -> date:
    """Birth date at positions 7–14 and the GB 11643 check char; return the birth date."""
    born = check_birth_date(s[6:14], today)
    expected = resident_id_check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(N_(
            "{label}: the check character of the number should be {expected}, not {actual}.",
            label=label, expected=expected, actual=s[17],
        ))
    return born


def gender(s: str) -> str:
    """Odd sequence number (positions 15–17) means male."""
    return "M" if int(s[14:17]) % 2 else "F"
