"""Forms for people (real-name records): shape checks only; the services check the numbers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.idnumbers import ID_TYPE_LABELS
from app.people.vocabulary import EDUCATION_LABELS, GENDER_LABELS, SCHOOL_TYPE_LABELS, TARGET_GROUP_LABELS
from app.web.accounts.forms import MultiCheckboxField
from app.web.baseform import Form
from app.web.forms import blank_first, choices, sheet_file


class PersonForm(Form):
    """Register a person."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    id_type = SelectField(_l("ID type"), choices=choices(ID_TYPE_LABELS.items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(max=40)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=30)])
    gender = SelectField(_l("Gender"), choices=blank_first(GENDER_LABELS.items()), validators=[Optional()],
                         description=_l("Taken from the ID number when it carries it"))
    birth_date = DateField(_l("Birth date"), validators=[Optional()],
                           description=_l("Only for passports; other IDs carry it"))
    education = SelectField(_l("Education"), choices=blank_first(EDUCATION_LABELS.items()),
                            validators=[Optional()])
    school_type = SelectField(_l("School type"), choices=blank_first(SCHOOL_TYPE_LABELS.items()),
                              validators=[Optional()])
    speciality = StringField(_l("Speciality"), validators=[Optional(), Length(max=100)])
    school_name = StringField(_l("School graduated from"), validators=[Optional(), Length(max=100)])
    ethnicity = StringField(_l("Ethnic group"), validators=[Optional(), Length(max=20)])
    household_place = StringField(_l("Household registration"), validators=[Optional(), Length(max=100)])
    graduated_on = DateField(_l("Graduation date"), validators=[Optional()])
    target_groups = MultiCheckboxField(_l("Target groups"), choices=choices(TARGET_GROUP_LABELS.items()))
    submit = SubmitField(_l("Register"))


class RevealForm(Form):
    """Ask to see the full numbers (audited)."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Show full numbers"))


class WorkForm(Form):
    """Add a stretch of work."""

    employer_name = StringField(_l("Employer"), validators=[DataRequired(), Length(max=200)])
    occupation_name = StringField(_l("Occupation"), validators=[DataRequired(), Length(max=100)])
    occupation_code = StringField(_l("Occupation code"), validators=[Optional(), Length(max=20)])
    start_date = DateField(_l("From"), validators=[Optional()])
    end_date = DateField(_l("Until"), validators=[Optional()], description=_l("Leave empty while ongoing"))
    declared_years = DecimalField(_l("Or: years worked, as declared"), places=1, validators=[Optional()],
                                  description=_l("Instead of the dates, the years in this occupation the person "
                                                 "declares (e.g. 5.5); kept as declared today."))
    submit = SubmitField(_l("Add work record"))


class HeldCertificateForm(Form):
    """Record a certificate the person already holds."""

    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=40)],
                         description=_l("22-character national number, or 16-digit number before 2020"))
    occupation_name = StringField(_l("Occupation"), validators=[DataRequired(), Length(max=100)])
    occupation_code = StringField(_l("Occupation code"), validators=[Optional(), Length(max=20)])
    level_digit = IntegerField(_l("Level (1–5)"), validators=[DataRequired(), NumberRange(1, 5)])
    issue_date = DateField(_l("Issue date"), validators=[DataRequired()])
    issuer_name = StringField(_l("Issued by"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Add certificate"))


class PhotoForm(Form):
    """Upload a 1-inch photo."""

    photo = FileField(_l("1-inch photo (JPEG or PNG, white background)"),
                      validators=[FileRequired(), FileAllowed(["jpg", "jpeg", "png"])])
    submit = SubmitField(_l("Upload photo"))


class ImportForm(Form):
    """Upload a people sheet."""

    file = sheet_file()
    submit = SubmitField(_l("Import"))


