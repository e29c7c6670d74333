"""Placement forms (shape checks only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.placement.vocabulary import EVIDENCE_KINDS, FOLLOW_UP_OUTCOMES
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import blank_first, choices

EVIDENCE_CHOICES = choices(EVIDENCE_KINDS.items())


class PlacementForm(Form):
    """Record that someone started work."""

    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired()])
    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int, validators=[Optional()])
    demand_id = SelectField(_l("Job demand filled"), coerce=optional_int, validators=[Optional()],
                            description=_l("Optional; reaching the headcount marks the demand filled"))
    job_title = StringField(_l("Post title"), validators=[Optional(), Length(max=100)])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    contract_months = IntegerField(_l("Contract length (months)"), validators=[InputRequired(), NumberRange(1, 600)])
    monthly_wage = IntegerField(_l("Monthly wage (yuan)"), validators=[InputRequired(), NumberRange(0)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Record placement"))


class EvidenceForm(Form):
    """Attach a contract, social-insurance or wage record, or the employment registration."""

    kind = SelectField(_l("Evidence"), choices=EVIDENCE_CHOICES)
    reference = StringField(_l("Reference number"), validators=[Optional(), Length(max=100)])
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    dated_on = DateField(_l("Date of the document"), validators=[InputRequired()])
    submit = SubmitField(_l("Add evidence"))


class FollowUpForm(Form):
    """Record a follow-up's outcome."""

    months = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    outcome = SelectField(_l("Outcome"), choices=blank_first(FOLLOW_UP_OUTCOMES.items()),
                          validators=[DataRequired()])
    checked_on = DateField(_l("Checked on"), validators=[InputRequired()])
    evidence_kind = SelectField(_l("Evidence"), choices=blank_first(EVIDENCE_KINDS.items()),
                                validators=[Optional()])
    reference = StringField(_l("Reference number"), validators=[Optional(), Length(max=100)])
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record follow-up"))


class LeaveForm(Form):
    """Record that the person left."""

    left_on = DateField(_l("Left on"), validators=[InputRequired()])
    submit = SubmitField(_l("Record leaving"))


class InviteForm(Form):
    """Invite a matched candidate."""

    person_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = HiddenField()


class InvitationStatusForm(Form):
    """Move an invitation on."""

    to_status = HiddenField(validators=[DataRequired()])


class HireForm(Form):
    """Record the start of work of an offered candidate."""

    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    contract_months = IntegerField(_l("Contract length (months)"), validators=[InputRequired(), NumberRange(1, 600)])
    monthly_wage = IntegerField(_l("Monthly wage (yuan)"), validators=[InputRequired(), NumberRange(0)])
    submit = SubmitField(_l("Record start of work"))
