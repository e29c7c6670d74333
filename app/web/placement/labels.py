"""Translatable labels of the placement and reporting vocabularies, shared by their templates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

EVIDENCE_LABELS = {"labour_contract": _l("Labour contract"), "social_insurance": _l("Social-insurance record"),
                   "wage_record": _l("Wage record"), "employment_registration": _l("Employment registration")}
PLACEMENT_STATUS_LABELS = {"active": _l("At work"), "left": _l("Left"), "cancelled": _l("Cancelled")}
OUTCOME_LABELS = {"retained": _l("Retained"), "left": _l("Left"), "unknown": _l("Unknown")}
INVITATION_LABELS = {"invited": _l("Invited"), "interview": _l("Interview"), "offer": _l("Offer"),
                     "hired": _l("Hired"), "declined": _l("Declined")}
CLAIM_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "notice": _l("Public notice"),
                "approved": _l("Approved"), "paid": _l("Paid"), "withdrawn": _l("Withdrawn")}
SCHEME_LABELS = {"training": _l("Training subsidy"), "evaluation": _l("Evaluation subsidy"),
                 "upgrade": _l("Skills-upgrade subsidy"), "apprenticeship": _l("Apprenticeship subsidy")}
BADGES = {"active": "success", "left": "secondary", "cancelled": "dark", "retained": "success", "unknown": "warning",
          "invited": "info", "interview": "primary", "offer": "warning", "hired": "success", "declined": "secondary",
          "draft": "secondary", "submitted": "info", "notice": "warning", "approved": "primary", "paid": "success",
          "withdrawn": "dark"}


def init_placement_labels(app: Flask) -> None:
    """Make the labels available to every template (idempotent)."""
    if app.extensions.get("placement_labels"):
        return
    app.extensions["placement_labels"] = True
    for name, table in (("evidence_label", EVIDENCE_LABELS), ("placement_status_label", PLACEMENT_STATUS_LABELS),
                        ("outcome_label", OUTCOME_LABELS), ("invitation_label", INVITATION_LABELS),
                        ("claim_label", CLAIM_LABELS), ("scheme_label", SCHEME_LABELS)):
        app.add_template_global(lambda key, t=table: t.get(key, key), name)
    app.add_template_global(lambda key: BADGES.get(key, "secondary"), "placement_badge")
