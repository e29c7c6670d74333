"""API: the worker's own records for a phone app (issue 23). A worker's token sees its own person only: every
endpoint here finds the person from the token's account, and no other endpoint accepts a worker's token."""

from __future__ import annotations

from flask import current_app, jsonify, url_for

from app.api import bp, documented, json_body, path_id
from app.api.fields import integer, text
from app.api.openapi import register_schema
from app.assessment.own_records import own_registrations
from app.certification.own_records import own_certificates
from app.clock import local_date
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.people.worker_accounts import own_person
from app.training.own_records import own_classes
from app.translation import N_
from app.verification.own_sharing import (
    create_own_share_link,
    own_share_links,
    share_link_views,
    withdraw_own_share_link,
)
from app.verification.sharing import link_state
from app.web.access import current_actor, workers_only

_DATE = {"type": "string", "format": "date"}
_MOMENT = {"type": "string", "format": "date-time"}
register_schema("MyCertificate", {"type": "object", "required": ["id", "number", "status"], "properties": {
    "id": {"type": "integer"}, "number": {"type": "string"}, "status": {"enum": ["valid", "revoked", "superseded"]},
    "occupation_name": {"type": "string"}, "level_digit": {"type": ["integer", "null"]}, "issue_date": _DATE,
    "issuer_name": {"type": "string"}}})
register_schema("MyRecords", {"type": "object", "required": ["person", "classes", "registrations", "certificates"],
                              "properties": {
    "person": {"type": "object", "properties": {"name": {"type": "string"}, "id_masked": {"type": "string"}}},
    "classes": {"type": "array", "items": {"type": "object", "properties": {
        "class_id": {"type": "integer"}, "name": {"type": "string"}, "status": {"type": "string"},
        "hours_attended": {"type": "string"}, "hours_required": {"type": "string"},
        "upcoming": {"type": "array", "items": {"type": "object"}}}}},
    "registrations": {"type": "array", "items": {"type": "object", "properties": {
        "registration_id": {"type": "integer"}, "plan": {"type": "string"}, "status": {"type": "string"},
        "source": {"type": "string"}, "ticket_number": {"type": ["string", "null"]},
        "result": {"type": ["object", "null"]}}}},
    "certificates": {"type": "array", "items": {"$ref": "#/components/schemas/MyCertificate"}}}})
register_schema("MyShareLink", {"type": "object", "required": ["id", "certificate_id", "state"], "properties": {
    "id": {"type": "integer"}, "certificate_id": {"type": "integer"},
    "state": {"enum": ["active", "expired", "withdrawn"]}, "expires_at": _MOMENT, "hide_id_number": {"type": "boolean"},
    "views": {"type": "array", "items": {"type": "object", "properties": {
        "viewed_at": _MOMENT, "organisation": {"type": ["string", "null"]}}}},
    "url": {"type": "string", "description": "only in the answer to creating the link: it is shown once"}}})
register_schema("MyShareLinkList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/MyShareLink"}}}})
NEW_SHARE = {"type": "object", "required": ["certificate_id", "days"], "properties": {
    "certificate_id": {"type": "integer"}, "days": {"type": "integer", "minimum": 1, "maximum": 90},
    "hide_id_number": {"type": "boolean"}, "note": {"type": "string"}}}


def _certificate_json(c) -> dict:
    return {"id": c.id, "number": c.number, "status": c.status, "occupation_name": c.occupation_name,
            "level_digit": c.level_digit, "issue_date": c.issue_date.isoformat(), "issuer_name": c.issuer_name}


def _link_json(link, *, views: bool = True) -> dict:
    body = {"id": link.id, "certificate_id": link.certificate_id, "state": link_state(link, utcnow()),
            "expires_at": link.expires_at.isoformat(), "hide_id_number": link.hide_id_number}
    if views:
        body["views"] = [{"viewed_at": v.viewed_at.isoformat(), "organisation": v.organisation_name}
                         for v in share_link_views(db.session, actor=current_actor(), link_id=link.id)]
    return body


@bp.get("/me")
@workers_only
@documented("/me", "get", summary="My records: classes, assessments with published results, certificates",
            tag="me", responses={"200": {"$ref": "#/components/schemas/MyRecords"}, "403": None})
def me_records():
    """Everything of the token's own person."""
    person, today = own_person(db.session, actor=current_actor()), local_date(utcnow())
    classes = [{"class_id": c.training_class.id, "name": c.training_class.name, "status": c.enrolment.status,
                "hours_attended": str(c.attended), "hours_required": str(c.required),
                "upcoming": [{"date": s.session_date.isoformat(), "start": s.start_time.strftime("%H:%M"),
                              "end": s.end_time.strftime("%H:%M"), "topic": s.topic} for s in c.upcoming]}
               for c in own_classes(db.session, person_id=person.id, today=today)]
    registrations = []
    for row in own_registrations(db.session, person_id=person.id):
        reg, result = row.registration, row.result
        registrations.append({
            "registration_id": reg.id, "plan": reg.plan.title, "status": reg.status, "source": reg.source,
            "ticket_number": reg.ticket_number if reg.admitted else None,
            "result": None if result is None else {
                "passed": result.passed, "status": result.status,
                "components": [{"component": c.component, "score": None if c.score is None else str(c.score),
                                "pass_mark": str(c.pass_mark), "absent": c.absent} for c in result.components]}})
    return jsonify({"person": {"name": person.name, "id_masked": person.id_masked}, "classes": classes,
                    "registrations": registrations,
                    "certificates": [_certificate_json(c) for c in own_certificates(db.session, person_id=person.id)]})


@bp.get("/me/shares")
@workers_only
@documented("/me/shares", "get", summary="My share links with every view", tag="me",
            responses={"200": {"$ref": "#/components/schemas/MyShareLinkList"}, "403": None})
def me_shares():
    """Every link to the token's own certificates."""
    return jsonify({"items": [_link_json(link) for link in own_share_links(db.session, actor=current_actor())]})


@bp.post("/me/shares")
@workers_only
@documented("/me/shares", "post", summary="Share one of my certificates", tag="me", request_body=NEW_SHARE,
            responses={"201": {"$ref": "#/components/schemas/MyShareLink"}, "403": None, "404": None, "409": None,
                       "422": None})
def me_share_create():
    """Create a link; its address is in this answer only."""
    data = json_body()
    hide = data.get("hide_id_number", False)
    if not isinstance(hide, bool):
        raise ValidationFailed(N_("hide_id_number must be true or false."), field="hide_id_number")
    link, token = create_own_share_link(
        db.session, actor=current_actor(), now=utcnow(), certificate_id=integer(data, "certificate_id", required=True),
        days=integer(data, "days", required=True), hide_id_number=hide, note=text(data, "note"))
    db.session.commit()
    base = current_app.config.get("PUBLIC_BASE_URL")
    url = (base.rstrip("/") + url_for("verify.share", token=token)) if base else \
        url_for("verify.share", token=token, _external=True)
    return jsonify({**_link_json(link, views=False), "views": [], "url": url}), 201


@bp.post("/me/shares/<int:link_id>/withdraw")
@workers_only
@documented("/me/shares/{link_id}/withdraw", "post", summary="Withdraw one of my share links", tag="me",
            parameters=path_id("link_id"),
            responses={"200": {"$ref": "#/components/schemas/MyShareLink"}, "403": None, "404": None, "422": None})
def me_share_withdraw(link_id: int):
    """The link stops working at once."""
    link = withdraw_own_share_link(db.session, actor=current_actor(), now=utcnow(), link_id=link_id)
    db.session.commit()
    return jsonify(_link_json(link))
