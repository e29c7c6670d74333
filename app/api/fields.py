"""Reading typed values out of JSON bodies; a wrong type is a 422 naming the field."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from app.errors import ValidationFailed


def text(data: dict, key: str, *, required: bool = False) -> str | None:
    """A string value, or None when absent/empty (refused when required)."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ValidationFailed(f"缺少字段 {key}", field=key)
        return None
    if not isinstance(value, str):
        raise ValidationFailed(f"{key} 应为字符串", field=key)
    return value


def integer(data: dict, key: str, *, required: bool = False) -> int | None:
    """An integer value (booleans are not integers here)."""
    value = data.get(key)
    if value is None:
        if required:
            raise ValidationFailed(f"缺少字段 {key}", field=key)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationFailed(f"{key} 应为整数", field=key)
    return value


def day(data: dict, key: str, *, required: bool = False) -> date | None:
    """A date written YYYY-MM-DD."""
    value = text(data, key, required=required)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationFailed(f"{key} 的日期格式应为 YYYY-MM-DD", field=key) from exc


def decimal(data: dict, key: str, *, required: bool = False) -> Decimal | None:
    """A number given as a JSON number or a numeric string."""
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ValidationFailed(f"缺少字段 {key}", field=key)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValidationFailed(f"{key} 应为数字", field=key)
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValidationFailed(f"{key} 应为数字", field=key) from exc


def integer_list(data: dict, key: str) -> list[int]:
    """A list of integers (empty when absent)."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ValidationFailed(f"{key} 应为整数数组", field=key)
    return value
