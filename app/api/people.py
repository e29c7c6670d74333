"""API: people (实名制 records) in the caller's scope; numbers are always masked."""

from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request

from app.api import bp, documented, json_body, path_id
from app.api.fields import query_integer
from app.api.openapi import register_schema
from app.database import utcnow
from app.errors import NotFound, ValidationFailed
from app.extensions import db
from app.people.access import EDITOR_ROLES
from app.people.levels import current_levels
from app.people.models import Person
from app.people.services import count_people, get_person, list_people, register_person
from app.translation import N_
from app.web.access import current_actor, roles

EDITORS = tuple(EDITOR_ROLES)
PERSON_SCHEMA = {
    "type": "object",
    "required": ["id", "name", "id_type", "id_masked", "birth_date", "target_groups"],
    "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "id_type": {"type": "string"},
        "id_masked": {"type": "string"}, "gender": {"type": ["string", "null"]},
        "birth_date": {"type": "string", "format": "date"}, "phone_masked": {"type": ["string", "null"]},
        "education": {"type": ["string", "null"]}, "target_groups": {"type": "array", "items": {"type": "string"}},
        "levels": {"type": "object"},
    },
}
register_schema("Person", PERSON_SCHEMA)
register_schema("PersonList", {"type": "object", "required": ["items", "total"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}}, "total": {"type": "integer"}}})
NEW_PERSON = {
    "type": "object",
    "required": ["name", "id_type", "id_number"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 50},
        "id_type": {"enum": ["resident_id", "hmt_residence_permit", "foreign_permanent_residence", "passport"]},
        "id_number": {"type": "string", "minLength": 1, "maxLength": 40},
        "phone": {"type": ["string", "null"], "maxLength": 30},
        "birth_date": {"type": ["string", "null"], "format": "date"},
        "gender": {"type": ["string", "null"], "enum": ["M", "F", None]},
        "education": {"type": ["string", "null"]},
        "target_groups": {"type": "array", "items": {"type": "string"}},
    },
}


def person_json(person: Person, *, levels: bool = False) -> dict:
    """A person as JSON with masked numbers only."""
    data = {
        "id": person.id, "name": person.name, "id_type": person.id_type, "id_masked": person.id_masked,
        "gender": person.gender, "birth_date": person.birth_date.isoformat(), "phone_masked": person.phone_masked,
        "education": person.education, "target_groups": list(person.target_groups or []),
    }
    if levels:
        data["levels"] = {code: {"grade": a.grade_key, "level_digit": a.level_digit,
                                 "awarded_on": a.awarded_on.isoformat(), "route": a.route}
                          for code, a in current_levels(db.session, person.id).items()}
    return data


@bp.get("/people")
@roles(*EDITORS)
@documented("/people", "get", summary="People in the caller's scope", tag="people",
            parameters=[{"name": "q", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "limit", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
                        {"name": "offset", "in": "query", "required": False,
                         "schema": {"type": "integer", "minimum": 0}}],
            responses={"200": {"$ref": "#/components/schemas/PersonList"}, "403": None})
def people_index():
    """Search by name part, full ID number or phone; paged."""
    search = request.args.get("q", "").strip() or None
    limit = query_integer(request.args, "limit", default=50, minimum=1, maximum=500)
    offset = query_integer(request.args, "offset", default=0, minimum=0)
    actor = current_actor()
    items = list_people(db.session, actor=actor, search=search, limit=limit, offset=offset)
    return jsonify({"items": [person_json(p) for p in items], "total": count_people(db.session, actor=actor,
                                                                                     search=search)})


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(N_("A date should be written YYYY-MM-DD."), field=field) from exc


@bp.post("/people")
@roles(*EDITORS)
@documented("/people", "post", summary="Register a person", tag="people", request_body=NEW_PERSON,
            responses={"201": {"$ref": "#/components/schemas/Person"}, "403": None, "422": None})
def people_create():
    """Register a person; the caller's organisation gets access."""
    data = json_body()
    groups = data.get("target_groups") or []
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise ValidationFailed(N_("target_groups should be an array of strings."), field="target_groups")
    text = {k: data.get(k) for k in ("name", "id_type", "id_number", "phone", "gender", "education")}
    for key, value in text.items():
        if value is not None and not isinstance(value, str):
            raise ValidationFailed(N_("{key} should be a string.", key=key), field=key)
    person = register_person(
        db.session, actor=current_actor(), now=utcnow(), name=text["name"] or "", id_type=text["id_type"] or "",
        id_number=text["id_number"] or "", phone=text["phone"] or None, gender=text["gender"] or None,
        birth_date=_date(data.get("birth_date"), "birth_date"), education=text["education"] or None,
        target_groups=groups,
    )
    db.session.commit()
    return jsonify(person_json(person)), 201


@bp.get("/people/<int:person_id>")
@roles(*EDITORS)
@documented("/people/{person_id}", "get", summary="One person with current levels", tag="people",
            parameters=path_id("person_id"),
            responses={"200": {"$ref": "#/components/schemas/Person"}, "403": None, "404": None})
def people_show(person_id: int):
    """One person in scope."""
    try:
        person = get_person(db.session, actor=current_actor(), person_id=person_id)
    except NotFound:
        abort(404)
    return jsonify(person_json(person, levels=True))
