"""Template globals for the placement and reporting pages; the labels live in app.placement and app.reporting."""

from __future__ import annotations

from flask import Flask

from app.placement.vocabulary import (
    EVIDENCE_KINDS,
    FOLLOW_UP_OUTCOMES,
    INVITATION_STATUSES,
    PLACEMENT_STATUSES,
)
from app.reporting.models import CLAIM_STATUSES, SCHEME_KINDS

BADGES = {"active": "success", "left": "secondary", "cancelled": "dark", "retained": "success", "unknown": "warning",
          "invited": "info", "interview": "primary", "offer": "warning", "hired": "success", "declined": "secondary",
          "draft": "secondary", "submitted": "info", "notice": "warning", "approved": "primary", "paid": "success",
          "withdrawn": "dark"}


def init_placement_labels(app: Flask) -> None:
    """Make the labels available to every template; pages print them in the user's language."""
    for name, table in (("evidence_label", EVIDENCE_KINDS), ("placement_status_label", PLACEMENT_STATUSES),
                        ("outcome_label", FOLLOW_UP_OUTCOMES), ("invitation_label", INVITATION_STATUSES),
                        ("claim_label", CLAIM_STATUSES), ("scheme_label", SCHEME_KINDS)):
        app.add_template_global(lambda key, t=table: t.get(key, key), name)
    app.add_template_global(lambda key: BADGES.get(key, "secondary"), "placement_badge")
