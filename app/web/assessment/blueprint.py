"""The assessment blueprint and helpers its view modules share."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, current_app
from flask_babel import gettext as _

from app.web.actions import localize

bp = Blueprint("assessment", __name__, url_prefix="/assessment")


def occupation_label(occupation, level=None) -> str:
    """An occupation with its code (and a level label) for select options, in the user's language."""
    if level:
        return _("%(name)s (%(code)s) %(level)s", name=occupation.name, code=occupation.code, level=localize(level))
    return _("%(name)s (%(code)s)", name=occupation.name, code=occupation.code)


def setting(name: str, default):
    """An assessment setting from the configuration, with its documented default."""
    return current_app.config.get(name, default)


def notice_days() -> int:
    """Working days of a result notice (公示), ASSESSMENT_NOTICE_WORKING_DAYS (default 5)."""
    return int(setting("ASSESSMENT_NOTICE_WORKING_DAYS", 5))


def retake_months() -> int:
    """Months passed components are kept, ASSESSMENT_RETAKE_MONTHS (default 12)."""
    return int(setting("ASSESSMENT_RETAKE_MONTHS", 12))


def quota_percent() -> Decimal:
    """Share of 高级技师 holders an enterprise may appoint 特级技师, APPOINTMENT_QUOTA_PERCENT (default 5)."""
    return Decimal(str(setting("APPOINTMENT_QUOTA_PERCENT", "5")))
