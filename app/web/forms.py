"""Helpers shared by the web edge: putting domain errors back on form fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from app.errors import DomainError


def attach_error(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)
    flash(error.message, "danger")


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs, in the form WTForms 3.3+ expects."""
    return [SelectChoice(value, label) for value, label in pairs]
