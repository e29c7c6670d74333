"""Texts marked for translation, Flask-free: services mark, the edges translate.

Services and vocabularies write English message ids with named parameters::

    raise ValidationFailed(N_("Room {room} lies outside the plan's dates", room=room.name), field="exam_on")
    PLAN_STATUSES = {"draft": N_("Draft"), ...}

`N_` returns a `Message`: a `str` holding the English text (so logs, the CLI and comparisons keep working)
that also remembers its template and parameters. Babel extracts `N_` (one of its default keywords); the web
edge and the API render a `Message` in the request's language (`render(translate)`); official PDFs, which
are always Chinese, use `in_chinese`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

Translate = Callable[[str], str]
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


def english(text: str) -> str:
    """The `translate` that keeps the English message ids (the default wherever a caller may pass gettext)."""
    return text


class Message(str):
    """English text marked for translation, with the named parameters it was formatted with."""

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, params: Mapping[str, Any] | None = None) -> Message:
        params = dict(params or {})
        text = template.format(**params) if params else template
        message = super().__new__(cls, text)
        message.template = template
        message.params = params
        return message

    def render(self, translate: Translate = english) -> str:
        """The text in the language `translate` gives, parameters that are messages translated too."""
        template = translate(self.template)
        if not self.params:
            return template
        return template.format(**{key: render(value, translate) for key, value in self.params.items()})

    def __reduce__(self):  # pickling (task queue) keeps the template and parameters
        return (Message, (self.template, self.params))


def N_(template: str, /, **params: Any) -> Message:  # noqa: N802  (the gettext convention Babel extracts)
    """Mark an English message id for translation; named parameters fill its {placeholders}."""
    return Message(template, params)


def render(value: Any, translate: Translate = english) -> Any:
    """A marked message in the language `translate` gives; anything else unchanged."""
    return value.render(translate) if isinstance(value, Message) else value


@lru_cache(maxsize=1)
def _chinese() -> Translate:
    from babel.support import Translations

    return Translations.load(str(TRANSLATIONS_DIR), ["zh"]).gettext


def chinese(text: str) -> str:
    """A message id's Simplified Chinese translation: the `translate` for official, always-Chinese output."""
    return _chinese()(text)


def in_chinese(value: Any) -> Any:
    """A marked message in Simplified Chinese whatever the request's language (certificates, tickets)."""
    return render(value, _chinese())


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
