"""API: seasonal demand, schedule runs, contracts and hours, the peak forecast, shared-employment agreements."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import day, decimal, integer, text
from app.api.openapi import register_schema
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.labour.contracts import get_contract, record_hours
from app.labour.forecast import county_forecast
from app.labour.models import LabourDemand, ScheduleRun, SeasonalContract
from app.labour.notices import sms_backend
from app.labour.runs import create_run, get_run, publish_run
from app.labour.seasonal import CurvePoint, DemandDetails, get_demand, list_demands, post_demand
from app.labour.sharing import AgreementTerms, LentWorker, create_agreement
from app.labour.vocabulary import CONFIRM_METHODS, HALVES, PAY_KINDS, RUN_STATUSES, TASKS
from app.tasks import start_schedule_run
from app.translation import N_
from app.web.access import current_actor, roles

USERS = (Role.ADMIN, Role.ENTERPRISE_HR)
DATE = {"type": "string", "format": "date"}

register_schema("LabourDemand", {"type": "object", "required": ["id", "enterprise_id", "task", "curve"], "properties": {
    "id": {"type": "integer"}, "enterprise_id": {"type": "integer"}, "title": {"type": "string"},
    "task": {"enum": list(TASKS)}, "city_code": {"type": "string"}, "county": {"type": "string"},
    "township": {"type": "string"}, "pay_kind": {"enum": list(PAY_KINDS)}, "pay_rate": {"type": "string"},
    "hours_per_half_day": {"type": "integer"}, "required_certificate": {"type": ["string", "null"]},
    "status": {"type": "string"},
    "curve": {"type": "array", "items": {"type": "object", "properties": {
        "day": DATE, "half": {"enum": list(HALVES)}, "headcount": {"type": "integer"}}}}}})
register_schema("LabourDemandList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/LabourDemand"}}}})
register_schema("ScheduleRun", {"type": "object", "required": ["id", "status", "progress"], "properties": {
    "id": {"type": "integer"}, "city_code": {"type": "string"}, "county": {"type": "string"},
    "start_date": DATE, "end_date": DATE, "status": {"enum": list(RUN_STATUSES)},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100}, "time_limit_seconds": {"type": "integer"},
    "demanded": {"type": "integer"}, "covered": {"type": "integer"}, "kept": {"type": "integer"},
    "unmet": {"type": "array", "items": {"type": "object", "properties": {
        "slot_id": {"type": "integer"}, "day": DATE, "half": {"type": "string"}, "task": {"type": "string"},
        "missing": {"type": "integer"}, "reason": {"type": "string"}}}},
    "error": {"type": ["string", "null"]}}})
register_schema("SeasonalContract", {"type": "object", "required": ["id", "status"], "properties": {
    "id": {"type": "integer"}, "demand_id": {"type": "integer"}, "worker": {"type": "string"},
    "start_date": DATE, "end_date": DATE, "half_days": {"type": "integer"}, "status": {"type": "string"},
    "employer_confirmed_at": {"type": ["string", "null"]}, "worker_confirmed_at": {"type": ["string", "null"]},
    "worker_method": {"type": ["string", "null"]},
    "hours": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "day": DATE, "hours": {"type": "string"}, "pieces": {"type": ["integer", "null"]},
        "worker_confirmed": {"type": "boolean"}}}},
    "payments": {"type": "array", "items": {"type": "object", "properties": {
        "paid_on": DATE, "amount": {"type": "string"}, "due": {"type": "string"}, "difference": {"type": "string"},
        "flagged": {"type": "boolean"}}}}}})
register_schema("PeakForecast", {"type": "object", "required": ["weeks"], "properties": {
    "ratio": {"type": "number"}, "seasons": {"type": "integer"},
    "weeks": {"type": "array", "items": {"type": "object", "properties": {
        "week_start": DATE, "past": {"type": "number"}, "posted": {"type": "integer"},
        "forecast": {"type": "integer"}, "available": {"type": "integer"}}}}}})
register_schema("SharedAgreement", {"type": "object", "required": ["id", "charge", "cost"], "properties": {
    "id": {"type": "integer"}, "lender_id": {"type": "integer"}, "borrower_id": {"type": "integer"},
    "start_date": DATE, "end_date": DATE, "charge": {"type": "string"}, "cost": {"type": "string"},
    "workers": {"type": "array", "items": {"type": "integer"}}}})

NEW_DEMAND = {"type": "object", "required": ["title", "task", "city_code", "county", "township", "pay_kind",
                                             "pay_rate", "curve"], "properties": {
    "enterprise_id": {"type": "integer"}, "title": {"type": "string"}, "task": {"enum": list(TASKS)},
    "city_code": {"type": "string"}, "county": {"type": "string"}, "township": {"type": "string"},
    "pay_kind": {"enum": list(PAY_KINDS)}, "pay_rate": {"type": "string"},
    "hours_per_half_day": {"type": "integer"}, "required_certificate": {"type": "string"},
    "curve": {"type": "array", "maxItems": 800, "items": {"type": "object", "required": ["day", "half", "headcount"],
                                                          "properties": {"day": DATE, "half": {"enum": list(HALVES)},
                                                                         "headcount": {"type": "integer"}}}}}}
NEW_RUN = {"type": "object", "required": ["city_code", "county", "start_date", "end_date"], "properties": {
    "city_code": {"type": "string"}, "county": {"type": "string"}, "start_date": DATE, "end_date": DATE,
    "time_limit_seconds": {"type": "integer", "minimum": 1, "maximum": 600}}}
NEW_HOURS = {"type": "object", "required": ["day", "hours"], "properties": {
    "day": DATE, "hours": {"type": "string"}, "pieces": {"type": "integer"}}}
NEW_AGREEMENT = {"type": "object", "required": ["lender_id", "borrower_id", "start_date", "end_date",
                                                "weekly_hours_cap", "safety_duties", "charge", "workers"],
                 "properties": {
    "lender_id": {"type": "integer"}, "borrower_id": {"type": "integer"}, "start_date": DATE, "end_date": DATE,
    "weekly_hours_cap": {"type": "integer"}, "safety_duties": {"type": "string"}, "charge": {"type": "string"},
    "lender_pays_wages": {"type": "boolean"},
    "workers": {"type": "array", "maxItems": 200, "items": {"type": "object", "required": [
        "person_id", "monthly_wage", "monthly_social_insurance", "consented_on", "consent_method"], "properties": {
        "person_id": {"type": "integer"}, "monthly_wage": {"type": "string"},
        "monthly_social_insurance": {"type": "string"}, "consented_on": DATE,
        "consent_method": {"enum": list(CONFIRM_METHODS)}}}}}}


def demand_json(d: LabourDemand) -> dict:
    """A demand with its curve."""
    return {"id": d.id, "enterprise_id": d.enterprise_id, "title": d.title, "task": d.task, "city_code": d.city_code,
            "county": d.county, "township": d.township, "pay_kind": d.pay_kind, "pay_rate": f"{d.pay_rate:.2f}",
            "hours_per_half_day": d.hours_per_half_day, "required_certificate": d.required_certificate,
            "status": d.status,
            "curve": [{"day": s.day.isoformat(), "half": s.half, "headcount": s.headcount} for s in d.slots]}


def run_json(r: ScheduleRun) -> dict:
    """A run's status, figures and unmet demand."""
    return {"id": r.id, "city_code": r.city_code, "county": r.county, "start_date": r.start_date.isoformat(),
            "end_date": r.end_date.isoformat(), "status": r.status, "progress": r.progress_at(utcnow()),
            "time_limit_seconds": r.time_limit_seconds, "demanded": r.demanded, "covered": r.covered,
            "kept": r.kept, "unmet": r.unmet, "error": str(r.error) if r.error else None}


def contract_json(c: SeasonalContract) -> dict:
    """A contract with its hours and payments."""
    return {"id": c.id, "demand_id": c.demand_id, "worker": c.worker.person.name,
            "start_date": c.start_date.isoformat(), "end_date": c.end_date.isoformat(), "half_days": c.half_days,
            "status": c.status, "employer_confirmed_at": c.employer_confirmed_at.isoformat()
            if c.employer_confirmed_at else None,
            "worker_confirmed_at": c.worker_confirmed_at.isoformat() if c.worker_confirmed_at else None,
            "worker_method": c.worker_method,
            "hours": [{"id": h.id, "day": h.day.isoformat(), "hours": str(h.hours), "pieces": h.pieces,
                       "worker_confirmed": h.worker_confirmed_at is not None} for h in c.work_logs],
            "payments": [{"paid_on": p.paid_on.isoformat(), "amount": str(p.amount), "due": str(p.due),
                          "difference": str(p.difference), "flagged": p.flagged} for p in c.payments]}


def _or_default(value: int | None, default: int) -> int:
    return default if value is None else value


def _list(data: dict, key: str) -> list[dict]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value) or len(value) > 800:
        raise ValidationFailed(N_("{field} must be a list of objects.", field=key), field=key)
    return value


@bp.get("/labour/demands")
@roles(*USERS)
@documented("/labour/demands", "get", summary="Seasonal demand in the caller's scope", tag="labour",
            responses={"200": {"$ref": "#/components/schemas/LabourDemandList"}, "403": None})
def labour_demands():
    """An enterprise's own demand; administrators see all."""
    return jsonify({"items": [demand_json(d) for d in list_demands(db.session, actor=current_actor())]})


@bp.post("/labour/demands")
@roles(*USERS)
@documented("/labour/demands", "post", summary="Post seasonal demand as a curve of headcounts per half-day",
            tag="labour", request_body=NEW_DEMAND,
            responses={"201": {"$ref": "#/components/schemas/LabourDemand"}, "403": None, "422": None})
def labour_demands_create():
    """Post a demand curve."""
    data = json_body()
    curve = [CurvePoint(day(p, "day", required=True), text(p, "half", required=True) or "",
                        integer(p, "headcount", required=True) or 0) for p in _list(data, "curve")]
    details = DemandDetails(
        title=text(data, "title", required=True) or "", task=text(data, "task", required=True) or "",
        city_code=text(data, "city_code", required=True) or "", county=text(data, "county", required=True) or "",
        township=text(data, "township", required=True) or "", pay_kind=text(data, "pay_kind", required=True) or "",
        pay_rate=text(data, "pay_rate", required=True) or "", curve=curve,
        hours_per_half_day=_or_default(integer(data, "hours_per_half_day"), 4),
        required_certificate=text(data, "required_certificate"), enterprise_id=integer(data, "enterprise_id"))
    demand = post_demand(db.session, actor=current_actor(), now=utcnow(), details=details)
    db.session.commit()
    return jsonify(demand_json(demand)), 201


@bp.get("/labour/demands/<int:demand_id>")
@roles(*USERS)
@documented("/labour/demands/{demand_id}", "get", summary="One seasonal demand", tag="labour",
            parameters=path_id("demand_id"), responses={"200": {"$ref": "#/components/schemas/LabourDemand"},
                                                        "404": None})
def labour_demand(demand_id: int):
    """A demand in scope."""
    return jsonify(demand_json(get_demand(db.session, actor=current_actor(), demand_id=demand_id)))


@bp.post("/labour/runs")
@roles(Role.ADMIN)
@documented("/labour/runs", "post", summary="Queue a solve of a county's schedule", tag="labour",
            request_body=NEW_RUN, responses={"202": {"$ref": "#/components/schemas/ScheduleRun"}, "403": None,
                                             "409": None, "422": None})
def labour_runs_create():
    """The solve runs on the task queue; poll the run for its progress."""
    data = json_body()
    run = create_run(db.session, actor=current_actor(), now=utcnow(), city_code=text(data, "city_code", required=True),
                     county=text(data, "county", required=True) or "", start_date=day(data, "start_date", required=True),
                     end_date=day(data, "end_date", required=True),
                     time_limit_seconds=_or_default(integer(data, "time_limit_seconds"), 30))
    run_id = run.id
    db.session.commit()
    start_schedule_run(current_app._get_current_object(), run_id)
    return jsonify(run_json(get_run(db.session, actor=current_actor(), run_id=run_id))), 202


@bp.get("/labour/runs/<int:run_id>")
@roles(Role.ADMIN)
@documented("/labour/runs/{run_id}", "get", summary="A schedule run: progress, coverage and unmet demand",
            tag="labour", parameters=path_id("run_id"),
            responses={"200": {"$ref": "#/components/schemas/ScheduleRun"}, "403": None, "404": None})
def labour_run(run_id: int):
    """Progress runs against the time limit; unmet demand carries its reason."""
    return jsonify(run_json(get_run(db.session, actor=current_actor(), run_id=run_id)))


@bp.post("/labour/runs/<int:run_id>/publish")
@roles(Role.ADMIN)
@documented("/labour/runs/{run_id}/publish", "post", summary="Publish a solved schedule", tag="labour",
            parameters=path_id("run_id"), responses={"200": {"$ref": "#/components/schemas/ScheduleRun"},
                                                     "403": None, "404": None, "409": None, "422": None})
def labour_run_publish(run_id: int):
    """Workers are notified (record and SMS) and contracts drafted."""
    publish_run(db.session, actor=current_actor(), now=utcnow(), run_id=run_id,
                sms=sms_backend(current_app.config.get("SMS_BACKEND", "console")))
    db.session.commit()
    return jsonify(run_json(get_run(db.session, actor=current_actor(), run_id=run_id)))


@bp.get("/labour/contracts/<int:contract_id>")
@roles(*USERS)
@documented("/labour/contracts/{contract_id}", "get", summary="A seasonal contract with hours and payments",
            tag="labour", parameters=path_id("contract_id"),
            responses={"200": {"$ref": "#/components/schemas/SeasonalContract"}, "404": None})
def labour_contract(contract_id: int):
    """A contract in scope."""
    return jsonify(contract_json(get_contract(db.session, actor=current_actor(), contract_id=contract_id)))


@bp.post("/labour/contracts/<int:contract_id>/hours")
@roles(Role.ENTERPRISE_HR)
@documented("/labour/contracts/{contract_id}/hours", "post", summary="Record a day's hours (the employer)",
            tag="labour", parameters=path_id("contract_id"), request_body=NEW_HOURS,
            responses={"201": {"$ref": "#/components/schemas/SeasonalContract"}, "403": None, "404": None,
                       "409": None, "422": None})
def labour_contract_hours(contract_id: int):
    """The worker confirms them before staff afterwards."""
    data = json_body()
    record_hours(db.session, actor=current_actor(), now=utcnow(), contract_id=contract_id,
                 day=day(data, "day", required=True), hours=decimal(data, "hours", required=True),
                 pieces=integer(data, "pieces"))
    db.session.commit()
    return jsonify(contract_json(get_contract(db.session, actor=current_actor(), contract_id=contract_id))), 201


@bp.get("/labour/forecast")
@roles(*USERS)
@documented("/labour/forecast", "get", summary="A county's weekly peak forecast and labour available",
            tag="labour", parameters=[
                {"name": "city_code", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "county", "in": "query", "required": True, "schema": {"type": "string"}},
                {"name": "start", "in": "query", "required": True, "schema": DATE},
                {"name": "end", "in": "query", "required": True, "schema": DATE}],
            responses={"200": {"$ref": "#/components/schemas/PeakForecast"}, "422": None})
def labour_forecast():
    """Same weeks of past seasons scaled by what is posted; available worker half-days with cover."""
    args = dict(request.args)
    result = county_forecast(db.session, city_code=text(args, "city_code", required=True) or "",
                             county=text(args, "county", required=True) or "",
                             start=day(args, "start", required=True), end=day(args, "end", required=True))
    return jsonify({"ratio": result.ratio, "seasons": result.seasons, "weeks": [
        {"week_start": w.week_start.isoformat(), "past": w.past, "posted": w.posted, "forecast": w.forecast,
         "available": w.available} for w in result.weeks]})


@bp.post("/labour/shared/agreements")
@roles(*USERS)
@documented("/labour/shared/agreements", "post", summary="Record a shared-employment agreement (at cost only)",
            tag="labour", request_body=NEW_AGREEMENT,
            responses={"201": {"$ref": "#/components/schemas/SharedAgreement"}, "403": None, "404": None,
                       "422": None})
def labour_agreements_create():
    """A charge above the workers' wages and social insurance is refused as lending for profit (422)."""
    data = json_body()
    workers = [LentWorker(integer(w, "person_id", required=True) or 0, text(w, "monthly_wage", required=True) or "",
                          text(w, "monthly_social_insurance", required=True) or "", day(w, "consented_on"),
                          text(w, "consent_method")) for w in _list(data, "workers")]
    lender_pays = data.get("lender_pays_wages", True)
    agreement = create_agreement(db.session, actor=current_actor(), now=utcnow(), terms=AgreementTerms(
        lender_id=integer(data, "lender_id", required=True) or 0,
        borrower_id=integer(data, "borrower_id", required=True) or 0,
        start_date=day(data, "start_date", required=True), end_date=day(data, "end_date", required=True),
        weekly_hours_cap=integer(data, "weekly_hours_cap", required=True) or 0,
        safety_duties=text(data, "safety_duties", required=True) or "", charge=text(data, "charge", required=True) or "",
        workers=workers, lender_pays_wages=lender_pays is True))
    db.session.commit()
    return jsonify({"id": agreement.id, "lender_id": agreement.lender_id, "borrower_id": agreement.borrower_id,
                    "start_date": agreement.start_date.isoformat(), "end_date": agreement.end_date.isoformat(),
                    "charge": str(agreement.charge), "cost": str(agreement.cost),
                    "workers": [w.person_id for w in agreement.workers]}), 201
