"""Helpers shared by the web edge: putting domain errors back on form fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.errors import DomainError
from app.web.actions import localize, show_refusal


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal once: on the field it names, or flashed (kept until every view uses `attempt`)."""
    show_refusal(error, form)


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (marked labels translated), as WTForms 3.3+ expects."""
    return [SelectChoice(value, localize(label)) for value, label in pairs]
