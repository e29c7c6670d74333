"""Template globals for the placement and reporting pages; the placement labels live in app.placement.vocabulary."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from app.placement.vocabulary import (
    EVIDENCE_KINDS,
    FOLLOW_UP_OUTCOMES,
    INVITATION_STATUSES,
    PLACEMENT_STATUSES,
)

# Subsidy claims and schemes belong to app.reporting (SCHEME_KINDS, CLAIM_STATUSES): these two tables go once
# that package marks its own labels.
CLAIM_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "notice": _l("Public notice"),
                "approved": _l("Approved"), "paid": _l("Paid"), "withdrawn": _l("Withdrawn")}
SCHEME_LABELS = {"training": _l("Training subsidy"), "evaluation": _l("Evaluation subsidy"),
                 "upgrade": _l("Skills-upgrade subsidy"), "apprenticeship": _l("Apprenticeship subsidy")}
BADGES = {"active": "success", "left": "secondary", "cancelled": "dark", "retained": "success", "unknown": "warning",
          "invited": "info", "interview": "primary", "offer": "warning", "hired": "success", "declined": "secondary",
          "draft": "secondary", "submitted": "info", "notice": "warning", "approved": "primary", "paid": "success",
          "withdrawn": "dark"}


def init_placement_labels(app: Flask) -> None:
    """Make the labels available to every template; pages print them in the user's language."""
    for name, table in (("evidence_label", EVIDENCE_KINDS), ("placement_status_label", PLACEMENT_STATUSES),
                        ("outcome_label", FOLLOW_UP_OUTCOMES), ("invitation_label", INVITATION_STATUSES),
                        ("claim_label", CLAIM_LABELS), ("scheme_label", SCHEME_LABELS)):
        app.add_template_global(lambda key, t=table: t.get(key, key), name)
    app.add_template_global(lambda key: BADGES.get(key, "secondary"), "placement_badge")
