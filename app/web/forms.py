"""Helpers shared by the web edge: putting domain errors back on form fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.errors import DomainError
from app.translation import Message
from app.web.actions import localize, show_refusal


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal once: on the field it names, or flashed (kept until every view uses `attempt`)."""
    show_refusal(error, form)


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, as WTForms 3.3+ expects.

    A marked label is translated when the option is drawn (lazily), so choices built once, on a form class,
    follow each request's language.
    """
    return [SelectChoice(value, LazyString(localize, label) if isinstance(label, Message) else label)
            for value, label in pairs]
