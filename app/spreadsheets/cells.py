"""Reading one cell: as the text the user typed, as folded text for codes and numbers, as a date, as a number."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from app.errors import ValidationFailed
from app.translation import N_

_DATE_PATTERNS = (
    re.compile(r"(\d{4}) ?[-/.] ?(\d{1,2}) ?[-/.] ?(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?", re.ASCII),
    re.compile(r"(\d{4}) ?年 ?(\d{1,2}) ?月 ?(\d{1,2}) ?日?", re.ASCII),
    re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII),
)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def is_blank(value: object) -> bool:
    """True for None and strings of whitespace only."""
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(row) -> bool:
    """True when every cell of the row is blank."""
    return all(is_blank(value) for value in row)


def cell_text(value: object) -> str:
    """A cell as the trimmed text the user typed: integral numbers without '.0', dates as ISO, None as ''.

    Full-width characters are kept (a company name keeps its （）); use `folded_text` for codes and numbers.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def folded_text(value: object) -> str:
    """A cell as text with full-width letters, digits and punctuation folded to ASCII (codes, numbers)."""
    return unicodedata.normalize("NFKC", cell_text(value)).strip()


def cell_date(value: object) -> date:
    """A date from an Excel date cell or text like 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        text = str(int(value))
    else:
        text = " ".join(folded_text(value).split())
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValidationFailed(N_("The date “{text}” does not exist.", text=text)) from None
    raise ValidationFailed(N_("The date “{text}” is not recognised; write it like 2024-03-01.", text=text))


def cell_decimal(value: object, *, unit: str = "") -> Decimal:
    """A number from a numeric cell or text such as “5”, “５.５”, “1,200” or “5年” (with `unit` = "年")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    text = folded_text(value).replace(",", "").replace(" ", "")
    if unit and text.endswith(unit):
        text = text[: -len(unit)]
    if not _NUMBER.fullmatch(text):
        raise ValidationFailed(N_("“{text}” is not a number.", text=cell_text(value)))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationFailed(N_("“{text}” is not a number.", text=cell_text(value))) from None
