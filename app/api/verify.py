"""API: public verification of a certificate by number and name, or by its QR token (no token needed)."""

from __future__ import annotations

from flask import jsonify, request

from app.api import bp, documented
from app.api.openapi import register_schema
from app.certification.models import STATUSES
from app.database import utcnow
from app.extensions import db
from app.verification.checks import FOUND, LEGACY, CheckOutcome, check_number, check_token
from app.verification.fastpath import check_transaction
from app.web.access import bearer_organisation, public
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
MISS = {"error": "未找到匹配的证书", "detail": "no certificate matches these details", "field": None, "status": 404}
LEGACY_MESSAGE = "旧版职业资格证书编号（2020 年前），非本系统发证，请到全国联网查询系统（jndj.osta.org.cn）核验"


def _answer(outcome: CheckOutcome):
    if outcome.result == FOUND:
        facts = outcome.facts  # flat strings: getattr, not dataclasses.asdict (which deep-copies), on the hot path
        body = {"result": FOUND, "checked_at": outcome.checked_at.isoformat(), "signature": outcome.signature,
                "certificate": {name: getattr(facts, name) for name in _FACT_FIELDS}}
        return jsonify(body), 200
    if outcome.result == LEGACY:
        return jsonify({"result": LEGACY, "checked_at": outcome.checked_at.isoformat(), "signature": None,
                        "message": LEGACY_MESSAGE, "certificate": None}), 200
    return jsonify(MISS), 404


QR_PARAMS = [{"name": key, "in": "query", "required": False, "schema": {"type": "string"},
              "description": "from the QR URL, to check its signature"} for key in ("n", "l", "o", "d", "k", "s")]


@bp.get("/verify")
@public
@public_limit
@documented("/verify", "get", summary="Verify a certificate by number and holder name (public, rate limited; a "
            "bearer token, if sent, records the calling organisation)",
            tag="verification",
            parameters=[{"name": "number", "in": "query", "required": True, "schema": {"type": "string"}},
                        {"name": "name", "in": "query", "required": True, "schema": {"type": "string"}}],
            responses={"200": {"$ref": "#/components/schemas/Verification"}, "401": None, "404": None})
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
@documented("/verify/{token}", "get", summary="Verify the certificate of a QR token (public, rate limited; a bearer token, if sent, "
            "records the calling organisation)",
            tag="verification",
            parameters=[{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}, *QR_PARAMS],
            responses={"200": {"$ref": "#/components/schemas/Verification"}, "401": None, "404": None})
def verify_token(token: str):
    """The certificate a QR token belongs to, and whether the QR's signature verifies."""
    organisation_id = bearer_organisation()
    with check_transaction(db.engine, db.session) as checks:
        outcome = check_token(checks, token=token, query=request.args.to_dict(flat=False), keyring=keyring(),
                              now=utcnow(), channel="api", organisation_id=organisation_id)
    return _answer(outcome)
