"""API: job demands (岗位需求) in the caller's scope."""

from __future__ import annotations

from flask import jsonify, request

from app.accounts.roles import ENTERPRISE_READERS as READERS
from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import day, integer, query_choice, text
from app.api.openapi import register_schema
from app.catalog.occupations import find_occupation
from app.clock import local_date
from app.database import utcnow
from app.demand.models import DEMAND_STATUSES, JobDemand
from app.demand.pipeline import demand_pipeline_counts
from app.demand.services import DemandDetails, create_demand, currently_in_shortage, get_demand, list_demands
from app.errors import ValidationFailed
from app.extensions import db
from app.translation import N_
from app.web.access import current_actor, roles

STATUSES = list(DEMAND_STATUSES)

register_schema("JobDemand", {
    "type": "object",
    "required": ["id", "enterprise", "title", "occupation_code", "headcount", "city_code", "wage_min", "wage_max",
                 "valid_until", "status", "is_shortage"],
    "properties": {
        "id": {"type": "integer"},
        "enterprise": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "title": {"type": "string"}, "occupation_code": {"type": "string"}, "occupation_name": {"type": "string"},
        "variant_name": {"type": ["string", "null"]},
        "min_level_digit": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "headcount": {"type": "integer", "minimum": 1}, "city_code": {"type": "string"},
        "wage_min": {"type": "integer"}, "wage_max": {"type": "integer"},
        "requirements": {"type": ["string", "null"]}, "valid_until": {"type": "string", "format": "date"},
        "status": {"enum": STATUSES}, "is_shortage": {"type": "boolean"},
        "shortage_quarter": {"type": ["string", "null"]},
    },
})
register_schema("JobDemandList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/JobDemand"}}}})
register_schema("JobDemandDetail", {"allOf": [{"$ref": "#/components/schemas/JobDemand"}, {
    "type": "object", "required": ["pipeline", "in_shortage_now"], "properties": {
        "in_shortage_now": {"type": "boolean"},
        "pipeline": {"type": "object", "properties": {k: {"type": "integer"}
                                                      for k in ("trained", "completed", "assessed", "placed")}}}}]})
NEW_DEMAND = {
    "type": "object",
    "required": ["title", "occupation_code", "headcount", "city_code", "wage_min", "wage_max", "valid_until"],
    "properties": {
        "enterprise_id": {"type": "integer", "description": "Administrators only: the enterprise recorded for"},
        "title": {"type": "string", "maxLength": 100}, "occupation_code": {"type": "string"},
        "variant_name": {"type": ["string", "null"]}, "min_level_digit": {"type": ["integer", "null"]},
        "headcount": {"type": "integer", "minimum": 1}, "city_code": {"type": "string"},
        "wage_min": {"type": "integer", "minimum": 0}, "wage_max": {"type": "integer", "minimum": 0},
        "valid_until": {"type": "string", "format": "date"}, "requirements": {"type": ["string", "null"]},
    },
}


def demand_json(demand: JobDemand, *, detail: bool = False) -> dict:
    """A demand as JSON; status is what users see (an open demand past its date is expired)."""
    today = local_date(utcnow())
    data = {
        "id": demand.id, "enterprise": {"id": demand.enterprise_id, "name": demand.enterprise.name},
        "title": demand.title, "occupation_code": demand.occupation.code, "occupation_name": demand.occupation.name,
        "variant_name": demand.variant_name, "min_level_digit": demand.min_level_digit, "headcount": demand.headcount,
        "city_code": demand.city_code, "wage_min": demand.wage_min, "wage_max": demand.wage_max,
        "requirements": demand.requirements, "valid_until": demand.valid_until.isoformat(),
        "status": demand.effective_status(today), "is_shortage": demand.is_shortage,
        "shortage_quarter": demand.shortage_quarter,
    }
    if detail:
        data["in_shortage_now"] = currently_in_shortage(db.session, demand=demand, today=today)
        data["pipeline"] = demand_pipeline_counts(db.session, demand.id)
    return data


def occupation_id_for(code: str | None, field: str = "occupation_code") -> int:
    """The id of the latest edition of an occupation code."""
    occupation = find_occupation(db.session, code=(code or "").strip())
    if occupation is None:
        raise ValidationFailed(N_("Occupation code {code} is not in the occupation catalogue.", code=code), field=field)
    return occupation.id


@bp.get("/demands")
@roles(*READERS)
@documented("/demands", "get", summary="Job demands in the caller's scope", tag="demand",
            parameters=[{"name": "status", "in": "query", "required": False, "schema": {"enum": STATUSES}},
                        {"name": "city", "in": "query", "required": False, "schema": {"type": "string"}}],
            responses={"200": {"$ref": "#/components/schemas/JobDemandList"}, "403": None})
def demands_index():
    """Enterprises: their own; institutions: open demands; administrators: all."""
    items = list_demands(db.session, actor=current_actor(), today=local_date(utcnow()),
                         status=query_choice(request.args, "status", STATUSES), city_code=request.args.get("city") or None)
    return jsonify({"items": [demand_json(d) for d in items]})


@bp.post("/demands")
@roles(Role.ENTERPRISE_HR, Role.ADMIN)
@documented("/demands", "post", summary="Record a job demand", tag="demand", request_body=NEW_DEMAND,
            responses={"201": {"$ref": "#/components/schemas/JobDemandDetail"}, "403": None, "422": None})
def demands_create():
    """Record a demand; wording that discriminates or charges applicants is refused (422)."""
    data = json_body()
    details = DemandDetails(
        occupation_id=occupation_id_for(text(data, "occupation_code", required=True)),
        title=text(data, "title", required=True), headcount=integer(data, "headcount", required=True),
        city_code=text(data, "city_code", required=True), wage_min=integer(data, "wage_min", required=True),
        wage_max=integer(data, "wage_max", required=True), valid_until=day(data, "valid_until", required=True),
        variant_name=text(data, "variant_name"), min_level_digit=integer(data, "min_level_digit"),
        requirements=text(data, "requirements"),
    )
    demand = create_demand(db.session, actor=current_actor(), now=utcnow(), details=details,
                           enterprise_id=integer(data, "enterprise_id"))
    db.session.commit()
    return jsonify(demand_json(demand, detail=True)), 201


@bp.get("/demands/<int:demand_id>")
@roles(*READERS)
@documented("/demands/{demand_id}", "get", summary="One job demand with its pipeline counts", tag="demand",
            parameters=path_id("demand_id"),
            responses={"200": {"$ref": "#/components/schemas/JobDemandDetail"}, "403": None, "404": None})
def demands_show(demand_id: int):
    """A demand in scope, with shortage status today and people trained against it."""
    demand = get_demand(db.session, actor=current_actor(), demand_id=demand_id, today=local_date(utcnow()))
    return jsonify(demand_json(demand, detail=True))
