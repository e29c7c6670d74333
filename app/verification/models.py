"""The verification log, share links to one certificate, and enterprises' records of national checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.certification.models import Certificate
from app.database import Base, UTCDateTime
from app.translation import N_

CHANNELS = ("public", "qr", "bulk", "api", "share")
CHANNEL_LABELS = {"public": N_("Public check"), "qr": N_("QR code"), "bulk": N_("Bulk"), "api": N_("API"),
                  "share": N_("Share link")}
# What a check found; misses are told apart here (never on the public page) to spot harvesting.
RESULTS = ("valid", "revoked", "superseded", "not_found", "name_mismatch", "malformed", "legacy")
NATIONAL_RESULTS = ("consistent", "inconsistent", "not_found")
NATIONAL_RESULT_LABELS = {"consistent": N_("Details match"), "inconsistent": N_("Details differ"),
                          "not_found": N_("No such certificate")}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class VerificationLog(Base):
    """One check of a certificate: when, through which channel, what it found; never names or ID numbers."""

    __tablename__ = "verification_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="RESTRICT"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"))
    share_link_id: Mapped[int | None] = mapped_column(ForeignKey("share_links.id", ondelete="RESTRICT"))

    __table_args__ = (
        CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
        CheckConstraint(_one_of("result", RESULTS), name="result"),
        Index("ix_verification_log_certificate", "certificate_id", "checked_at"),
        Index("ix_verification_log_checked_at", "checked_at"),
    )


class ShareLink(Base):
    """An expiring link to one certificate, made on the holder's behalf; only the token's hash is kept."""

    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="RESTRICT"), nullable=False,
                                                index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    note: Mapped[str | None] = mapped_column(String(200))
    views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    certificate: Mapped[Certificate] = relationship()

    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expiry_after_creation"),
        CheckConstraint("views >= 0", name="views"),
        CheckConstraint("length(token_hash) = 64", name="token_hash_length"),
    )


class NationalCheck(Base):
    """An enterprise's record that it checked a certificate on the national query site, with a screenshot."""

    __tablename__ = "national_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False,
                                                 index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="RESTRICT"))
    certificate_number: Mapped[str] = mapped_column(String(32), nullable=False)
    holder_name: Mapped[str] = mapped_column(String(50), nullable=False)
    checked_on: Mapped[date] = mapped_column(Date, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    screenshot_path: Mapped[str] = mapped_column(String(200), nullable=False)
    screenshot_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)

    certificate: Mapped[Certificate | None] = relationship()

    __table_args__ = (
        CheckConstraint(_one_of("result", NATIONAL_RESULTS), name="result"),
        CheckConstraint("length(screenshot_sha256) = 64", name="screenshot_sha256_length"),
    )
