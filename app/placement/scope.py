"""Who sees and who maintains which placements.

Seeing: an enterprise its own hires, an institution its trainees' (wherever they work), 人社 everything.
Maintaining (follow-ups, evidence, leaving — the figures employment rates and subsidies are computed from):
only the enterprise named on the placement, the institution whose user recorded it, or 人社 administrators.
An institution that trained someone may not change the record another institution or the employer keeps.
"""

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
MAINTAINERS_ONLY = N_("Only the employer named on this placement, the training institution that recorded it or "
                      "HR & social security administrators may record its follow-ups, evidence or leaving.")


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


def recorded_by_colleague(organisation_id: int) -> ColumnElement[bool]:
    """The placement was recorded by a user of the organisation."""
    return Placement.created_by_id.in_(select(User.id).where(User.organisation_id == organisation_id))


def maintainer_clause(actor: User) -> ColumnElement[bool]:
    """Placements whose follow-ups, evidence and leaving the actor may record."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: Placement.enterprise_id == actor.organisation_id,
                                 Role.INSTITUTION_STAFF: recorded_by_colleague(actor.organisation_id)})


def may_maintain(session: Session, *, actor: User, placement: Placement) -> bool:
    """True when the actor may record follow-ups, evidence or leaving on this placement."""
    return session.scalar(select(Placement.id).where(Placement.id == placement.id, maintainer_clause(actor))) \
        is not None


def get_placement_to_maintain(session: Session, *, actor: User, placement_id: int) -> Placement:
    """A placement the actor may maintain: NotFound outside their view, NotAllowed if they may only view it."""
    require_recorder(actor)
    placement = get_placement(session, actor=actor, placement_id=placement_id)
    if not may_maintain(session, actor=actor, placement=placement):
        raise NotAllowed(MAINTAINERS_ONLY)
    return placement
