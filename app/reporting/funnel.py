"""The funnel: demand → enrolled → completed → assessed → passed → certified → placed → retained at 6 months.

One aggregate query over the filtered enrolments; each later step is an EXISTS on the same person in the
same occupation on or after the class started (indexed lookups by person), so the work grows with the
number of enrolments in the filter, never with the size of the other tables. The report pages and the API
read the same figures precomputed per class (`app.reporting.facts`); this module is their reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, exists, func, select, text, true
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.assessment.models import AssessmentPlan
from app.assessment.result_models import AssessmentResult
from app.catalog.models import Occupation
from app.demand.models import JobDemand
from app.errors import NotAllowed
from app.people.models import LevelAward
from app.placement.models import FollowUp, Placement
from app.reporting.periods import as_datetime, quarter_bounds
from app.training.models import Enrolment, TrainingClass, TrainingProject, project_demands
from app.translation import N_, Message

STEPS: tuple[tuple[str, Message], ...] = (
    ("demand", N_("Workers demanded")),
    ("enrolled", N_("Enrolled in training")),
    ("completed", N_("Completed training")),
    ("assessed", N_("Took an evaluation")),
    ("passed", N_("Passed the evaluation")),
    ("certified", N_("Obtained a certificate")),
    ("placed", N_("Placed in a job")),
    ("retained", N_("Still employed after 6 months")),
)
STEP_LABELS: dict[str, Message] = dict(STEPS)


@dataclass(frozen=True)
class FunnelFilters:
    """What the report is limited to; None means all."""

    quarter: str | None = None
    city_code: str | None = None
    occupation_id: int | None = None
    institution_id: int | None = None
    project_id: int | None = None


@dataclass(frozen=True)
class FunnelStep:
    """One step: its count and the share of the step before it."""

    key: str
    label: Message
    count: int
    conversion: float | None  # count / previous count; None for the first step or an empty previous step


def scoped_filters(actor: User, filters: FunnelFilters) -> FunnelFilters:
    """An institution sees only its own classes; 人社 sees everything; others may not read the funnel."""
    if actor.has_role(Role.ADMIN):
        return filters
    if actor.has_role(Role.INSTITUTION_STAFF):
        return FunnelFilters(filters.quarter, filters.city_code, filters.occupation_id, actor.organisation_id,
                             filters.project_id)
    raise NotAllowed(N_("Only HR & social security administrators and training institutions may see the funnel "
                        "report."))


def check_filters(filters: FunnelFilters) -> None:
    """Refuse a malformed quarter before any work is done."""
    if filters.quarter:
        quarter_bounds(filters.quarter)


def filter_conditions(filters: FunnelFilters, *, start_date, city_code, occupation_id, institution_id,
                      project_id) -> list[ColumnElement[bool]]:
    """WHERE conditions for the filters, on whichever columns hold the class start, city, occupation, … ."""
    conditions: list[ColumnElement[bool]] = []
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        conditions += [start_date >= start, start_date < end]
    if filters.city_code:
        conditions.append(city_code == filters.city_code)
    if filters.occupation_id:
        conditions.append(occupation_id == filters.occupation_id)
    if filters.institution_id:
        conditions.append(institution_id == filters.institution_id)
    if filters.project_id:
        conditions.append(project_id == filters.project_id)
    return conditions


def enrolment_conditions(filters: FunnelFilters) -> list[ColumnElement[bool]]:
    """WHERE conditions on enrolments joined to class, project and institution."""
    return filter_conditions(filters, start_date=TrainingClass.start_date, city_code=Organisation.city_code,
                             occupation_id=TrainingProject.occupation_id,
                             institution_id=TrainingProject.institution_id, project_id=TrainingProject.id)


def enrolment_base(*columns):
    """SELECT … FROM enrolments joined to class, project, institution and occupation."""
    return (select(*columns).select_from(Enrolment)
            .join(TrainingClass, Enrolment.class_id == TrainingClass.id)
            .join(TrainingProject, TrainingClass.project_id == TrainingProject.id)
            .join(Organisation, TrainingProject.institution_id == Organisation.id)
            .join(Occupation, TrainingProject.occupation_id == Occupation.id))


def assessment_outcome() -> ColumnElement[int]:
    """2 when a result in the project's occupation (plan registering on or after the class start) passed,
    1 when results exist but none passed, NULL when the person was not assessed: one lookup for two steps."""
    return (select(func.max(case((AssessmentResult.passed.is_(True), 2), else_=1)))
            .join(AssessmentPlan, AssessmentResult.plan_id == AssessmentPlan.id)
            .where(AssessmentResult.person_id == Enrolment.person_id,
                   AssessmentPlan.occupation_id == TrainingProject.occupation_id,
                   AssessmentPlan.registration_deadline >= TrainingClass.start_date)
            .scalar_subquery())


def certified_exists() -> ColumnElement[bool]:
    """A certificate-grade level award in the occupation since the class started."""
    return exists(select(LevelAward.id).where(
        LevelAward.person_id == Enrolment.person_id, LevelAward.occupation_code == Occupation.code,
        LevelAward.level_digit.is_not(None), LevelAward.awarded_on >= TrainingClass.start_date))


def placement_outcome() -> ColumnElement[int]:
    """2 when a placement since the class start was found still at work at its 6-month follow-up, 1 when placed
    otherwise, NULL when not placed: one lookup for two steps."""
    retained = exists(select(FollowUp.id).where(FollowUp.placement_id == Placement.id, FollowUp.months == 6,
                                                FollowUp.outcome == "retained"))
    return (select(func.max(case((retained, 2), else_=1)))
            .where(Placement.person_id == Enrolment.person_id, Placement.start_date >= TrainingClass.start_date,
                   Placement.status != "cancelled")
            .scalar_subquery())


def placed_exists(until=None) -> ColumnElement[bool]:
    """A placement starting on or after the class start (and before `until`, when given)."""
    conditions = [Placement.person_id == Enrolment.person_id, Placement.start_date >= TrainingClass.start_date,
                  Placement.status != "cancelled"]
    if until is not None:
        conditions.append(Placement.start_date <= until)
    return exists(select(Placement.id).where(*conditions))


def without_jit(session: Session) -> None:
    """PostgreSQL's JIT spends ~0.3–1 s compiling these many-subplan aggregates; index lookups need none."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def flag(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def demand_headcount(session: Session, filters: FunnelFilters) -> int:
    """People asked for by the demands in the filter (linked to the filtered projects when one is set)."""
    stmt = select(func.coalesce(func.sum(JobDemand.headcount), 0))
    if filters.quarter:
        start, end = quarter_bounds(filters.quarter)
        stmt = stmt.where(JobDemand.created_at >= as_datetime(start), JobDemand.created_at < as_datetime(end))
    if filters.city_code:
        stmt = stmt.where(JobDemand.city_code == filters.city_code)
    if filters.occupation_id:
        stmt = stmt.where(JobDemand.occupation_id == filters.occupation_id)
    if filters.institution_id or filters.project_id:
        linked = select(project_demands.c.demand_id).join(
            TrainingProject, TrainingProject.id == project_demands.c.project_id).where(
            TrainingProject.institution_id == filters.institution_id if filters.institution_id else true(),
            TrainingProject.id == filters.project_id if filters.project_id else true())
        stmt = stmt.where(JobDemand.id.in_(linked))
    return int(session.scalar(stmt) or 0)


# Above this many enrolments in the filter, one hash-joinable pass over each downstream table (grouped by
# person) beats an index lookup per enrolment; below it, the lookups win. Both give the same counts. Measured
# with bench/funnel_report.py: PostgreSQL's per-row subplans cost more than SQLite's index probes.
BULK_THRESHOLD = {"postgresql": 40_000, "sqlite": 500_000}


def _lookup_counts(session: Session, filters: FunnelFilters) -> list[int]:
    """Per-enrolment indexed lookups (small selections)."""
    per_enrolment = enrolment_base(
        Enrolment.status.label("status"), assessment_outcome().label("assessed"),
        case((certified_exists(), 1), else_=0).label("certified"), placement_outcome().label("placed"),
    ).where(*enrolment_conditions(filters)).subquery()
    row = session.execute(select(
        func.count(), flag(per_enrolment.c.status == "completed"), flag(per_enrolment.c.assessed >= 1),
        flag(per_enrolment.c.assessed == 2), flag(per_enrolment.c.certified == 1),
        flag(per_enrolment.c.placed >= 1), flag(per_enrolment.c.placed == 2)).select_from(per_enrolment)).one()
    return [int(v or 0) for v in row]


def bulk_step_counts(session: Session, *keys):
    """SELECT keys, enrolled, completed, assessed, passed, certified, placed, retained over the enrolments, with
    grouped passes joined by person (large selections): "some x on or after the class start" is the same as
    "the latest x is on or after the class start", so each downstream table is reduced to one date per key.
    The caller adds WHERE (filters) or GROUP BY (the keys)."""
    plan_date = AssessmentPlan.registration_deadline
    assessed = (select(AssessmentResult.person_id, AssessmentPlan.occupation_id, func.max(plan_date).label("any_"),
                       func.max(case((AssessmentResult.passed.is_(True), plan_date))).label("passed"))
                .join(AssessmentPlan, AssessmentResult.plan_id == AssessmentPlan.id)
                .group_by(AssessmentResult.person_id, AssessmentPlan.occupation_id).subquery("assessed"))
    awards = (select(LevelAward.person_id, LevelAward.occupation_code, func.max(LevelAward.awarded_on).label("last"))
              .where(LevelAward.level_digit.is_not(None))
              .group_by(LevelAward.person_id, LevelAward.occupation_code).subquery("awards"))
    placed = (select(Placement.person_id, func.max(Placement.start_date).label("last"))
              .where(Placement.status != "cancelled").group_by(Placement.person_id).subquery("placed"))
    kept = (select(Placement.person_id, func.max(Placement.start_date).label("last"))
            .join(FollowUp, FollowUp.placement_id == Placement.id)
            .where(FollowUp.months == 6, FollowUp.outcome == "retained").group_by(Placement.person_id).subquery("kept"))
    if session.get_bind().dialect.name == "postgresql":
        # Hash aggregates over whole downstream tables spill to disk at the default 4 MB work_mem.
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = on"))
        # Workers would each rebuild every grouped hash (the aggregates are not parallel-aware).
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    start = TrainingClass.start_date
    return (enrolment_base(
        *keys, func.count(), flag(Enrolment.status == "completed"), flag(assessed.c.any_ >= start),
        flag(assessed.c.passed >= start), flag(awards.c.last >= start), flag(placed.c.last >= start),
        flag(kept.c.last >= start))
        .outerjoin(assessed, (assessed.c.person_id == Enrolment.person_id)
                   & (assessed.c.occupation_id == TrainingProject.occupation_id))
        .outerjoin(awards, (awards.c.person_id == Enrolment.person_id)
                   & (awards.c.occupation_code == Occupation.code))
        .outerjoin(placed, placed.c.person_id == Enrolment.person_id)
        .outerjoin(kept, kept.c.person_id == Enrolment.person_id))


def _bulk_counts(session: Session, filters: FunnelFilters) -> list[int]:
    """One pass over the filtered enrolments with the downstream tables grouped by person."""
    stmt = bulk_step_counts(session).where(*enrolment_conditions(filters))
    return [int(v or 0) for v in session.execute(stmt).one()]


def enrolment_count(session: Session, filters: FunnelFilters) -> int:
    """Enrolments in the filter (cheap: classes first, then the class index)."""
    return int(session.scalar(enrolment_base(func.count(Enrolment.id)).where(*enrolment_conditions(filters))) or 0)


def funnel(session: Session, filters: FunnelFilters, *, strategy: str | None = None) -> list[FunnelStep]:
    """Counts and step-to-step conversion computed directly from the enrolments and their downstream records
    (strategy "lookup"/"bulk" forces one). Seconds over a whole province: the report pages and the API read
    the precomputed `app.reporting.facts` instead; this is the reference they are tested against."""
    without_jit(session)
    if strategy is None:
        threshold = BULK_THRESHOLD.get(session.get_bind().dialect.name, 100_000)
        strategy = "bulk" if enrolment_count(session, filters) > threshold else "lookup"
    return steps_from_counts([demand_headcount(session, filters),
                              *(_bulk_counts if strategy == "bulk" else _lookup_counts)(session, filters)])


def steps_from_counts(counts: list[int]) -> list[FunnelStep]:
    """The eight steps with each one's conversion from the step before."""
    steps, previous = [], None
    for (key, label), count in zip(STEPS, counts, strict=True):
        conversion = None if previous in (None, 0) else count / previous
        steps.append(FunnelStep(key, label, count, conversion))
        previous = count
    return steps


