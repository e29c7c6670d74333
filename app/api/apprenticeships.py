"""API: enterprise new-type apprenticeships and their state transitions."""

from __future__ import annotations

from flask import jsonify, request

from app.accounts.roles import ENTERPRISE_READERS as READERS
from app.accounts.roles import ENTERPRISE_RECORDERS as KEEPERS
from app.api import bp, documented, json_body, path_id
from app.api.demand import occupation_id_for
from app.api.fields import day, integer, query_choice, text
from app.api.openapi import register_schema
from app.database import utcnow
from app.extensions import db
from app.training.apprenticeship_models import Apprenticeship
from app.training.apprenticeships import (
    change_apprenticeship_status,
    create_apprenticeship,
    get_apprenticeship,
    list_apprenticeships,
)
from app.training.subsidies import subsidy_position
from app.web.access import current_actor, roles

STATES = ["planned", "filed", "in_training", "completed", "terminated"]
_DATE = {"type": "string", "format": "date"}
_MAYBE_DATE = {"type": ["string", "null"], "format": "date"}

register_schema("Apprenticeship", {"type": "object", "required": ["id", "enterprise_id", "institution_id",
                                                                  "person_id", "status", "target_level_digit"],
                                   "properties": {
    "id": {"type": "integer"}, "enterprise_id": {"type": "integer"}, "institution_id": {"type": "integer"},
    "person_id": {"type": "integer"}, "name": {"type": "string"}, "id_masked": {"type": "string"},
    "occupation_code": {"type": "string"}, "target_level_digit": {"type": "integer", "minimum": 1, "maximum": 4},
    "contract_start": _DATE, "contract_end": _DATE, "planned_start": _DATE, "planned_end": _DATE,
    "planned_months": {"type": "integer"}, "mentor_name": {"type": "string"}, "mentor_level_digit": {"type": "integer"},
    "teacher_name": {"type": "string"}, "status": {"enum": STATES},
    "documents": {"type": "array", "items": {"type": "object", "properties": {
        "kind": {"type": "string"}, "filename": {"type": "string"}, "sha256": {"type": "string"}}}},
    "logbook_hours": {"type": "number"}, "completed_on": _MAYBE_DATE, "terminated_on": _MAYBE_DATE,
    "ready_for_assessment": {"type": "boolean"},
    "subsidy": {"type": "object", "properties": {k: {"type": "string"} for k in
                                                 ("total", "due", "advanced", "outstanding", "to_recover")}}}})
register_schema("ApprenticeshipList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Apprenticeship"}}}})
NEW_APPRENTICESHIP = {
    "type": "object",
    "required": ["person_id", "institution_id", "occupation_code", "target_level_digit", "contract_start",
                 "contract_end", "planned_start", "planned_end", "mentor_name", "mentor_level_digit", "teacher_name"],
    "properties": {"enterprise_id": {"type": "integer"}, "person_id": {"type": "integer"},
                   "institution_id": {"type": "integer"}, "occupation_code": {"type": "string"},
                   "variant_name": {"type": ["string", "null"]},
                   "target_level_digit": {"type": "integer", "minimum": 1, "maximum": 4},
                   "contract_start": _DATE, "contract_end": _DATE, "planned_start": _DATE, "planned_end": _DATE,
                   "mentor_name": {"type": "string"}, "mentor_level_digit": {"type": "integer"},
                   "teacher_name": {"type": "string"}},
}
TRANSITION = {"type": "object", "required": ["to"], "properties": {
    "to": {"enum": ["filed", "in_training", "completed", "terminated"]}, "reason": {"type": ["string", "null"]}}}
ID_PARAM = path_id("apprenticeship_id")


def apprenticeship_json(record: Apprenticeship, *, detail: bool = False) -> dict:
    """An apprenticeship as JSON (masked ID); with its subsidy position when detail is asked for."""
    data = {
        "id": record.id, "enterprise_id": record.enterprise_id, "institution_id": record.institution_id,
        "person_id": record.person_id, "name": record.person.name, "id_masked": record.person.id_masked,
        "occupation_code": record.occupation.code, "target_level_digit": record.target_level_digit,
        "contract_start": record.contract_start.isoformat(), "contract_end": record.contract_end.isoformat(),
        "planned_start": record.planned_start.isoformat(), "planned_end": record.planned_end.isoformat(),
        "planned_months": record.planned_months, "mentor_name": record.mentor_name,
        "mentor_level_digit": record.mentor_level_digit, "teacher_name": record.teacher_name, "status": record.status,
        "documents": [{"kind": d.kind, "filename": d.filename, "sha256": d.sha256} for d in record.documents],
        "logbook_hours": float(record.logbook_hours),
        "completed_on": record.completed_on.isoformat() if record.completed_on else None,
        "terminated_on": record.terminated_on.isoformat() if record.terminated_on else None,
        "ready_for_assessment": record.ready_for_assessment_at is not None,
    }
    if detail:
        position = subsidy_position(db.session, record)
        data["subsidy"] = {"total": str(position.total), "due": str(position.due),
                           "advanced": str(position.advanced), "outstanding": str(position.outstanding),
                           "to_recover": str(position.to_recover)}
    return data


@bp.get("/apprenticeships")
@roles(*READERS)
@documented("/apprenticeships", "get", summary="Apprenticeships in the caller's scope", tag="apprenticeships",
            parameters=[{"name": "status", "in": "query", "required": False, "schema": {"enum": STATES}}],
            responses={"200": {"$ref": "#/components/schemas/ApprenticeshipList"}, "403": None})
def apprenticeships_index():
    """Enterprises: theirs; institutions: those they teach; administrators: all."""
    items = list_apprenticeships(db.session, actor=current_actor(), status=query_choice(request.args, "status", STATES))
    return jsonify({"items": [apprenticeship_json(a) for a in items]})


@bp.post("/apprenticeships")
@roles(*KEEPERS)
@documented("/apprenticeships", "post", summary="Record a planned apprenticeship", tag="apprenticeships",
            request_body=NEW_APPRENTICESHIP,
            responses={"201": {"$ref": "#/components/schemas/Apprenticeship"}, "403": None, "404": None,
                       "422": None})
def apprenticeships_create():
    """Contract ≥ 1 year, 12–36 months of training, target 中级工–高级技师, mentor at least as senior."""
    data = json_body()
    record = create_apprenticeship(
        db.session, actor=current_actor(), now=utcnow(), person_id=integer(data, "person_id", required=True),
        institution_id=integer(data, "institution_id", required=True),
        occupation_id=occupation_id_for(text(data, "occupation_code", required=True)),
        target_level_digit=integer(data, "target_level_digit", required=True),
        contract_start=day(data, "contract_start", required=True), contract_end=day(data, "contract_end", required=True),
        planned_start=day(data, "planned_start", required=True), planned_end=day(data, "planned_end", required=True),
        mentor_name=text(data, "mentor_name", required=True),
        mentor_level_digit=integer(data, "mentor_level_digit", required=True),
        teacher_name=text(data, "teacher_name", required=True), variant_name=text(data, "variant_name"),
        enterprise_id=integer(data, "enterprise_id"),
    )
    db.session.commit()
    return jsonify(apprenticeship_json(record, detail=True)), 201


@bp.get("/apprenticeships/<int:apprenticeship_id>")
@roles(*READERS)
@documented("/apprenticeships/{apprenticeship_id}", "get", summary="One apprenticeship with its subsidy position",
            tag="apprenticeships", parameters=ID_PARAM,
            responses={"200": {"$ref": "#/components/schemas/Apprenticeship"}, "403": None, "404": None})
def apprenticeships_show(apprenticeship_id: int):
    """An apprenticeship in scope."""
    record = get_apprenticeship(db.session, actor=current_actor(), apprenticeship_id=apprenticeship_id)
    return jsonify(apprenticeship_json(record, detail=True))


@bp.post("/apprenticeships/<int:apprenticeship_id>/transitions")
@roles(*KEEPERS)
@documented("/apprenticeships/{apprenticeship_id}/transitions", "post", tag="apprenticeships",
            summary="File, start, complete or terminate an apprenticeship", parameters=ID_PARAM,
            request_body=TRANSITION,
            responses={"200": {"$ref": "#/components/schemas/Apprenticeship"}, "403": None, "404": None,
                       "422": None})
def apprenticeship_transition(apprenticeship_id: int):
    """Filing needs the three documents; early completion and termination need a reason."""
    data = json_body()
    record = change_apprenticeship_status(db.session, actor=current_actor(), now=utcnow(),
                                          apprenticeship_id=apprenticeship_id, to_status=text(data, "to", required=True),
                                          reason=text(data, "reason"))
    db.session.commit()
    return jsonify(apprenticeship_json(record, detail=True))
