"""Report forms: ladder targets and subsidy schemes (shape checks only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.catalog.ladder import GRADES
from app.regions import city_choices
from app.reporting.models import SCHEME_KINDS
from app.web.baseform import Form
from app.web.forms import blank_first, choices

CITY_CHOICES = blank_first(city_choices())


class TargetForm(Form):
    """A yearly ladder target."""

    target_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    name = StringField(_l("Target name"), validators=[DataRequired(), Length(max=100)])
    grade_keys = SelectMultipleField(_l("Grades counted"), choices=choices((g.key, g.label) for g in GRADES),
                                     validators=[DataRequired()])
    target = IntegerField(_l("New workers wanted in the year"), validators=[InputRequired(), NumberRange(1)])
    city_code = SelectField(_l("City (empty = whole province)"), choices=CITY_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Save target"))


class SchemeForm(Form):
    """A subsidy scheme."""

    name = StringField(_l("Scheme name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Type"), choices=choices(SCHEME_KINDS.items()))
    amount_5 = DecimalField(_l("Amount for level 5, junior worker (yuan)"), places=2,
                            validators=[Optional(), NumberRange(0)])
    amount_4 = DecimalField(_l("Amount for level 4, intermediate worker (yuan)"), places=2,
                            validators=[Optional(), NumberRange(0)])
    amount_3 = DecimalField(_l("Amount for level 3, senior worker (yuan)"), places=2,
                            validators=[Optional(), NumberRange(0)])
    amount_2 = DecimalField(_l("Amount for level 2, technician (yuan)"), places=2,
                            validators=[Optional(), NumberRange(0)])
    amount_1 = DecimalField(_l("Amount for level 1, senior technician (yuan)"), places=2,
                            validators=[Optional(), NumberRange(0)])
    per_person_cap = IntegerField(_l("Claims per person at most"), default=3,
                                  validators=[InputRequired(), NumberRange(1, 100)])
    cap_per_year = BooleanField(_l("The cap counts per calendar year"))
    claim_window_months = IntegerField(_l("Claim within (months of the certificate)"), default=12,
                                       validators=[InputRequired(), NumberRange(1, 120)])
    effective_from = DateField(_l("Effective from"), validators=[InputRequired()])
    effective_to = DateField(_l("Effective to"), validators=[Optional()])
    city_code = SelectField(_l("City (empty = whole province)"), choices=CITY_CHOICES, validators=[Optional()])
    shortage_uplift_percent = IntegerField(_l("Shortage-catalogue uplift (percent)"), default=0,
                                           validators=[InputRequired(), NumberRange(0, 100)])
    submit = SubmitField(_l("Save scheme"))


class ClaimForm(Form):
    """Draft a claim for an award."""

    level_award_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ClaimStatusForm(Form):
    """Move a claim on."""

    to_status = HiddenField(validators=[DataRequired()])
