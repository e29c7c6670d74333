"""API: training projects, classes with their roster, enrolments and enrolment transitions."""

from __future__ import annotations

from flask import jsonify, request

from app.accounts.roles import TRAINING_READERS as READERS
from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.demand import occupation_id_for
from app.api.fields import day, decimal, integer, integer_list, query_integer, text
from app.api.openapi import register_schema
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.training.attendance import class_roster
from app.training.enrolments import change_enrolment_status, enrol_by_identity, enrol_person
from app.training.models import DEFAULT_MAX_AGE, DEFAULT_THRESHOLD, Enrolment, TrainingClass, TrainingProject
from app.training.progress import Progress
from app.training.projects import create_class, create_project, get_project, list_classes, list_projects
from app.training.vocabulary import ENROLMENT_STATUSES, PROJECT_TYPES
from app.web.access import current_actor, roles

STAFF = Role.INSTITUTION_STAFF
ENROLMENT_STATES = list(ENROLMENT_STATUSES)


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


register_schema("TrainingProject", {"type": "object", "required": ["id", "name", "project_type", "occupation_code",
                                                                   "target_level_digit", "reference_hours"],
                                    "properties": {
    "id": {"type": "integer"}, "institution_id": {"type": "integer"}, "name": {"type": "string"},
    "project_type": {"enum": list(PROJECT_TYPES)}, "occupation_code": {"type": "string"},
    "variant_name": {"type": ["string", "null"]}, "target_level_digit": {"type": "integer", "minimum": 1, "maximum": 5},
    "reference_hours": {"type": "integer"}, "standard_edition": {"type": "string"},
    "demand_ids": {"type": "array", "items": {"type": "integer"}}}})
register_schema("TrainingProjectList", {"type": "object", "required": ["items"],
                                        "properties": {"items": {"type": "array", "items": _ref("TrainingProject")}}})
register_schema("Enrolment", {"type": "object", "required": ["id", "class_id", "person_id", "status"], "properties": {
    "id": {"type": "integer"}, "class_id": {"type": "integer"}, "person_id": {"type": "integer"},
    "name": {"type": "string"}, "id_masked": {"type": "string"}, "status": {"enum": ENROLMENT_STATES},
    "completed_on": {"type": ["string", "null"], "format": "date"},
    "attended_hours": {"type": "number"}, "share_of_reference_hours": {"type": "number"},
    "on_track": {"type": ["boolean", "null"]}}})
register_schema("EnrolmentList", {"type": "object", "required": ["items"],
                                  "properties": {"items": {"type": "array", "items": _ref("Enrolment")}}})
register_schema("TrainingClass", {"type": "object", "required": ["id", "project_id", "name", "start_date", "end_date",
                                                                 "capacity", "completion_threshold"], "properties": {
    "id": {"type": "integer"}, "project_id": {"type": "integer"}, "name": {"type": "string"},
    "start_date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
    "capacity": {"type": "integer"}, "venue": {"type": "string"}, "teacher_names": {"type": "string"},
    "completion_threshold": {"type": "number"}, "max_age": {"type": "integer"}, "reference_hours": {"type": "integer"},
    "taken": {"type": "integer"}, "enrolments": {"type": "array", "items": _ref("Enrolment")}}})
register_schema("TrainingClassList", {"type": "object", "required": ["items"],
                                      "properties": {"items": {"type": "array", "items": _ref("TrainingClass")}}})
NEW_PROJECT = {"type": "object", "required": ["name", "project_type", "occupation_code", "target_level_digit"],
               "properties": {"name": {"type": "string"}, "project_type": {"enum": list(PROJECT_TYPES)},
                              "occupation_code": {"type": "string"}, "target_level_digit": {"type": "integer"},
                              "variant_name": {"type": ["string", "null"]}, "description": {"type": ["string", "null"]},
                              "demand_ids": {"type": "array", "items": {"type": "integer"}}}}
NEW_CLASS = {"type": "object", "required": ["project_id", "name", "start_date", "end_date", "capacity", "venue",
                                            "teacher_names"],
             "properties": {"project_id": {"type": "integer"}, "name": {"type": "string"},
                            "start_date": {"type": "string", "format": "date"},
                            "end_date": {"type": "string", "format": "date"}, "capacity": {"type": "integer"},
                            "venue": {"type": "string"}, "teacher_names": {"type": "string"},
                            "completion_threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                            "max_age": {"type": "integer"}}}
NEW_ENROLMENT = {"type": "object", "description": "Either person_id (a person the institution sees) or name, "
                                                  "id_type and id_number of a registered person",
                 "properties": {"person_id": {"type": "integer"}, "name": {"type": "string"},
                                "id_type": {"type": "string"}, "id_number": {"type": "string"}}}
TRANSITION = {"type": "object", "required": ["to"], "properties": {
    "to": {"enum": ["in_training", "completed", "withdrawn", "expelled"]}, "reason": {"type": ["string", "null"]}}}
ID_PARAM = path_id("class_id")


def project_json(project: TrainingProject) -> dict:
    """A project as JSON."""
    return {"id": project.id, "institution_id": project.institution_id, "name": project.name,
            "project_type": project.project_type, "occupation_code": project.occupation.code,
            "variant_name": project.variant_name, "target_level_digit": project.target_level_digit,
            "reference_hours": project.reference_hours, "standard_edition": project.standard_edition,
            "demand_ids": [d.id for d in project.demands]}


def enrolment_json(enrolment: Enrolment, progress: Progress | None = None) -> dict:
    """An enrolment as JSON (masked ID), with attendance progress when known."""
    data = {"id": enrolment.id, "class_id": enrolment.class_id, "person_id": enrolment.person_id,
            "name": enrolment.person.name, "id_masked": enrolment.person.id_masked, "status": enrolment.status,
            "completed_on": enrolment.completed_on.isoformat() if enrolment.completed_on else None}
    if progress is not None:
        data.update(attended_hours=float(progress.attended), share_of_reference_hours=round(float(progress.share), 4),
                    on_track=progress.on_track)
    return data


def class_json(klass: TrainingClass) -> dict:
    """A class as JSON, without its roster."""
    return {"id": klass.id, "project_id": klass.project_id, "name": klass.name,
            "start_date": klass.start_date.isoformat(), "end_date": klass.end_date.isoformat(),
            "capacity": klass.capacity, "venue": klass.venue, "teacher_names": klass.teacher_names,
            "completion_threshold": float(klass.completion_threshold), "max_age": klass.max_age,
            "reference_hours": klass.project.reference_hours}


@bp.get("/projects")
@roles(*READERS)
@documented("/projects", "get", summary="Training projects of the caller's institution", tag="training",
            responses={"200": _ref("TrainingProjectList"), "403": None})
def projects_index():
    """Institution staff: their projects; administrators: all."""
    return jsonify({"items": [project_json(p) for p in list_projects(db.session, actor=current_actor())]})


@bp.post("/projects")
@roles(STAFF)
@documented("/projects", "post", summary="Start a training project", tag="training", request_body=NEW_PROJECT,
            responses={"201": _ref("TrainingProject"), "403": None, "422": None})
def projects_create():
    """The level must exist in the occupation's current standard; linked demands must be open and match."""
    data = json_body()
    project = create_project(
        db.session, actor=current_actor(), now=utcnow(), name=text(data, "name", required=True),
        project_type=text(data, "project_type", required=True),
        occupation_id=occupation_id_for(text(data, "occupation_code", required=True)),
        target_level_digit=integer(data, "target_level_digit", required=True),
        variant_name=text(data, "variant_name"), demand_ids=integer_list(data, "demand_ids"),
        description=text(data, "description"),
    )
    db.session.commit()
    return jsonify(project_json(project)), 201


@bp.get("/classes")
@roles(*READERS)
@documented("/classes", "get", summary="Classes in the caller's scope", tag="training",
            parameters=[{"name": "project_id", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}}],
            responses={"200": _ref("TrainingClassList"), "403": None})
def classes_index():
    """Classes, optionally of one project."""
    items = list_classes(db.session, actor=current_actor(), project_id=query_integer(request.args, "project_id", minimum=1))
    return jsonify({"items": [class_json(c) for c in items]})


@bp.post("/classes")
@roles(STAFF)
@documented("/classes", "post", summary="Open a class under a project", tag="training", request_body=NEW_CLASS,
            responses={"201": _ref("TrainingClass"), "403": None, "404": None, "422": None})
def classes_create():
    """Open a class; completion_threshold is a share (0.80 = 80 % of the reference hours)."""
    data = json_body()
    project = get_project(db.session, actor=current_actor(), project_id=integer(data, "project_id", required=True))
    threshold = decimal(data, "completion_threshold")
    max_age = integer(data, "max_age")
    klass = create_class(
        db.session, actor=current_actor(), now=utcnow(), project_id=project.id, name=text(data, "name", required=True),
        start_date=day(data, "start_date", required=True), end_date=day(data, "end_date", required=True),
        capacity=integer(data, "capacity", required=True), venue=text(data, "venue", required=True),
        teacher_names=text(data, "teacher_names", required=True),
        completion_threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        max_age=DEFAULT_MAX_AGE if max_age is None else max_age,
    )
    db.session.commit()
    return jsonify(class_json(klass)), 201


def _roster_json(class_id: int) -> dict:
    roster = class_roster(db.session, actor=current_actor(), class_id=class_id, today=local_date(utcnow()))
    data = class_json(roster.training_class)
    data["taken"] = roster.taken
    data["enrolments"] = [enrolment_json(line.enrolment, line.progress) for line in roster.lines]
    return data


@bp.get("/classes/<int:class_id>")
@roles(*READERS)
@documented("/classes/{class_id}", "get", summary="One class with its roster and progress", tag="training",
            parameters=ID_PARAM, responses={"200": _ref("TrainingClass"), "403": None, "404": None})
def classes_show(class_id: int):
    """A class in scope with every trainee's hours, share of reference hours and on-track flag."""
    return jsonify(_roster_json(class_id))


@bp.get("/classes/<int:class_id>/enrolments")
@roles(*READERS)
@documented("/classes/{class_id}/enrolments", "get", summary="Enrolments of a class", tag="training",
            parameters=ID_PARAM, responses={"200": _ref("EnrolmentList"), "403": None, "404": None})
def enrolments_index(class_id: int):
    """The class's trainees with their progress."""
    return jsonify({"items": _roster_json(class_id)["enrolments"]})


@bp.post("/classes/<int:class_id>/enrolments")
@roles(STAFF)
@documented("/classes/{class_id}/enrolments", "post", summary="Enrol a person in a class", tag="training",
            parameters=ID_PARAM, request_body=NEW_ENROLMENT,
            responses={"201": _ref("Enrolment"), "403": None, "404": None, "422": None})
def enrolments_create(class_id: int):
    """Refused past capacity, for a duplicate, or outside working age on the start date."""
    data = json_body()
    actor, now = current_actor(), utcnow()
    # Every field sent is checked for its type, also those the chosen way of enrolling does not use.
    person_id, id_type = integer(data, "person_id"), text(data, "id_type")
    name, id_number = text(data, "name", required=person_id is None), text(data, "id_number",
                                                                            required=person_id is None)
    if person_id is not None:
        enrolment = enrol_person(db.session, actor=actor, now=now, class_id=class_id, person_id=person_id)
    else:
        enrolment = enrol_by_identity(db.session, actor=actor, now=now, class_id=class_id, name=name,
                                      id_type=id_type or "resident_id", id_number=id_number)
    db.session.commit()
    return jsonify(enrolment_json(enrolment)), 201


@bp.post("/enrolments/<int:enrolment_id>/transitions")
@roles(STAFF)
@documented("/enrolments/{enrolment_id}/transitions", "post", summary="Start, complete, withdraw or expel an enrolment",
            tag="training", request_body=TRANSITION,
            parameters=path_id("enrolment_id"),
            responses={"200": _ref("Enrolment"), "403": None, "404": None, "422": None})
def enrolment_transition(enrolment_id: int):
    """Illegal transitions, completion below the attendance bar and leaving (withdrawn, expelled) without a reason
    are 422 with the reason."""
    data = json_body()
    enrolment = change_enrolment_status(db.session, actor=current_actor(), now=utcnow(), enrolment_id=enrolment_id,
                                        to_status=text(data, "to", required=True), reason=text(data, "reason"))
    db.session.commit()
    return jsonify(enrolment_json(enrolment))
