"""Integers in query strings, bounded like `<int:…>` path ids so a hostile value never reaches the database.

A list filter or page number is optional: a value that is not 1 to 18 ASCII digits (huge, negative, signed,
`1e5`, `0x10`, full-width `１２`, empty) counts as absent, so the list shows unfiltered, or page 1. The API
reads the same shape with `parse_integer` and answers 422 for a malformed one (app/api/fields.py).
"""

from __future__ import annotations

import re

from flask import request

_DIGITS = re.compile(r"[0-9]{1,18}", re.ASCII)
INT64_MAX = 2**63 - 1
PAGE_MAX = 1_000_000  # far beyond any list, and (page - 1) * page size stays well inside 64 bits


def parse_integer(raw: str | None) -> int | None:
    """The non-negative integer written as 1 to 18 ASCII digits, else None."""
    if raw is None or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= INT64_MAX else None


def query_integer(name: str, default: int | None = None) -> int | None:
    """The integer query argument `name`, or `default` when it is absent or not a plain bounded integer."""
    value = parse_integer(request.args.get(name))
    return default if value is None else value


def query_page(name: str = "page") -> int:
    """A 1-based page number from the query string; anything else (0, huge, malformed) is page 1."""
    value = query_integer(name)
    return value if value is not None and 1 <= value <= PAGE_MAX else 1
