"""Precomputed funnel figures: `funnel_facts` holds one row of step counts per class, rebuilt in bulk.

Computing the funnel directly (`app.reporting.funnel.funnel`) takes seconds over a whole province because
every later step looks at the assessment results, level awards, placements and follow-ups of each enrolled
person. Every funnel filter (quarter of the class start, institution city, occupation, institution, project)
is a property of the class, so the counts are computed once per class by one INSERT … SELECT and the report
sums the few thousand class rows that match the filter. The demand step is still read from the demands.

`refresh_funnel_facts` rebuilds the table (huey runs it periodically; the report pages and the API run it
first when the figures are older than FUNNEL_FACTS_MAX_AGE_SECONDS); `report_for` reads it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, delete, func, insert, select, text
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.placement.models import Placement
from app.reporting.employment import (
    DEFAULT_TIERS,
    ClassEmployment,
    PlusMonths,
    Tier,
    check_window,
    class_outcome,
)
from app.reporting.funnel import (
    FunnelFilters,
    FunnelStep,
    bulk_step_counts,
    demand_headcount,
    filter_conditions,
    flag,
    scoped_filters,
    steps_from_counts,
)
from app.reporting.models import FunnelFact, ReportRefresh
from app.training.models import Enrolment, TrainingClass, TrainingProject

FUNNEL_FACTS = "funnel_facts"
# Serialises refreshes on PostgreSQL (a transaction-level advisory lock); SQLite has one writer at a time.
_LOCK_KEY = 8_001_008
_COUNT_COLUMNS = ("enrolled", "completed", "assessed", "passed", "certified", "placed", "retained")


def facts_as_of(session: Session) -> datetime | None:
    """When the funnel facts were last rebuilt (None: never)."""
    return session.scalar(select(ReportRefresh.refreshed_at).where(ReportRefresh.name == FUNNEL_FACTS))


def is_stale(as_of: datetime | None, *, now: datetime, max_age_seconds: int) -> bool:
    """Whether facts rebuilt at `as_of` are too old at `now` (a maximum age of 0 or less: always)."""
    return as_of is None or max_age_seconds <= 0 or (now - as_of).total_seconds() > max_age_seconds


def refresh_funnel_facts(session: Session, *, now: datetime, max_age_seconds: int | None = None) -> ReportRefresh:
    """Rebuild the funnel facts from the current records: delete, then one INSERT … SELECT grouped by class.

    With `max_age_seconds`, a refresh that waited for another one to finish returns without rebuilding when
    the facts are now fresh enough. Flushes; the caller commits (readers see the old figures until then).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    state = session.get(ReportRefresh, FUNNEL_FACTS, populate_existing=True)
    if (max_age_seconds is not None and state is not None
            and not is_stale(state.refreshed_at, now=now, max_age_seconds=max_age_seconds)):
        return state
    started = time.perf_counter()
    session.execute(delete(FunnelFact))
    keys = (TrainingClass.id, TrainingClass.start_date, TrainingProject.id, TrainingProject.institution_id,
            TrainingProject.occupation_id, Organisation.city_code)
    # Employment: the first placement since the class start (index lookup by person) within 2 or 6 months of
    # the class end, among the enrolments that started; the same test as class_employment's.
    first_job = (select(func.min(Placement.start_date))
                 .where(Placement.person_id == Enrolment.person_id, Placement.start_date >= TrainingClass.start_date,
                        Placement.status != "cancelled").scalar_subquery())
    began = Enrolment.status != "enrolled"
    employed = [flag(began & (first_job <= PlusMonths(TrainingClass.end_date, months))) for months in (2, 6)]
    per_class = bulk_step_counts(session, *keys).add_columns(flag(began), *employed).group_by(*keys)
    columns = ["class_id", "start_date", "project_id", "institution_id", "occupation_id", "city_code",
               *_COUNT_COLUMNS, "started", "employed_2m", "employed_6m"]
    session.execute(insert(FunnelFact).from_select(columns, per_class))
    rows = session.scalar(select(func.count()).select_from(FunnelFact))  # rowcount is not reliable here
    duration_ms = round((time.perf_counter() - started) * 1000)
    if state is None:
        state = ReportRefresh(name=FUNNEL_FACTS, refreshed_at=now, duration_ms=duration_ms, row_count=rows)
        session.add(state)
    else:
        state.refreshed_at, state.duration_ms, state.row_count = now, duration_ms, rows
    session.flush()
    return state


def fact_conditions(filters: FunnelFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions on the class rows."""
    return filter_conditions(filters, start_date=FunnelFact.start_date, city_code=FunnelFact.city_code,
                             occupation_id=FunnelFact.occupation_id, institution_id=FunnelFact.institution_id,
                             project_id=FunnelFact.project_id)


def funnel_from_facts(session: Session, filters: FunnelFilters) -> list[FunnelStep]:
    """The funnel for the filters, summed from the class rows (as of the last refresh) plus the demand step."""
    sums = [func.coalesce(func.sum(getattr(FunnelFact, name)), 0) for name in _COUNT_COLUMNS]
    counts = session.execute(select(*sums).where(*fact_conditions(filters))).one()
    return steps_from_counts([demand_headcount(session, filters), *(int(c) for c in counts)])


def class_employment_from_facts(session: Session, filters: FunnelFilters, *, window_months: int, today: date,
                                tiers: Sequence[Tier] = DEFAULT_TIERS, limit: int = 500) -> list[ClassEmployment]:
    """Per-class employment within the window (2 or 6 months) from the class rows, latest class end first."""
    check_window(window_months)
    employed = FunnelFact.employed_2m if window_months == 2 else FunnelFact.employed_6m
    stmt = (select(TrainingClass.id, TrainingClass.name, TrainingProject.name, Organisation.name,
                   TrainingClass.end_date, FunnelFact.started, employed)
            .join(TrainingClass, TrainingClass.id == FunnelFact.class_id)
            .join(TrainingProject, TrainingProject.id == TrainingClass.project_id)
            .join(Organisation, Organisation.id == TrainingProject.institution_id)
            .where(*fact_conditions(filters), FunnelFact.started > 0)
            .order_by(TrainingClass.end_date.desc(), TrainingClass.id).limit(limit))
    return [class_outcome(*row, window_months=window_months, today=today, tiers=tiers)
            for row in session.execute(stmt)]


def report_for(session: Session, *, actor: User, filters: FunnelFilters) -> list[FunnelStep]:
    """The funnel within the actor's scope, from the facts (refresh them first when they may be stale)."""
    return funnel_from_facts(session, scoped_filters(actor, filters))
