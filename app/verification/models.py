"""The verification log, share links to one certificate, and enterprises' records of national checks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.certification.models import Certificate
from app.database import Entity, one_of, ref, stamp
from app.translation import N_

CHANNELS = ("public", "qr", "bulk", "api", "share")
CHANNEL_LABELS = {"public": N_("Public check"), "qr": N_("QR code"), "bulk": N_("Bulk"), "api": N_("API"),
                  "share": N_("Share link")}
# What a check found; misses are told apart here (never on the public page) to spot harvesting.
RESULTS = ("valid", "revoked", "superseded", "not_found", "name_mismatch", "malformed", "legacy")
NATIONAL_RESULTS = ("consistent", "inconsistent", "not_found")
NATIONAL_RESULT_LABELS = {"consistent": N_("Details match"), "inconsistent": N_("Details differ"),
                          "not_found": N_("No such certificate")}


class VerificationLog(Entity):
    """One check of a certificate: when, through which channel, what it found; never names or ID numbers."""

    __tablename__ = "verification_log"

    checked_at: Mapped[datetime] = stamp()
    channel: Mapped[str] = mapped_column(String(10), nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    certificate_id: Mapped[int | None] = ref("certificates.id")
    organisation_id: Mapped[int | None] = ref("organisations.id")
    share_link_id: Mapped[int | None] = ref("share_links.id")

    __table_args__ = (
        one_of("channel", CHANNELS),
        one_of("result", RESULTS),
        Index("ix_verification_log_certificate", "certificate_id", "checked_at"),
        Index("ix_verification_log_checked_at", "checked_at"),
    )


class ShareLink(Entity):
    """An expiring link to one certificate, made on the holder's behalf; only the token's hash is kept."""

    __tablename__ = "share_links"

    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    certificate_id: Mapped[int] = ref("certificates.id", index=True)
    organisation_id: Mapped[int | None] = ref("organisations.id")  # None: made by the holder's own account
    created_by_id: Mapped[int] = ref("users.id")
    created_at: Mapped[datetime] = stamp()
    expires_at: Mapped[datetime] = stamp()
    note: Mapped[str | None] = mapped_column(String(200))
    hide_id_number: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_viewed_at: Mapped[datetime | None] = stamp()
    withdrawn_at: Mapped[datetime | None] = stamp()
    withdrawn_by_id: Mapped[int | None] = ref("users.id")

    certificate: Mapped[Certificate] = relationship()

    __table_args__ = (
        CheckConstraint("expires_at > created_at", name="expiry_after_creation"),
        CheckConstraint("views >= 0", name="views"),
        CheckConstraint("length(token_hash) = 64", name="token_hash_length"),
    )


class NationalCheck(Entity):
    """An enterprise's record that it checked a certificate on the national query site, with a screenshot."""

    __tablename__ = "national_checks"

    organisation_id: Mapped[int] = ref("organisations.id", index=True)
    certificate_id: Mapped[int | None] = ref("certificates.id")
    certificate_number: Mapped[str] = mapped_column(String(32), nullable=False)
    holder_name: Mapped[str] = mapped_column(String(50), nullable=False)
    checked_on: Mapped[date] = mapped_column(Date, nullable=False)
    result: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    screenshot_path: Mapped[str] = mapped_column(String(200), nullable=False)
    screenshot_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    recorded_by_id: Mapped[int] = ref("users.id")
    recorded_at: Mapped[datetime] = stamp()

    certificate: Mapped[Certificate | None] = relationship()

    __table_args__ = (
        one_of("result", NATIONAL_RESULTS),
        CheckConstraint("length(screenshot_sha256) = 64", name="screenshot_sha256_length"),
    )
