"""Promotion by result (竞赛晋级) as data: rules per rule set, tier and track, seeded with the Tianjin and
Hainan examples, and the choice of the grade a competitor is promoted to (or why not).

Tianjin's city tiers map onto this project's tiers as 一类 → provincial_1, 二类 → provincial_2 and
企业/院校级 → enterprise (Tianjin is a province-level city); students are promoted one step lower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.ladder import grade_by_key
from app.competitions.models import PromotionRule
from app.errors import ValidationFailed
from app.translation import N_, Message

# (tier, track, basis, threshold, medals, from_grade, to_grade)
SEED_RULES: dict[str, list[tuple]] = {
    "tianjin": [
        ("provincial_1", "worker", "place", 10, [], None, "technician"),
        ("provincial_1", "worker", "place", 10, [], "technician", "senior_technician"),
        ("provincial_1", "student", "place", 10, [], None, "senior"),
        ("provincial_1", "student", "place", 10, [], "senior", "technician"),
        ("provincial_2", "worker", "place", 6, [], None, "senior"),
        ("provincial_2", "worker", "place", 6, [], "senior", "technician"),
        ("provincial_2", "student", "place", 6, [], None, "intermediate"),
        ("provincial_2", "student", "place", 6, [], "intermediate", "senior"),
        ("enterprise", "worker", "top_percent", 30, [], None, "intermediate"),
        ("enterprise", "worker", "top_percent", 30, [], "intermediate", "senior"),
        ("enterprise", "student", "top_percent", 30, [], None, "junior"),
        ("enterprise", "student", "top_percent", 30, [], "junior", "intermediate"),
    ],
    "hainan-2024": [
        ("provincial_1", "worker", "medal", None, ["gold", "silver", "bronze"], None, "technician"),
        ("provincial_1", "worker", "medal", None, ["merit"], None, "senior"),
    ],
}
RULE_SET_LABELS: dict[str, Message] = {
    "tianjin": N_("Tianjin: top places per tier, students one step lower"),
    "hainan-2024": N_("Hainan 2024: medals to technician, merit awards to senior worker"),
}


def ensure_rule_set(session: Session, rule_set: str) -> str:
    """A known rule set, its seed rules stored on first use (idempotent)."""
    if rule_set not in SEED_RULES:
        if session.scalar(select(PromotionRule.id).where(PromotionRule.rule_set == rule_set).limit(1)) is None:
            raise ValidationFailed(N_("Unknown promotion rule set: {name}.", name=rule_set), field="rule_set")
        return rule_set
    if session.scalar(select(PromotionRule.id).where(PromotionRule.rule_set == rule_set).limit(1)) is None:
        for tier, track, basis, threshold, medals, from_grade, to_grade in SEED_RULES[rule_set]:
            session.add(PromotionRule(rule_set=rule_set, tier=tier, track=track, basis=basis, threshold=threshold,
                                      medals=medals, from_grade=from_grade, to_grade=to_grade))
        session.flush()
    return rule_set


def rules_for(session: Session, *, rule_set: str, tier: str, track: str) -> list[PromotionRule]:
    """The rules that apply to a tier and track."""
    return list(session.scalars(select(PromotionRule).where(
        PromotionRule.rule_set == rule_set, PromotionRule.tier == tier, PromotionRule.track == track,
    ).order_by(PromotionRule.id)))


def qualifies(rule: PromotionRule, *, place: int, medal: str | None, entrants: int) -> bool:
    """Whether a result meets the rule's basis (place within N, top N %, or a listed medal)."""
    if rule.basis == "place":
        return place <= (rule.threshold or 0)
    if rule.basis == "top_percent":
        return place <= math.ceil(entrants * (rule.threshold or 0) / 100)
    return medal is not None and medal in rule.medals


@dataclass(frozen=True)
class Choice:
    """The rule that promotes a competitor, or why none does."""

    rule: PromotionRule | None
    reason: Message | None


def choose_rule(rules: list[PromotionRule], *, place: int, medal: str | None, entrants: int,
                current: str | None) -> Choice:
    """The rule for this result and current grade: one written for the current grade first, else a general one
    that lifts the competitor above it."""
    met = [r for r in rules if qualifies(r, place=place, medal=medal, entrants=entrants)]
    if not met:
        return Choice(None, N_("Place {place} does not meet any promotion rule of this event.", place=place))
    rank = grade_by_key(current).rank if current else 0
    specific = [r for r in met if r.from_grade == current and current is not None]
    general = [r for r in met if r.from_grade is None and grade_by_key(r.to_grade).rank > rank]
    for rule in specific + general:
        if grade_by_key(rule.to_grade).rank > rank:
            return Choice(rule, None)
    return Choice(None, N_("Already holds {grade}, which no rule met here goes beyond.",
                           grade=grade_by_key(current).name if current else N_("no level")))


def rules_for_tier(session: Session, *, rule_set: str, tier: str) -> list[PromotionRule]:
    """The rules of a rule set for one tier, both tracks (workers first)."""
    return list(session.scalars(select(PromotionRule).where(
        PromotionRule.rule_set == rule_set, PromotionRule.tier == tier,
    ).order_by(PromotionRule.track.desc(), PromotionRule.id)))
