"""Forms for apprenticeships and their subsidies (shape checks only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.catalog.ladder import level_label
from app.regions import city_choices
from app.training.vocabulary import DOCUMENT_KINDS, PAYMENT_KINDS
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import choices

TARGET_CHOICES = [(str(d), level_label(d)) for d in (4, 3, 2, 1)]
ALL_LEVELS = [(str(d), level_label(d)) for d in (5, 4, 3, 2, 1)]


class ApprenticeshipForm(Form):
    """Record a planned apprenticeship."""

    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int, validators=[Optional()])
    person_id = SelectField(_l("Apprentice"), coerce=optional_int, validators=[InputRequired()],
                            description=_l("An employee registered in the people records"))
    institution_id = SelectField(_l("Partner training institution"), coerce=optional_int,
                                 validators=[InputRequired()])
    occupation_id = SelectField(_l("Occupation"), coerce=optional_int, validators=[InputRequired()])
    variant_name = StringField(_l("Sub-trade / direction"), validators=[Optional(), Length(max=100)])
    target_level_digit = SelectField(_l("Target level"), coerce=int, choices=choices(TARGET_CHOICES), default=4)
    contract_start = DateField(_l("Labour contract from"), validators=[InputRequired()])
    contract_end = DateField(_l("Labour contract until"), validators=[InputRequired()],
                             description=_l("At least one year"))
    planned_start = DateField(_l("Training from"), validators=[InputRequired()])
    planned_end = DateField(_l("Training until"), validators=[InputRequired()],
                            description=_l("12 to 36 months"))
    mentor_name = StringField(_l("Enterprise mentor"), validators=[DataRequired(), Length(max=50)])
    mentor_level_digit = SelectField(_l("Mentor's level"), coerce=int, choices=choices(ALL_LEVELS), default=2,
                                     description=_l("At least as senior as the target level"))
    teacher_name = StringField(_l("Institution teacher"), validators=[DataRequired(), Length(max=50)])
    submit = SubmitField(_l("Record apprenticeship"))


class DocumentForm(Form):
    """Upload one of the three documents."""

    kind = SelectField(_l("Document"), choices=choices(DOCUMENT_KINDS.items()))
    file = FileField(_l("File (PDF, JPEG or PNG, at most 10 MB)"),
                     validators=[FileRequired(), FileAllowed(["pdf", "jpg", "jpeg", "png"])])
    fee = DecimalField(_l("Training fee agreed (yuan)"), places=2, validators=[Optional(), NumberRange(0)],
                       description=_l("Only for the cooperation agreement"))
    submit = SubmitField(_l("Upload"))


class LogbookForm(Form):
    """Add a logbook entry."""

    entry_date = DateField(_l("Date"), validators=[InputRequired()])
    work_done = TextAreaField(_l("Work done"), validators=[DataRequired(), Length(max=2000)])
    skills = StringField(_l("Skills practised"), validators=[DataRequired(), Length(max=300)])
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(), NumberRange(0.5, 24)])
    submit = SubmitField(_l("Add entry"))


class ApprenticeshipStatusForm(Form):
    """File, start, complete or terminate."""

    to_status = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])


class AwardForm(Form):
    """Award the 学徒工 grade."""

    awarded_on = DateField(_l("Awarded on"), validators=[Optional()])
    submit = SubmitField(_l("Award apprentice grade"))


class ConfirmForm(Form):
    """A one-button action (sign off, load defaults): only the CSRF token."""


class PaymentForm(Form):
    """Book a subsidy payment."""

    kind = SelectField(_l("Kind"), choices=choices(PAYMENT_KINDS.items()))
    amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[InputRequired(), NumberRange(0.01)])
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Record payment"))


class RateForm(Form):
    """Add a subsidy rate row."""

    level_digit = SelectField(_l("Level"), coerce=int, choices=choices(TARGET_CHOICES))
    city_code = SelectField(_l("City"), choices=choices([("", _l("Whole province"))]
                                                        + city_choices()))
    amount_per_year = DecimalField(_l("Yuan per person-year"), places=2, validators=[InputRequired(),
                                                                                     NumberRange(0)])
    effective_from = DateField(_l("From"), validators=[InputRequired()])
    effective_to = DateField(_l("Until"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add rate"))
