"""Fixed vocabularies of studios and bases, each key with its marked label (defined here only)."""

from __future__ import annotations

from app.translation import N_, Message

KINDS: dict[str, Message] = {"studio": N_("Skill master studio"), "base": N_("High-skill training base")}
TIERS: dict[str, Message] = {"national": N_("National"), "provincial": N_("Provincial"), "city": N_("City")}
STATUSES: dict[str, Message] = {
    "draft": N_("Draft application"),
    "submitted": N_("Under review"),
    "notice": N_("Approved, public notice"),
    "listed": N_("Listed"),
    "rejected": N_("Rejected"),
    "delisted": N_("De-listed"),
}
# Which status may follow which; "delisted" is reached only by a failed assessment.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted"}),
    "submitted": frozenset({"notice", "rejected"}),
    "notice": frozenset({"listed", "delisted"}),
    "listed": frozenset({"delisted"}),
    "rejected": frozenset(),
    "delisted": frozenset(),
}
MATERIAL_KINDS: dict[str, Message] = {
    "application_form": N_("Application form"),
    "leader_record": N_("Leader's record and level certificate"),
    "premises_proof": N_("Premises and equipment list"),
    "work_plan": N_("Work plan and rules"),
    "training_plan": N_("Training plan"),
    "annual_plan": N_("Annual plan"),
    "annual_summary": N_("Annual summary"),
}
ANNUAL_KINDS: tuple[str, ...] = ("annual_plan", "annual_summary")
REQUIRED_MATERIALS: dict[str, tuple[str, ...]] = {
    "studio": ("application_form", "leader_record", "premises_proof", "work_plan"),
    "base": ("application_form", "premises_proof", "training_plan"),
}
FLOOR_AREA_BANDS: dict[str, Message] = {
    "under_1000": N_("Under 1,000 m²"),
    "1000_3000": N_("1,000–3,000 m²"),
    "3000_10000": N_("3,000–10,000 m²"),
    "over_10000": N_("Over 10,000 m²"),
}
TRADE_COUNT_BANDS: dict[str, Message] = {
    "1_5": N_("1–5 trades"),
    "6_10": N_("6–10 trades"),
    "over_10": N_("More than 10 trades"),
}
FUND_SOURCES: dict[str, Message] = {
    "national": N_("National funds"),
    "provincial": N_("Provincial funds"),
    "city": N_("City funds"),
    "host": N_("Host organisation"),
}
ENTRY_KINDS: dict[str, Message] = {"grant": N_("Grant"), "spend": N_("Spending")}
SPEND_CATEGORIES: dict[str, Message] = {
    "equipment": N_("Equipment and materials"),
    "training": N_("Training and teaching"),
    "research": N_("Technical problem solving"),
    "exchange": N_("Exchanges and social service"),
    "other": N_("Other"),
}
ACTIVITY_KINDS: dict[str, Message] = {
    "problem": N_("Technical problem solved"),
    "exchange": N_("Exchange"),
    "social_service": N_("Social service"),
}
AGREEMENT_STATUSES: dict[str, Message] = {"active": N_("Active"), "ended": N_("Ended")}
GRADES: dict[str, Message] = {"excellent": N_("Excellent grade"), "pass": N_("Pass grade"),
                              "fail": N_("Fail grade")}
ROUND_KINDS: dict[str, Message] = {"annual": N_("Annual assessment"), "cycle": N_("End-of-cycle review")}
ROUND_STATUSES: dict[str, Message] = {"open": N_("Open"), "closed": N_("Closed")}
METRICS: dict[str, Message] = {
    "apprentices": N_("Apprentices with an agreement in the year"),
    "high_skill_trained": N_("Apprentices who reached senior worker (level 3) or above in the year"),
    "problems_solved": N_("Technical problems solved"),
    "exchanges": N_("Exchanges and social service"),
    "teaching_hours": N_("Teaching hours in training classes"),
    "evidenced_spending": N_("Share of spending with evidence, per cent"),
}
CYCLE_YEARS = 3
REAPPLY_YEARS = 3
NOTICE_WORKING_DAYS = 5
