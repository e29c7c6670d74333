"""Template globals for the demand and training pages; the labels themselves live in the feature packages."""

from __future__ import annotations

from flask import Flask

from app.demand.models import DEMAND_STATUSES
from app.training.progress import hours_text, percent_text
from app.training.vocabulary import (
    APPRENTICESHIP_STATUSES,
    ATTENDANCE_STATUSES,
    DOCUMENT_KINDS,
    ENROLMENT_STATUSES,
    PAYMENT_KINDS,
    PROJECT_TYPES,
)

STATUS_BADGES = {
    "open": "success", "filled": "primary", "closed": "secondary", "expired": "warning",
    "enrolled": "info", "in_training": "primary", "completed": "success", "withdrawn": "secondary", "expelled": "dark",
    "planned": "warning", "filed": "info", "terminated": "danger",
}


def _label(table: dict):
    return lambda key: table.get(key, key)


def init_labels(app: Flask) -> None:
    """Make the labels available to every template; pages print them in the user's language."""
    app.add_template_global(_label(DEMAND_STATUSES), "demand_status_label")
    app.add_template_global(_label(PROJECT_TYPES), "project_type_label")
    app.add_template_global(_label(ENROLMENT_STATUSES), "enrolment_status_label")
    app.add_template_global(_label(ATTENDANCE_STATUSES), "attendance_label")
    app.add_template_global(_label(APPRENTICESHIP_STATUSES), "apprenticeship_status_label")
    app.add_template_global(_label(DOCUMENT_KINDS), "document_label")
    app.add_template_global(_label(PAYMENT_KINDS), "payment_label")
    app.add_template_global(lambda key: STATUS_BADGES.get(key, "secondary"), "status_badge")
    app.add_template_global(hours_text, "hours_text")
    app.add_template_global(percent_text, "percent_text")
    app.add_template_filter(lambda value: f"{value:,.2f}", "yuan")
