"""Reading typed values out of JSON bodies; a wrong type is a 422 naming the field."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal, InvalidOperation

from app.errors import ValidationFailed
from app.translation import N_
from app.web.query import parse_integer

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1  # the database's INTEGER columns


def _given(data: dict, key: str, *, required: bool, blank: bool):
    """The value under key; None when absent (or empty, when `blank` counts as absent), refused when required."""
    value = data.get(key)
    if value is None or (blank and value == ""):
        if required:
            raise ValidationFailed(N_("The field {field} is missing.", field=key), field=key)
        return None
    return value


def text(data: dict, key: str, *, required: bool = False) -> str | None:
    """A string value, or None when absent/empty (refused when required)."""
    value = _given(data, key, required=required, blank=True)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationFailed(N_("{field} must be a string.", field=key), field=key)
    return value


def integer(data: dict, key: str, *, required: bool = False) -> int | None:
    """An integer value (booleans are not integers here)."""
    value = _given(data, key, required=required, blank=False)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(N_("{field} must be an integer.", field=key), field=key)
    if not INT32_MIN <= value <= INT32_MAX:
        raise ValidationFailed(N_("{field} is out of range.", field=key), field=key)
    return value


def day(data: dict, key: str, *, required: bool = False) -> date | None:
    """A date written YYYY-MM-DD."""
    value = text(data, key, required=required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(N_("{field} must be a date written YYYY-MM-DD.", field=key), field=key) from exc


def clock(data: dict, key: str, *, required: bool = False) -> time | None:
    """A time of day written HH:MM."""
    value = text(data, key, required=required)
    if value is None:
        return None
    try:
        parsed = time.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 5 or parsed.second or parsed.tzinfo:
        raise ValidationFailed(N_("{field} must be a time written HH:MM.", field=key), field=key)
    return parsed


def decimal(data: dict, key: str, *, required: bool = False) -> Decimal | None:
    """A number given as a JSON number or a numeric string."""
    value = _given(data, key, required=required, blank=True)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationFailed(N_("{field} must be a number.", field=key), field=key)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("{field} must be a number.", field=key), field=key) from exc


def integer_list(data: dict, key: str) -> list[int]:
    """A list of integers (empty when absent)."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) and INT32_MIN <= v <= INT32_MAX for v in value):
        raise ValidationFailed(N_("{field} must be an array of integers.", field=key), field=key)
    return value


def query_integer(args, key: str, *, default: int | None = None, minimum: int | None = None,
                  maximum: int | None = None) -> int | None:
    """An integer query parameter; anything else (or out of range) is a 422 naming the parameter."""
    raw = args.get(key)
    if raw is None:
        return default
    value = parse_integer(raw)  # the web's shape (app/web/query.py): 1-18 ASCII digits, no sign
    if value is None:
        raise ValidationFailed(N_("The query parameter {field} must be an integer.", field=key), field=key)
    minimum = INT32_MIN if minimum is None else minimum
    maximum = INT32_MAX if maximum is None else maximum
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValidationFailed(N_("The query parameter {field} must lie between {minimum} and {maximum}.", field=key,
                                  minimum=minimum, maximum=maximum), field=key)
    return value


def query_choice(args, key: str, choices) -> str | None:
    """A query parameter that must be one of a few words (absent means no filter)."""
    raw = args.get(key)
    if raw is None:
        return None
    if raw not in choices:
        raise ValidationFailed(N_("The query parameter {field} must be one of: {choices}.", field=key,
                                  choices="; ".join(choices)), field=key)
    return raw
