"""Translatable labels of the demand and training vocabularies, shared by their templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.training.progress import hours_text, percent_text

DEMAND_STATUS_LABELS = {"open": _l("Open"), "filled": _l("Filled"), "closed": _l("Closed"), "expired": _l("Expired")}
PROJECT_TYPE_LABELS = {
    "employment_skills": _l("Employment skills training"),
    "skills_upgrade": _l("On-the-job skills upgrading"),
    "apprenticeship": _l("Enterprise new-type apprenticeship"),
    "technician": _l("Technician training"),
    "project_based": _l("Project-based training"),
}
ENROLMENT_STATUS_LABELS = {"enrolled": _l("Enrolled"), "in_training": _l("In training"),
                           "completed": _l("Completed"), "withdrawn": _l("Withdrawn")}
ATTENDANCE_LABELS = {"present": _l("Present"), "late": _l("Late / left early"), "absent": _l("Absent")}
APPRENTICESHIP_STATUS_LABELS = {"planned": _l("Planned (not filed)"), "filed": _l("Filed"),
                                "in_training": _l("In training"), "completed": _l("Training completed"),
                                "terminated": _l("Terminated")}
DOCUMENT_LABELS = {"training_plan": _l("Training plan"), "cooperation_agreement": _l("Cooperation agreement"),
                   "apprentice_agreement": _l("Apprentice agreement")}
PAYMENT_LABELS = {"advance": _l("Advance"), "final": _l("Final payment"), "recovery": _l("Recovery")}
STATUS_BADGES = {
    "open": "success", "filled": "primary", "closed": "secondary", "expired": "warning",
    "enrolled": "info", "in_training": "primary", "completed": "success", "withdrawn": "secondary",
    "planned": "warning", "filed": "info", "terminated": "danger",
}


def _label(table: dict):
    return lambda key: table.get(key, key)


def init_labels(app: Flask) -> None:
    """Make the labels available to every template (idempotent)."""
    if app.extensions.get("training_labels"):
        return
    app.extensions["training_labels"] = True
    app.add_template_global(_label(DEMAND_STATUS_LABELS), "demand_status_label")
    app.add_template_global(_label(PROJECT_TYPE_LABELS), "project_type_label")
    app.add_template_global(_label(ENROLMENT_STATUS_LABELS), "enrolment_status_label")
    app.add_template_global(_label(ATTENDANCE_LABELS), "attendance_label")
    app.add_template_global(_label(APPRENTICESHIP_STATUS_LABELS), "apprenticeship_status_label")
    app.add_template_global(_label(DOCUMENT_LABELS), "document_label")
    app.add_template_global(_label(PAYMENT_LABELS), "payment_label")
    app.add_template_global(lambda key: STATUS_BADGES.get(key, "secondary"), "status_badge")
    app.add_template_global(hours_text, "hours_text")
    app.add_template_global(percent_text, "percent_text")
    app.add_template_filter(lambda value: f"{value:,.2f}", "yuan")
