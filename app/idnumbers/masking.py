"""Masking of ID and phone numbers for lists and public pages (`2101**********123X`, `138****5678`)."""

from __future__ import annotations


def _mask(s: str, head: int, tail: int) -> str:
    """Keep `head` and `tail` characters and star the rest."""
    return s[:head] + "*" * (len(s) - head - tail) + s[len(s) - tail :]


def mask_id(number: str) -> str:
    """Mask an ID number: first 4 and last 4 kept, fewer for short numbers so at least half is hidden."""
    keep = min(4, len(number) // 4)
    return _mask(number, keep, keep)


def mask_phone(phone: str) -> str:
    """Mask a phone number: 138****5678 for mobiles, at least half hidden otherwise."""
    if len(phone) == 11:
        return _mask(phone, 3, 4)
    keep = min(4, len(phone) // 4)
    return _mask(phone, keep, keep)
