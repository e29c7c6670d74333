"""Who sees which placements: an enterprise its own hires, an institution its trainees', 人社 everything."""

from __future__ import annotations

import calendar
from datetime import date

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, scope_by_role
from app.errors import NotAllowed, NotFound
from app.placement.models import Placement
from app.training.models import Enrolment, TrainingClass, TrainingProject
from app.translation import N_

RECORDER_ROLES = (Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF)


def add_months(day: date, months: int) -> date:
    """The same day some months later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trained_by(institution_id: int, person_column) -> ColumnElement[bool]:
    """The person has an enrolment in a class of one of the institution's projects."""
    return exists(
        select(Enrolment.id).join(TrainingClass, Enrolment.class_id == TrainingClass.id)
        .join(TrainingProject, TrainingClass.project_id == TrainingProject.id)
        .where(Enrolment.person_id == person_column, TrainingProject.institution_id == institution_id)
    )


def scope_clause(actor: User) -> ColumnElement[bool]:
    """Placements the actor may see."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: Placement.enterprise_id == actor.organisation_id,
                                 Role.INSTITUTION_STAFF: trained_by(actor.organisation_id, Placement.person_id)})


def require_recorder(actor: User) -> None:
    """Refuse roles that do not record placements."""
    if not actor.has_role(*RECORDER_ROLES):
        raise NotAllowed(N_("Only enterprise, training-institution or HR & social security staff may record "
                            "employment."))


def get_placement(session: Session, *, actor: User, placement_id: int) -> Placement:
    """One placement inside the actor's scope (NotFound outside it)."""
    placement = session.scalar(select(Placement).where(Placement.id == placement_id, scope_clause(actor)))
    if placement is None:
        raise NotFound(N_("The placement does not exist or is outside your data scope."))
    return placement
