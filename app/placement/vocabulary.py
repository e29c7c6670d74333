"""Fixed vocabularies of placement, each key with its marked label (defined here only)."""

from __future__ import annotations

from app.translation import N_, Message

EVIDENCE_KINDS: dict[str, Message] = {
    "labour_contract": N_("Labour contract"),
    "social_insurance": N_("Social-insurance record"),
    "wage_record": N_("Wage record"),
    "employment_registration": N_("Employment registration"),
}
PLACEMENT_STATUSES: dict[str, Message] = {"active": N_("At work"), "left": N_("Left"), "cancelled": N_("Cancelled")}
FOLLOW_UP_MONTHS: tuple[int, ...] = (3, 6, 12)
FOLLOW_UP_OUTCOMES: dict[str, Message] = {"retained": N_("Retained"), "left": N_("Left"), "unknown": N_("Unknown")}
INVITATION_STATUSES: dict[str, Message] = {
    "invited": N_("Invited"),
    "interview": N_("Interview"),
    "offer": N_("Offer"),
    "hired": N_("Hired"),
    "declined": N_("Declined"),
}
# Which invitation state may follow which; "hired" is reached only by recording a placement.
INVITATION_TRANSITIONS: dict[str, frozenset[str]] = {
    "invited": frozenset({"interview", "offer", "declined"}),
    "interview": frozenset({"offer", "declined"}),
    "offer": frozenset({"hired", "declined"}),
    "hired": frozenset(),
    "declined": frozenset(),
}
REGISTRATION_DUE_DAYS = 30

