"""The 人社 overview of the demand and training stages: one call gathers every figure the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.demand.services import DemandTally, open_demand_tallies
from app.errors import NotAllowed
from app.training.apprenticeships import apprenticeship_counts
from app.training.enrolments import enrolment_counts
from app.training.models import TrainingClass, TrainingProject
from app.training.subsidies import EnterpriseSubsidy, subsidy_summary
from app.training.vocabulary import PROJECT_TYPES
from app.translation import N_


@dataclass(frozen=True)
class TrainingOverview:
    """Figures of the overview page."""

    demands_by_city: list[DemandTally]
    demands_by_occupation: list[DemandTally]
    projects_by_type: dict[str, int]
    classes_running: int
    classes_finished: int
    classes_upcoming: int
    enrolments: dict[str, int]
    apprenticeships: dict[str, int]
    subsidies: list[EnterpriseSubsidy]

    def subsidy_total(self, name: str) -> Decimal:
        """A subsidy figure summed over every enterprise."""
        return sum((getattr(group, name) for group in self.subsidies), Decimal("0.00"))


def training_overview(session: Session, *, actor: User, today: date) -> TrainingOverview:
    """Open demands by city and occupation, projects, classes, enrolments, apprenticeships and subsidy totals."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may see the province overview."))
    by_city, by_occupation = open_demand_tallies(session, today=today)
    projects = dict.fromkeys(PROJECT_TYPES, 0)
    projects.update(dict(session.execute(select(TrainingProject.project_type, func.count(TrainingProject.id))
                                         .group_by(TrainingProject.project_type)).all()))

    def classes(*where) -> int:
        return session.scalar(select(func.count(TrainingClass.id)).where(*where)) or 0

    return TrainingOverview(
        demands_by_city=by_city, demands_by_occupation=by_occupation, projects_by_type=projects,
        classes_running=classes(TrainingClass.start_date <= today, TrainingClass.end_date >= today),
        classes_finished=classes(TrainingClass.end_date < today),
        classes_upcoming=classes(TrainingClass.start_date > today),
        enrolments=enrolment_counts(session), apprenticeships=apprenticeship_counts(session),
        subsidies=subsidy_summary(session, actor=actor),
    )
