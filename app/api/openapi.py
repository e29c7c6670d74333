"""The OpenAPI 3.1 document of API v1, built from the endpoints' declared contracts."""

from __future__ import annotations

from flask import jsonify

from app.api import ROUTES, bp
from app.web.access import PUBLIC, public

ERROR = {
    "type": "object",
    "required": ["error", "status"],
    "properties": {"error": {"type": "string"}, "detail": {"type": ["string", "null"]},
                   "field": {"type": ["string", "null"]}, "status": {"type": "integer"}},
}
VARIANT = {"type": "object", "required": ["kind", "name"],
           "properties": {"kind": {"enum": ["trade", "direction"]}, "name": {"type": "string"}}}
OCCUPATION = {
    "type": "object",
    "required": ["id", "edition", "code", "name", "digital", "green", "active", "variants", "levels"],
    "properties": {
        "id": {"type": "integer"}, "edition": {"type": "string"},
        "code": {"type": "string", "pattern": r"^\d-\d{2}-\d{2}-\d{2}$"}, "name": {"type": "string"},
        "english_name": {"type": ["string", "null"]}, "digital": {"type": "boolean"}, "green": {"type": "boolean"},
        "active": {"type": "boolean"}, "variants": {"type": "array", "items": VARIANT},
        "levels": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 5}},
    },
}
SCHEMAS: dict[str, dict] = {
    "Error": ERROR,
    "Occupation": OCCUPATION,
    "OccupationList": {"type": "object", "required": ["items"],
                       "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Occupation"}}}},
    "OccupationDetail": {"allOf": [{"$ref": "#/components/schemas/Occupation"},
                                   {"type": "object", "properties": {"standard": {"type": "object"}}}]},
    "ShortageCatalogue": {
        "type": "object", "required": ["quarter", "valid_from", "valid_until", "entries"],
        "properties": {
            "quarter": {"type": "string"}, "valid_from": {"type": "string", "format": "date"},
            "valid_until": {"type": "string", "format": "date"}, "title": {"type": ["string", "null"]},
            "entries": {"type": "array", "items": {"type": "object", "required": ["rank", "occupation_code", "gap"]}},
        },
    },
}


def register_schema(name: str, schema: dict) -> None:
    """Add a component schema (used by feature modules of the API)."""
    SCHEMAS[name] = schema


def _response(code: str, ref: dict | None) -> dict:
    description = {"200": "OK", "201": "Created", "401": "Missing or invalid token", "403": "Forbidden",
                   "404": "Not found", "409": "Conflict", "422": "Refused by a rule", "429": "Rate limited"}
    body = {"description": description.get(code, "Response")}
    schema = ref or {"$ref": "#/components/schemas/Error"}
    body["content"] = {"application/json": {"schema": schema}}
    return body


def build_document() -> dict:
    """The whole OpenAPI document."""
    paths: dict[str, dict] = {}
    for route in ROUTES:
        rule = getattr(route["view"], "access_rule", (PUBLIC,))
        operation: dict = {"summary": route["summary"], "tags": [route["tag"]],
                           "operationId": f"{route['method']}_{route['view'].__name__}",
                           "responses": {code: _response(code, ref) for code, ref in route["responses"].items()}}
        if route["parameters"]:
            operation["parameters"] = route["parameters"]
        if route["request_body"]:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": route["request_body"]}}}
        if rule[0] != PUBLIC:
            operation["security"] = [{"bearer": []}]
            operation["responses"].setdefault("401", _response("401", None))
        operation["responses"].setdefault("429", _response("429", None))
        paths.setdefault(route["path"], {})[route["method"]] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jiangcai API", "version": "1.0.0",
                 "description": "Skills training, assessment and certification records for Liaoning. "
                                "Authenticate with `Authorization: Bearer <token>`; a token acts as its user, "
                                "within that user's organisation and roles."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": paths,
    }


@bp.get("/openapi.json")
@public
def openapi_document():
    """The OpenAPI document (public, so clients can discover the contract)."""
    return jsonify(build_document())
