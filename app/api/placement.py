"""API: placements, follow-ups and the report figures (funnel, class employment, ladder)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import day, integer, query_choice, query_integer, text
from app.api.openapi import register_schema
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.placement.followups import due_follow_ups, record_follow_up
from app.placement.models import Placement
from app.placement.placements import PlacementDetails, list_placements, record_placement
from app.placement.scope import get_placement
from app.reporting.employment import check_window, parse_tiers
from app.reporting.facts import class_employment_from_facts, report_for
from app.reporting.funnel import FunnelFilters, check_filters, scoped_filters
from app.reporting.ladder import DIMENSIONS, ladder, movement
from app.reporting.periods import recent_quarters
from app.web.access import current_actor, roles
from app.web.reporting.freshness import fresh_funnel_facts

USERS = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF)
ID_PATH = path_id("placement_id")

register_schema("FollowUp", {"type": "object", "required": ["months", "due_on", "outcome"], "properties": {
    "months": {"enum": [3, 6, 12]}, "due_on": {"type": "string", "format": "date"},
    "outcome": {"enum": ["retained", "left", "unknown", None]},
    "checked_on": {"type": ["string", "null"], "format": "date"}}})
register_schema("Placement", {"type": "object", "required": ["id", "person", "enterprise", "start_date", "status"],
                              "properties": {
    "id": {"type": "integer"},
    "person": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                "id_masked": {"type": "string"}}},
    "enterprise": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "demand_id": {"type": ["integer", "null"]}, "job_title": {"type": "string"},
    "start_date": {"type": "string", "format": "date"}, "contract_months": {"type": "integer"},
    "monthly_wage": {"type": "integer"}, "status": {"enum": ["active", "left", "cancelled"]},
    "registration_due_on": {"type": "string", "format": "date"}, "registered": {"type": "boolean"},
    "evidence": {"type": "array", "items": {"type": "object"}},
    "follow_ups": {"type": "array", "items": {"$ref": "#/components/schemas/FollowUp"}}}})
register_schema("PlacementList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Placement"}}}})
register_schema("FollowUpDueList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"type": "object", "required": [
        "placement_id", "person", "enterprise", "months", "due_on", "overdue"], "properties": {
        "placement_id": {"type": "integer"}, "person": {"type": "string"}, "enterprise": {"type": "string"},
        "months": {"enum": [3, 6, 12]}, "due_on": {"type": "string", "format": "date"},
        "overdue": {"type": "boolean"}}}}}})
_GRADE_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
register_schema("LadderReport", {"type": "object", "required": ["by", "rows", "movement"], "properties": {
    "by": {"type": "string"},
    "rows": {"type": "array", "items": {"type": "object", "required": ["key", "label", "counts", "total"],
                                        "properties": {"key": {"type": "string"}, "label": {"type": "string"},
                                                       "counts": _GRADE_COUNTS, "total": {"type": "integer"}}}},
    "movement": {"type": "object", "description": "quarter → grade key → new awards",
                 "additionalProperties": _GRADE_COUNTS}}})
register_schema("FunnelReport", {"type": "object", "required": ["steps", "classes", "figures_as_of"], "properties": {
    "filters": {"type": "object"}, "window_months": {"enum": [2, 6]},
    "figures_as_of": {"type": "string", "format": "date-time",
                      "description": "when the precomputed funnel steps and class figures were last rebuilt "
                                     "(the demand step is always current)"},
    "steps": {"type": "array", "items": {"type": "object", "properties": {
        "key": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"},
        "conversion": {"type": ["number", "null"]}}}},
    "classes": {"type": "array", "items": {"type": "object"}}}})
NEW_PLACEMENT = {"type": "object", "required": ["person_id", "start_date", "contract_months", "monthly_wage"],
                 "properties": {"person_id": {"type": "integer"}, "enterprise_id": {"type": "integer"},
                                "demand_id": {"type": ["integer", "null"]}, "job_title": {"type": "string"},
                                "start_date": {"type": "string", "format": "date"},
                                "contract_months": {"type": "integer"}, "monthly_wage": {"type": "integer"},
                                "note": {"type": "string"}}}
FOLLOW_UP = {"type": "object", "required": ["months", "outcome", "checked_on"], "properties": {
    "months": {"enum": [3, 6, 12]}, "outcome": {"enum": ["retained", "left", "unknown"]},
    "checked_on": {"type": "string", "format": "date"},
    "evidence_kind": {"enum": ["labour_contract", "social_insurance", "wage_record"]},
    "reference": {"type": "string"}, "note": {"type": "string"}}}
FILTERS = [{"name": n, "in": "query", "required": False, "schema": {"type": t}} for n, t in (
    ("quarter", "string"), ("city", "string"), ("occupation_id", "integer"), ("institution_id", "integer"),
    ("project_id", "integer"), ("window", "integer"))]


def placement_json(p: Placement) -> dict:
    """A placement with its evidence and follow-ups."""
    return {
        "id": p.id, "person": {"id": p.person_id, "name": p.person.name, "id_masked": p.person.id_masked},
        "enterprise": {"id": p.enterprise_id, "name": p.enterprise.name}, "demand_id": p.demand_id,
        "job_title": p.job_title, "start_date": p.start_date.isoformat(), "contract_months": p.contract_months,
        "monthly_wage": p.monthly_wage, "status": p.status, "registration_due_on": p.registration_due_on.isoformat(),
        "registered": "employment_registration" in p.evidence_kinds,
        "evidence": [{"kind": e.kind, "reference": e.reference, "dated_on": e.dated_on.isoformat(),
                      "has_file": bool(e.file_path)} for e in p.evidence],
        "follow_ups": [{"months": f.months, "due_on": f.due_on.isoformat(), "outcome": f.outcome,
                        "checked_on": f.checked_on.isoformat() if f.checked_on else None} for f in p.follow_ups],
    }


@bp.get("/placements")
@roles(*USERS)
@documented("/placements", "get", summary="Placements in the caller's scope", tag="placement",
            parameters=[{"name": "status", "in": "query", "required": False,
                         "schema": {"enum": ["active", "left", "cancelled"]}}],
            responses={"200": {"$ref": "#/components/schemas/PlacementList"}, "403": None})
def placements_index():
    """Enterprises: their hires; institutions: their trainees'; administrators: all."""
    items = list_placements(db.session, actor=current_actor(), status=query_choice(request.args, "status", ("active", "left", "cancelled")))
    return jsonify({"items": [placement_json(p) for p in items]})


@bp.post("/placements")
@roles(*USERS)
@documented("/placements", "post", summary="Record a start of work", tag="placement", request_body=NEW_PLACEMENT,
            responses={"201": {"$ref": "#/components/schemas/Placement"}, "403": None, "404": None, "409": None,
                       "422": None})
def placements_create():
    """Record a placement; reaching a demand's headcount marks it filled."""
    data = json_body()
    details = PlacementDetails(
        person_id=integer(data, "person_id", required=True), start_date=day(data, "start_date", required=True),
        contract_months=integer(data, "contract_months", required=True),
        monthly_wage=integer(data, "monthly_wage", required=True), enterprise_id=integer(data, "enterprise_id"),
        demand_id=integer(data, "demand_id"), job_title=text(data, "job_title"), note=text(data, "note"))
    placement = record_placement(db.session, actor=current_actor(), now=utcnow(), details=details)
    db.session.commit()
    return jsonify(placement_json(placement)), 201


@bp.get("/placements/<int:placement_id>")
@roles(*USERS)
@documented("/placements/{placement_id}", "get", summary="One placement", tag="placement", parameters=ID_PATH,
            responses={"200": {"$ref": "#/components/schemas/Placement"}, "404": None})
def placements_show(placement_id: int):
    """A placement in scope."""
    return jsonify(placement_json(get_placement(db.session, actor=current_actor(), placement_id=placement_id)))


@bp.post("/placements/<int:placement_id>/follow-ups")
@roles(*USERS)
@documented("/placements/{placement_id}/follow-ups", "post", summary="Record a follow-up outcome", tag="placement",
            parameters=ID_PATH, request_body=FOLLOW_UP,
            responses={"200": {"$ref": "#/components/schemas/Placement"}, "403": None, "404": None, "422": None})
def placements_follow_up(placement_id: int):
    """Retained needs a social-insurance, wage or contract reference; left ends the placement."""
    data = json_body()
    record_follow_up(db.session, actor=current_actor(), now=utcnow(), placement_id=placement_id,
                     months=integer(data, "months", required=True), outcome=text(data, "outcome", required=True),
                     checked_on=day(data, "checked_on", required=True), evidence_kind=text(data, "evidence_kind"),
                     reference=text(data, "reference"), note=text(data, "note"))
    db.session.commit()
    return jsonify(placement_json(get_placement(db.session, actor=current_actor(), placement_id=placement_id)))


@bp.get("/follow-ups/due")
@roles(*USERS)
@documented("/follow-ups/due", "get", summary="Follow-ups due within 30 days or overdue", tag="placement",
            responses={"200": {"$ref": "#/components/schemas/FollowUpDueList"}, "403": None})
def follow_ups_due():
    """Due list of the caller's scope, overdue first."""
    due = due_follow_ups(db.session, actor=current_actor(), today=local_date(utcnow()))
    return jsonify({"items": [{"placement_id": d.placement.id, "person": d.placement.person.name,
                               "enterprise": d.placement.enterprise.name, "months": d.follow_up.months,
                               "due_on": d.follow_up.due_on.isoformat(), "overdue": d.overdue} for d in due]})


@bp.get("/reports/funnel")
@roles(Role.ADMIN, Role.INSTITUTION_STAFF)
@documented("/reports/funnel", "get", summary="Funnel figures and per-class employment with subsidy tier",
            tag="reports", parameters=FILTERS, responses={"200": {"$ref": "#/components/schemas/FunnelReport"},
                                                          "403": None, "422": None})
def report_funnel():
    """The funnel steps with conversions, and each class's employment rate within the window."""
    args, actor = request.args, current_actor()
    filters = FunnelFilters(quarter=args.get("quarter") or None, city_code=args.get("city") or None,
                            occupation_id=query_integer(args, "occupation_id", minimum=1),
                            institution_id=query_integer(args, "institution_id", minimum=1),
                            project_id=query_integer(args, "project_id", minimum=1))
    window = query_integer(args, "window", minimum=1, maximum=24) or current_app.config["EMPLOYMENT_WINDOW_MONTHS"]
    check_filters(filters)
    check_window(window)
    as_of = fresh_funnel_facts()
    steps = report_for(db.session, actor=actor, filters=filters)
    classes = class_employment_from_facts(
        db.session, scoped_filters(actor, filters), window_months=window, today=local_date(utcnow()),
        tiers=parse_tiers(current_app.config["EMPLOYMENT_SUBSIDY_TIERS"]))
    return jsonify({
        "filters": {k: v for k, v in vars(scoped_filters(actor, filters)).items() if v is not None},
        "window_months": window,
        "figures_as_of": as_of.isoformat(),
        "steps": [{"key": s.key, "label": s.label, "count": s.count, "conversion": s.conversion} for s in steps],
        "classes": [{"class_id": c.class_id, "class": c.class_name, "project": c.project_name,
                     "institution": c.institution_name, "window_ends": c.window_ends.isoformat(),
                     "started": c.started, "employed": c.employed, "rate": c.rate, "tier_percent": c.tier_percent,
                     "window_open": c.window_open} for c in classes]})


@bp.get("/reports/ladder")
@roles(Role.ADMIN, Role.ENTERPRISE_HR)
@documented("/reports/ladder", "get", summary="Workers at each grade and new awards per quarter", tag="reports",
            parameters=[{"name": "by", "in": "query", "required": False, "schema": {"enum": list(DIMENSIONS)}}],
            responses={"200": {"$ref": "#/components/schemas/LadderReport"}, "403": None})
def report_ladder():
    """Counts at the eight grades by occupation, enterprise or city; movement over the last five quarters."""
    actor, today = current_actor(), local_date(utcnow())
    by = query_choice(request.args, "by", tuple(DIMENSIONS)) or "occupation"
    rows = ladder(db.session, actor=actor, by=by, as_of=today)
    return jsonify({"by": by, "rows": [{"key": r.key, "label": r.label, "counts": r.counts, "total": r.total}
                                       for r in rows],
                    "movement": movement(db.session, actor=actor, quarters=recent_quarters(today, 5))})
