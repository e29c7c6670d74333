"""API: assessment rounds of studios and bases — open, panel points, grades under the excellent cap, close."""

from __future__ import annotations

from flask import jsonify

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import integer, text
from app.api.openapi import register_schema
from app.database import get_or_not_found, utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.studios.appraisal import (
    close_round,
    excellent_allowed,
    get_round,
    grade_assessment,
    list_rounds,
    open_round,
    score_panel,
)
from app.studios.models import AssessmentRound, StudioAssessment
from app.studios.vocabulary import GRADES, ROUND_KINDS, ROUND_STATUSES
from app.translation import N_
from app.web.access import current_actor, roles

register_schema("StudioRound", {"type": "object", "required": ["id", "year", "round_kind", "status", "entries"],
                                "properties": {
    "id": {"type": "integer"}, "year": {"type": "integer"}, "round_kind": {"enum": list(ROUND_KINDS)},
    "status": {"enum": list(ROUND_STATUSES)}, "excellent_cap_percent": {"type": "integer"},
    "excellent_allowed": {"type": "integer"}, "rubric": {"type": "object"},
    "entries": {"type": "array", "items": {"type": "object", "required": ["id", "studio_id", "grade"], "properties": {
        "id": {"type": "integer"}, "studio_id": {"type": "integer"}, "studio": {"type": "string"},
        "measured": {"type": "object"}, "panel_scores": {"type": "object"},
        "total": {"type": ["string", "null"]}, "grade": {"enum": [*GRADES, None]}}}}}})
register_schema("StudioRoundList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/StudioRound"}}}})
NEW_ROUND = {"type": "object", "required": ["year"], "properties": {
    "year": {"type": "integer"}, "round_kind": {"enum": list(ROUND_KINDS)}, "cap_percent": {"type": "integer"}}}
PANEL = {"type": "object", "required": ["scores"], "properties": {"scores": {
    "type": "object", "description": "points per panel item of the round's rubric (plan_and_rules, influence)",
    "additionalProperties": {"type": ["number", "string"]}}}}
GRADE = {"type": "object", "required": ["grade"], "properties": {"grade": {"enum": list(GRADES)}}}
ROUND_ANSWER = {"200": {"$ref": "#/components/schemas/StudioRound"}, "403": None, "404": None, "409": None,
                "422": None}


def round_json(r: AssessmentRound) -> dict:
    """A round with its rubric and every studio's measures, panel points, total and grade."""
    return {"id": r.id, "year": r.year, "round_kind": r.round_kind, "status": r.status,
            "excellent_cap_percent": r.excellent_cap_percent,
            "excellent_allowed": excellent_allowed(len(r.entries), r.excellent_cap_percent), "rubric": r.rubric,
            "entries": [{"id": e.id, "studio_id": e.studio_id, "studio": e.studio.name, "measured": e.measured,
                         "panel_scores": e.panel_scores, "total": None if e.total is None else str(e.total),
                         "grade": e.grade} for e in r.entries]}


@bp.get("/studio-rounds")
@roles(Role.ADMIN)
@documented("/studio-rounds", "get", summary="Assessment rounds of studios and bases", tag="studios",
            responses={"200": {"$ref": "#/components/schemas/StudioRoundList"}, "403": None})
def studio_rounds_index():
    """Every round, newest first."""
    return jsonify({"items": [round_json(r) for r in list_rounds(db.session, actor=current_actor())]})


@bp.post("/studio-rounds")
@roles(Role.ADMIN)
@documented("/studio-rounds", "post", summary="Open an annual assessment or end-of-cycle review", tag="studios",
            request_body=NEW_ROUND, responses={"201": {"$ref": "#/components/schemas/StudioRound"}, "403": None,
                                               "409": None, "422": None})
def studio_rounds_create():
    """Every approved studio and base (a cycle review: those whose cycle ends that year), measured from records."""
    data = json_body()
    cap = integer(data, "cap_percent")
    round_ = open_round(db.session, actor=current_actor(), now=utcnow(), year=integer(data, "year", required=True),
                        round_kind=text(data, "round_kind") or "annual", cap_percent=20 if cap is None else cap)
    db.session.commit()
    return jsonify(round_json(round_)), 201


@bp.get("/studio-rounds/<int:round_id>")
@roles(Role.ADMIN)
@documented("/studio-rounds/{round_id}", "get", summary="One assessment round", tag="studios",
            parameters=path_id("round_id"), responses={"200": {"$ref": "#/components/schemas/StudioRound"},
                                                       "404": None})
def studio_rounds_show(round_id: int):
    """A round with its entries."""
    return jsonify(round_json(get_round(db.session, actor=current_actor(), round_id=round_id)))


@bp.post("/studio-rounds/<int:round_id>/close")
@roles(Role.ADMIN)
@documented("/studio-rounds/{round_id}/close", "post", summary="Close a graded round (a fail de-lists)",
            tag="studios", parameters=path_id("round_id"), responses=ROUND_ANSWER)
def studio_rounds_close(round_id: int):
    """Refused while an entry has no grade."""
    round_ = close_round(db.session, actor=current_actor(), now=utcnow(), round_id=round_id)
    db.session.commit()
    return jsonify(round_json(round_))


def _entry_round(assessment_id: int) -> dict:
    entry = get_or_not_found(db.session, StudioAssessment, assessment_id, N_("The assessment does not exist."))
    return round_json(entry.round)


@bp.post("/studio-assessments/<int:assessment_id>/panel")
@roles(Role.ADMIN)
@documented("/studio-assessments/{assessment_id}/panel", "post", summary="The expert panel's points",
            tag="studios", parameters=path_id("assessment_id"), request_body=PANEL, responses=ROUND_ANSWER)
def studio_assessment_panel(assessment_id: int):
    """Each panel item from 0 to its weight; a grade given earlier is cleared."""
    scores = json_body().get("scores")
    if not isinstance(scores, dict):
        raise ValidationFailed(N_("Enter the panel's points for every item."), field="scores")
    score_panel(db.session, actor=current_actor(), now=utcnow(), assessment_id=assessment_id, scores=scores)
    db.session.commit()
    return jsonify(_entry_round(assessment_id))


@bp.post("/studio-assessments/<int:assessment_id>/grade")
@roles(Role.ADMIN)
@documented("/studio-assessments/{assessment_id}/grade", "post", summary="Grade one studio (excellent is capped)",
            tag="studios", parameters=path_id("assessment_id"), request_body=GRADE, responses=ROUND_ANSWER)
def studio_assessment_grade(assessment_id: int):
    """No better than the total allows; excellent only within the round's cap."""
    grade_assessment(db.session, actor=current_actor(), now=utcnow(), assessment_id=assessment_id,
                     grade=text(json_body(), "grade", required=True))
    db.session.commit()
    return jsonify(_entry_round(assessment_id))
