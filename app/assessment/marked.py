"""Marked messages the assessment stage composes or keeps: lists of labels, and texts stored in the database.

A list of marked items stays one `Message` (its separator is marked too: 、 and ； in Chinese), so the edge
translates every piece. A system-written note stored with a record (an appointment's eligibility note, the
reasons a registration was refused) keeps its template and parameters, so it is shown in the reader's language.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String
from sqlalchemy.types import TypeDecorator

from app.translation import N_, Message

LIST_SEPARATOR = N_(", ")
CLAUSE_SEPARATOR = N_("; ")


def joined(items: Iterable[Any], separator: Message | str = LIST_SEPARATOR) -> Message:
    """Items (labels, messages or data) as one message; the edge renders each item and the separator."""
    params: dict[str, Any] = {f"item{index}": item for index, item in enumerate(items)}
    if not params:
        return Message("{nothing}", {"nothing": ""})
    template = "{separator}".join(f"{{{key}}}" for key in params)
    return Message(template, {**params, "separator": separator})


def to_json(value: Any) -> Any:
    """A marked message as JSON (template and parameters, recursively); other values as text or numbers."""
    if isinstance(value, Message):
        return {"template": value.template, "params": {key: to_json(item) for key, item in value.params.items()}}
    return value if value is None or isinstance(value, (bool, int, float)) else str(value)


def from_json(value: Any) -> Any:
    """The message `to_json` stored (plain values unchanged)."""
    if isinstance(value, dict) and "template" in value:
        return Message(value["template"], {key: from_json(item) for key, item in value.get("params", {}).items()})
    return value


class MarkedText(TypeDecorator):
    """A text column that keeps a marked message translatable: stored as JSON, read back as a `Message`.

    Plain strings are stored and read as they are (rows written before messages were marked stay readable).
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if isinstance(value, Message):
            return json.dumps(to_json(value), ensure_ascii=False)
        return value

    def process_result_value(self, value: str | None, dialect: Any) -> Any:
        if value and value.startswith('{"template"'):
            return from_json(json.loads(value))
        return value
