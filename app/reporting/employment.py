"""Employment rate of each class within its window (2 or 6 months after the class ends) and the subsidy tier.

Rate = trainees placed between the class start and the window's end / trainees who started (every enrolment
that got past "enrolled", withdrawals included). Tiers are data: ((min_rate_percent, pays_percent), …).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Date, case, exists, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from app.accounts.models import Organisation
from app.errors import ValidationFailed
from app.placement.models import Placement
from app.placement.scope import add_months
from app.reporting.funnel import FunnelFilters, enrolment_base, enrolment_conditions, without_jit
from app.training.models import Enrolment, TrainingClass, TrainingProject
from app.translation import N_

Tier = tuple[int, int]  # (rate at least this percent, subsidy paid in percent)
DEFAULT_TIERS: tuple[Tier, ...] = ((80, 100), (65, 80), (50, 60), (0, 0))


def parse_tiers(text: str) -> tuple[Tier, ...]:
    """'80:100,65:80,50:60,0:0' → ((80, 100), (65, 80), (50, 60), (0, 0)), highest threshold first."""
    tiers = []
    for part in (text or "").split(","):
        try:
            threshold, pays = (int(x) for x in part.split(":"))
        except ValueError:
            raise ValidationFailed(N_("Write the subsidy tier “{tier}” as employment rate:share paid.", tier=part),
                                   field="tiers") from None
        if not (0 <= threshold <= 100 and 0 <= pays <= 100):
            raise ValidationFailed(N_("The subsidy tier “{tier}” lies outside 0–100.", tier=part), field="tiers")
        tiers.append((threshold, pays))
    if not tiers or min(t for t, _ in tiers) != 0:
        raise ValidationFailed(N_("The subsidy tiers must include a 0 tier."), field="tiers")
    return tuple(sorted(tiers, reverse=True))


def tier_for(rate: float, tiers: Sequence[Tier] = DEFAULT_TIERS) -> int:
    """Subsidy percent earned at an employment rate (0–1)."""
    percent = rate * 100
    for threshold, pays in sorted(tiers, reverse=True):
        if percent >= threshold - 1e-9:
            return pays
    return 0


@dataclass(frozen=True)
class ClassEmployment:
    """One class's employment outcome."""

    class_id: int
    class_name: str
    project_name: str
    institution_name: str
    end_date: date
    window_ends: date
    started: int
    employed: int
    rate: float | None
    tier_percent: int | None
    window_open: bool  # the window has not ended yet: the figure may still rise


def class_employment(session: Session, filters: FunnelFilters, *, window_months: int, today: date,
                     tiers: Sequence[Tier] = DEFAULT_TIERS, limit: int = 500) -> list[ClassEmployment]:
    """Per-class employment within the window, for classes in the filter, computed directly (the report pages
    and the API read `app.reporting.facts.class_employment_from_facts`; this is its reference)."""
    check_window(window_months)
    without_jit(session)
    placed = exists(select(Placement.id).where(
        Placement.person_id == Enrolment.person_id, Placement.start_date >= TrainingClass.start_date,
        Placement.status != "cancelled", Placement.start_date <= PlusMonths(TrainingClass.end_date, window_months)))
    stmt = (enrolment_base(TrainingClass.id, TrainingClass.name, TrainingProject.name, Organisation.name,
                           TrainingClass.end_date, func.count(Enrolment.id),
                           func.coalesce(func.sum(case((placed, 1), else_=0)), 0))
            .where(*enrolment_conditions(filters), Enrolment.status != "enrolled")
            .group_by(TrainingClass.id, TrainingClass.name, TrainingProject.name, Organisation.name,
                      TrainingClass.end_date)
            .order_by(TrainingClass.end_date.desc(), TrainingClass.id).limit(limit))
    return [class_outcome(*row, window_months=window_months, today=today, tiers=tiers)
            for row in session.execute(stmt)]


def check_window(window_months: int) -> None:
    """Only the 2- and 6-month windows exist."""
    if window_months not in (2, 6):
        raise ValidationFailed(N_("The employment window should be 2 or 6 months."), field="window")


def class_outcome(class_id: int, name: str, project: str, institution: str, end: date, started: int, employed: int,
                  *, window_months: int, today: date, tiers: Sequence[Tier]) -> ClassEmployment:
    """Rate, window end and tier of one class from its counts."""
    window_ends = add_months(end, window_months)
    rate = employed / started if started else None
    return ClassEmployment(class_id, name, project, institution, end, window_ends, int(started), int(employed), rate,
                           tier_for(rate, tiers) if rate is not None else None, window_ends > today)


class PlusMonths(FunctionElement):
    """date + N months in SQL (SQLite date(); PostgreSQL interval arithmetic)."""

    type = Date()
    inherit_cache = False  # the month count is not part of the cache key

    def __init__(self, column, months: int) -> None:
        self.months = int(months)
        super().__init__(column)


@compiles(PlusMonths, "sqlite")
def _plus_months_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+{element.months} months')"


@compiles(PlusMonths)
def _plus_months_default(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '{element.months} months') AS DATE)"
