"""Catalogue forms (shape checks only)."""

from __future__ import annotations

import json

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.web.baseform import Form
from app.web.forms import choices, sheet_file


class OccupationForm(Form):
    """Add or edit an occupation."""

    edition = StringField(_l("Dictionary edition"), default="2022", validators=[DataRequired(), Length(max=10)])
    code = StringField(_l("Occupation code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Format D-DD-DD-DD, e.g. 6-31-01-03"))
    name = StringField(_l("Occupation name"), validators=[DataRequired(), Length(max=100)])
    english_name = StringField(_l("English name"), validators=[Optional(), Length(max=150)])
    digital = BooleanField(_l("Digital occupation (S)"))
    green = BooleanField(_l("Green occupation (L)"))
    active = BooleanField(_l("In use"), default=True)
    submit = SubmitField(_l("Save"))


class VariantForm(Form):
    """Add a sub-trade or an occupational direction."""

    kind = SelectField(_l("Kind"), choices=choices([("trade", _l("Sub-trade")), ("direction", _l("Direction"))]))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    submit = SubmitField(_l("Add"))


class RulesForm(Form):
    """Edit a standard's eligibility rules as JSON."""

    eligibility_rules = TextAreaField(_l("Eligibility rules (JSON)"), validators=[DataRequired()])
    related_codes = StringField(_l("Related occupation codes"), validators=[Optional(), Length(max=500)],
                                description=_l("Separate codes with spaces or commas"))
    submit = SubmitField(_l("Save rules"))
    parsed_rules: object = None

    def validate_eligibility_rules(self, field) -> None:
        """The rules must be JSON; what they say is the service's to check."""
        try:
            self.parsed_rules = json.loads(field.data)
        except json.JSONDecodeError as exc:
            raise ValidationError(gettext("Not valid JSON: line %(line)s, column %(col)s: %(msg)s",
                                          line=exc.lineno, col=exc.colno, msg=exc.msg)) from exc


class ComponentForm(Form):
    """Change a component's pass mark."""

    pass_mark = DecimalField(_l("Pass mark"), places=1, validators=[DataRequired(), NumberRange(0, 100)])
    required = BooleanField(_l("Required"))
    submit = SubmitField(_l("Save"))


class ShortageImportForm(Form):
    """Upload a quarter's shortage catalogue."""

    quarter = StringField(_l("Quarter"), validators=[DataRequired(), Regexp(r"^20\d{2}Q[1-4]$",
                          message=_l("Write the quarter as 2026Q4"))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    file = sheet_file()
    replace = BooleanField(_l("Replace the quarter if it was already imported"))
    submit = SubmitField(_l("Import"))
