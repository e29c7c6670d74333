"""After issue: who sees a certificate, revocation (irreversible), reprints after loss, corrections."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, and_, cast, exists, or_, select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import Organisation, User
from app.accounts.roles import Role, scope_by_role
from app.assessment.models import SessionAssignment, SessionCandidate
from app.assessment.result_models import AssessmentResult
from app.audit.services import record_event
from app.certification.issuing import (
    CertificateDraft,
    IssuingContext,
    PreparedCertificate,
    build_view,
    prepare_certificate,
    qr_payload,
    record_certificate,
    render_and_store,
    reserve_number,
)
from app.certification.models import STATUS_LABELS, Certificate, CertificatePrint
from app.certification.numbering import next_print_serial
from app.certification.signing import verification_url
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.models import Person, PersonAccess
from app.translation import N_, Message

MIN_REASON = 4  # characters: a revocation or correction must say what was wrong
ISSUER_ROLES = frozenset({Role.ADMIN, Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF, Role.ENTERPRISE_HR})


def visible_clause(actor: User):
    """Certificates in scope: all for admins, the organisation's for staff and HR, assessors' own sessions'."""
    organisation = or_(
        Certificate.issuer_org_id == actor.organisation_id,
        exists().where(PersonAccess.person_id == Certificate.person_id,
                       PersonAccess.organisation_id == actor.organisation_id),
    )
    # An assessor works in an evaluation organisation but sees only the sessions assigned to them (DESIGN rule 7).
    assessed = (select(cast(AssessmentResult.id, String))
                .join(SessionCandidate, SessionCandidate.registration_id == AssessmentResult.registration_id)
                .join(SessionAssignment, SessionAssignment.session_id == SessionCandidate.session_id)
                .where(SessionAssignment.user_id == actor.id))
    return scope_by_role(actor, {
        Role.EVALUATION_STAFF: organisation, Role.INSTITUTION_STAFF: organisation, Role.ENTERPRISE_HR: organisation,
        Role.ASSESSOR: and_(Certificate.source_type == "assessment_result", Certificate.source_id.in_(assessed)),
    })


def get_certificate(session: Session, *, actor: User, certificate_id: int) -> Certificate:
    """One certificate in the actor's scope (NotFound outside it)."""
    certificate = session.scalar(select(Certificate).where(Certificate.id == certificate_id, visible_clause(actor)))
    if certificate is None:
        raise NotFound(N_("This certificate does not exist or is outside your scope."))
    return certificate


def list_certificates(session: Session, *, actor: User, search: str | None = None, status: str | None = None,
                      limit: int = 100, offset: int = 0) -> list[Certificate]:
    """Certificates in scope, newest first; search by number or holder name."""
    stmt = select(Certificate).where(visible_clause(actor)).order_by(Certificate.id.desc()).limit(limit).offset(offset)
    if search:
        stmt = stmt.where(or_(Certificate.number == search.strip().upper(), Certificate.holder_name.like(f"%{search.strip()}%")))
    if status:
        stmt = stmt.where(Certificate.status == status)
    return list(session.scalars(stmt))


def certificates_by_source(session: Session, *, source_type: str, source_ids: Iterable[int]) -> dict[int, Certificate]:
    """The latest certificate issued for each source (enrolment, apprenticeship, result), keyed by source id."""
    keys = [str(source_id) for source_id in source_ids]
    if not keys:
        return {}
    rows = session.scalars(select(Certificate).where(
        Certificate.source_type == source_type, Certificate.source_id.in_(keys)).order_by(Certificate.id))
    return {int(c.source_id): c for c in rows}  # a correction is issued later, so it wins


def _require_issuer(actor: User, certificate: Certificate) -> None:
    if actor.has_role(Role.ADMIN):
        return
    if certificate.issuer_org_id != actor.organisation_id or not actor.has_role(*ISSUER_ROLES):
        raise NotAllowed(N_("Only the issuing organisation or a human resources administrator may handle this certificate."))


def _reason(reason: str | None, refusal: Message, *, minimum: int = MIN_REASON) -> str:
    """The reason as given, stripped; a blank or too short one is refused on the `reason` field."""
    reason = (reason or "").strip()
    if len(reason) < minimum:
        raise ValidationFailed(refusal, field="reason")
    return reason


def revoke_certificate(session: Session, *, actor: User, now: datetime, certificate_id: int, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason; there is no way back."""
    certificate = get_certificate(session, actor=actor, certificate_id=certificate_id)
    _require_issuer(actor, certificate)
    reason = _reason(reason, N_("Give the reason for the revocation (at least {minimum} characters).",
                                minimum=MIN_REASON))
    if certificate.status != "valid":
        raise InvalidTransition(N_("The certificate is {status}; only a valid certificate can be revoked.",
                                   status=STATUS_LABELS[certificate.status]))
    certificate.status, certificate.revoked_at = "revoked", now
    certificate.revoked_reason, certificate.revoked_by_id = reason, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="certificate.revoke", object_type="certificate",
                 object_id=certificate.id, old={"status": "valid"}, new={"status": "revoked"}, note=reason)
    return certificate


def reprint_certificate(session: Session, *, actor: User, now: datetime, certificate_id: int, reason: str,
                        ctx: IssuingContext) -> CertificatePrint:
    """A lost-certificate reprint: same number and QR, new print serial, freshly rendered and stored."""
    certificate = get_certificate(session, actor=actor, certificate_id=certificate_id)
    _require_issuer(actor, certificate)
    if certificate.status != "valid":
        raise InvalidTransition(N_("Only a valid certificate can be reprinted."))
    reason = _reason(reason, N_("Give the reason for the reprint, e.g. \"lost\"."), minimum=1)
    serial = next_print_serial(session, year=now.year)
    url = _url_of(certificate, ctx)
    photo_path = ctx.storage_dir / certificate.photo_path if certificate.photo_path else None
    view = build_view(certificate.kind, certificate.printed_fields, id_number=pii.decrypt(certificate.id_number_enc),
                      photo=photo_path.read_bytes() if photo_path and photo_path.exists() else None, url=url,
                      print_serial=serial)
    prepared = PreparedCertificate(0, view, certificate.number, serial, certificate.token, certificate.key_id,
                                   certificate.signature, certificate.issue_date, certificate.printed_fields)
    path, digest = render_and_store(prepared, ctx.storage_dir)
    reprint = CertificatePrint(print_serial=serial, reason="reprint", note=reason, pdf_path=path, pdf_sha256=digest,
                               printed_at=now, actor_id=actor.id)
    certificate.prints.append(reprint)
    old_serial = certificate.print_serial
    certificate.print_serial, certificate.pdf_path, certificate.pdf_sha256 = serial, path, digest
    session.flush()
    record_event(session, actor=actor, now=now, action="certificate.reprint", object_type="certificate",
                 object_id=certificate.id, old={"print_serial": old_serial},
                 new={"print_serial": serial, "sha256": digest}, note=reason)
    return reprint


def _url_of(certificate: Certificate, ctx: IssuingContext) -> str:
    payload = qr_payload(certificate.number, certificate.level_digit, certificate.occupation_code,
                         certificate.issue_date, certificate.key_id)
    return verification_url(ctx.base_url, certificate.token, payload, certificate.signature)


def supersede_certificate(session: Session, *, actor: User, now: datetime, certificate_id: int, reason: str,
                          ctx: IssuingContext, variant_name: str | None = None) -> Certificate:
    """Issue a corrected certificate from the holder's current record; the old one points to it."""
    old = get_certificate(session, actor=actor, certificate_id=certificate_id)
    _require_issuer(actor, old)
    if old.status != "valid":
        raise InvalidTransition(N_("Only a valid certificate can be corrected and reissued."))
    reason = _reason(reason, N_("Give the reason for the correction (at least {minimum} characters).",
                                minimum=MIN_REASON))
    person = session.get(Person, old.person_id)
    extra = {k: v for k, v in old.printed_fields.items() if k not in (
        "holder_name", "id_type", "occupation_name", "occupation_direction", "level_label", "certificate_number",
        "issue_date", "org_name")}
    draft = CertificateDraft(
        kind=old.kind, person=person, issuer=session.get(Organisation, old.issuer_org_id),
        occupation_code=old.occupation_code, occupation_name=old.occupation_name,
        variant_name=old.variant_name if variant_name is None else (variant_name.strip() or None),
        level_digit=old.level_digit, source_type=old.source_type, source_id=old.source_id, extra=extra)
    reservation = reserve_number(session, draft=draft, now=now, correction=True)
    prepared = prepare_certificate(draft, reservation, ctx)
    path, digest = render_and_store(prepared, ctx.storage_dir)
    new = record_certificate(session, actor=actor, now=now, draft=draft, prepared=prepared, pdf_path=path,
                             pdf_sha256=digest, replaces=old)
    old.status, old.superseded_by_id = "superseded", new.id
    session.flush()
    record_event(session, actor=actor, now=now, action="certificate.supersede", object_type="certificate",
                 object_id=old.id, old={"status": "valid"}, new={"status": "superseded", "by": new.number},
                 note=reason)
    return new

