"""Vocabularies of competitions: tiers, tracks, event states, aspect kinds, medals, judge roles."""

from __future__ import annotations

from app.translation import N_, Message

TIERS: dict[str, Message] = {
    "national_1": N_("National, class I"),
    "national_2": N_("National, class II"),
    "provincial_1": N_("Provincial, class I"),
    "provincial_2": N_("Provincial, class II"),
    "city": N_("City"),
    "enterprise": N_("Enterprise or school"),
}
TRACKS: dict[str, Message] = {"worker": N_("Workers' track"), "student": N_("Students' track")}
EVENT_MODES: dict[str, Message] = {"individual": N_("Individual"), "team": N_("Team")}
EVENT_STATUSES: dict[str, Message] = {
    "preparing": N_("Preparing"),
    "marking": N_("Marking"),
    "signed_off": N_("Signed off"),
    "published": N_("Under public notice"),
    "final": N_("Final"),
}
ASPECT_KINDS: dict[str, Message] = {"measurement": N_("Measurement"), "judgement": N_("Judgement")}
JUDGE_ROLES: dict[str, Message] = {"chief": N_("Chief judge"), "judge": N_("Judge")}
TIE_BREAKS: dict[str, Message] = {
    "first_section": N_("Higher score in the first section (e.g. the practical)"),
    "measurement": N_("Higher measurement total"),
    "judgement": N_("Higher judgement total"),
    "shared": N_("Tied competitors share the place"),
}
MEDALS: dict[str, Message] = {
    "gold": N_("Gold"), "silver": N_("Silver"), "bronze": N_("Bronze"), "merit": N_("Merit award"),
}
FLAG_STATUSES: dict[str, Message] = {
    "open": N_("Open"),
    "remarking": N_("Re-marking"),
    "resolved_remark": N_("Resolved by re-marking"),
    "decided": N_("Chief judge's decision"),
}
OPEN_FLAGS = ("open", "remarking")
OBJECTION_STATUSES: dict[str, Message] = {"open": N_("Open"), "dismissed": N_("Dismissed"), "upheld": N_("Upheld")}
MARK_EVENT_KINDS = ("entry", "correction", "decision")
PROMOTION_BASES: dict[str, Message] = {
    "place": N_("Place within"), "top_percent": N_("Top percentage"), "medal": N_("Medal"),
}
PROMOTION_STATUSES: dict[str, Message] = {"awarded": N_("Promoted"), "withheld": N_("Not promoted")}
EMPLOYER_KINDS = ("enterprise", "institution", "evaluation", "hrss")
ROUTE = "competition"  # people.models.LEVEL_ROUTES: 竞赛晋级
