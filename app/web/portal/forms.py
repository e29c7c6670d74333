"""Forms of the worker's own pages (shape checks only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from app.idnumbers import ID_TYPE_LABELS
from app.web.baseform import Form
from app.web.forms import choices


class ActivateForm(Form):
    """Step 1: who you are, as on your ID card."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    id_type = SelectField(_l("ID type"), choices=choices(ID_TYPE_LABELS.items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(max=30)])
    submit = SubmitField(_l("Send me a code"))


class ActivationCodeForm(Form):
    """Step 2: the code from the text message, and the login to create."""

    code = StringField(_l("Code from the text message"), validators=[DataRequired(), Length(min=6, max=6)])
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("Password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    submit = SubmitField(_l("Activate my account"))


class OwnShareForm(Form):
    """A share link to one of my certificates."""

    certificate_id = SelectField(_l("Certificate"), coerce=int)
    days = IntegerField(_l("Valid for (days)"), default=30, validators=[InputRequired(), NumberRange(min=1, max=90)])
    hide_id_number = BooleanField(_l("Hide my ID number on the shared page"))
    note = StringField(_l("Note for yourself (e.g. who it is for)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Create share link"))


class PlainForm(Form):
    """A one-click action (CSRF only)."""


class OwnPhotoForm(Form):
    """My 1-inch photo (the same checks as staff uploads)."""

    photo = FileField(_l("1-inch photo (JPEG or PNG, white background)"),
                      validators=[FileRequired(), FileAllowed(["jpg", "jpeg", "png"])])
    submit = SubmitField(_l("Upload photo"))


class OwnWorkForm(Form):
    """Years I have worked in an occupation, as I declare them."""

    employer_name = StringField(_l("Employer"), validators=[DataRequired(), Length(max=200)])
    occupation_name = StringField(_l("Occupation"), validators=[DataRequired(), Length(max=100)])
    occupation_code = StringField(_l("Occupation code"), validators=[Optional(), Length(max=20)])
    declared_years = DecimalField(_l("Years worked"), places=1, validators=[InputRequired()])
    submit = SubmitField(_l("Declare work years"))


class ApplyForm(Form):
    """The application itself: the signed declaration (承诺)."""

    declaration = BooleanField(_l("I declare that my work years and the documents I give are true, and accept that "
                                  "a false declaration voids the assessment and any certificate (承诺)."))
    submit = SubmitField(_l("Apply for this assessment"))


class ClaimForm(Form):
    """Claim the skill upgrading subsidy for one award under one scheme (chosen on the page)."""

    scheme_id = HiddenField(validators=[DataRequired()])
    level_award_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Claim this subsidy"))
