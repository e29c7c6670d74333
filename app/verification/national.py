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
from app.accounts.roles import Role
from app.audit.services import record_event
from app.certification.models import Certificate
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.filestore import store_once
from app.verification.checks import LOCAL_ZONE, MAX_NAME, normalise_name, normalise_number, number_format
from app.verification.models import NATIONAL_RESULTS, NationalCheck

MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024
MAX_SIDE = 8000
_MAGIC = {b"\xff\xd8\xff": ("JPEG", "jpg"), b"\x89PNG\r\n\x1a\n": ("PNG", "png")}
NATIONAL_RESULT_LABELS = {"consistent": "信息一致", "inconsistent": "信息不一致", "not_found": "查无此证"}
NATIONAL_SITE = "https://jndj.osta.org.cn"


def check_screenshot(data: bytes) -> str:
    """Refuse anything but a readable PNG or JPEG of at most 5 MB; returns the file extension."""
    if not data:
        raise ValidationFailed("请上传查询结果截图", field="screenshot")
    if len(data) > MAX_SCREENSHOT_BYTES:
        raise ValidationFailed(f"截图不能超过 5 MB（当前 {len(data) / 1024 / 1024:.1f} MB）", field="screenshot")
    declared = next((kind for magic, kind in _MAGIC.items() if data.startswith(magic)), None)
    if declared is None:
        raise ValidationFailed("截图须为 PNG 或 JPEG 图片", field="screenshot")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != declared[0] or max(image.size) > MAX_SIDE:
                    raise ValidationFailed("截图须为 PNG 或 JPEG 图片，边长不超过 8000 像素", field="screenshot")
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed("截图尺寸过大", field="screenshot") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationFailed("无法读取截图文件，文件可能已损坏", field="screenshot") from None
    return declared[1]


def record_national_check(session: Session, *, actor: User, now: datetime, number: str, name: str,
                          checked_on: date, result: str, screenshot: bytes, storage_dir: Path,
                          note: str | None = None) -> NationalCheck:
    """Record an enterprise's check on the national site; linked to our certificate when number and name match."""
    if not actor.has_role(Role.ENTERPRISE_HR, Role.ADMIN):
        raise NotAllowed("只有企业人员可以登记全国联网查询结果")
    normalised = normalise_number(number)
    if number_format(normalised) == "malformed":
        raise ValidationFailed("证书编号应为 22 位职业技能等级证书编号或 16 位旧版职业资格证书编号", field="number")
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationFailed(f"请填写持证人姓名（不超过 {MAX_NAME} 个字）", field="name")
    if checked_on > now.astimezone(LOCAL_ZONE).date():
        raise ValidationFailed("查询日期不能晚于今天", field="checked_on")
    if result not in NATIONAL_RESULTS:
        raise ValidationFailed("请选择查询结果", field="result")
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
    record = session.get(NationalCheck, check_id)
    if record is None or (not actor.has_role(Role.ADMIN) and record.organisation_id != actor.organisation_id):
        raise NotFound("查询记录不存在")
    return record
