"""The OpenAPI 3.1 document of API v1, built from the endpoints' declared contracts."""

from __future__ import annotations

import re

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
    "RateLimited": {"allOf": [{"$ref": "#/components/schemas/Error"}, {
        "type": "object", "required": ["code", "retry_after"],
        "properties": {"code": {"const": "rate_limited"},
                       "retry_after": {"type": "integer", "minimum": 1,
                                       "description": "seconds until one more request is allowed (as Retry-After)"}},
    }]},
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


DESCRIPTIONS = {"200": "OK", "201": "Created", "202": "Accepted: the job runs in the background",
                "400": "Malformed request: the body is not a JSON object, or the request cannot be read",
                "401": "Missing, unknown, expired or revoked bearer token", "403": "The token's user may not do this",
                "404": "Not found, or outside the caller's scope",
                "409": "Conflict: someone changed the record since you read it, or it already exists",
                "422": "Refused by a rule or a field of the wrong type or form; `field` names the field",
                "429": "Rate limited (the public per network address; a bearer token's calls to /verify per "
                       "organisation); retry after the number of seconds in Retry-After, also `retry_after` in the body"}
_PATH_PARAMETER = re.compile(r"{([^}]+)}")


def _response(code: str, schema: dict | None) -> dict:
    """A response object; `schema` is a JSON schema for application/json, or {"content": …} for other types."""
    body: dict = {"description": DESCRIPTIONS.get(code, "Response")}
    if schema is not None and "content" in schema:
        body["content"] = schema["content"]
    else:
        body["content"] = {"application/json": {"schema": schema or {"$ref": "#/components/schemas/Error"}}}
    if code == "401":
        body["headers"] = {"WWW-Authenticate": {"description": "Bearer realm=\"jiangcai\"",
                                                "schema": {"type": "string"}}}
    return body


def _operation(route: dict) -> dict:
    """One operation: declared responses plus the errors every operation of its shape can give."""
    rule = getattr(route["view"], "access_rule", (PUBLIC,))
    operation: dict = {"summary": route["summary"], "tags": [route["tag"]],
                       "operationId": f"{route['method']}_{route['view'].__name__}",
                       "responses": {code: _response(code, ref) for code, ref in route["responses"].items()}}
    doc = (route["view"].__doc__ or "").strip()
    if doc:
        operation["description"] = doc
    parameters = route["parameters"]
    if parameters:
        operation["parameters"] = parameters
    if route["request_body"]:
        operation["requestBody"] = {"required": True,
                                    "content": {route["request_type"]: {"schema": route["request_body"]}}}
    extra = []
    if route["request_body"]:
        extra += ["400", "404", "422"]  # 404: a record the body refers to does not exist or is out of scope
    if any(p["in"] == "query" and p["schema"].get("type") != "string" for p in parameters):
        extra.append("422")
    if any(p["in"] == "path" for p in parameters):
        extra.append("404")
    if rule[0] != PUBLIC:
        operation["security"] = [{"bearer": []}]
        extra.append("401")
    elif "401" in route["responses"]:  # public, but a bearer token identifies the caller when sent
        operation["security"] = [{}, {"bearer": []}]
    if rule[0] == "roles":
        extra.append("403")
    for code in extra:
        operation["responses"].setdefault(code, _response(code, None))
    operation["responses"].setdefault("429", _response("429", {"$ref": "#/components/schemas/RateLimited"}))
    operation["responses"] = dict(sorted(operation["responses"].items()))
    return operation


def path_parameters_missing(route: dict) -> set[str]:
    """Names in a route's path template that it declares no path parameter for."""
    declared = {p["name"] for p in route["parameters"] if p["in"] == "path"}
    return set(_PATH_PARAMETER.findall(route["path"])) - declared


def build_document() -> dict:
    """The whole OpenAPI document."""
    paths: dict[str, dict] = {}
    for route in ROUTES:
        paths.setdefault(route["path"], {})[route["method"]] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Jiangcai API", "version": "1.0.0",
                 "description": "Skills training, assessment and certification records for Liaoning. "
                                "Authenticate with `Authorization: Bearer <token>` (each user makes their own "
                                "tokens at /account/tokens); a token acts as its user, within that user's organisation "
                                "and roles. Errors are JSON objects with `error` (a message in Chinese), "
                                "`status`, and `field` when one field is at fault. ID numbers are always masked."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "A personal API token of an organisation user"}},
                       "schemas": SCHEMAS},
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
@public
def openapi_document():
    """The OpenAPI document (public, so clients can discover the contract)."""
    return jsonify(build_document())
