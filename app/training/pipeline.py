"""Training's contribution to a demand's pipeline counts (see app.demand.pipeline)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.training.models import Enrolment, TrainingClass, project_demands
from app.training.vocabulary import LEFT


def trained_against_demand(session: Session, demand_id: int) -> dict[str, int]:
    """Enrolments (of trainees who did not leave) and completions in classes of projects linked to the demand."""
    rows = session.execute(
        select(Enrolment.status, func.count(func.distinct(Enrolment.person_id)))
        .join(TrainingClass, Enrolment.class_id == TrainingClass.id)
        .join(project_demands, project_demands.c.project_id == TrainingClass.project_id)
        .where(project_demands.c.demand_id == demand_id, Enrolment.status.notin_(LEFT))
        .group_by(Enrolment.status)
    ).all()
    by_status = dict(rows)
    return {"trained": sum(by_status.values()), "completed": by_status.get("completed", 0)}
