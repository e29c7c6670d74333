"""API: skill master studios and high-skill training bases — registry, records, ledger, overview."""

from __future__ import annotations

from flask import jsonify, request

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import day, decimal, integer, query_choice, text
from app.api.openapi import register_schema
from app.clock import local_date
from app.database import utcnow
from app.extensions import db
from app.studios.ledger import balances, ledger_entries, record_grant, record_spending
from app.studios.models import Studio
from app.studios.overview import department_overview
from app.studios.records import add_apprenticeship, apprentice_progress, link_teaching, record_activity
from app.studios.registry import (
    StudioDetails,
    approve_application,
    confirm_listing,
    create_application,
    submit_application,
)
from app.studios.scope import USERS, get_studio, list_studios
from app.studios.vocabulary import (
    ACTIVITY_KINDS,
    FLOOR_AREA_BANDS,
    FUND_SOURCES,
    KINDS,
    SPEND_CATEGORIES,
    STATUSES,
    TIERS,
    TRADE_COUNT_BANDS,
)
from app.web.access import current_actor, roles

ID_PATH = path_id("studio_id")
_DATE = {"type": "string", "format": "date"}
_DATE_OR_NULL = {"type": ["string", "null"], "format": "date"}

register_schema("Studio", {"type": "object", "required": ["id", "kind", "name", "tier", "status", "host"],
                           "properties": {
    "id": {"type": "integer"}, "kind": {"enum": list(KINDS)}, "name": {"type": "string"},
    "tier": {"enum": list(TIERS)}, "status": {"enum": list(STATUSES)},
    "host": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "leader": {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
    "occupations": {"type": "string"}, "floor_area_band": {"enum": [*FLOOR_AREA_BANDS, None]},
    "trade_count_band": {"enum": [*TRADE_COUNT_BANDS, None]}, "approved_on": _DATE_OR_NULL,
    "notice_ends_on": _DATE_OR_NULL, "cycle_end": _DATE_OR_NULL, "reapply_from": _DATE_OR_NULL}})
register_schema("StudioDetail", {"allOf": [{"$ref": "#/components/schemas/Studio"}, {"type": "object", "properties": {
    "members": {"type": "array", "items": {"type": "object"}},
    "balances": {"type": "array", "items": {"type": "object", "properties": {
        "source": {"enum": list(FUND_SOURCES)}, "granted": {"type": "string"}, "spent": {"type": "string"},
        "balance": {"type": "string"}}}},
    "flagged_spending": {"type": "integer", "description": "spending lines without evidence"},
    "apprentices": {"type": "array", "items": {"type": "object", "properties": {
        "apprentice": {"type": "object"}, "master_id": {"type": "integer"}, "start_on": _DATE, "end_on": _DATE,
        "levels_reached": {"type": "array", "items": {"type": "object"}},
        "certificates": {"type": "array", "items": {"type": "object"}}}}}}}]})
register_schema("StudioList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Studio"}}}})
register_schema("StudioOverview", {"type": "object", "properties": {
    "by_tier": {"type": "array", "items": {"type": "object"}}, "by_city": {"type": "array", "items": {"type": "object"}},
    "by_occupation": {"type": "array", "items": {"type": "object"}}, "apprentices": {"type": "integer"},
    "levels_reached": {"type": "object", "additionalProperties": {"type": "integer"}},
    "granted": {"type": "string"}, "spent": {"type": "string"}, "unevidenced": {"type": "string"},
    "due_for_review": {"type": "array", "items": {"$ref": "#/components/schemas/Studio"}}}})
NEW_STUDIO = {"type": "object", "required": ["kind", "name", "tier", "occupations"], "properties": {
    "kind": {"enum": list(KINDS)}, "name": {"type": "string"}, "tier": {"enum": list(TIERS)},
    "occupations": {"type": "string"}, "leader_id": {"type": "integer"}, "host_org_id": {"type": "integer"},
    "premises": {"type": "string"}, "equipment": {"type": "string"},
    "floor_area_band": {"enum": list(FLOOR_AREA_BANDS)}, "trade_count_band": {"enum": list(TRADE_COUNT_BANDS)}}}
MONEY = {"type": "object", "required": ["source", "amount", "dated_on", "description"], "properties": {
    "source": {"enum": list(FUND_SOURCES)}, "amount": {"type": "string", "description": "yuan, e.g. \"12000.50\""},
    "dated_on": _DATE, "description": {"type": "string"}, "category": {"enum": list(SPEND_CATEGORIES)}}}
APPRENTICE = {"type": "object", "required": ["master_id", "apprentice_id", "start_on", "end_on"], "properties": {
    "master_id": {"type": "integer"}, "apprentice_id": {"type": "integer"}, "start_on": _DATE, "end_on": _DATE,
    "goal": {"type": "string"}}}
ACTIVITY = {"type": "object", "required": ["kind", "title", "dated_on"], "properties": {
    "kind": {"enum": list(ACTIVITY_KINDS)}, "title": {"type": "string"}, "dated_on": _DATE,
    "benefit": {"type": "string"}, "benefit_yuan": {"type": "integer"}, "people_reached": {"type": "integer"}}}
TEACHING = {"type": "object", "required": ["person_id", "class_id"], "properties": {
    "person_id": {"type": "integer"}, "class_id": {"type": "integer"}}}
DETAIL = {"200": {"$ref": "#/components/schemas/StudioDetail"}, "403": None, "404": None, "409": None, "422": None}


def _day(value):
    return value.isoformat() if value else None


def studio_json(s: Studio) -> dict:
    """The registry fields of a studio or base."""
    return {"id": s.id, "kind": s.kind, "name": s.name, "tier": s.tier, "status": s.status,
            "host": {"id": s.host_org_id, "name": s.host.name},
            "leader": {"id": s.leader_id, "name": s.leader.name} if s.leader else None,
            "occupations": s.occupations, "floor_area_band": s.floor_area_band,
            "trade_count_band": s.trade_count_band, "approved_on": _day(s.approved_on),
            "notice_ends_on": _day(s.notice_ends_on), "cycle_end": _day(s.cycle_end),
            "reapply_from": _day(s.reapply_from)}


def studio_detail(s: Studio) -> dict:
    """A studio with its team, balances and apprentices (their awards and certificates read live)."""
    entries = ledger_entries(db.session, s.id)
    return {**studio_json(s),
            "members": [{"person_id": m.person_id, "name": m.person.name, "leader": m.is_leader,
                         "joined_on": m.joined_on.isoformat()} for m in s.members],
            "balances": [{"source": b.source, "granted": str(b.granted), "spent": str(b.spent),
                          "balance": str(b.balance)} for b in balances(entries)],
            "flagged_spending": sum(1 for e in entries if e.flagged),
            "apprentices": [{"apprentice": {"id": p.agreement.apprentice_id, "name": p.agreement.apprentice.name},
                             "master_id": p.agreement.master_id, "start_on": p.agreement.start_on.isoformat(),
                             "end_on": p.agreement.end_on.isoformat(), "status": p.agreement.status,
                             "levels_reached": [{"grade": a.grade_key, "occupation": a.occupation_name,
                                                 "awarded_on": a.awarded_on.isoformat()} for a in p.awards],
                             "certificates": [{"number": n, "occupation": o, "level_digit": d,
                                               "issue_date": i.isoformat()} for n, o, d, i in p.certificates]}
                            for p in apprentice_progress(db.session, s.id)]}


def _detail(studio_id: int):
    return jsonify(studio_detail(get_studio(db.session, actor=current_actor(), studio_id=studio_id)))


@bp.get("/studios")
@roles(*USERS)
@documented("/studios", "get", summary="Studios and bases in the caller's scope", tag="studios",
            parameters=[{"name": "kind", "in": "query", "required": False, "schema": {"enum": list(KINDS)}}],
            responses={"200": {"$ref": "#/components/schemas/StudioList"}, "403": None})
def studios_index():
    """The host's own studios and bases; administrators see all."""
    items = list_studios(db.session, actor=current_actor(), kind=query_choice(request.args, "kind", tuple(KINDS)))
    return jsonify({"items": [studio_json(s) for s in items]})


@bp.post("/studios")
@roles(*USERS)
@documented("/studios", "post", summary="Start an application (draft)", tag="studios", request_body=NEW_STUDIO,
            responses={"201": {"$ref": "#/components/schemas/StudioDetail"}, "403": None, "404": None, "422": None})
def studios_create():
    """A studio needs a leader holding 技师 or above; a base its size bands."""
    data = json_body()
    details = StudioDetails(
        kind=text(data, "kind", required=True), name=text(data, "name", required=True),
        tier=text(data, "tier", required=True), occupations=text(data, "occupations", required=True),
        leader_id=integer(data, "leader_id"), host_org_id=integer(data, "host_org_id"),
        premises=text(data, "premises"), equipment=text(data, "equipment"),
        floor_area_band=text(data, "floor_area_band"), trade_count_band=text(data, "trade_count_band"))
    studio = create_application(db.session, actor=current_actor(), now=utcnow(), details=details)
    db.session.commit()
    return jsonify(studio_detail(studio)), 201


@bp.get("/studios/<int:studio_id>")
@roles(*USERS)
@documented("/studios/{studio_id}", "get", summary="One studio or base with team, balances and apprentices",
            tag="studios", parameters=ID_PATH, responses={"200": {"$ref": "#/components/schemas/StudioDetail"},
                                                          "404": None})
def studios_show(studio_id: int):
    """A studio or base in scope."""
    return _detail(studio_id)


def _step(service, studio_id: int):
    service(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id)
    db.session.commit()
    return _detail(studio_id)


@bp.post("/studios/<int:studio_id>/submit")
@roles(*USERS)
@documented("/studios/{studio_id}/submit", "post", summary="Submit a draft for review", tag="studios",
            parameters=ID_PATH, responses=DETAIL)
def studios_submit(studio_id: int):
    """Refused until every required material is attached (materials are uploaded on the web page)."""
    return _step(submit_application, studio_id)


@bp.post("/studios/<int:studio_id>/approve")
@roles(Role.ADMIN)
@documented("/studios/{studio_id}/approve", "post", summary="Approve; the public notice starts", tag="studios",
            parameters=ID_PATH, responses=DETAIL)
def studios_approve(studio_id: int):
    """The notice lasts five working days (holidays skipped, make-up days counted)."""
    return _step(approve_application, studio_id)


@bp.post("/studios/<int:studio_id>/list")
@roles(Role.ADMIN)
@documented("/studios/{studio_id}/list", "post", summary="List after the public notice", tag="studios",
            parameters=ID_PATH, responses=DETAIL)
def studios_list(studio_id: int):
    """Refused while the notice still runs."""
    return _step(confirm_listing, studio_id)


@bp.post("/studios/<int:studio_id>/ledger")
@roles(*USERS)
@documented("/studios/{studio_id}/ledger", "post", summary="Record a grant, or spending when a category is given",
            tag="studios", parameters=ID_PATH, request_body=MONEY, responses=DETAIL)
def studios_ledger(studio_id: int):
    """Spending may not exceed the source's balance; spending recorded here has no evidence yet and is flagged
    until a file is attached on the web page."""
    data = json_body()
    values = {"source": text(data, "source", required=True), "amount": decimal(data, "amount", required=True),
              "dated_on": day(data, "dated_on", required=True),
              "description": text(data, "description", required=True)}
    category = text(data, "category")
    if category is None:
        record_grant(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id, **values)
    else:
        record_spending(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id, category=category,
                        **values)
    db.session.commit()
    return _detail(studio_id)


@bp.post("/studios/<int:studio_id>/apprentices")
@roles(*USERS)
@documented("/studios/{studio_id}/apprentices", "post", summary="Record a master–apprentice agreement",
            tag="studios", parameters=ID_PATH, request_body=APPRENTICE, responses=DETAIL)
def studios_apprentice(studio_id: int):
    """The master is a team member; the apprentice a person in the caller's scope."""
    data = json_body()
    add_apprenticeship(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id,
                       master_id=integer(data, "master_id", required=True),
                       apprentice_id=integer(data, "apprentice_id", required=True),
                       start_on=day(data, "start_on", required=True), end_on=day(data, "end_on", required=True),
                       goal=text(data, "goal"))
    db.session.commit()
    return _detail(studio_id)


@bp.post("/studios/<int:studio_id>/activities")
@roles(*USERS)
@documented("/studios/{studio_id}/activities", "post", summary="Record a problem solved, exchange or service",
            tag="studios", parameters=ID_PATH, request_body=ACTIVITY, responses=DETAIL)
def studios_activity(studio_id: int):
    """A solved problem needs its benefit."""
    data = json_body()
    record_activity(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id,
                    kind=text(data, "kind", required=True), title=text(data, "title", required=True),
                    dated_on=day(data, "dated_on", required=True), benefit=text(data, "benefit"),
                    benefit_yuan=integer(data, "benefit_yuan"), people_reached=integer(data, "people_reached"))
    db.session.commit()
    return _detail(studio_id)


@bp.post("/studios/<int:studio_id>/teaching")
@roles(*USERS)
@documented("/studios/{studio_id}/teaching", "post", summary="Count a member's class sessions as teaching hours",
            tag="studios", parameters=ID_PATH, request_body=TEACHING, responses=DETAIL)
def studios_teaching(studio_id: int):
    """The class's sessions timetabled with the member as the teacher are linked."""
    data = json_body()
    link_teaching(db.session, actor=current_actor(), now=utcnow(), studio_id=studio_id,
                  person_id=integer(data, "person_id", required=True), class_id=integer(data, "class_id",
                                                                                       required=True))
    db.session.commit()
    return _detail(studio_id)


@bp.get("/studios/overview")
@roles(Role.ADMIN)
@documented("/studios/overview", "get", summary="Department overview of studios and bases", tag="studios",
            responses={"200": {"$ref": "#/components/schemas/StudioOverview"}, "403": None})
def studios_overview():
    """Counts by tier, city and occupation; apprentices and levels; money; studios due for review."""
    o = department_overview(db.session, actor=current_actor(), today=local_date(utcnow()))
    return jsonify({"by_tier": [{"kind": k, "tier": t, "count": n} for k, t, n in o.by_tier],
                    "by_city": [{"city_code": c, "count": n} for c, n in o.by_city],
                    "by_occupation": [{"occupation": name, "count": n} for name, n in o.by_occupation],
                    "apprentices": o.apprentices, "levels_reached": dict(o.levels_reached),
                    "granted": str(o.granted), "spent": str(o.spent), "unevidenced": str(o.unevidenced),
                    "due_for_review": [studio_json(s) for s in o.due]})

