"""The assessment rubric as data, the measures read from a studio's records, and the pure scoring rule.

A round keeps a copy of its rubric (JSON), so a later change of the default does not move a finished round.
Items with a ``metric`` are filled from the records; items without one are scored by the expert panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.catalog.ladder import is_high_skilled
from app.people.models import LevelAward
from app.studios.models import FundEntry, MasterApprentice, StudioActivity
from app.studios.records import teaching_hours
from app.translation import N_, Message

PANEL_ITEMS: dict[str, Message] = {
    "plan_and_rules": N_("Annual plan, rules and summary (expert panel)"),
    "influence": N_("Influence and innovation (expert panel)"),
}

DEFAULT_RUBRIC: dict = {
    "items": [
        {"key": "apprentices", "metric": "apprentices", "weight": 20, "target": 10},
        {"key": "high_skill_trained", "metric": "high_skill_trained", "weight": 15, "target": 3},
        {"key": "problems_solved", "metric": "problems_solved", "weight": 15, "target": 2},
        {"key": "exchanges", "metric": "exchanges", "weight": 10, "target": 2},
        {"key": "teaching_hours", "metric": "teaching_hours", "weight": 10, "target": 40},
        {"key": "evidenced_spending", "metric": "evidenced_spending", "weight": 10, "target": 100},
        {"key": "plan_and_rules", "metric": None, "weight": 10},
        {"key": "influence", "metric": None, "weight": 10},
    ],
    "deductions": [
        {"metric": "apprentices", "below": 10, "points": 10},
        {"metric": "high_skill_trained", "below": 3, "points": 10},
    ],
    "excellent_from": 85,
    "pass_from": 60,
}


def measure(session: Session, studio_id: int, year: int) -> dict[str, float]:
    """The values of every metric for one studio and calendar year, from its records."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    agreements = list(session.scalars(select(MasterApprentice).where(
        MasterApprentice.studio_id == studio_id, MasterApprentice.start_on <= last,
        MasterApprentice.end_on >= first)))
    high_skilled = set()
    for row in agreements:
        awards = session.scalars(select(LevelAward.grade_key).where(
            LevelAward.person_id == row.apprentice_id, LevelAward.awarded_on >= max(first, row.start_on),
            LevelAward.awarded_on <= last))
        if any(is_high_skilled(key) for key in awards):
            high_skilled.add(row.apprentice_id)
    kinds = dict(session.execute(select(StudioActivity.kind, func.count(StudioActivity.id)).where(
        StudioActivity.studio_id == studio_id, StudioActivity.dated_on >= first, StudioActivity.dated_on <= last)
        .group_by(StudioActivity.kind)).all())
    spending = session.execute(select(FundEntry.amount, FundEntry.file_path).where(
        FundEntry.studio_id == studio_id, FundEntry.entry_kind == "spend", FundEntry.dated_on >= first,
        FundEntry.dated_on <= last)).all()
    spent = sum((amount for amount, _path in spending), Decimal("0"))
    evidenced = sum((amount for amount, path in spending if path), Decimal("0"))
    return {
        "apprentices": len({row.apprentice_id for row in agreements}),
        "high_skill_trained": len(high_skilled),
        "problems_solved": kinds.get("problem", 0),
        "exchanges": kinds.get("exchange", 0) + kinds.get("social_service", 0),
        "teaching_hours": float(sum(teaching_hours(session, studio_id, first=first, last=last).values(),
                                    Decimal("0"))),
        "evidenced_spending": float((evidenced * 100 / spent).quantize(Decimal("0.1"))) if spent else 100.0,
    }


@dataclass(frozen=True)
class Score:
    """A total and how it was made."""

    items: dict[str, Decimal]
    deductions: list[dict]
    total: Decimal

    def band(self, rubric: dict) -> str:
        """The best grade the total allows: excellent, pass or fail."""
        if self.total >= rubric["excellent_from"]:
            return "excellent"
        return "pass" if self.total >= rubric["pass_from"] else "fail"


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score(rubric: dict, measured: dict, panel: dict) -> Score:
    """Item points (measured items pro rata to their target, capped), panel points, minus deductions, at least 0."""
    items: dict[str, Decimal] = {}
    for item in rubric["items"]:
        weight = Decimal(str(item["weight"]))
        if item.get("metric"):
            ratio = Decimal(str(measured.get(item["metric"], 0))) / Decimal(str(item["target"]))
            items[item["key"]] = _tenth(weight * min(ratio, Decimal(1)))
        else:
            items[item["key"]] = _tenth(min(Decimal(str(panel.get(item["key"], 0))), weight))
    applied = [rule for rule in rubric["deductions"] if measured.get(rule["metric"], 0) < rule["below"]]
    total = sum(items.values(), Decimal("0")) - sum((Decimal(str(r["points"])) for r in applied), Decimal("0"))
    return Score(items, applied, max(_tenth(total), Decimal("0")))


def panel_keys(rubric: dict) -> list[str]:
    """Keys of the items the expert panel scores."""
    return [item["key"] for item in rubric["items"] if not item.get("metric")]
