"""Labour forms (shape checks only; the services check the rules)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.labour.seasonal import CurvePoint
from app.labour.vocabulary import (
    CONFIRM_METHODS,
    COVER_KINDS,
    PAY_KINDS,
    POST_KINDS,
    REGISTRATION_CHANNELS,
    TASKS,
)
from app.regions import city_choices
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import blank_first, choices, sheet_file

TASK_CHOICES = choices(TASKS.items())
CITY_CHOICES = blank_first(city_choices())
WORKER_METHODS = choices((k, v) for k, v in CONFIRM_METHODS.items() if k != "online")
MAX_LINES = 800


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def parse_curve(text: str) -> list[CurvePoint]:
    """Lines "2027-04-10 am 12", "2027-04-10 day 12" (both halves) or "2027-04-10..2027-04-20 day 12"."""
    points = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or parts[1] not in ("am", "pm", "day") or not parts[2].isdigit():
            raise ValidationError(_l("Line %(n)s: write a date (or from..to), am/pm/day and the headcount.", n=number))
        try:
            first, _sep, last = parts[0].partition("..")
            start, end = date.fromisoformat(first), date.fromisoformat(last or first)
        except ValueError:
            raise ValidationError(_l("Line %(n)s: the date is not YYYY-MM-DD.", n=number)) from None
        if end < start or (end - start).days > 366:
            raise ValidationError(_l("Line %(n)s: the dates run backwards or span more than a year.", n=number))
        halves = ("am", "pm") if parts[1] == "day" else (parts[1],)
        day = start
        while day <= end:
            points.extend(CurvePoint(day, h, int(parts[2])) for h in halves)
            day = date.fromordinal(day.toordinal() + 1)
        if len(points) > MAX_LINES:
            raise ValidationError(_l("At most %(n)s half-days in one demand.", n=MAX_LINES))
    return points


def parse_periods(text: str) -> list[tuple[date, date]]:
    """Lines "2027-04-01 2027-05-31"."""
    periods = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.replace("..", " ").split()
        if not parts:
            continue
        try:
            start, end = date.fromisoformat(parts[0]), date.fromisoformat(parts[-1])
        except ValueError:
            raise ValidationError(_l("Line %(n)s: write two dates, YYYY-MM-DD YYYY-MM-DD.", n=number)) from None
        periods.append((start, end))
    return periods


class DemandForm(Form):
    """Post seasonal demand as a curve."""

    enterprise_id = SelectField(_l("Enterprise"), coerce=optional_int, validators=[Optional()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=100)])
    task = SelectField(_l("Task"), choices=TASK_CHOICES)
    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    township = StringField(_l("Township"), validators=[DataRequired(), Length(max=50)])
    pay_kind = SelectField(_l("Pay"), choices=choices(PAY_KINDS.items()))
    pay_rate = StringField(_l("Rate (yuan per day or per piece)"), validators=[DataRequired(), Length(max=12)])
    hours_per_half_day = IntegerField(_l("Hours per half-day"), default=4,
                                      validators=[InputRequired(), NumberRange(1, 6)])
    required_certificate = StringField(_l("Certificate required (occupation code, optional)"),
                                       validators=[Optional(), Length(max=10)],
                                       description=_l("e.g. 4-99-00-00 for a UAV pilot (spraying)"))
    curve = TextAreaField(_l("Headcount per half-day"), validators=[DataRequired()],
                          render_kw={"rows": 8, "placeholder": "2027-04-10 am 12\n2027-04-11..2027-04-20 day 30"},
                          description=_l("One line each: a date or from..to, am / pm / day (both halves), the "
                                         "headcount."))
    submit = SubmitField(_l("Post demand"))

    def validate_curve(self, field) -> None:
        """Parse the curve; the services check the rules."""
        self.points = parse_curve(field.data)


class WorkerForm(Form):
    """Register a worker's availability."""

    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired()])
    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    home_township = StringField(_l("Home township"), validators=[DataRequired(), Length(max=50)])
    townships = StringField(_l("Other townships the worker can reach"), validators=[Optional(), Length(max=500)],
                            description=_l("Separated by commas"))
    tasks = CheckboxesField(_l("Tasks the worker can do"), choices=TASK_CHOICES)
    preferred_tasks = CheckboxesField(_l("Preferred tasks"), choices=TASK_CHOICES)
    periods = TextAreaField(_l("Available periods"), validators=[DataRequired()],
                            render_kw={"rows": 3, "placeholder": "2027-04-01 2027-05-31"},
                            description=_l("One period a line: first day and last day."))
    channel = SelectField(_l("Registered"), choices=choices(REGISTRATION_CHANNELS.items()), default="township")
    submit = SubmitField(_l("Register worker"))

    def validate_periods(self, field) -> None:
        """Parse the periods."""
        self.parsed_periods = parse_periods(field.data)


class AvailabilityForm(Form):
    """Replace a worker's periods."""

    periods = TextAreaField(_l("Available periods"), validators=[DataRequired()], render_kw={"rows": 3})
    submit = SubmitField(_l("Save availability"))

    def validate_periods(self, field) -> None:
        """Parse the periods."""
        self.parsed_periods = parse_periods(field.data)


class CoverForm(Form):
    """Record injury cover."""

    kind = SelectField(_l("Cover"), choices=choices(COVER_KINDS.items()))
    insurer = StringField(_l("Insurer"), validators=[DataRequired(), Length(max=100)])
    policy_number = StringField(_l("Policy number"), validators=[DataRequired(), Length(max=50)])
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("Until"), validators=[InputRequired()])
    submit = SubmitField(_l("Record cover"))


class RunForm(Form):
    """Solve a county's schedule."""

    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("Until"), validators=[InputRequired()])
    time_limit_seconds = IntegerField(_l("Time limit (seconds)"), default=30,
                                      validators=[InputRequired(), NumberRange(1, 600)])
    submit = SubmitField(_l("Solve schedule"))


class ConfirmForm(Form):
    """A one-click confirmation (CSRF only)."""

    submit = SubmitField(_l("Confirm"))


class WorkerConfirmForm(Form):
    """The worker confirms before staff."""

    method = SelectField(_l("How the worker confirmed"), choices=WORKER_METHODS)
    submit = SubmitField(_l("Record the worker's confirmation"))


class HoursForm(Form):
    """A day's hours (and pieces)."""

    day = DateField(_l("Day"), validators=[InputRequired()])
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired(), NumberRange(0, 24)])
    pieces = IntegerField(_l("Pieces (piece pay)"), validators=[Optional(), NumberRange(0)])
    submit = SubmitField(_l("Record hours"))


class PaymentForm(Form):
    """A wage payment for a period."""

    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    period_start = DateField(_l("For days from"), validators=[InputRequired()])
    period_end = DateField(_l("until"), validators=[InputRequired()])
    amount = StringField(_l("Amount paid (yuan)"), validators=[DataRequired(), Length(max=12)])
    reference = StringField(_l("Bank reference"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Record payment"))


class ForecastForm(Form):
    """Which county and season."""

    class Meta:
        csrf = False

    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    county = StringField(_l("County"), validators=[DataRequired(), Length(max=50)])
    start = DateField(_l("From"), validators=[InputRequired()])
    end = DateField(_l("Until"), validators=[InputRequired()])
    submit = SubmitField(_l("Show forecast"))


class AgreementForm(Form):
    """A shared-employment agreement."""

    lender_id = SelectField(_l("Lending firm"), coerce=optional_int, validators=[InputRequired()])
    borrower_id = SelectField(_l("Borrowing firm"), coerce=optional_int, validators=[InputRequired()])
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("Until"), validators=[InputRequired()])
    weekly_hours_cap = IntegerField(_l("Weekly hours cap"), default=40, validators=[InputRequired()])
    safety_duties = TextAreaField(_l("Borrower's safety and labour-protection duties"),
                                  validators=[DataRequired(), Length(max=2000)], render_kw={"rows": 3})
    charge = StringField(_l("Charge to the borrower for the period (yuan)"), validators=[DataRequired()])
    workers = TextAreaField(
        _l("Workers"), validators=[DataRequired()], render_kw={"rows": 4},
        description=_l("One a line: person number, monthly wage, monthly social insurance, date of consent, how "
                       "consent was given (in_person / sms_code / online)."))
    lender_pays_wages = BooleanField(_l("The lending firm keeps paying wages and social insurance"), default=True)
    submit = SubmitField(_l("Record agreement"))


class PostForm(Form):
    """A surplus or a shortage."""

    kind = SelectField(_l("Post"), choices=choices(POST_KINDS.items()))
    occupation_code = StringField(_l("Occupation code"), validators=[Optional(), Length(max=10)])
    skills = StringField(_l("Skills (comma separated)"), validators=[Optional(), Length(max=300)])
    headcount = IntegerField(_l("Headcount"), validators=[InputRequired()])
    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    start_date = DateField(_l("From"), validators=[InputRequired()])
    end_date = DateField(_l("Until"), validators=[InputRequired()])
    submit = SubmitField(_l("Post"))


class ExpertForm(Form):
    """Register a weekend engineer."""

    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired()])
    occupation_code = StringField(_l("Occupation code"), validators=[DataRequired(), Length(max=10)])
    level_digit = SelectField(_l("Level"), coerce=int, choices=choices((d, str(d)) for d in range(1, 6)))
    titles = StringField(_l("Titles"), validators=[Optional(), Length(max=200)])
    home_city_code = SelectField(_l("Home city"), choices=CITY_CHOICES, validators=[DataRequired()])
    cities = CheckboxesField(_l("Cities served"), choices=choices(city_choices()))
    availability = StringField(_l("Availability"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Register expert"))


class RequestForm(Form):
    """A firm asks for an expert."""

    problem = TextAreaField(_l("The problem"), validators=[DataRequired(), Length(max=4000)], render_kw={"rows": 4})
    occupation_code = StringField(_l("Occupation code (optional)"), validators=[Optional(), Length(max=10)])
    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    submit = SubmitField(_l("Ask for an expert"))


class AssignForm(Form):
    """Staff assign an expert."""

    expert_id = SelectField(_l("Expert"), coerce=optional_int, validators=[InputRequired()])
    submit = SubmitField(_l("Assign"))


class VisitForm(Form):
    """A service visit."""

    visited_on = DateField(_l("Visited on"), validators=[InputRequired()])
    hours = DecimalField(_l("Hours"), places=1, validators=[InputRequired()])
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(), Length(max=4000)], render_kw={"rows": 3})
    solved = BooleanField(_l("Problem solved"))
    submit = SubmitField(_l("Record visit"))


class AvailabilityImportForm(Form):
    """Upload a sheet of workers' availability."""

    city_code = SelectField(_l("City"), choices=CITY_CHOICES, validators=[DataRequired()])
    file = sheet_file()
    submit = SubmitField(_l("Import"))


class AllowanceRuleForm(Form):
    """An allowance rule for weekend engineers' visits."""

    name = StringField(_l("Rule"), validators=[DataRequired(), Length(max=100)])
    max_level_digit = SelectField(_l("For experts of level (or higher)"), coerce=int,
                                  choices=choices((d, str(d)) for d in range(1, 6)), default=3)
    per_visit = StringField(_l("Per visit (yuan)"), validators=[DataRequired(), Length(max=12)])
    per_hour = StringField(_l("Per hour (yuan)"), validators=[DataRequired(), Length(max=12)])
    solved_bonus = StringField(_l("Bonus when solved (yuan)"), validators=[DataRequired(), Length(max=12)])
    valid_from = DateField(_l("From"), validators=[InputRequired()])
    valid_until = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Add rule"))
