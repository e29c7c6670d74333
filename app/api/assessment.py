"""API: assessment plans, registrations, score cells with versions (409 when stale), results, publish, finalise."""

from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import day, decimal, integer, text
from app.api.openapi import register_schema
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.plans import create_plan, get_plan, list_plans
from app.assessment.registration import (
    failure_label,
    failure_reasons,
    list_registrations,
    register_individual,
)
from app.assessment.result_models import AssessmentResult, Score
from app.assessment.results import finalise_plan, list_results, publish_results
from app.assessment.score_sheets import score_sheet
from app.assessment.scoring import can_edit, clear_score, mark_absent, save_score
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.translation import N_, render
from app.web.access import current_actor, roles

STAFF_OR_ADMIN = (Role.EVALUATION_STAFF, Role.ADMIN)
MARKERS = (Role.ASSESSOR, Role.EVALUATION_STAFF, Role.ADMIN)
_ID = {"type": "integer"}
_DATE = {"type": ["string", "null"], "format": "date"}
_SCORE = {"type": ["string", "null"], "pattern": r"^\d{1,3}(\.\d)?$"}

register_schema("AssessmentPlan", {
    "type": "object",
    "required": ["id", "title", "status", "occupation_code", "occupation_name", "level_digit", "organisation_id",
                 "registration_deadline", "components"],
    "properties": {
        "id": _ID, "title": {"type": "string"}, "status": {"type": "string"}, "organisation_id": _ID,
        "occupation_id": _ID, "occupation_code": {"type": "string"}, "occupation_name": {"type": "string"},
        "variant_name": {"type": ["string", "null"]}, "level_digit": {"type": "integer", "minimum": 1, "maximum": 5},
        "registration_deadline": {"type": "string", "format": "date"}, "venue": {"type": "string"},
        "fee_yuan": {"type": "string"}, "published_on": _DATE, "notice_ends_on": _DATE,
        "components": {"type": "array", "items": {"type": "object", "properties": {
            "component": {"type": "string"}, "pass_mark": {"type": "string"}, "required": {"type": "boolean"},
            "exam_on": _DATE}}},
    },
})
register_schema("AssessmentPlanList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentPlan"}}}})
register_schema("AssessmentRegistration", {
    "type": "object", "required": ["id", "plan_id", "person_id", "status", "eligible", "failures"],
    "properties": {
        "id": _ID, "plan_id": _ID, "person_id": _ID, "name": {"type": "string"}, "id_masked": {"type": "string"},
        "source": {"type": "string"}, "status": {"enum": ["eligible", "ineligible", "overridden", "withdrawn"]},
        "eligible": {"type": "boolean"}, "route_id": {"type": ["string", "null"]},
        "route_label": {"type": ["string", "null"]}, "ticket_number": {"type": ["string", "null"]},
        "failures": {"type": "array", "items": {"type": "object"}},
        "carried": {"type": "array", "items": {"type": "object"}},
    },
})
register_schema("AssessmentRegistrationList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentRegistration"}}}})
register_schema("AssessmentScore", {
    "type": "object", "required": ["id", "session_id", "registration_id", "value", "absent", "version", "editable"],
    "properties": {"id": _ID, "session_id": _ID, "registration_id": _ID, "marker_id": {"type": ["integer", "null"]},
                   "value": _SCORE,
                   "absent": {"type": "boolean", "description": "the candidate did not sit (缺考); value is then null"},
                   "version": {"type": "integer", "minimum": 0}, "editable": {"type": "boolean"}},
})
register_schema("AssessmentScoreSheet", {"type": "object", "required": ["session_id", "status", "items"], "properties": {
    "session_id": _ID, "component": {"type": "string"}, "status": {"type": "string"},
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentScore"}}}})
register_schema("AssessmentResult", {
    "type": "object", "required": ["id", "registration_id", "plan_id", "person_id", "passed", "status", "components"],
    "properties": {"id": _ID, "registration_id": _ID, "plan_id": _ID, "person_id": _ID, "name": {"type": "string"},
                   "passed": {"type": "boolean"}, "status": {"enum": ["provisional", "published", "final"]},
                   "ready_for_certificate": {"type": "boolean"},
                   "finalised_at": {"type": ["string", "null"], "format": "date-time"},
                   "components": {"type": "array", "items": {"type": "object", "properties": {
                       "component": {"type": "string"}, "score": _SCORE, "passed": {"type": "boolean"},
                       "absent": {"type": "boolean"}, "carried": {"type": "boolean"}}}}},
})
register_schema("AssessmentResultList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AssessmentResult"}}}})

NEW_PLAN = {
    "type": "object", "required": ["occupation_id", "level_digit", "registration_deadline", "venue"],
    "properties": {"occupation_id": _ID, "level_digit": {"type": "integer", "minimum": 1, "maximum": 5},
                   "registration_deadline": {"type": "string", "format": "date"}, "venue": {"type": "string"},
                   "fee_yuan": {"type": ["string", "number"]}, "variant_name": {"type": ["string", "null"]},
                   "title": {"type": ["string", "null"]},
                   "exam_dates": {"type": "object", "additionalProperties": {"type": "string", "format": "date"}}},
}
NEW_REGISTRATION = {"type": "object", "properties": {
    "person_id": _ID, "id_type": {"type": "string"}, "id_number": {"type": "string"}}}
SCORE_EDIT = {
    "type": "object", "required": ["version"],
    "description": "Enter or correct a score (value), mark the candidate absent (缺考: absent true, no value) or clear "
                   "the cell (value null). A score and absent are exclusive: both together are refused (422).",
    "properties": {
        "value": {"type": ["string", "number", "null"],
                  "description": "0-100, one decimal; null clears the cell (a mark entered by mistake, or an absence)"},
        "absent": {"type": "boolean", "default": False,
                   "description": "true marks the candidate absent (缺考); the cell's mark, if any, is cleared"},
        "version": {"type": "integer", "minimum": 0},
        "reason": {"type": ["string", "null"], "description": "required when changing or clearing a score already "
                                                             "entered, and when the team leader enters a panel "
                                                             "member's mark"}},
    "anyOf": [{"required": ["value"]}, {"required": ["absent"]}],
}
PLAN_ID = path_id("plan_id")


def _text(value) -> str | None:
    return None if value is None else str(value)


def plan_json(plan: AssessmentPlan) -> dict:
    """A plan as JSON."""
    return {
        "id": plan.id, "title": plan.title, "status": plan.status, "organisation_id": plan.organisation_id,
        "occupation_id": plan.occupation_id, "occupation_code": plan.occupation.code,
        "occupation_name": plan.occupation.name, "variant_name": plan.variant_name, "level_digit": plan.level_digit,
        "registration_deadline": plan.registration_deadline.isoformat(), "venue": plan.venue,
        "fee_yuan": str(plan.fee_yuan), "published_on": plan.published_on and plan.published_on.isoformat(),
        "notice_ends_on": plan.notice_ends_on and plan.notice_ends_on.isoformat(),
        "components": [{"component": c.component, "pass_mark": str(c.pass_mark), "required": c.required,
                        "exam_on": c.exam_on and c.exam_on.isoformat()} for c in plan.components],
    }


def registration_json(reg: Registration) -> dict:
    """A registration with its stored eligibility outcome; ID numbers masked."""
    return {
        "id": reg.id, "plan_id": reg.plan_id, "person_id": reg.person_id, "name": reg.person.name,
        "id_masked": reg.person.id_masked, "source": reg.source, "status": reg.status, "eligible": reg.eligible,
        "route_id": reg.route_id, "route_label": render(reg.route_label, gettext), "ticket_number": reg.ticket_number,
        "failures": [{"route_id": f["route_id"], "route_label": render(failure_label(f), gettext),
                      "reasons": [render(r, gettext) for r in failure_reasons(f)]} for f in reg.failures],
        "carried": [{"component": c.component, "score": str(c.score), "source_plan_id": c.source_plan_id}
                    for c in reg.carried],
    }


def score_json(score: Score, editable: bool) -> dict:
    """A score cell with the version an edit must name."""
    return {"id": score.id, "session_id": score.session_id, "registration_id": score.registration_id,
            "marker_id": score.marker_id, "value": _text(score.value), "absent": score.absent,
            "version": score.version, "editable": editable}


def result_json(result: AssessmentResult) -> dict:
    """A result with its components (no averaging: each required one passed on its own)."""
    return {
        "id": result.id, "registration_id": result.registration_id, "plan_id": result.plan_id,
        "person_id": result.person_id, "name": result.person.name, "passed": result.passed, "status": result.status,
        "ready_for_certificate": result.ready_for_certificate,
        "finalised_at": result.finalised_at and result.finalised_at.isoformat(),
        "components": [{"component": c.component, "score": _text(c.score), "passed": c.passed, "absent": c.absent,
                        "carried": c.carried} for c in result.components],
    }


@bp.get("/plans")
@roles(*STAFF_OR_ADMIN)
@documented("/plans", "get", summary="Assessment plans of the caller's organisation", tag="assessment",
            responses={"200": {"$ref": "#/components/schemas/AssessmentPlanList"}, "403": None})
def plans_index():
    """Plans in scope, newest first."""
    return jsonify({"items": [plan_json(p) for p in list_plans(db.session, actor=current_actor())]})


@bp.post("/plans")
@roles(Role.EVALUATION_STAFF)
@documented("/plans", "post", summary="Plan an assessment (within the filing scope)", tag="assessment",
            request_body=NEW_PLAN,
            responses={"201": {"$ref": "#/components/schemas/AssessmentPlan"}, "403": None, "422": None})
def plans_create():
    """Create a plan; components are copied from the current standard."""
    data = json_body()
    dates = data.get("exam_dates") or {}
    if not isinstance(dates, dict):
        raise ValidationFailed(N_("exam_dates must be an object mapping components to dates."), field="exam_dates")
    plan = create_plan(
        db.session, actor=current_actor(), now=utcnow(), occupation_id=integer(data, "occupation_id", required=True),
        level_digit=integer(data, "level_digit", required=True),
        registration_deadline=day(data, "registration_deadline", required=True),
        venue=text(data, "venue", required=True), fee_yuan=decimal(data, "fee_yuan") or 0,
        variant_name=text(data, "variant_name"), title=text(data, "title"),
        exam_dates={key: day(dates, key) for key in dates},
    )
    db.session.commit()
    return jsonify(plan_json(plan)), 201


@bp.get("/plans/<int:plan_id>")
@roles(*STAFF_OR_ADMIN)
@documented("/plans/{plan_id}", "get", summary="One assessment plan", tag="assessment", parameters=PLAN_ID,
            responses={"200": {"$ref": "#/components/schemas/AssessmentPlan"}, "404": None})
def plans_show(plan_id: int):
    """A plan in scope."""
    return jsonify(plan_json(get_plan(db.session, actor=current_actor(), plan_id=plan_id)))


@bp.get("/plans/<int:plan_id>/registrations")
@roles(*STAFF_OR_ADMIN)
@documented("/plans/{plan_id}/registrations", "get", summary="Registrations with eligibility outcomes",
            tag="assessment", parameters=PLAN_ID,
            responses={"200": {"$ref": "#/components/schemas/AssessmentRegistrationList"}, "404": None})
def registrations_index(plan_id: int):
    """A plan's registrations."""
    regs = list_registrations(db.session, actor=current_actor(), plan_id=plan_id)
    return jsonify({"items": [registration_json(r) for r in regs]})


@bp.post("/plans/<int:plan_id>/registrations")
@roles(Role.EVALUATION_STAFF)
@documented("/plans/{plan_id}/registrations", "post", summary="Register a candidate (eligibility stored)",
            tag="assessment", parameters=PLAN_ID, request_body=NEW_REGISTRATION,
            responses={"201": {"$ref": "#/components/schemas/AssessmentRegistration"}, "404": None, "409": None,
                       "422": None})
def registrations_create(plan_id: int):
    """Register a person in scope (person_id) or by the exact ID number they present."""
    data = json_body()
    reg = register_individual(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id,
                              person_id=integer(data, "person_id"), id_type=text(data, "id_type") or "resident_id",
                              id_number=text(data, "id_number"))
    db.session.commit()
    return jsonify(registration_json(reg)), 201


@bp.get("/sessions/<int:sitting_id>/scores")
@roles(*MARKERS)
@documented("/sessions/{sitting_id}/scores", "get", summary="Score cells of a session with their versions",
            tag="assessment", parameters=path_id("sitting_id"),
            responses={"200": {"$ref": "#/components/schemas/AssessmentScoreSheet"}, "404": None})
def session_scores(sitting_id: int):
    """Every cell of a session visible to the caller (assigned assessors, plan staff)."""
    actor = current_actor()
    sheet = score_sheet(db.session, actor=actor, sitting_id=sitting_id)
    cells = [cell for row in sheet.rows for cell in row.cells]
    # Every cell the caller may enter, not just the one column the web sheet opens.
    return jsonify({"session_id": sheet.sitting.id, "component": sheet.sitting.component, "status": sheet.sitting.status,
                    "items": [score_json(c, can_edit(sheet.sitting, c, actor)) for c in cells]})


@bp.put("/scores/<int:score_id>")
@roles(*MARKERS)
@documented("/scores/{score_id}", "put", summary="Enter, correct or clear a score, or mark the candidate absent "
            "(缺考), from the version you read",
            tag="assessment", request_body=SCORE_EDIT,
            parameters=path_id("score_id"),
            responses={"200": {"$ref": "#/components/schemas/AssessmentScore"}, "403": None, "404": None,
                       "409": None, "422": None})
def score_update(score_id: int):
    """Save a score, mark the candidate absent or clear the cell; 409 when someone changed it since the given
    version, 422 when the sheet is locked or a score and absent are sent together."""
    data = json_body()
    value, absent = data.get("value"), data.get("absent", False)
    if not isinstance(absent, bool):
        raise ValidationFailed(N_("absent must be true or false."), field="absent")
    if absent and value not in (None, ""):
        raise ValidationFailed(N_("A score and absent exclude each other: send either a value or absent true, not "
                                  "both."), field="absent")
    if not absent and "value" not in data:
        raise ValidationFailed(N_("Send a value, absent true, or value null to clear the score."), field="value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
        raise ValidationFailed(N_("value must be a number or a string of digits."), field="value")
    actor = current_actor()
    edit = {"actor": actor, "now": utcnow(), "score_id": score_id,
            "expected_version": integer(data, "version", required=True), "reason": text(data, "reason")}
    if absent:
        score = mark_absent(db.session, **edit)
    elif value is None or value == "":
        score = clear_score(db.session, **edit)
    else:
        score = save_score(db.session, value=str(value), **edit)
    db.session.commit()
    return jsonify(score_json(score, can_edit(score.session, score, actor)))


@bp.get("/plans/<int:plan_id>/results")
@roles(*STAFF_OR_ADMIN)
@documented("/plans/{plan_id}/results", "get", summary="Results by component", tag="assessment",
            parameters=PLAN_ID, responses={"200": {"$ref": "#/components/schemas/AssessmentResultList"}, "404": None})
def results_index(plan_id: int):
    """A plan's results."""
    return jsonify({"items": [result_json(r) for r in list_results(db.session, actor=current_actor(),
                                                                   plan_id=plan_id)]})


@bp.post("/plans/<int:plan_id>/publish")
@roles(Role.EVALUATION_STAFF)
@documented("/plans/{plan_id}/publish", "post", summary="Publish results for the public notice period", tag="assessment",
            parameters=PLAN_ID, responses={"200": {"$ref": "#/components/schemas/AssessmentPlan"}, "404": None,
                                           "422": None})
def plans_publish(plan_id: int):
    """Compute and publish; the response gives the notice end date."""
    plan = publish_results(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id)
    db.session.commit()
    return jsonify(plan_json(plan))


@bp.post("/plans/<int:plan_id>/finalise")
@roles(Role.EVALUATION_STAFF)
@documented("/plans/{plan_id}/finalise", "post", summary="Finalise results after the notice", tag="assessment",
            parameters=PLAN_ID, responses={"200": {"$ref": "#/components/schemas/AssessmentPlan"}, "404": None,
                                           "422": None})
def plans_finalise(plan_id: int):
    """Refused while an objection is open or before the notice ends."""
    plan = finalise_plan(db.session, actor=current_actor(), now=utcnow(), plan_id=plan_id)
    db.session.commit()
    return jsonify(plan_json(plan))
