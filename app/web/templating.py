"""Template filters and display labels (translatable) shared by every page."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from jinja2 import pass_eval_context
from jinja2.filters import do_join

from app.accounts.roles import ORG_KIND_LABELS, ROLE_LABELS
from app.audit.actions import action_label
from app.catalog.ladder import grade_by_key, level_label, level_name
from app.catalog.models import COMPONENT_LABELS
from app.certification.models import STATUS_LABELS as CERTIFICATE_STATUS_LABELS
from app.idnumbers import ID_TYPE_LABELS
from app.people.models import LEVEL_ROUTES
from app.people.vocabulary import ACCESS_REASONS, EDUCATION_LABELS, GENDER_LABELS, target_group_text
from app.regions import city_name
from app.reporting.models import CLAIM_STATUSES, SCHEME_KINDS
from app.training.vocabulary import LEFT
from app.translation import Message
from app.web.actions import localize


def datetime_local(value: datetime | date | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Show a UTC datetime in the configured local time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        return value.strftime(fmt)
    return value.strftime("%Y-%m-%d")


def plain_number(value: Decimal | float | int | None) -> str:
    """A number without trailing zeros: Decimal("8.0") → 8, Decimal("5.5") → 5.5 (declared years, amounts)."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def _finalize(value: object) -> object:
    # Every {{ expression }} that yields a marked message (a vocabulary label, a refusal) is shown translated.
    return localize(value) if isinstance(value, Message) else value


@pass_eval_context
def _join(eval_ctx, value, separator: str = "", attribute=None):
    # Jinja's join turns items into str, which would print a marked message in English: translate them first.
    if attribute is None:
        value = [localize(item) if isinstance(item, Message) else item for item in value]
    return do_join(eval_ctx, value, localize(separator), attribute)


def init_templating(app: Flask) -> None:
    """Register filters and globals; marked messages print in the request's language."""
    app.jinja_env.finalize = _finalize  # on the environment itself: extensions have created it already
    app.add_template_filter(datetime_local, "datetime_local")
    app.add_template_filter(_join, "join")
    app.add_template_filter(plain_number, "plain_number")
    app.add_template_global(level_label, "level_label")
    app.add_template_global(level_name, "level_name")
    app.add_template_global(lambda t: ID_TYPE_LABELS.get(t, t or ""), "id_type_label")
    app.add_template_global(lambda g: GENDER_LABELS.get(g, "") if g else "", "gender_label")
    app.add_template_global(lambda e: EDUCATION_LABELS.get(e, "") if e else "—", "education_label")
    app.add_template_global(lambda keys: target_group_text(keys or []), "target_groups_text")
    app.add_template_global(lambda key: grade_by_key(key).label, "grade_label")
    app.add_template_global(lambda r: LEVEL_ROUTES.get(r, r), "award_route_label")
    app.add_template_global(lambda s: CERTIFICATE_STATUS_LABELS.get(s, s), "certificate_status_label")
    app.add_template_global(lambda c: COMPONENT_LABELS.get(c, c), "component_label")
    app.add_template_global(lambda r: ACCESS_REASONS.get(r, r), "access_reason_label")
    app.add_template_global(lambda s: CLAIM_STATUSES.get(s, s), "claim_status_label")
    app.add_template_global(lambda k: SCHEME_KINDS.get(k, k), "scheme_kind_label")
    app.add_template_global(action_label, "audit_action_label")
    app.add_template_global(lambda k: ORG_KIND_LABELS.get(k, k), "org_kind_label")
    app.add_template_global(lambda r: ROLE_LABELS.get(r, r), "role_label")
    app.add_template_global(LEFT, "ENROLMENT_LEFT")  # the states of a trainee who has left the class
    app.add_template_global(city_name, "city_name")  # a marked label, printed in the user's language
    app.add_template_filter(city_name, "city_label")
