"""The department's overview of studios and bases: counts by tier, city and occupation, apprentices and the
levels they reached, money granted and spent, and studios due for review."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.catalog.ladder import grade_by_key
from app.people.models import LevelAward
from app.studios.models import FundEntry, MasterApprentice, Studio
from app.studios.scope import require_admin

REVIEW_WINDOW_DAYS = 180
OCCUPATION_SEPARATORS = r"[、,，;；]"


@dataclass(frozen=True)
class Overview:
    """Figures for the department (listed and approved studios and bases only)."""

    by_tier: list[tuple[str, str, int]]  # kind, tier, count
    by_city: list[tuple[str | None, int]]
    by_occupation: list[tuple[str, int]]
    apprentices: int
    levels_reached: list[tuple[str, int]]  # grade key, apprentices who reached it during an agreement
    granted: Decimal
    spent: Decimal
    unevidenced: Decimal
    due: list[Studio]


def department_overview(session: Session, *, actor: User, today: date) -> Overview:
    """Everything the overview page shows."""
    require_admin(actor)
    studios = list(session.scalars(select(Studio).where(Studio.status.in_(("notice", "listed")))
                                   .order_by(Studio.name)))
    ids = [s.id for s in studios]
    tiers = Counter((s.kind, s.tier) for s in studios)
    cities = Counter(s.host.city_code for s in studios)
    occupations = Counter(name.strip() for s in studios for name in re.split(OCCUPATION_SEPARATORS, s.occupations)
                          if name.strip())
    agreements = list(session.scalars(select(MasterApprentice).where(MasterApprentice.studio_id.in_(ids)))) \
        if ids else []
    reached: Counter[str] = Counter()
    for row in agreements:
        keys = set(session.scalars(select(LevelAward.grade_key).where(LevelAward.person_id == row.apprentice_id,
                                                                      LevelAward.awarded_on >= row.start_on)))
        reached.update(keys)
    entries = list(session.scalars(select(FundEntry).where(FundEntry.studio_id.in_(ids)))) if ids else []
    granted = sum((e.amount for e in entries if e.entry_kind == "grant"), Decimal("0"))
    spent = sum((e.amount for e in entries if e.entry_kind == "spend"), Decimal("0"))
    unevidenced = sum((e.amount for e in entries if e.flagged), Decimal("0"))
    horizon = today + timedelta(days=REVIEW_WINDOW_DAYS)
    due = sorted((s for s in studios if s.cycle_end and s.cycle_end <= horizon), key=lambda s: s.cycle_end)
    return Overview(
        by_tier=sorted(((k, t, n) for (k, t), n in tiers.items())),
        by_city=sorted(cities.items(), key=lambda item: (-item[1], item[0] or "")),
        by_occupation=sorted(occupations.items(), key=lambda item: (-item[1], item[0])),
        apprentices=len({row.apprentice_id for row in agreements}),
        levels_reached=sorted(reached.items(), key=lambda item: grade_by_key(item[0]).rank),
        granted=granted, spent=spent, unevidenced=unevidenced, due=due,
    )
