"""Competition forms (shape checks only; the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.accounts.roles import ORG_KIND_LABELS
from app.competitions.promotion import RULE_SET_LABELS
from app.competitions.vocabulary import EVENT_MODES, JUDGE_ROLES, TIE_BREAKS, TIERS, TRACKS
from app.web.baseform import Form
from app.web.demand.forms import optional_int
from app.web.forms import blank_first, choices

LEVELS = choices((d, f"{d}") for d in (5, 4, 3, 2, 1))


class CompetitionForm(Form):
    """Organise a competition."""

    name = StringField(_l("Competition name"), validators=[DataRequired(), Length(max=200)])
    tier = SelectField(_l("Tier"), choices=blank_first(TIERS.items()), validators=[DataRequired()])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    notice_days = IntegerField(_l("Public notice (working days)"), default=5,
                               validators=[InputRequired(), NumberRange(1, 30)])
    rule_set = SelectField(_l("Promotion rules"), choices=choices(RULE_SET_LABELS.items()))
    issuer_org_id = SelectField(_l("Certificate issuer (filed evaluation organisation)"), coerce=optional_int,
                                validators=[Optional()],
                                description=_l("Needed when the organiser itself has no evaluation filing"))
    submit = SubmitField(_l("Create competition"))


class EventForm(Form):
    """Add an event (赛项) to a competition."""

    name = StringField(_l("Event name"), validators=[DataRequired(), Length(max=200)])
    occupation_code = StringField(_l("Occupation code"), validators=[DataRequired(), Length(max=10)],
                                  description=_l("e.g. 6-18-02-04"))
    variant_name = StringField(_l("Trade"), validators=[Optional(), Length(max=100)])
    band_low = SelectField(_l("Level band from (most junior level)"), coerce=int, choices=LEVELS, default=4)
    band_high = SelectField(_l("Level band to (most senior level)"), coerce=int, choices=LEVELS, default=2)
    track = SelectField(_l("Track"), choices=choices(TRACKS.items()))
    mode = SelectField(_l("Individual or team"), choices=choices(EVENT_MODES.items()))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    min_age = IntegerField(_l("Lowest age"), validators=[Optional(), NumberRange(14, 80)])
    max_age = IntegerField(_l("Highest age"), validators=[Optional(), NumberRange(14, 80)])
    employer_kinds = SelectMultipleField(_l("Employer types admitted (none chosen: any)"),
                                         choices=choices(ORG_KIND_LABELS.items()), validators=[Optional()])
    spread_threshold = StringField(_l("Spread threshold between judges"), default="1",
                                   validators=[DataRequired(), Length(max=8)])
    drop_extremes = BooleanField(_l("Drop the highest and lowest judge mark"))
    tie_break = SelectField(_l("Tie-break"), choices=choices(TIE_BREAKS.items()))
    merit_places = IntegerField(_l("Merit awards down to place"), default=0,
                                validators=[InputRequired(), NumberRange(0, 1000)])
    submit = SubmitField(_l("Add event"))


class SchemeUploadForm(Form):
    """Replace the marking scheme from a workbook in the exported layout."""

    file = FileField(_l("Marking scheme workbook (.xlsx or .csv)"), validators=[DataRequired()])
    submit = SubmitField(_l("Import scheme"))


class JudgeForm(Form):
    """Assign a judge or the chief judge."""

    user_id = SelectField(_l("Judge"), coerce=optional_int, validators=[InputRequired()])
    role = SelectField(_l("Role"), choices=choices(JUDGE_ROLES.items()))
    submit = SubmitField(_l("Assign"))


class EntryForm(Form):
    """Enter a competitor from the organisation's people."""

    person_id = SelectField(_l("Competitor"), coerce=optional_int, validators=[InputRequired()])
    team_name = StringField(_l("Team (team events)"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Enter competitor"))


class ObjectionForm(Form):
    """Object to published results."""

    entry_id = SelectField(_l("About the competitor (optional)"), coerce=optional_int, validators=[Optional()])
    text = TextAreaField(_l("Objection"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Raise objection"))


class ObjectionDecisionForm(Form):
    """Decide an objection."""

    upheld = SelectField(_l("Decision"), coerce=lambda v: v in (True, "1", "yes"),
                         choices=choices([("0", _l("Dismiss")), ("1", _l("Uphold: withdraw the results for correction"))]))
    reason = TextAreaField(_l("Reason (required)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Decide"))


class DecisionForm(Form):
    """The chief judge's mark for a flagged aspect."""

    value = StringField(_l("Mark"), validators=[DataRequired(), Length(max=8)])
    reason = TextAreaField(_l("Reason (required)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Record decision"))


class SheetForm(Form):
    """A judge's sheet: the marks are read from the page's cells by the view; this carries CSRF and the reason."""

    reason = StringField(_l("Reason for corrections"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save marks"))


class ConfirmForm(Form):
    """A one-click step (CSRF only)."""
