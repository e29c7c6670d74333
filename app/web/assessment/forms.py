"""Assessment forms: shape checks only; the services check the rules."""

from __future__ import annotations

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
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.assessment.vocabulary import APPOINTMENT_GRADES, NOMINATIONS, RELATION_KINDS
from app.catalog.models import COMPONENT_LABELS
from app.idnumbers import ID_TYPE_LABELS
from app.web.baseform import Form
from app.web.forms import choices


class PlanForm(Form):
    """Plan an assessment within the organisation's filing."""

    scope = SelectField(_l("Occupation and level"), validators=[DataRequired()],
                        description=_l("Only the occupations and levels your organisation is filed for"))
    variant_name = StringField(_l("Sub-trade or direction"), validators=[Optional(), Length(max=100)],
                               description=_l("Leave empty when the occupation has none"))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    registration_deadline = DateField(_l("Registration deadline"), validators=[DataRequired()])
    theory_on = DateField(_l("Theory exam date"), validators=[Optional()])
    practical_on = DateField(_l("Practical exam date"), validators=[Optional()])
    review_on = DateField(_l("Review date (levels 2 and 1)"), validators=[Optional()])
    venue = StringField(_l("Venue"), validators=[DataRequired(), Length(max=200)])
    fee_yuan = DecimalField(_l("Fee (yuan)"), places=2, default=0, validators=[Optional(), NumberRange(0, 100000)])
    submit = SubmitField(_l("Create plan"))


class DeadlineForm(Form):
    """Move the registration deadline (before every exam date)."""

    registration_deadline = DateField(_l("Registration deadline"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class StatusForm(Form):
    """Move a plan along its states."""

    action = SelectField(choices=choices([("open", _l("Open registration")), ("close", _l("Close registration")),
                                          ("reopen", _l("Reopen registration")), ("start", _l("Start exams")),
                                          ("cancel", _l("Cancel plan"))]))
    reason = StringField(_l("Reason (for cancelling)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Apply"))


class ScheduleForm(Form):
    """When a component is held."""

    component = SelectField(choices=choices(COMPONENT_LABELS.items()))
    exam_on = DateField(_l("Date"), validators=[Optional()])
    exam_time = StringField(_l("Time"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Save"))


class RegisterForm(Form):
    """Register a candidate by the ID they present."""

    id_type = SelectField(_l("ID type"), choices=choices(ID_TYPE_LABELS.items()))
    id_number = StringField(_l("ID number"), validators=[DataRequired(), Length(max=40)])
    submit = SubmitField(_l("Register and check eligibility"))


class TrainingSourcesForm(Form):
    """Add people from completed classes and apprenticeships."""

    enrolment_ids = SelectMultipleField(_l("Completed class members"), coerce=int, validate_choice=False)
    apprenticeship_ids = SelectMultipleField(_l("Completed apprentices"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Register the selected people"))


class ReasonForm(Form):
    """A written reason (override, withdrawal, ending a nomination); the service refuses one too short."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Confirm"))


class SessionForm(Form):
    """Open a room for a component."""

    component = SelectField(_l("Component"), choices=choices(COMPONENT_LABELS.items()))
    room = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), default=120, validators=[DataRequired(),
                                                                                      NumberRange(10, 600)])
    max_candidates = IntegerField(_l("At most this many candidates"), validators=[Optional(), NumberRange(1, 500)],
                                  description=_l("Leave empty to place every candidate not yet in a room"))
    capacity = IntegerField(_l("Seats (capacity)"), validators=[Optional(), NumberRange(1, 500)],
                            description=_l("Leave empty when the room has no fixed number of seats; at most this many "
                                           "candidates are placed in it"))
    submit = SubmitField(_l("Open room"))


class RoomForm(Form):
    """Correct a room's place, date, time, length and seats (with a reason once it has scores)."""

    room = StringField(_l("Room"), validators=[DataRequired(), Length(max=100)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("Start time"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[DataRequired(), NumberRange(10, 600)])
    capacity = IntegerField(_l("Seats (capacity)"), validators=[Optional(), NumberRange(1, 500)],
                            description=_l("Leave empty when the room has no fixed number of seats"))
    reason = TextAreaField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)],
                           description=_l("Required once the room has scores; it is recorded with the correction"))
    submit = SubmitField(_l("Save room"))


class MoveForm(Form):
    """Move a candidate to another room of the same component."""

    to_sitting_id = SelectField(_l("Move to room"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Move"))


class AssignForm(Form):
    """Assign an assessor to a session."""

    user_id = SelectField(_l("Assessor"), coerce=int, validate_choice=False)
    role = SelectField(_l("Role"))
    external = BooleanField(_l("External supervisor (appointed by the human resources bureau)"))
    submit = SubmitField(_l("Assign"))


class SupervisorRequestForm(Form):
    """Ask the administrator for external quality supervisors for a plan: how many, which rooms, a note."""

    count = IntegerField(_l("How many supervisors"), validators=[Optional(), NumberRange(min=1, max=50)])
    sitting_ids = SelectMultipleField(_l("Rooms meant (optional)"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Note for the administrator"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Request external supervisors"))


class AppointSupervisorsForm(Form):
    """The administrator appoints department quality supervisors to a plan."""

    user_ids = SelectMultipleField(_l("Department quality supervisors"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Appoint supervisors"))


class CandidateForm(Form):
    """Place a candidate in a session."""

    registration_id = SelectField(_l("Candidate"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Add to room"))


class QualificationForm(Form):
    """Record an assessor's own level in an occupation."""

    user_id = SelectField(_l("Assessor"), coerce=int, validate_choice=False)
    occupation_code = SelectField(_l("Occupation"))
    level_digit = SelectField(_l("Own level"), coerce=int)  # choices: the ladder's labels, set by the view
    certificate_number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Save qualification"))


class RelationForm(Form):
    """Declare a relation that requires recusal."""

    assessor_id = SelectField(_l("Assessor"), coerce=int, validate_choice=False)
    person_id = SelectField(_l("Person"), coerce=int, validate_choice=False)
    kind = SelectField(_l("Relation"), choices=choices(RELATION_KINDS.items()))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Declare relation"))


class HolidayForm(Form):
    """Record a public holiday or a make-up working day."""

    day = DateField(_l("Date"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=50)])
    is_makeup_workday = BooleanField(_l("Make-up working day"))
    submit = SubmitField(_l("Add"))


class ObjectionForm(Form):
    """Record an objection lodged during the notice."""

    result_id = SelectField(_l("Result objected to"), coerce=int, validate_choice=False)
    lodged_by_name = StringField(_l("Lodged by"), validators=[DataRequired(), Length(max=50)])
    content = TextAreaField(_l("Objection"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record objection"))


class ResolveForm(Form):
    """Uphold (with corrected scores) or dismiss an objection."""

    outcome = SelectField(_l("Outcome"), choices=choices([("dismissed", _l("Dismissed")), ("upheld", _l("Upheld"))]))
    component = SelectField(_l("Component to correct"), choices=choices(COMPONENT_LABELS.items()))
    score = StringField(_l("Corrected score"), validators=[Optional(), Length(max=10)])
    resolution = TextAreaField(_l("Resolution"), validators=[Optional(), Length(max=2000)],
                               description=_l("The written reason for the outcome; it is recorded with any corrected score"))
    submit = SubmitField(_l("Resolve"))


class ConfirmForm(Form):
    """A button that changes state (CSRF-protected)."""

    submit = SubmitField(_l("Confirm"))


class NominateForm(Form):
    """Nominate an employee for an enterprise grade."""

    person_id = SelectField(_l("Employee"), coerce=int, validate_choice=False)
    grade_key = SelectField(_l("Grade"), choices=choices(APPOINTMENT_GRADES.items()))
    occupation_id = SelectField(_l("Occupation"), coerce=int, validate_choice=False)
    nomination = SelectField(_l("Nomination"), choices=choices(NOMINATIONS.items()))
    submit = SubmitField(_l("Nominate"))


class ReviewForm(Form):
    """The review (评审/答辩) outcome."""

    passed = SelectField(_l("Outcome"), choices=choices([("yes", _l("Passed: start the notice")),
                                                          ("no", _l("Not passed"))]))
    note = TextAreaField(_l("Review opinion"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Record review"))


class AppointForm(Form):
    """Appoint with a term after the notice."""

    term_start = DateField(_l("Term starts"), validators=[DataRequired()])
    term_end = DateField(_l("Term ends"), validators=[DataRequired()])
    submit = SubmitField(_l("Appoint"))


class StaffRelationForm(Form):
    """Staff record a relation for one of their assessors, finding the person by ID number."""

    assessor_id = SelectField(_l("Assessor"), coerce=int, validate_choice=False)
    id_type = SelectField(_l("ID type"), choices=choices(ID_TYPE_LABELS.items()))
    id_number = StringField(_l("Person's ID number"), validators=[DataRequired(), Length(max=40)])
    kind = SelectField(_l("Relation"), choices=choices(RELATION_KINDS.items()))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Declare relation"))
