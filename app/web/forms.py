"""Helpers shared by the web forms: select options with translated labels."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel.speaklater import LazyString
from wtforms.fields.choices import SelectChoice

from app.translation import Message
from app.web.actions import localize


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (marked labels translated), as WTForms 3.3+ expects."""
    # Lazy, because forms build their choices at import time, before any request has a language.
    return [SelectChoice(value, LazyString(localize, label) if isinstance(label, Message) else label)
            for value, label in pairs]
