"""Verification forms (shape checks only; the services decide what a number or name means)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from app.verification.models import NATIONAL_RESULT_LABELS
from app.web.baseform import Form
from app.web.forms import choices, sheet_file


class CheckForm(Form):
    """Certificate number and holder name; an empty field is refused on it, anything typed goes to the check.

    No pattern check here: a number of the wrong shape gets the "malformed" verdict page from the one place that
    decides verdicts (app.verification.checks), which names the expected format, as bulk checks do.
    """

    number = StringField(_l("Certificate number"), description=_l("22 characters, e.g. S000021000101264000001"),
                         validators=[DataRequired(_l("Enter the certificate number as printed on the certificate."))])
    name = StringField(_l("Holder's name"), validators=[
        DataRequired(_l("Enter the holder's name as printed on the certificate.")),
        Length(max=50, message=_l("A name has at most 50 characters; enter it as printed on the certificate."))])
    submit = SubmitField(_l("Verify"))


class BulkForm(Form):
    """A sheet (.xlsx or .csv) with a certificate number column and a name column."""

    file = sheet_file()
    submit = SubmitField(_l("Check all"))


class ShareForm(Form):
    """Create an expiring share link to one certificate."""

    certificate_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    days = IntegerField(_l("Valid for (days)"), default=30, validators=[DataRequired(), NumberRange(1, 90)])
    note = StringField(_l("Note (who it is for)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Create share link"))


class WithdrawForm(Form):
    """Withdraw a share link."""

    submit = SubmitField(_l("Withdraw"))


class NationalCheckForm(Form):
    """Record a check made on the national query site."""

    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=64)])
    name = StringField(_l("Holder's name"), validators=[DataRequired(), Length(max=50)])
    checked_on = DateField(_l("Date of the check"), validators=[DataRequired()])
    result = RadioField(_l("Result on the national site"), choices=lambda: choices(NATIONAL_RESULT_LABELS.items()),
                        validators=[DataRequired()])
    screenshot = FileField(_l("Screenshot of the result (PNG or JPEG, at most 5 MB)"), validators=[FileRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record the check"))
