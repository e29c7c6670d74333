"""统一社会信用代码 (unified social credit code, GB 32100): the MOD 31 check character and validation."""

from __future__ import annotations

from app.idnumbers.errors import IdNumberError, prepare
from app.translation import N_

# 0-9A-Z without I, O, Z, S and V, valued 0–30 in this order.
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {ch: i for i, ch in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_AUTHORITIES = "123456789ANY"


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    if len(first17) != 17 or any(ch not in _USCC_VALUES for ch in first17):
        raise IdNumberError(N_("Computing the check character needs 17 valid credit-code characters."))
    total = sum(_USCC_VALUES[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def validate_uscc(raw: str) -> str:
    """Validate a unified social credit code and return it normalised."""
    s = prepare(raw, N_("Unified social credit code"))
    if len(s) != 18:
        raise IdNumberError(N_("A unified social credit code has 18 characters, not {length}.", length=len(s)))
    bad = next((ch for ch in s if ch not in _USCC_VALUES), None)
    if bad is not None:
        raise IdNumberError(N_(
            "The unified social credit code contains the invalid character “{char}” (use digits and capital "
            "letters other than I, O, Z, S and V).", char=bad,
        ))
    if s[0] not in _USCC_AUTHORITIES:
        raise IdNumberError(N_(
            "The first character of a unified social credit code (the registering authority) must be 1–9, A, N "
            "or Y, not {first}.", first=s[0],
        ))
    expected = uscc_check_char(s[:17])
    if s[17] != expected:
        raise IdNumberError(N_(
            "The check character of the unified social credit code should be {expected}, not {actual}.",
            expected=expected, actual=s[17],
        ))
    return s
