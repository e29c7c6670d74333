"""Issuing certificates: reserve the number, render the PDF once, store it, record the certificate.

The three steps are separate so that a batch can render in parallel processes between two short
transactions (see batches.py), while a single issue runs them in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import Organisation, User
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.certification.models import KIND_LABELS, Certificate, CertificatePrint, NumberReservation
from app.certification.numbering import allocate_serial, next_local_number, next_print_serial
from app.certification.rendering import (
    ApprenticeshipCertificateView,
    CertificateView,
    SkillCertificateView,
    TrainingCertificateView,
    chinese_date,
    render_pdf,
)
from app.certification.seal import make_seal_svg
from app.certification.signing import KeyRing, SignedPayload, new_token, verification_url
from app.clock import local_date
from app.errors import ValidationFailed
from app.filestore import write_atomically
from app.idnumbers import ID_TYPE_LABELS
from app.people.models import Person
from app.translation import N_, in_chinese

LOCAL_PREFIX = {"training": "PX", "apprenticeship": "XT"}


@dataclass(frozen=True)
class IssuingContext:
    """What issuing needs from configuration, passed in by the edge."""

    storage_dir: Path
    keyring: KeyRing
    base_url: str


@dataclass(frozen=True)
class CertificateDraft:
    """What a source record (a final result, a completed class or apprenticeship) says to print."""

    kind: str
    person: Person
    issuer: Organisation
    occupation_code: str | None
    occupation_name: str
    variant_name: str | None
    level_digit: int | None
    source_type: str
    source_id: str
    extra: Mapping[str, str] = field(default_factory=dict)  # kind-specific printed fields


@dataclass(frozen=True)
class PreparedCertificate:
    """Everything needed to render and record one certificate, as plain data (picklable for a pool)."""

    reservation_id: int
    view: CertificateView
    number: str
    print_serial: str
    token: str
    key_id: str
    signature: str
    issue_date: date
    printed: Mapping[str, str]


def existing_certificate(session: Session, *, kind: str, source_type: str, source_id: str) -> Certificate | None:
    """The certificate already issued for a source record, if any (revoked and superseded ones count)."""
    return session.scalar(select(Certificate).where(
        Certificate.kind == kind, Certificate.source_type == source_type, Certificate.source_id == source_id,
    ).order_by(Certificate.id.desc()).limit(1))


def reserve_number(session: Session, *, draft: CertificateDraft, now: datetime, job_id: int | None = None,
                   correction: bool = False) -> NumberReservation:
    """Take the certificate number and print serial for a draft (or return the reservation it already has)."""
    held = session.scalar(select(NumberReservation).where(
        NumberReservation.kind == draft.kind, NumberReservation.source_type == draft.source_type,
        NumberReservation.source_id == draft.source_id))
    if held is not None:
        return held
    issued = existing_certificate(session, kind=draft.kind, source_type=draft.source_type, source_id=draft.source_id)
    if issued is not None and not correction:
        raise ValidationFailed(N_("A certificate has already been issued for this record (number {number}); to "
                                  "correct it, use \"Correct and reissue\".", number=issued.number), field="source")
    issue_date = local_date(now)
    if draft.kind == "skill_level":
        filing = draft.issuer.filing
        if filing is None:
            raise ValidationFailed(N_("{organisation} has no evaluation organisation filing, so it cannot number "
                                      "and issue certificates.", organisation=draft.issuer.name), field="issuer")
        if draft.level_digit is None:
            raise ValidationFailed(N_("A vocational skill level certificate needs a level."), field="level_digit")
        _serial, number = allocate_serial(session, filing=filing, year=issue_date.year, level_digit=draft.level_digit)
    else:
        number = next_local_number(session, prefix=LOCAL_PREFIX[draft.kind], organisation_id=draft.issuer.id,
                                   year=issue_date.year)
    reservation = NumberReservation(
        job_id=job_id, kind=draft.kind, source_type=draft.source_type, source_id=draft.source_id, number=number,
        print_serial=next_print_serial(session, year=issue_date.year), issue_date=issue_date, reserved_at=now,
    )
    session.add(reservation)
    session.flush()
    return reservation


def _photo(storage_dir: Path, photo_path: str | None) -> bytes | None:
    if not photo_path:
        return None
    path = storage_dir / photo_path
    return path.read_bytes() if path.exists() else None


def printed_fields(draft: CertificateDraft, issue_date: date, number: str) -> dict[str, str]:
    """The plain strings a certificate prints (kept on the row so reprints print the same); labels in Chinese."""
    fields = {
        "holder_name": draft.person.name,
        "id_type": in_chinese(ID_TYPE_LABELS[draft.person.id_type]),
        "occupation_name": draft.occupation_name,
        "occupation_direction": draft.variant_name or "",
        "level_label": in_chinese(level_label(draft.level_digit)) if draft.level_digit else "",
        "certificate_number": number,
        "issue_date": chinese_date(issue_date),
        "org_name": draft.issuer.name,
    }
    fields.update(draft.extra)
    return fields


def build_view(kind: str, printed: Mapping[str, str], *, id_number: str, photo: bytes | None, url: str,
               print_serial: str) -> CertificateView:
    """The frozen value object a design renders from (plain strings only)."""
    common = {"holder_name": printed["holder_name"], "id_type": printed["id_type"], "id_number": id_number,
              "certificate_number": printed["certificate_number"], "issue_date": printed["issue_date"],
              "verification_url": url, "print_serial": print_serial, "photo": photo}
    if kind == "skill_level":
        return SkillCertificateView(
            **common, occupation_name=printed["occupation_name"],
            occupation_direction=printed["occupation_direction"], level_label=printed["level_label"],
            org_name=printed["org_name"], seal_svg=make_seal_svg(printed["org_name"]))
    if kind == "training":
        return TrainingCertificateView(
            **common, project_name=printed["project_name"], class_name=printed["class_name"],
            occupation_name=printed["occupation_name"], hours=printed["hours"], start_date=printed["start_date"],
            end_date=printed["end_date"], institution_name=printed["org_name"],
            seal_svg=make_seal_svg(printed["org_name"]),
            tested=printed.get("tested", "yes"))  # certificates issued before the field said so
    return ApprenticeshipCertificateView(
        **common, enterprise_name=printed["enterprise_name"], institution_name=printed["institution_name"],
        occupation_name=printed["occupation_name"], target_level_label=printed["level_label"],
        start_date=printed["start_date"], end_date=printed["end_date"],
        enterprise_seal_svg=make_seal_svg(printed["enterprise_name"]),
        institution_seal_svg=make_seal_svg(printed["institution_name"]))


def qr_payload(number: str, level_digit: int | None, occupation_code: str | None, issue_date: date,
               key_id: str) -> SignedPayload:
    """The signed QR facts; certificates without a level sign 0 and without an occupation code sign "-"."""
    return SignedPayload(number, level_digit or 0, occupation_code or "-", issue_date, key_id)


def prepare_certificate(draft: CertificateDraft, reservation: NumberReservation,
                        ctx: IssuingContext) -> PreparedCertificate:
    """Sign the QR payload and build the view for a reserved number."""
    token = new_token()
    payload = qr_payload(reservation.number, draft.level_digit, draft.occupation_code, reservation.issue_date,
                         ctx.keyring.active_key_id)
    signature = ctx.keyring.sign(payload)
    url = verification_url(ctx.base_url, token, payload, signature)
    printed = printed_fields(draft, reservation.issue_date, reservation.number)
    view = build_view(draft.kind, printed, id_number=pii.decrypt(draft.person.id_number_enc),
                      photo=_photo(ctx.storage_dir, draft.person.photo_path), url=url,
                      print_serial=reservation.print_serial)
    return PreparedCertificate(reservation.id, view, reservation.number, reservation.print_serial, token,
                               ctx.keyring.active_key_id, signature, reservation.issue_date, printed)


def pdf_relative_path(number: str, print_serial: str, issue_date: date) -> str:
    """Where a print's PDF lives under the storage folder."""
    return f"certificates/{issue_date.year}/{number}-{print_serial}.pdf"


def render_and_store(prepared: PreparedCertificate, storage_dir: Path) -> tuple[str, str]:
    """Render the PDF and write it durably (temp file, fsync, rename); returns (relative path, SHA-256)."""
    data = render_pdf(prepared.view)
    relative = pdf_relative_path(prepared.number, prepared.print_serial, prepared.issue_date)
    write_atomically(storage_dir / relative, data, durable=True)
    return relative, hashlib.sha256(data).hexdigest()


def record_certificate(session: Session, *, actor: User | None, now: datetime, draft: CertificateDraft,
                       prepared: PreparedCertificate, pdf_path: str, pdf_sha256: str,
                       replaces: Certificate | None = None) -> Certificate:
    """Insert the certificate and its first print, consuming the reservation; audited."""
    certificate = Certificate(
        kind=draft.kind, number=prepared.number, status="valid", person_id=draft.person.id,
        holder_name=draft.person.name, id_type=draft.person.id_type, id_number_enc=draft.person.id_number_enc,
        id_masked=draft.person.id_masked, occupation_code=draft.occupation_code,
        occupation_name=draft.occupation_name, variant_name=draft.variant_name, level_digit=draft.level_digit,
        issuer_org_id=draft.issuer.id, issuer_name=draft.issuer.name, issue_date=prepared.issue_date,
        printed_fields=dict(prepared.printed), photo_path=draft.person.photo_path, token=prepared.token,
        key_id=prepared.key_id, signature=prepared.signature, pdf_path=pdf_path, pdf_sha256=pdf_sha256,
        print_serial=prepared.print_serial, source_type=draft.source_type, source_id=draft.source_id,
        replaces_id=replaces.id if replaces else None, issued_by_id=actor.id if actor else None, created_at=now,
    )
    certificate.prints.append(CertificatePrint(
        print_serial=prepared.print_serial, reason="correction" if replaces else "issue", pdf_path=pdf_path,
        pdf_sha256=pdf_sha256, printed_at=now, actor_id=actor.id if actor else None))
    session.add(certificate)
    reservation = session.get(NumberReservation, prepared.reservation_id)
    if reservation is not None:
        session.delete(reservation)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="certificate.issue", object_type="certificate",
        object_id=certificate.id,
        new={"number": certificate.number, "kind": certificate.kind, "holder": certificate.holder_name,
             "id_masked": certificate.id_masked, "sha256": pdf_sha256, "print_serial": prepared.print_serial,
             "source": f"{draft.source_type}:{draft.source_id}"},
    )
    return certificate


def issue_certificate(session: Session, *, actor: User | None, now: datetime, draft: CertificateDraft,
                      ctx: IssuingContext) -> Certificate:
    """Issue one certificate inside the caller's transaction (number, PDF, record)."""
    reservation = reserve_number(session, draft=draft, now=now)
    prepared = prepare_certificate(draft, reservation, ctx)
    path, digest = render_and_store(prepared, ctx.storage_dir)
    return record_certificate(session, actor=actor, now=now, draft=draft, prepared=prepared, pdf_path=path,
                              pdf_sha256=digest)


def kind_label(kind: str) -> str:
    """Chinese name of a certificate kind (as printed)."""
    return in_chinese(KIND_LABELS[kind])
