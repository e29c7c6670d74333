"""API: certificates in the caller's scope, the stored PDF, revocation, and batch jobs."""

from __future__ import annotations

from flask import current_app, jsonify

from app.accounts.roles import CERTIFICATE_ISSUERS as ISSUERS
from app.api import bp, documented, json_body, path_id
from app.api.fields import integer, text
from app.api.openapi import register_schema
from app.certification.batch_runs import get_batch, start_batch
from app.certification.lifecycle import get_certificate, list_certificates, revoke_certificate
from app.certification.models import STATUSES, Certificate, CertificateJob
from app.database import utcnow
from app.errors import ValidationFailed
from app.extensions import db
from app.tasks import enqueue
from app.translation import N_
from app.web.access import authenticated, current_actor, roles
from app.web.certificate_files import send_certificate_pdf

register_schema("Certificate", {
    "type": "object",
    "required": ["id", "kind", "number", "status", "holder_name", "id_masked", "issue_date", "pdf_sha256"],
    "properties": {
        "id": {"type": "integer"}, "kind": {"enum": ["skill_level", "training", "apprenticeship"]},
        "number": {"type": "string"}, "status": {"enum": list(STATUSES)}, "holder_name": {"type": "string"},
        "id_masked": {"type": "string"}, "occupation_code": {"type": ["string", "null"]},
        "occupation_name": {"type": "string"}, "variant_name": {"type": ["string", "null"]},
        "level_digit": {"type": ["integer", "null"]}, "issuer_name": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"}, "print_serial": {"type": "string"},
        "pdf_sha256": {"type": "string"}, "revoked_reason": {"type": ["string", "null"]},
        "replaced_by": {"type": ["string", "null"]},
    },
})
register_schema("CertificateList", {"type": "object", "required": ["items"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}}}})
register_schema("CertificateJob", {"type": "object", "required": ["id", "status", "done", "total"], "properties": {
    "id": {"type": "integer"}, "status": {"enum": ["queued", "running", "done", "failed"]},
    "done": {"type": "integer"}, "total": {"type": "integer"}, "error": {"type": ["string", "null"]}}})
BATCH_SCOPES = ("assessment_plan", "training_class")
ID_PARAM = path_id("certificate_id")


def certificate_json(c: Certificate) -> dict:
    """A certificate as JSON (masked ID number)."""
    return {"id": c.id, "kind": c.kind, "number": c.number, "status": c.status, "holder_name": c.holder_name,
            "id_masked": c.id_masked, "occupation_code": c.occupation_code, "occupation_name": c.occupation_name,
            "variant_name": c.variant_name, "level_digit": c.level_digit, "issuer_name": c.issuer_name,
            "issue_date": c.issue_date.isoformat(), "print_serial": c.print_serial, "pdf_sha256": c.pdf_sha256,
            "revoked_reason": c.revoked_reason,
            "replaced_by": c.superseded_by.number if c.superseded_by else None}


def _certificate(certificate_id: int) -> Certificate:
    return get_certificate(db.session, actor=current_actor(), certificate_id=certificate_id)  # NotFound: a 404


@bp.get("/certificates")
@authenticated
@documented("/certificates", "get", summary="Certificates in the caller's scope", tag="certificates",
            responses={"200": {"$ref": "#/components/schemas/CertificateList"}})
def certificates_index():
    """Newest first, up to 200."""
    return jsonify({"items": [certificate_json(c) for c in list_certificates(db.session, actor=current_actor(),
                                                                              limit=200)]})


@bp.get("/certificates/<int:certificate_id>")
@authenticated
@documented("/certificates/{certificate_id}", "get", summary="One certificate", tag="certificates",
            parameters=ID_PARAM, responses={"200": {"$ref": "#/components/schemas/Certificate"}, "404": None})
def certificates_show(certificate_id: int):
    """One certificate in scope."""
    return jsonify(certificate_json(_certificate(certificate_id)))


@bp.get("/certificates/<int:certificate_id>/pdf")
@authenticated
@documented("/certificates/{certificate_id}/pdf", "get",
            summary="The stored PDF for roles that may see full ID numbers (audited), else a masked copy",
            tag="certificates", parameters=ID_PARAM,
            responses={"200": {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
                       "404": None})
def certificates_pdf(certificate_id: int):
    """As stored (audited) for roles that may see full ID numbers, else masked; X-Certificate-Copy: issued|masked."""
    certificate = _certificate(certificate_id)
    return send_certificate_pdf(certificate, print_serial=certificate.print_serial, pdf_path=certificate.pdf_path,
                                channel="api", download_name=f"{certificate.number}.pdf")


@bp.post("/certificates/<int:certificate_id>/revoke")
@roles(*ISSUERS)
@documented("/certificates/{certificate_id}/revoke", "post", summary="Revoke (irreversible)", tag="certificates",
            parameters=ID_PARAM,
            request_body={"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}},
            responses={"200": {"$ref": "#/components/schemas/Certificate"}, "403": None, "404": None, "409": None,
                       "422": None})
def certificates_revoke(certificate_id: int):
    """Revoke a valid certificate with a reason."""
    reason = text(json_body(), "reason")  # a missing or blank reason is refused by the service, on "reason"
    certificate = revoke_certificate(db.session, actor=current_actor(), now=utcnow(), certificate_id=certificate_id,
                                     reason=reason)
    db.session.commit()
    return jsonify(certificate_json(certificate))


@bp.post("/certificate-jobs")
@roles(*ISSUERS)
@documented("/certificate-jobs", "post", summary="Issue every certificate of a plan or class in the background",
            tag="certificates",
            request_body={"type": "object", "required": ["scope_type", "scope_id"], "properties": {
                "scope_type": {"enum": list(BATCH_SCOPES)}, "scope_id": {"type": "integer"}}},
            responses={"202": {"$ref": "#/components/schemas/CertificateJob"}, "403": None, "404": None,
                       "422": None})
def certificate_jobs_create():
    """Queue a batch issuance (or answer with the one already under way for the scope)."""
    data = json_body()
    scope_type, scope_id = text(data, "scope_type", required=True), integer(data, "scope_id", required=True)
    if scope_type not in BATCH_SCOPES:
        raise ValidationFailed(N_("scope_type must be assessment_plan or training_class."), field="scope_type")
    started = start_batch(db.session, actor=current_actor(), now=utcnow(), scope_type=scope_type, scope_id=scope_id)
    job_id = started.job.id
    db.session.commit()
    db.session.close()
    if started.created:
        enqueue(current_app, "issue_batch", job_id)
    return jsonify(_job_json(db.session.get(CertificateJob, job_id))), 202


def _job_json(job: CertificateJob) -> dict:
    return {"id": job.id, "status": job.status, "done": job.done, "total": job.total, "error": job.error}


@bp.get("/certificate-jobs/<int:job_id>")
@roles(*ISSUERS)
@documented("/certificate-jobs/{job_id}", "get", summary="Progress of a batch", tag="certificates",
            parameters=path_id("job_id"),
            responses={"200": {"$ref": "#/components/schemas/CertificateJob"}, "404": None})
def certificate_jobs_show(job_id: int):
    """A batch's progress."""
    return jsonify(_job_json(get_batch(db.session, actor=current_actor(), job_id=job_id)))
