"""Certificate forms (shape checks only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.web.baseform import Form


class ReasonForm(Form):
    """Revoke or reprint with a written reason."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Confirm"))


class CorrectionForm(Form):
    """Issue a corrected certificate replacing this one."""

    variant_name = StringField(_l("Sub-trade / direction"), validators=[Optional(), Length(max=100)],
                               description=_l("Leave as is unless it was wrong; the holder's name comes from the person record"))
    reason = TextAreaField(_l("Reason for the correction"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Issue corrected certificate"))


class IssueForm(Form):
    """Issue one certificate, or start a batch for a scope."""

    source_id = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9]{1,18}$")])  # fits a database id
    submit = SubmitField(_l("Issue certificate"))


class BatchForm(Form):
    """Start a batch issuance."""

    scope_type = HiddenField(validators=[DataRequired()])
    scope_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Issue all certificates"))
