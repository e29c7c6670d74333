"""Login and password forms (shape checks only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from app.web.baseform import Form


class LoginForm(Form):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class LogoutForm(Form):
    """An empty form, so that logging out is a CSRF-protected POST."""

    submit = SubmitField(_l("Log out"))


class PasswordForm(Form):
    """Change one's own password."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ"))],
    )
    submit = SubmitField(_l("Change password"))


class ApiTokenForm(Form):
    """Name a new API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)])
    days = IntegerField(_l("Valid for (days)"), validators=[Optional()])
    submit = SubmitField(_l("Create token"))


class RevokeForm(Form):
    """Revoke a token (CSRF-protected POST)."""

    submit = SubmitField(_l("Revoke"))
