"""Mainland mobile numbers."""

from __future__ import annotations

from app.idnumbers.errors import IdNumberError, is_digits, prepare
from app.translation import N_


def validate_mobile(raw: str) -> str:
    """Validate a mainland mobile number (optional +86/86 prefix, spaces and dashes) and return 11 digits."""
    s = prepare(raw, N_("Mobile number")).replace("-", "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    elif s.startswith("86") and len(s) == 13:
        s = s[2:]
    if not is_digits(s):
        raise IdNumberError(N_("A mobile number may contain only digits."))
    if len(s) != 11:
        raise IdNumberError(N_("A mobile number has 11 digits, not {length}.", length=len(s)))
    if s[0] != "1" or s[1] not in "3456789":
        raise IdNumberError(N_("A mobile number starts with 13–19, not {prefix}.", prefix=s[:2]))
    return s
