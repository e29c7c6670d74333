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
from app.verification.checks import (
    FOUND,
    ISSUER_LABELS,
    LEGACY,
    MALFORMED,
    NUMBER_FORMAT_HINT,
    VERDICT_HEADLINES,
    VERDICT_WORDS,
    VERDICTS,
    CheckOutcome,
    check_number,
    check_token,
    input_problem,
)
from app.verification.fastpath import check_transaction
from app.web.access import bearer_organisation, public
from app.web.actions import localize
from app.web.i18n import COOKIE as LANGUAGE_COOKIE
from app.web.verify.blueprint import keyring, public_limit

_FACT_FIELDS = ("number", "kind", "kind_label", "issuer_label", "status", "status_label", "holder_name", "id_masked",
                "occupation_code", "occupation_name", "variant_name", "level_label", "issue_date", "issuer_name",
                "revoked_on", "revoked_reason", "replaced_by")
register_schema("Verification", {
    "type": "object",
    "required": ["verdict", "result", "checked_at"],
    "properties": {
        "verdict": {"enum": list(VERDICTS), "description": (
            "The one verdict of the check, as on the page and the printable result: valid, revoked, superseded, "
            "qr_mismatch (the QR's signed data does not match the register: the paper must not be relied on; "
            "`certificate` is then what the register holds, for comparison), legacy (a pre-2020 number not "
            "issued here); not_found (404) and malformed (400) come as errors carrying `verdict` too")},
        "verdict_label": {"type": "string", "description": "the verdict's word in the request's language"},
        "headline": {"type": "string", "description": "what the verdict means, in the request's language"},
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
MISSING_MESSAGES = {"number": N_("Enter the certificate number as printed on the certificate."),
                    "name": N_("Enter the holder's name as printed on the certificate (at most 50 characters).")}
LEGACY_MESSAGE = N_("A vocational qualification certificate number from before 2020, not issued by this system; "
                    "check it on the national query site (jndj.osta.org.cn).")
_LABELLED = ("kind_label", "issuer_label", "status_label", "level_label")


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
        labels = (*KIND_LABELS.values(), *ISSUER_LABELS.values(), *STATUS_LABELS.values(),
                  *(level_label(d) for d in range(1, 6)), *VERDICT_WORDS.values(), *VERDICT_HEADLINES.values(),
                  *MISSING_MESSAGES.values(), MISS_MESSAGE, LEGACY_MESSAGE, NUMBER_FORMAT_HINT)
        words = cache[key] = {label: localize(label) for label in labels}
    return words


def _answer(outcome: CheckOutcome):
    words = _words()
    verdict = outcome.verdict
    said = {"verdict": verdict, "verdict_label": words[VERDICT_WORDS[verdict]],
            "headline": words[VERDICT_HEADLINES[verdict]]}
    if outcome.result == FOUND:
        facts = outcome.facts  # flat strings: getattr, not dataclasses.asdict (which deep-copies), on the hot path
        certificate = {name: getattr(facts, name) for name in _FACT_FIELDS}
        for name in _LABELLED:
            certificate[name] = words.get(certificate[name], certificate[name])
        body = {**said, "result": FOUND, "checked_at": outcome.checked_at.isoformat(),
                "signature": outcome.signature, "certificate": certificate}
        return jsonify(body), 200
    if outcome.result == LEGACY:
        return jsonify({**said, "result": LEGACY, "checked_at": outcome.checked_at.isoformat(), "signature": None,
                        "message": words[LEGACY_MESSAGE], "certificate": None}), 200
    if verdict == MALFORMED:  # said of the typed characters only: nothing about which numbers exist
        return jsonify({**said, "error": f"{said['headline']} {words[NUMBER_FORMAT_HINT]}", "code": MALFORMED,
                        "detail": "the number cannot be a certificate number", "field": "number",
                        "status": 400}), 400
    return jsonify({**said, "error": words[MISS_MESSAGE], "code": "not_found",
                    "detail": "no certificate matches these details", "field": None, "status": 404}), 404


def _missing(field: str):
    """An empty number or name (or an overlong name) is refused on its field; nothing is checked or logged."""
    return jsonify({"error": _words()[MISSING_MESSAGES[field]], "code": "missing", "detail": f"{field} is required",
                    "field": field, "status": 400}), 400


def _documented_check(path: str, summary: str, parameters: list[dict]):
    """The OpenAPI entry of a public check; both kinds answer alike and take an optional bearer token."""
    return documented(path, "get", tag="verification", parameters=parameters,
                      summary=f"{summary} (public, rate limited; a bearer token, if sent, records the calling "
                              "organisation)",
                      responses={"200": {"$ref": "#/components/schemas/Verification"}, "400": None, "401": None,
                                 "404": None})


QR_PARAMS = [{"name": key, "in": "query", "required": False, "schema": {"type": "string"},
              "description": "from the QR URL, to check its signature"} for key in ("n", "l", "o", "d", "k", "s")]


@bp.get("/verify")
@public
@public_limit
@_documented_check("/verify", "Verify a certificate by number and holder name",
                   [{"name": "number", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "name", "in": "query", "required": True, "schema": {"type": "string"}}])
def verify_number():
    """Both number and name must match; every miss gets the same 404, a number of the wrong shape a 400."""
    organisation_id = bearer_organisation()
    number, name = request.args.get("number", ""), request.args.get("name", "")
    problem = input_problem(number, name)
    if problem is not None:
        return _missing(problem)
    with check_transaction(db.engine, db.session) as checks:
        outcome = check_number(checks, number=number, name=name, now=utcnow(), channel="api",
                               organisation_id=organisation_id)
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
