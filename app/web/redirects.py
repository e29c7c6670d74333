"""The one safe-redirect rule: follow a `next` only when it stays on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` when it is a path on this site, else `default` (the home page when none is given)."""
    fallback = default or url_for("home.index")
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return fallback
    if any(ord(char) < 32 or char == "\\" for char in target):  # browsers read "\" as "/" and drop controls
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
