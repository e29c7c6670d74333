"""Studio forms (shape checks only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.studios.vocabulary import (
    ACTIVITY_KINDS,
    ANNUAL_KINDS,
    FLOOR_AREA_BANDS,
    FUND_SOURCES,
    GRADES,
    KINDS,
    MATERIAL_KINDS,
    ROUND_KINDS,
    SPEND_CATEGORIES,
    TIERS,
    TRADE_COUNT_BANDS,
)
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import blank_first, choices


class ApplicationForm(Form):
    """Apply for a studio or a base."""

    kind = SelectField(_l("Kind"), choices=choices(KINDS.items()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    tier = SelectField(_l("Tier"), choices=choices(TIERS.items()))
    host_org_id = SelectField(_l("Host organisation"), coerce=optional_int, validators=[Optional()])
    leader_id = SelectField(_l("Leader (studios)"), coerce=optional_int, validators=[Optional()],
                            description=_l("A master holding technician (level 2) or above; required for a studio"))
    occupations = StringField(_l("Occupations"), validators=[DataRequired(), Length(max=300)],
                              description=_l("Separate several with commas"))
    premises = TextAreaField(_l("Premises"), validators=[Optional(), Length(max=2000)])
    equipment = TextAreaField(_l("Equipment"), validators=[Optional(), Length(max=2000)])
    floor_area_band = SelectField(_l("Floor area (bases)"), choices=blank_first(FLOOR_AREA_BANDS.items()),
                                  validators=[Optional()])
    trade_count_band = SelectField(_l("Trades trained (bases)"), choices=blank_first(TRADE_COUNT_BANDS.items()),
                                   validators=[Optional()])
    submit = SubmitField(_l("Save the application"))


class MaterialForm(Form):
    """Attach a required document."""

    kind = SelectField(_l("Material"), choices=choices((k, v) for k, v in MATERIAL_KINDS.items()
                                                       if k not in ANNUAL_KINDS))
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    submit = SubmitField(_l("Upload"))


class AnnualForm(Form):
    """Attach a year's plan or summary."""

    kind = SelectField(_l("Document"), choices=choices((k, MATERIAL_KINDS[k]) for k in ANNUAL_KINDS))
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    file = FileField(_l("File (PDF, JPEG or PNG)"))
    submit = SubmitField(_l("Upload"))


class ReasonForm(Form):
    """A decision with an optional or required reason (reject)."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class MemberForm(Form):
    """Add a team member."""

    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired()])
    joined_on = DateField(_l("Joined on"), validators=[InputRequired()])
    submit = SubmitField(_l("Add to the team"))


class ApprenticeForm(Form):
    """Record a master–apprentice agreement."""

    master_id = SelectField(_l("Master"), coerce=optional_int, validators=[InputRequired()])
    apprentice_id = SelectField(_l("Apprentice"), coerce=optional_int, validators=[InputRequired()])
    start_on = DateField(_l("From"), validators=[InputRequired()])
    end_on = DateField(_l("Until"), validators=[InputRequired()])
    goal = StringField(_l("Goal"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Record the agreement"))


class ActivityForm(Form):
    """Record a problem solved, an exchange or a social service."""

    kind = SelectField(_l("Kind"), choices=choices(ACTIVITY_KINDS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    dated_on = DateField(_l("Date"), validators=[InputRequired()])
    benefit = StringField(_l("Benefit"), validators=[Optional(), Length(max=500)],
                          description=_l("Required for a solved problem"))
    benefit_yuan = IntegerField(_l("Benefit (yuan)"), validators=[Optional(), NumberRange(0)])
    people_reached = IntegerField(_l("People reached"), validators=[Optional(), NumberRange(0, 1_000_000)])
    submit = SubmitField(_l("Record"))


class TeachingForm(Form):
    """Link a member to the sessions of a class timetabled with them as the teacher."""

    person_id = SelectField(_l("Team member"), coerce=optional_int, validators=[InputRequired()])
    class_id = SelectField(_l("Training class"), coerce=optional_int, validators=[InputRequired()])
    submit = SubmitField(_l("Count the teaching hours"))


class GrantForm(Form):
    """Record a grant."""

    source = SelectField(_l("Source"), choices=choices(FUND_SOURCES.items()))
    amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[InputRequired()])
    dated_on = DateField(_l("Date"), validators=[InputRequired()])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Record the grant"))


class SpendingForm(Form):
    """Record spending with its evidence."""

    source = SelectField(_l("Source"), choices=choices(FUND_SOURCES.items()))
    category = SelectField(_l("Category"), choices=choices(SPEND_CATEGORIES.items()))
    amount = DecimalField(_l("Amount (yuan)"), places=2, validators=[InputRequired()])
    dated_on = DateField(_l("Date"), validators=[InputRequired()])
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=300)])
    file = FileField(_l("Evidence (PDF, JPEG or PNG)"), description=_l("Spending without evidence is flagged"))
    submit = SubmitField(_l("Record the spending"))


class EvidenceForm(Form):
    """Attach evidence to flagged spending."""

    entry_id = IntegerField(validators=[InputRequired()])
    file = FileField(_l("Evidence (PDF, JPEG or PNG)"))
    submit = SubmitField(_l("Attach"))


class HostedForm(Form):
    """Record a class or an assessment plan held at a base (one of them)."""

    class_id = SelectField(_l("Training class"), coerce=optional_int, validators=[Optional()])
    plan_id = SelectField(_l("Assessment plan"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Record"))


class RoundForm(Form):
    """Open an assessment round."""

    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    round_kind = SelectField(_l("Round"), choices=choices(ROUND_KINDS.items()))
    cap_percent = IntegerField(_l("Cap on excellent grades (per cent)"), validators=[InputRequired(), NumberRange(0, 100)])
    submit = SubmitField(_l("Open the round"))


class PanelForm(Form):
    """The expert panel's points."""

    plan_and_rules = DecimalField(_l("Plan, rules and summary"), places=1, validators=[InputRequired()])
    influence = DecimalField(_l("Influence and innovation"), places=1, validators=[InputRequired()])
    submit = SubmitField(_l("Save the panel's points"))


class GradeForm(Form):
    """Grade one assessment."""

    grade = SelectField(_l("Grade"), choices=blank_first(GRADES.items()), validators=[DataRequired()])
    submit = SubmitField(_l("Grade"))
