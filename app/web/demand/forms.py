"""Job-demand forms (shape checks only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.catalog.ladder import level_label
from app.regions import city_choices
from app.web.baseform import Form
from app.web.forms import choices


def optional_int(value):
    """'' → None, else int (for selects whose empty choice means 'none')."""
    return None if value in (None, "", "None") else int(value)


LEVEL_CHOICES = [("", "—")] + [(str(d), level_label(d)) for d in (5, 4, 3, 2, 1)]


class DemandForm(Form):
    """Record or edit a job demand."""

    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int, validators=[Optional()],
                                description=_l("Administrators record demands on an enterprise's behalf"))
    title = StringField(_l("Post title"), validators=[DataRequired(), Length(max=100)])
    occupation_id = SelectField(_l("Occupation"), coerce=optional_int, validators=[InputRequired()])
    variant_name = StringField(_l("Sub-trade / direction"), validators=[Optional(), Length(max=100)])
    min_level_digit = SelectField(_l("Minimum level"), choices=choices(LEVEL_CHOICES), coerce=optional_int,
                                  validators=[Optional()])
    headcount = IntegerField(_l("Headcount"), validators=[InputRequired(), NumberRange(1, 10_000)])
    city_code = SelectField(_l("Work location (city)"),
                            choices=choices(city_choices()))
    wage_min = IntegerField(_l("Monthly wage from (yuan)"), validators=[InputRequired(), NumberRange(0)])
    wage_max = IntegerField(_l("Monthly wage to (yuan)"), validators=[InputRequired(), NumberRange(0)])
    valid_until = DateField(_l("Valid until"), validators=[InputRequired()])
    requirements = TextAreaField(_l("Requirements"), validators=[Optional(), Length(max=2000)],
                                 description=_l("No restriction by sex, ethnicity or religion, and no fees or "
                                                "deposits from applicants."))
    submit = SubmitField(_l("Save"))


class DemandStatusForm(Form):
    """Mark a demand filled, closed or open again."""

    to_status = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason for closing"), validators=[Optional(), Length(max=500)])
