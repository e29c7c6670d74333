"""Issued certificates, their prints, number reservations of batch jobs, and plain sequence counters."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import Base, Entity, one_of, ref, stamp
from app.translation import N_

KINDS = ("skill_level", "training", "apprenticeship")
KIND_LABELS = {"skill_level": N_("Vocational skill level certificate"), "training": N_("Training certificate"),
               "apprenticeship": N_("Enterprise apprenticeship training certificate")}
STATUSES = ("valid", "revoked", "superseded")
STATUS_LABELS = {"valid": N_("Valid"), "revoked": N_("Revoked by the issuer"), "superseded": N_("Superseded by a corrected certificate")}


class Certificate(Entity):
    """A certificate as issued: frozen copies of what was printed, never deleted, revocation irreversible."""

    __tablename__ = "certificates"

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    number: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="valid")
    person_id: Mapped[int] = ref("people.id", index=True)
    holder_name: Mapped[str] = mapped_column(String(50), nullable=False)
    id_type: Mapped[str] = mapped_column(String(30), nullable=False)
    id_number_enc: Mapped[str] = mapped_column(String(120), nullable=False)
    id_masked: Mapped[str] = mapped_column(String(20), nullable=False)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    variant_name: Mapped[str | None] = mapped_column(String(100))  # 工种/职业方向
    level_digit: Mapped[int | None] = mapped_column(Integer)
    issuer_org_id: Mapped[int] = ref("organisations.id")
    issuer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    # The plain strings printed (kind-specific extras such as hours or the enterprise), for reprints.
    printed_fields: Mapped[dict] = mapped_column(JSON, nullable=False)
    photo_path: Mapped[str | None] = mapped_column(String(200))
    token: Mapped[str] = mapped_column(String(40), nullable=False, unique=True)
    key_id: Mapped[str] = mapped_column(String(40), nullable=False)
    signature: Mapped[str] = mapped_column(String(120), nullable=False)
    pdf_path: Mapped[str] = mapped_column(String(300), nullable=False)
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    print_serial: Mapped[str] = mapped_column(String(20), nullable=False)
    source_type: Mapped[str] = mapped_column(String(30), nullable=False)
    source_id: Mapped[str] = mapped_column(String(40), nullable=False)
    replaces_id: Mapped[int | None] = ref("certificates.id")
    superseded_by_id: Mapped[int | None] = ref("certificates.id")
    revoked_at: Mapped[datetime | None] = stamp()
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = ref("users.id")
    issued_by_id: Mapped[int | None] = ref("users.id")
    created_at: Mapped[datetime] = stamp()

    prints: Mapped[list[CertificatePrint]] = relationship(
        back_populates="certificate", order_by="CertificatePrint.id", cascade="save-update"
    )
    replaces: Mapped[Certificate | None] = relationship(foreign_keys=[replaces_id], remote_side="Certificate.id")
    superseded_by: Mapped[Certificate | None] = relationship(foreign_keys=[superseded_by_id], remote_side="Certificate.id")

    __table_args__ = (
        one_of("kind", KINDS),
        one_of("status", STATUSES),
        CheckConstraint("level_digit IS NULL OR level_digit BETWEEN 1 AND 5", name="level_digit"),
        CheckConstraint("kind != 'skill_level' OR (level_digit IS NOT NULL AND length(number) = 22)",
                        name="skill_level_number"),
        CheckConstraint("status != 'revoked' OR (revoked_at IS NOT NULL AND revoked_reason IS NOT NULL)",
                        name="revocation_recorded"),
        CheckConstraint("status != 'superseded' OR superseded_by_id IS NOT NULL", name="supersession_recorded"),
        CheckConstraint("length(pdf_sha256) = 64", name="pdf_sha256_length"),
        Index("ix_certificates_source", "kind", "source_type", "source_id"),
        Index("ix_certificates_issuer", "issuer_org_id", "issue_date"),
    )


class CertificatePrint(Entity):
    """One printing of a certificate: the original, or a reprint after loss (same number, new print serial)."""

    __tablename__ = "certificate_prints"

    certificate_id: Mapped[int] = ref("certificates.id")
    print_serial: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    pdf_path: Mapped[str] = mapped_column(String(300), nullable=False)
    pdf_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    printed_at: Mapped[datetime] = stamp()
    actor_id: Mapped[int | None] = ref("users.id")

    certificate: Mapped[Certificate] = relationship(back_populates="prints")

    __table_args__ = (CheckConstraint("reason IN ('issue', 'reprint', 'correction')", name="reason"),)


class NumberReservation(Entity):
    """A number taken for a certificate not yet stored: a killed batch resumes with the same number."""

    __tablename__ = "certificate_number_reservations"

    job_id: Mapped[int | None] = ref("certificate_jobs.id")
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    source_type: Mapped[str] = mapped_column(String(30), nullable=False)
    source_id: Mapped[str] = mapped_column(String(40), nullable=False)
    number: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    print_serial: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    reserved_at: Mapped[datetime] = stamp()

    __table_args__ = (UniqueConstraint("kind", "source_type", "source_id", name="uq_certificate_number_reservations_source"),)


class CertificateJob(Entity):
    """A batch issuance running on the task queue, with progress."""

    __tablename__ = "certificate_jobs"

    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    scope_type: Mapped[str] = mapped_column(String(30), nullable=False)  # e.g. assessment_plan
    scope_id: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int] = ref("organisations.id")
    created_by_id: Mapped[int | None] = ref("users.id")
    created_at: Mapped[datetime] = stamp()
    started_at: Mapped[datetime | None] = stamp()
    finished_at: Mapped[datetime | None] = stamp()
    # Written by the runner at every committed step: a running job silent past the lease has lost its worker.
    heartbeat_at: Mapped[datetime | None] = stamp()

    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
    )


class SequenceCounter(Base):
    """A named gap-free counter (print serials, training and apprenticeship certificate numbers)."""

    __tablename__ = "sequence_counters"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    __table_args__ = (CheckConstraint("last_value >= 0", name="last_value"),)
