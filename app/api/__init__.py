"""JSON API v1: bearer-token authentication per organisation user, JSON errors, OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, jsonify, request
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import BadRequest

from app.errors import Conflict, DomainError, NotAllowed, NotFound
from app.extensions import csrf, db, limiter
from app.translation import render
from app.web.limits import breach
from app.web.security import breach_words, rate_limit_message

bp = Blueprint("api", __name__, url_prefix="/api/v1")
ROUTES: list[dict[str, Any]] = []  # collected by `documented` for the OpenAPI document


def documented(path: str, method: str, *, summary: str, tag: str, responses: dict | None = None,
               request_body: dict | None = None, parameters: list | None = None,
               request_type: str = "application/json") -> Callable:
    """Record an endpoint's contract for /api/v1/openapi.json (`request_type`: the body's media type)."""

    def decorate(view: Callable) -> Callable:
        ROUTES.append({"path": path, "method": method.lower(), "summary": summary, "tag": tag,
                       "responses": responses or {}, "request_body": request_body, "parameters": parameters or [],
                       "request_type": request_type, "view": view})
        return view

    return decorate


def path_id(name: str) -> list[dict]:
    """The OpenAPI declaration of a route's one integer path parameter, e.g. path_id("plan_id")."""
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}]


def domain_error_response(error: DomainError):
    """Map a service's refusal to a JSON error with the field at fault."""
    status = 404 if isinstance(error, NotFound) else 403 if isinstance(error, NotAllowed) else (
        409 if isinstance(error, Conflict) else 422)
    db.session.rollback()
    return jsonify({"error": render(error.message, gettext), "code": error.code, "field": error.field,
                    "status": status}), status


def rate_limited_response(_error: RateLimitExceeded):
    """429 with a Retry-After header and a JSON body: a stable code, the limit and when to try again in the
    request's language, and the wait in seconds."""
    found = breach()
    response = jsonify({"error": rate_limit_message(breach_words(found)), "code": "rate_limited", "field": None,
                        "retry_after": found.retry_after, "status": 429})
    response.status_code = 429
    response.headers["Retry-After"] = str(found.retry_after)
    return response


def json_body() -> dict:
    """The request's JSON object, or a 400 when it is not one."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("request body must be a JSON object")
    return data


def _token_key() -> str:
    header = request.headers.get("Authorization", "")
    return header[-16:] if header else request.remote_addr or "unknown"


# Blueprint set-up happens once, at import, because every app (one per test) registers the same blueprint.
# NotFound and NotAllowed are named too, so that the app-level handlers of the web pages do not take them.
for _error_class in (DomainError, NotFound, NotAllowed):
    bp.register_error_handler(_error_class, domain_error_response)
bp.register_error_handler(RateLimitExceeded, rate_limited_response)
csrf.exempt(bp)
limiter.limit("600 per minute", key_func=_token_key)(bp)


def init_api(app: Flask) -> None:
    """Register the API blueprint with its endpoints (CSRF-exempt: it never uses cookies)."""
    from app.api import (  # noqa: F401  (attach the endpoints before registering)
        apprenticeships,
        assessment,
        catalog,
        certificates,
        competitions,
        demand,
        labour,
        me,
        openapi,
        people,
        people_import,
        placement,
        studio_rounds,
        studios,
        timetable,
        training,
        verify,
    )

    app.register_blueprint(bp)
