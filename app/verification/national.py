"""Enterprises' records of checks made on the national query site (name + ID number there), with evidence."""

from __future__ import annotations

import hashlib
import io
import warnings
from datetime import date, datetime
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.organisations import get_organisation_row
from app.accounts.roles import Role
from app.audit.services import record_event
from app.certification.models import Certificate
from app.errors import NotAllowed, ValidationFailed
from app.filestore import store_once
from app.translation import N_
from app.verification.checks import LOCAL_ZONE, MAX_NAME, normalise_name, normalise_number, number_format
from app.verification.models import NATIONAL_RESULTS, NationalCheck

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
_MAGIC = {b"\xff\xd8\xff": ("JPEG", "jpg"), b"\x89PNG\r\n\x1a\n": ("PNG", "png")}
NATIONAL_SITE = "https://jndj.osta.org.cn"


def check_screenshot(data: bytes) -> str:
    """Refuse anything but a readable PNG or JPEG of at most 5 MB; returns the file extension."""
    if not data:
        raise ValidationFailed(N_("Upload a screenshot of the result."), field="screenshot")
    if len(data) > MAX_SCREENSHOT_BYTES:
        raise ValidationFailed(N_("The screenshot may be at most 5 MB; this one has {size} MB.",
                                  size=round(len(data) / 1024 / 1024, 1)), field="screenshot")
    declared = next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)
    if declared is None:
        raise ValidationFailed(N_("The screenshot must be a PNG or JPEG image."), field="screenshot")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != declared[0] or max(image.size) > MAX_SIDE:
                    raise ValidationFailed(N_("The screenshot must be a PNG or JPEG image of at most {side} pixels a side.",
                                              side=MAX_SIDE), field="screenshot")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed(N_("The screenshot is too large."), field="screenshot") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed(N_("The screenshot cannot be read; the file may be damaged."), field="screenshot") from None
    return declared[1]


def record_national_check(session: Session, *, actor: User, now: datetime, number: str, name: str,
                          checked_on: date, result: str, screenshot: bytes, storage_dir: Path,
                          note: str | None = None) -> NationalCheck:
    """Record an enterprise's check on the national site; linked to our certificate when number and name match."""
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise NotAllowed(N_("Only enterprise staff may record checks made on the national query site."))
    normalised = normalise_number(number)
    if number_format(normalised) == "malformed":
        raise ValidationFailed(N_("The certificate number must be a 22-character skill level certificate number or a "
                                  "16-digit vocational qualification certificate number."), field="number")
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed(N_("Enter the holder's name (at most {maximum} characters).", maximum=MAX_NAME), field="name")
    if checked_on > now.astimezone(LOCAL_ZONE).date():
        raise ValidationFailed(N_("The date of the check cannot be later than today."), field="checked_on")
    if result not in NATIONAL_RESULTS:
        raise ValidationFailed(N_("Choose the result of the check."), field="result")
    extension = check_screenshot(screenshot)
    digest = hashlib.sha256(screenshot).hexdigest()
    relative = f"national_checks/{now.year}/{digest}.{extension}"
    store_once(Path(storage_dir) / relative, screenshot)
    certificate = session.scalar(select(Certificate).where(Certificate.number == normalised))
    linked = certificate if certificate and normalise_name(certificate.holder_name) == normalise_name(name) else None
    record = NationalCheck(
        organisation_id=actor.organisation_id, certificate_id=linked.id if linked else None,
        certificate_number=normalised, holder_name=name, checked_on=checked_on, result=result,
        note=(note or "").strip() or None, screenshot_path=relative, screenshot_sha256=digest,
        recorded_by_id=actor.id, recorded_at=now)
    session.add(record)
    session.flush()
    record_event(session, actor=actor, now=now, action="national_check.record", object_type="national_check",
                 object_id=record.id, new={"number": normalised, "result": result, "checked_on": checked_on.isoformat(),
                                           "screenshot_sha256": digest})
    return record


def list_national_checks(session: Session, *, actor: User, limit: int = 200) -> list[NationalCheck]:
    """The actor's organisation's records, newest first (all of them for administrators)."""
    stmt = select(NationalCheck).order_by(NationalCheck.id.desc()).limit(limit)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(NationalCheck.organisation_id == actor.organisation_id)
    return list(session.scalars(stmt))


def get_national_check(session: Session, *, actor: User, check_id: int) -> NationalCheck:
    """One record of the actor's organisation."""
    return get_organisation_row(session, NationalCheck, check_id, actor=actor,
                                missing=N_("This record of a national check does not exist."))
