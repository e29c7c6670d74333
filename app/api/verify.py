"""API: public verification of a certificate by number and name, or by its QR token (no token needed)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import bp, documented
from app.api.openapi import register_schema
from app.catalog.ladder import level_label
from app.certification.models import KIND_LABELS, STATUS_LABELS, STATUSES
from app.database import utcnow
from app.extensions import db
from app.translation import N_
from app.verification.checks import FOUND, LEGACY, CheckOutcome, check_number, check_token
from app.verification.fastpath import check_transaction
from app.web.access import bearer_organisation, public
from app.web.actions import localize
from app.web.i18n import COOKIE as LANGUAGE_COOKIE
from app.web.verify.blueprint import keyring, public_limit

_FACT_FIELDS = ("number", "kind", "kind_label", "status", "status_label", "holder_name", "id_masked",
                "occupation_code", "occupation_name", "variant_name", "level_label", "issue_date", "issuer_name",
                "revoked_on", "revoked_reason", "replaced_by")
register_schema("Verification", {
    "type": "object",
    "required": ["result", "checked_at"],
    "properties": {
        "result": {"enum": ["found", "legacy"]},
        "checked_at": {"type": "string", "format": "date-time"},
        "signature": {"enum": ["valid", "invalid", "absent", None],
                      "description": "QR checks only: whether the QR's signed payload verifies for this certificate"},
        "message": {"type": "string"},
        "certificate": {"type": ["object", "null"], "properties": {
            **{name: {"type": ["string", "null"]} for name in _FACT_FIELDS},
            "status": {"enum": list(STATUSES)},
            "issue_date": {"type": "string", "format": "date"},
        }},
    },
})
MISS_MESSAGE = N_("No matching certificate.")
LEGACY_MESSAGE = N_("A vocational qualification certificate number from before 2020, not issued by this system; "
                    "check it on the national query site (jndj.osta.org.cn).")
_LABELLED = ("kind_label", "status_label", "level_label")


def _words() -> dict[str, str]:
    """The answers' labels and messages in the request's language, worked out once per language choice.

    The hot path (see `app.verification.fastpath`): a dictionary lookup on the two inputs of the locale selector
    instead of working out the locale and three translations per check.
    """
    key = (request.cookies.get(LANGUAGE_COOKIE), request.headers.get("Accept-Language"))
    cache = current_app.extensions.setdefault("jiangcai_api_verify_words", {})
    words = cache.get(key)
    if words is None:
        if len(cache) >= 64:  # arbitrary headers must not grow it without bound
            cache.clear()
        labels = (*KIND_LABELS.values(), *STATUS_LABELS.values(), *(level_label(d) for d in range(1, 6)),
                  MISS_MESSAGE, LEGACY_MESSAGE)
        words = cache[key] = {label: localize(label) for label in labels}
    return words


def _answer(outcome: CheckOutcome):
    words = _words()
    if outcome.result == FOUND:
        facts = outcome.facts  # flat strings: getattr, not dataclasses.asdict (which deep-copies), on the hot path
        certificate = {name: getattr(facts, name) for name in _FACT_FIELDS}
        for name in _LABELLED:
            certificate[name] = words.get(certificate[name], certificate[name])
        body = {"result": FOUND, "checked_at": outcome.checked_at.isoformat(), "signature": outcome.signature,
                "certificate": certificate}
        return jsonify(body), 200
    if outcome.result == LEGACY:
        return jsonify({"result": LEGACY, "checked_at": outcome.checked_at.isoformat(), "signature": None,
                        "message": words[LEGACY_MESSAGE], "certificate": None}), 200
    return jsonify({"error": words[MISS_MESSAGE], "code": "not_found", "detail": "no certificate matches these details",
                    "field": None, "status": 404}), 404


def _documented_check(path: str, summary: str, parameters: list[dict]):
    """The OpenAPI entry of a public check; both kinds answer alike and take an optional bearer token."""
    return documented(path, "get", tag="verification", parameters=parameters,
                      summary=f"{summary} (public, rate limited; a bearer token, if sent, records the calling "
                              "organisation)",
                      responses={"200": {"$ref": "#/components/schemas/Verification"}, "401": None, "404": None})


QR_PARAMS = [{"name": key, "in": "query", "required": False, "schema": {"type": "string"},
              "description": "from the QR URL, to check its signature"} for key in ("n", "l", "o", "d", "k", "s")]


@bp.get("/verify")
@public
@public_limit
@_documented_check("/verify", "Verify a certificate by number and holder name",
                   [{"name": "number", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "name", "in": "query", "required": True, "schema": {"type": "string"}}])
def verify_number():
    """Both number and name must match; every miss gets the same 404."""
    organisation_id = bearer_organisation()
    with check_transaction(db.engine, db.session) as checks:
        outcome = check_number(checks, number=request.args.get("number", ""), name=request.args.get("name", ""),
                               now=utcnow(), channel="api", organisation_id=organisation_id)
    return _answer(outcome)


@bp.get("/verify/<token>")
@public
@public_limit
@_documented_check("/verify/{token}", "Verify the certificate of a QR token",
                   [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}, *QR_PARAMS])
def verify_token(token: str):
    """The certificate a QR token belongs to, and whether the QR's signature verifies."""
    organisation_id = bearer_organisation()
    with check_transaction(db.engine, db.session) as checks:
        outcome = check_token(checks, token=token, query=request.args.to_dict(flat=False), keyring=keyring(),
                              now=utcnow(), channel="api", organisation_id=organisation_id)
    return _answer(outcome)
