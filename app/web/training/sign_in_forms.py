"""The trainee's sign-in form on a phone (shape checks only; the service normalises and matches)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from app.web.baseform import Form


class SignInForm(Form):
    """Name and the ID number's last four, with the pass the scanned code gave the page."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    id_last4 = StringField(_l("Last 4 characters of the ID number"), validators=[DataRequired(), Length(max=8)])
    form_pass = HiddenField()


class AccountSignInForm(Form):
    """Signing in from one's own account: only the pass the scanned code gave the page."""

    form_pass = HiddenField()
