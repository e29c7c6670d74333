"""The error every identity-number check raises, and the reading of raw input shared by all checks."""

from __future__ import annotations

import re
import unicodedata

from app.translation import N_, Message

_DIGITS = re.compile(r"[0-9]+", re.ASCII)
# Excel shows long numbers as 2.10102E+17; pandas or a float cell gives 210102199001011234.0.
_EXCEL_EXPONENT = re.compile(r"[0-9]+(\.[0-9]*)?E[+-][0-9]+", re.ASCII)
_EXCEL_DECIMAL = re.compile(r"[0-9]+\.[0-9]+", re.ASCII)


class IdNumberError(ValueError):
    """An identity or certificate number is malformed; `message` is a marked Message saying exactly what."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def normalize_text(s: str) -> str:
    """Fold full-width characters to ASCII (NFKC), drop all whitespace and invisible marks, upper-case."""
    folded = unicodedata.normalize("NFKC", s)
    # Cf covers zero-width spaces and BOMs that come along when numbers are pasted from web pages or Excel.
    kept = "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) != "Cf")
    return kept.upper()


def detect_excel_mangling(raw: str) -> bool:
    """Whether the value looks like a number Excel turned into scientific notation or a float."""
    s = normalize_text(raw)
    return bool(_EXCEL_EXPONENT.fullmatch(s) or _EXCEL_DECIMAL.fullmatch(s))


def prepare(raw: str, what: Message) -> str:
    """Normalise a raw input and reject empty values and Excel-mangled numbers; `what` names the input."""
    if not isinstance(raw, str):
        raise IdNumberError(N_("{what} must be text.", what=what))
    s = normalize_text(raw)
    if not s:
        raise IdNumberError(N_("{what} must not be empty.", what=what))
    shown = raw.strip()
    if _EXCEL_EXPONENT.fullmatch(s):
        raise IdNumberError(N_(
            "{what} looks as if Excel turned it into scientific notation ({shown}): format that column as text "
            "and enter it again.", what=what, shown=shown,
        ))
    if _EXCEL_DECIMAL.fullmatch(s):
        raise IdNumberError(N_(
            "{what} looks as if Excel turned it into a number ({shown}): format that column as text and enter "
            "it again.", what=what, shown=shown,
        ))
    return s


def is_digits(s: str) -> bool:
    """ASCII digits only (str.isdigit also accepts superscripts and other scripts' digits)."""
    return bool(_DIGITS.fullmatch(s))
