"""People (trainees, candidates, workers), who may see them, and their work, certificates and levels.

ID and phone numbers are never stored in plain text: each has an AES-GCM ciphertext (``*_enc``), a keyed
blind index for lookups (``*_hash``) and a masked form for lists (``*_masked``), so lists never decrypt.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.catalog.ladder import GRADE_KEYS
from app.database import Entity, one_of, owned, ref, stamp
from app.idnumbers import ID_TYPES
from app.people.vocabulary import ACCESS_REASONS, EDUCATION_LABELS, SCHOOL_TYPE_LABELS, TITLE_LEVEL_LABELS
from app.translation import N_, Message

LEVEL_ROUTES: dict[str, Message] = {
    "exam": N_("Assessment and evaluation"),
    "direct_recognition": N_("Direct recognition"),
    "exceptional_promotion": N_("Exceptional promotion"),
    "competition": N_("Promotion through a competition"),
    "enterprise_appointment": N_("Enterprise appointment"),
}
CERTIFICATE_FORMATS = ("national", "legacy")
CERTIFICATE_SOURCES = ("declared", "issued_here")
_OCCUPATION_CODE_CHECK = "occupation_code IS NULL OR length(occupation_code) = 10"


class Person(Entity):
    """A person in the chain: registered once, found by blind index, seen by organisations with access."""

    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(50), nullable=False)
    id_type: Mapped[str] = mapped_column(String(30), nullable=False)
    id_number_enc: Mapped[str] = mapped_column(String(120), nullable=False)
    id_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    id_masked: Mapped[str] = mapped_column(String(20), nullable=False)
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    phone_enc: Mapped[str | None] = mapped_column(String(120))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    ethnicity: Mapped[str | None] = mapped_column(String(20))  # 民族
    household_place: Mapped[str | None] = mapped_column(String(100))  # 户籍所在地
    school_name: Mapped[str | None] = mapped_column(String(100))  # 毕业学校
    school_type: Mapped[str | None] = mapped_column(String(30))
    speciality: Mapped[str | None] = mapped_column(String(100))
    graduated_on: Mapped[date | None] = mapped_column(Date)
    target_groups: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    employer_org_id: Mapped[int | None] = ref("organisations.id", ondelete="SET NULL")
    photo_path: Mapped[str | None] = mapped_column(String(200))
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    registered_by_org_id: Mapped[int] = ref("organisations.id")
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()

    work_records: Mapped[list[WorkRecord]] = owned("person", order_by="WorkRecord.start_date")
    held_certificates: Mapped[list[HeldCertificate]] = owned("person", order_by="HeldCertificate.issue_date")
    level_awards: Mapped[list[LevelAward]] = owned("person", order_by="LevelAward.awarded_on")
    titles: Mapped[list[ProfessionalTitle]] = owned("person", order_by="ProfessionalTitle.obtained_on")

    __table_args__ = (
        UniqueConstraint("id_type", "id_hash", name="uq_people_id_type_hash"),
        one_of("id_type", ID_TYPES),
        CheckConstraint("length(id_hash) = 64", name="id_hash_length"),
        CheckConstraint("phone_hash IS NULL OR length(phone_hash) = 64", name="phone_hash_length"),
        one_of("gender", ("M", "F"), nullable=True),
        one_of("education", EDUCATION_LABELS, nullable=True),
        one_of("school_type", SCHOOL_TYPE_LABELS, nullable=True),
        CheckConstraint("photo_sha256 IS NULL OR length(photo_sha256) = 64", name="photo_sha256_length"),
    )


class PersonAccess(Entity):
    """Data scope: an organisation that may see a person (administrators see everyone)."""

    __tablename__ = "person_access"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE")
    organisation_id: Mapped[int] = ref("organisations.id", ondelete="CASCADE")
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    granted_at: Mapped[datetime] = stamp()

    __table_args__ = (
        UniqueConstraint("person_id", "organisation_id", name="uq_person_access_person_org"),
        # Scope filters read "which people may organisation X see": organisation first.
        Index("ix_person_access_org_person", "organisation_id", "person_id"),
        one_of("reason", ACCESS_REASONS),
    )


class WorkRecord(Entity):
    """A stretch of work; end_date is the last day worked, or NULL while ongoing."""

    __tablename__ = "work_records"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    employer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    start_date: Mapped[date | None] = mapped_column(Date)  # None when only years were declared
    end_date: Mapped[date | None] = mapped_column(Date)
    # 从业年限 as the person declares it (the signed work-years declaration), and when it was declared.
    declared_years: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    declared_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(back_populates="work_records")

    __table_args__ = (
        CheckConstraint(_OCCUPATION_CODE_CHECK, name="occupation_code_length"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
        CheckConstraint("start_date IS NOT NULL OR (declared_years IS NOT NULL AND declared_on IS NOT NULL)",
                        name="dated_or_declared"),
        CheckConstraint("declared_years IS NULL OR (declared_years > 0 AND declared_on IS NOT NULL)",
                        name="declared_years"),
    )


class HeldCertificate(Entity):
    """A skill-level certificate (22 characters) or legacy qualification certificate (16 digits) held."""

    __tablename__ = "held_certificates"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    number: Mapped[str] = mapped_column(String(22), nullable=False, unique=True)
    number_format: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_code: Mapped[str | None] = mapped_column(String(10))
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    level_digit: Mapped[int] = mapped_column(Integer, nullable=False)
    issue_date: Mapped[date] = mapped_column(Date, nullable=False)
    issuer_name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(back_populates="held_certificates")

    __table_args__ = (
        one_of("number_format", CERTIFICATE_FORMATS),
        one_of("source", CERTIFICATE_SOURCES),
        CheckConstraint("level_digit BETWEEN 1 AND 5", name="level_digit"),
        CheckConstraint(_OCCUPATION_CODE_CHECK, name="occupation_code_length"),
    )


class LevelAward(Entity):
    """One step in a person's level history on the eight-grade ladder, with the route that led to it."""

    __tablename__ = "level_awards"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    occupation_code: Mapped[str] = mapped_column(String(10), nullable=False)
    occupation_name: Mapped[str] = mapped_column(String(100), nullable=False)
    grade_key: Mapped[str] = mapped_column(String(30), nullable=False)
    level_digit: Mapped[int | None] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(30), nullable=False)
    awarded_on: Mapped[date] = mapped_column(Date, nullable=False)
    term_until: Mapped[date | None] = mapped_column(Date)
    awarded_by_org_id: Mapped[int | None] = ref("organisations.id", ondelete="SET NULL")
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(back_populates="level_awards")

    __table_args__ = (
        one_of("grade_key", GRADE_KEYS),
        CheckConstraint("level_digit IS NULL OR level_digit BETWEEN 1 AND 5", name="level_digit"),
        one_of("route", LEVEL_ROUTES),
        CheckConstraint("term_until IS NULL OR term_until > awarded_on", name="term"),
        CheckConstraint("length(occupation_code) = 10", name="occupation_code_length"),
        # Covers the funnel report's and the subsidy ledger's per-person lookups (issue 8).
        Index("ix_level_awards_person_occupation_date", "person_id", "occupation_code", "awarded_on", "level_digit"),
    )


class ProfessionalTitle(Entity):
    """A professional title (专业技术职称), which some eligibility routes accept."""

    __tablename__ = "professional_titles"

    person_id: Mapped[int] = ref("people.id", ondelete="CASCADE", index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    obtained_on: Mapped[date] = mapped_column(Date, nullable=False)
    in_speciality: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = stamp()

    person: Mapped[Person] = relationship(back_populates="titles")

    __table_args__ = (one_of("level", TITLE_LEVEL_LABELS),)

