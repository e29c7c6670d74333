"""Forms for training projects, classes, timetables, enrolment and attendance (shape checks only)."""

from __future__ import annotations

import wtforms
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, StopValidation

from app.idnumbers import ID_TYPE_LABELS
from app.training.enrolments import REASONS
from app.training.vocabulary import ATTENDANCE_STATUSES, PROJECT_TYPES
from app.web.accounts.forms import MultiCheckboxField
from app.web.actions import localize
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import choices, sheet_file


class ProjectForm(Form):
    """Start a training project."""

    name = StringField(_l("Project name"), validators=[DataRequired(), Length(max=200)])
    project_type = SelectField(_l("Training type"), choices=choices(PROJECT_TYPES.items()))
    occupation_id = SelectField(_l("Occupation"), coerce=optional_int, validators=[InputRequired()])
    variant_name = StringField(_l("Sub-trade / direction"), validators=[Optional(), Length(max=100)])
    target_level_digit = SelectField(_l("Target level"), coerce=int, choices=[])
    demand_ids = MultiCheckboxField(_l("Job demands this project trains for"), coerce=int, choices=[],
                                    description=_l("Order-based training: only open demands of the same occupation"))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Create project"))


class DemandLinkForm(Form):
    """Change which demands a project trains for."""

    demand_ids = MultiCheckboxField(_l("Job demands"), coerce=int, choices=[])
    submit = SubmitField(_l("Save links"))


class ClassForm(Form):
    """Open a class under a project."""

    name = StringField(_l("Class name"), validators=[DataRequired(), Length(max=200)])
    start_date = DateField(_l("Start date"), validators=[InputRequired()])
    end_date = DateField(_l("End date"), validators=[InputRequired()])
    capacity = IntegerField(_l("Capacity"), default=30, validators=[InputRequired(), NumberRange(1, 500)])
    venue = StringField(_l("Training venue"), validators=[DataRequired(), Length(max=200)])
    teacher_names = StringField(_l("Teachers"), validators=[DataRequired(), Length(max=300)])
    teacher_ids = MultiCheckboxField(_l("Teachers with an account"), coerce=int, choices=[])
    completion_threshold = IntegerField(_l("Attendance needed to complete (percentage of reference hours)"), default=80,
                                      validators=[InputRequired(), NumberRange(1, 100)])
    max_age = IntegerField(_l("Upper age limit"), default=65, validators=[InputRequired(), NumberRange(17, 80)],
                           description=_l("Working age on the start date: from 16 up to this age"))
    submit = SubmitField(_l("Open class"))


class SessionForm(Form):
    """Add a session to the timetable."""

    session_date = DateField(_l("Date"), validators=[InputRequired()])
    start_time = TimeField(_l("Starts at"), validators=[InputRequired()])
    end_time = TimeField(_l("Ends at"), validators=[InputRequired()])
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(), NumberRange(0.5, 12)])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    teacher = StringField(_l("Teacher"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Add session"))


class EnrolForm(Form):
    """Enrol one registered person, found by name and ID number."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=50)])
    id_type = SelectField(_l("ID type"), choices=choices(ID_TYPE_LABELS.items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Enrol"))


class EnrolImportForm(Form):
    """Enrol a list of people from a sheet."""

    file = sheet_file()
    submit = SubmitField(_l("Import"))


class CompletionTestForm(Form):
    """The completion test of one trainee: score out of 100 and the day it was held."""

    test_score = DecimalField(_l("Test score"), places=1, validators=[Optional()])
    test_on = DateField(_l("Test date"), validators=[Optional()])
    submit = SubmitField(_l("Save test"))


class EnrolmentStatusForm(Form):
    """Complete, withdraw or expel a trainee; leaving the class says why."""

    to_status = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Length(max=300)])  # not Optional: it would skip the check below

    def validate_reason(self, field) -> None:
        """Leaving the class needs its reason (shape: the field is filled in; the service says which)."""
        if self.to_status.data in REASONS and not (field.data or "").strip():
            raise StopValidation(localize(REASONS[self.to_status.data]))


class AttendanceRow(wtforms.Form):
    """One trainee's line on the sheet (a sub-form: the sheet carries the CSRF token)."""

    enrolment_id = HiddenField(validators=[DataRequired()])
    status = SelectField(_l("Attendance"), choices=choices(ATTENDANCE_STATUSES.items()), default="present")
    hours = DecimalField(_l("Hours"), places=1, validators=[Optional(), NumberRange(0, 12)])


class AttendanceSheetForm(Form):
    """A session's attendance: one row per trainee."""

    rows = FieldList(FormField(AttendanceRow))
    submit = SubmitField(_l("Save attendance"))

    def __getattr__(self, name: str):
        """A refusal's field "hours-<enrolment id>" or "status-<enrolment id>" is that trainee's cell."""
        kind, _sep, enrolment_id = name.partition("-")
        if kind in ("hours", "status") and enrolment_id:
            for row in self.__dict__.get("rows") or ():
                if str(row.form.enrolment_id.data) == enrolment_id:
                    return getattr(row.form, kind)
        raise AttributeError(name)


WEEKDAYS = choices([(0, _l("Mon")), (1, _l("Tue")), (2, _l("Wed")), (3, _l("Thu")), (4, _l("Fri")), (5, _l("Sat")),
            (6, _l("Sun"))])


class TimetableForm(Form):
    """A weekly pattern that makes a class's timetable in one go (the service checks the rules)."""

    weekdays = MultiCheckboxField(_l("Weekdays"), coerce=int, choices=WEEKDAYS, default=[0, 1, 2, 3, 4])
    blocks = StringField(_l("Daily time blocks"), default="08:30-11:30, 13:30-16:30",
                         validators=[Length(max=200)],
                         description=_l("One or more, separated by commas, e.g. 08:30-11:30, 13:30-16:30"))
    first_date = DateField(_l("First date"), validators=[InputRequired()])
    last_date = DateField(_l("Last date"), validators=[InputRequired()])
    topic = StringField(_l("Topic"), validators=[DataRequired(), Length(max=200)])
    teacher = StringField(_l("Teacher"), validators=[Optional(), Length(max=100)])
    venue = StringField(_l("Session venue"), validators=[Optional(), Length(max=200)],
                        description=_l("Leave empty for the class's own venue"))
    makeup_days = BooleanField(_l("Teach on make-up working days too"),
                               description=_l("Weekend days that the working-day calendar makes working days get the "
                                              "same time blocks"))
    submit = SubmitField(_l("Preview the sessions"))

    def __init__(self, *args, **kwargs) -> None:
        # Prefixed: the class page also carries the one-session form, with fields of the same names.
        kwargs.setdefault("prefix", "pattern")
        super().__init__(*args, **kwargs)


class SessionEditForm(SessionForm):
    """Move or edit one session."""

    venue = StringField(_l("Session venue"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save session"))


class SessionCancelForm(Form):
    """Cancel one session (confirmed on the page)."""

    submit = SubmitField(_l("Cancel session"))
