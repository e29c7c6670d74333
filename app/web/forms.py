"""Helpers shared by the web forms: select options with translated labels."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice

from app.web.actions import localize


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (marked labels translated), as WTForms 3.3+ expects."""
    return [SelectChoice(value, localize(label)) for value, label in pairs]
