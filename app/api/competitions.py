"""API: competitions and events, entering competitors, a judge's own marking sheet, results."""

from __future__ import annotations

from flask import jsonify

from app.accounts.roles import Role
from app.api import bp, documented, json_body, path_id
from app.api.fields import integer, text
from app.api.openapi import register_schema
from app.competitions.entries import enter_competitor, entries_for
from app.competitions.events import get_event, list_competitions
from app.competitions.marking import CellInput, judge_sheet, save_sheet
from app.competitions.models import CompetitionEvent, Entry
from app.competitions.results import results_of
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.translation import N_
from app.web.access import authenticated, current_actor, roles

STAFF = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF, Role.ASSESSOR)
ENTERING = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF)
EVENT_PATH = path_id("event_id")
STATUSES = ["preparing", "marking", "signed_off", "published", "final"]

register_schema("CompetitionEvent", {"type": "object", "required": ["id", "name", "status", "track"], "properties": {
    "id": {"type": "integer"}, "competition_id": {"type": "integer"}, "name": {"type": "string"},
    "occupation_code": {"type": "string"}, "band": {"type": "array", "items": {"type": "integer"}},
    "track": {"enum": ["worker", "student"]}, "mode": {"enum": ["individual", "team"]},
    "status": {"enum": STATUSES}, "notice_ends_on": {"type": ["string", "null"], "format": "date"},
    "sections": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "weight": {"type": "string"},
        "aspects": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
            "kind": {"enum": ["measurement", "judgement"]}, "max_mark": {"type": "string"},
            "deduction_steps": {"type": "array", "items": {"type": "string"}},
            "descriptors": {"type": "array", "items": {"type": "object"}}}}}}}}}})
register_schema("CompetitionList", {"type": "object", "required": ["items"], "properties": {"items": {
    "type": "array", "items": {"type": "object", "required": ["id", "name", "tier", "events"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "tier": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
        "events": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": {"type": "string"}, "status": {"enum": STATUSES}}}}}}}}})
register_schema("CompetitionEntry", {"type": "object", "required": ["id", "admission_number"], "properties": {
    "id": {"type": "integer"}, "event_id": {"type": "integer"}, "person_id": {"type": "integer"},
    "name": {"type": "string"}, "admission_number": {"type": "string"},
    "entered_by": {"type": "string"}, "status": {"enum": ["entered", "withdrawn"]}}})
register_schema("CompetitionEntryList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/CompetitionEntry"}}}})
register_schema("MarkingSheet", {"type": "object", "required": ["event_id", "cells"], "properties": {
    "event_id": {"type": "integer"}, "status": {"enum": STATUSES},
    "cells": {"type": "array", "items": {"type": "object", "required": ["mark_id", "entry_id", "aspect_id", "version"],
                                         "properties": {
        "mark_id": {"type": "integer"}, "entry_id": {"type": "integer"}, "aspect_id": {"type": "integer"},
        "value": {"type": ["string", "null"]}, "version": {"type": "integer"},
        "others": {"type": ["array", "null"], "items": {"type": "string"},
                   "description": "the other judges' marks, shown once every judge has marked"}}}}}})
register_schema("CompetitionResults", {"type": "object", "required": ["event_id", "status", "items"], "properties": {
    "event_id": {"type": "integer"}, "status": {"enum": STATUSES},
    "items": {"type": "array", "items": {"type": "object", "properties": {
        "place": {"type": "integer"}, "medal": {"type": ["string", "null"]}, "admission_number": {"type": "string"},
        "name": {"type": "string"}, "entered_by": {"type": "string"}, "total": {"type": "string"}}}}}})
NEW_ENTRY = {"type": "object", "required": ["person_id"], "properties": {
    "person_id": {"type": "integer"}, "team_name": {"type": "string"}}}
SHEET_SAVE = {"type": "object", "required": ["marks"], "properties": {
    "reason": {"type": "string", "description": "required when a saved mark is changed"},
    "marks": {"type": "array", "maxItems": 5000, "items": {
        "type": "object", "required": ["mark_id", "value", "version"], "properties": {
            "mark_id": {"type": "integer"}, "value": {"type": "string"}, "version": {"type": "integer"}}}}}}


def event_json(event: CompetitionEvent) -> dict:
    """An event with its marking scheme."""
    return {"id": event.id, "competition_id": event.competition_id, "name": event.name,
            "occupation_code": event.occupation.code, "band": [event.band_low, event.band_high],
            "track": event.track, "mode": event.mode, "status": event.status,
            "notice_ends_on": event.notice_ends_on.isoformat() if event.notice_ends_on else None,
            "sections": [{"name": s.name, "weight": str(s.weight), "aspects": [
                {"id": a.id, "code": a.code, "name": a.name, "kind": a.kind, "max_mark": str(a.max_mark),
                 "deduction_steps": list(a.deduction_steps), "descriptors": list(a.descriptors)}
                for a in s.aspects]} for s in event.sections]}


def entry_json(entry: Entry) -> dict:
    """An entry (the ID number is never shown here)."""
    return {"id": entry.id, "event_id": entry.event_id, "person_id": entry.person_id, "name": entry.person.name,
            "admission_number": entry.admission_number, "entered_by": entry.entered_by.name, "status": entry.status}


@bp.get("/competitions")
@roles(*STAFF)
@documented("/competitions", "get", summary="Competitions with their events", tag="competitions",
            responses={"200": {"$ref": "#/components/schemas/CompetitionList"}, "403": None})
def competitions_index():
    """Every competition, newest first."""
    return jsonify({"items": [{"id": c.id, "name": c.name, "tier": c.tier, "starts_on": c.starts_on.isoformat(),
                               "ends_on": c.ends_on.isoformat(),
                               "events": [{"id": e.id, "name": e.name, "status": e.status} for e in c.events]}
                              for c in list_competitions(db.session)]})


@bp.get("/competitions/events/<int:event_id>")
@roles(*STAFF)
@documented("/competitions/events/{event_id}", "get", summary="An event with its marking scheme",
            tag="competitions", parameters=EVENT_PATH,
            responses={"200": {"$ref": "#/components/schemas/CompetitionEvent"}, "403": None, "404": None})
def competitions_event(event_id: int):
    """One event."""
    return jsonify(event_json(get_event(db.session, event_id)))


@bp.get("/competitions/events/<int:event_id>/entries")
@roles(*STAFF)
@documented("/competitions/events/{event_id}/entries", "get", summary="Entries the caller may see",
            tag="competitions", parameters=EVENT_PATH,
            responses={"200": {"$ref": "#/components/schemas/CompetitionEntryList"}, "403": None, "404": None})
def competitions_entries(event_id: int):
    """All entries for administrators, the caller's organisation's otherwise."""
    event = get_event(db.session, event_id)
    return jsonify({"items": [entry_json(e) for e in entries_for(db.session, actor=current_actor(),
                                                                 event_id=event.id)]})


@bp.post("/competitions/events/<int:event_id>/entries")
@roles(*ENTERING)
@documented("/competitions/events/{event_id}/entries", "post", summary="Enter a competitor", tag="competitions",
            parameters=EVENT_PATH, request_body=NEW_ENTRY,
            responses={"201": {"$ref": "#/components/schemas/CompetitionEntry"}, "403": None, "404": None,
                       "409": None, "422": None})
def competitions_enter(event_id: int):
    """Enter one of the caller's people; refused with every reason when not eligible."""
    data = json_body()
    entry = enter_competitor(db.session, actor=current_actor(), now=utcnow(), event_id=event_id,
                             person_id=integer(data, "person_id", required=True),
                             team_name=text(data, "team_name"))
    db.session.commit()
    return jsonify(entry_json(entry)), 201


def _sheet_json(event_id: int) -> dict:
    event = get_event(db.session, event_id)
    cells = judge_sheet(db.session, actor=current_actor(), event_id=event_id)
    return {"event_id": event_id, "status": event.status, "cells": [
        {"mark_id": c.mark_id, "entry_id": c.entry_id, "aspect_id": c.aspect_id,
         "value": None if c.value is None else str(c.value), "version": c.version,
         "others": None if c.others is None else [str(v) for v in c.others]} for c in cells]}


@bp.get("/competitions/events/<int:event_id>/sheet")
@authenticated
@documented("/competitions/events/{event_id}/sheet", "get", summary="The caller's own marking sheet (judges)",
            tag="competitions", parameters=EVENT_PATH,
            responses={"200": {"$ref": "#/components/schemas/MarkingSheet"}, "404": None})
def competitions_sheet(event_id: int):
    """The judge's own cells; others' marks only once every judge has marked the aspect."""
    return jsonify(_sheet_json(event_id))


def _cells(data: dict) -> list[CellInput]:
    marks = data.get("marks")
    if not isinstance(marks, list) or len(marks) > 5000:
        raise ValidationFailed(N_("marks must be a list of at most 5000 marks."), field="marks")
    cells = []
    for item in marks:
        if not isinstance(item, dict):
            raise ValidationFailed(N_("Each mark is an object with mark_id, value and version."), field="marks")
        cells.append(CellInput(integer(item, "mark_id", required=True), text(item, "value", required=True),
                               integer(item, "version", required=True)))
    return cells


@bp.put("/competitions/events/<int:event_id>/sheet")
@authenticated
@documented("/competitions/events/{event_id}/sheet", "put", summary="Save the caller's marks (all or nothing)",
            tag="competitions", parameters=EVENT_PATH, request_body=SHEET_SAVE,
            responses={"200": {"$ref": "#/components/schemas/MarkingSheet"}, "403": None, "404": None, "409": None,
                       "422": None})
def competitions_save_sheet(event_id: int):
    """Save marks from the versions the judge saw; a stale one refuses the whole save (409)."""
    data = json_body()
    save_sheet(db.session, actor=current_actor(), now=utcnow(), event_id=event_id, cells=_cells(data),
               reason=text(data, "reason"))
    db.session.commit()
    return jsonify(_sheet_json(event_id))


@bp.get("/competitions/events/<int:event_id>/results")
@roles(*STAFF)
@documented("/competitions/events/{event_id}/results", "get", summary="Results by place once signed off",
            tag="competitions", parameters=EVENT_PATH,
            responses={"200": {"$ref": "#/components/schemas/CompetitionResults"}, "403": None, "404": None})
def competitions_results(event_id: int):
    """Places, medals and totals (empty until the chief judge signs off)."""
    event = get_event(db.session, event_id)
    return jsonify({"event_id": event.id, "status": event.status, "items": [
        {"place": r.place, "medal": r.medal, "admission_number": r.entry.admission_number,
         "name": r.entry.person.name, "entered_by": r.entry.entered_by.name, "total": str(r.total)}
        for r in results_of(db.session, event.id)]})
