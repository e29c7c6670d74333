"""Administrator forms for organisations and users (shape checks only)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import AnyOf, DataRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.roles import ORG_KIND_LABELS, ROLE_LABELS, STAFF_ROLES
from app.regions import city_choices
from app.web.baseform import Form
from app.web.forms import blank_first, choices


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OrganisationForm(Form):
    """Register an organisation."""

    kind = SelectField(_l("Kind"), choices=choices((k.value, v) for k, v in ORG_KIND_LABELS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    uscc = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=40)])
    city_code = SelectField(
        _l("City"), choices=blank_first(city_choices()), validators=[Optional()]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save"))


class FilingForm(Form):
    """An evaluation organisation's filing and scope."""

    org_type = SelectField(
        _l("Organisation type"),
        choices=choices([("S", _l("S – social training and evaluation organisation")), ("Y", _l("Y – employer"))]),
    )
    org_code = StringField(
        _l("Organisation code"), default="0000",
        validators=[DataRequired(), Regexp(r"^\d{4}$", message=_l("Four digits; 0000 when filed with a province"))],
    )
    province_code = StringField(
        _l("Province code"), default="21", validators=[DataRequired(), Regexp(r"^\d{2}$", message=_l("Two digits"))]
    )
    site_code = StringField(
        _l("Site code"), validators=[DataRequired(), Regexp(r"^\d{6}$", message=_l("Six digits"))]
    )
    filed_with = StringField(_l("Filed with"), validators=[Optional(), Length(max=200)])
    scopes = TextAreaField(
        _l("Occupations and levels"),
        description=_l("One occupation per line: code, then levels, e.g. 6-31-01-03 5,4,3"),
        validators=[Optional(), Length(max=5000)],
    )
    submit = SubmitField(_l("Save filing"))


class UserForm(Form):
    """Create a login."""

    organisation_id = SelectField(_l("Organisation"), coerce=int)
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=3, max=60)])
    display_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(max=200)])
    roles = MultiCheckboxField(_l("Roles"), choices=choices((r.value, v) for r, v in ROLE_LABELS.items()
                                                                    if r in STAFF_ROLES))
    submit = SubmitField(_l("Create user"))


class ToggleForm(Form):
    """Enable or disable a login (CSRF-protected POST)."""

    active = HiddenField(validators=[AnyOf(("0", "1"))])

    submit = SubmitField(_l("Change"))
