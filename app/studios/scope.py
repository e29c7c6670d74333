"""Who sees and who keeps which studios and bases.

Administrators (人社) see and decide on everything. The host organisation's staff (an enterprise's HR or a
training institution's staff) apply for, and keep the records of, their own studios and bases; a studio
leader has no account role of their own, so the host's staff act for the leader.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, scope_by_role
from app.errors import NotAllowed, NotFound
from app.studios.models import Studio
from app.translation import N_

HOST_ROLES = (Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF)
USERS = (Role.ADMIN, *HOST_ROLES)


def scope_clause(actor: User) -> ColumnElement[bool]:
    """Studios and bases the actor may see."""
    own = Studio.host_org_id == actor.organisation_id
    return scope_by_role(actor, {role: own for role in HOST_ROLES})


def require_user(actor: User) -> None:
    """Refuse roles that have nothing to do with studios."""
    if not actor.has_role(*USERS):
        raise NotAllowed(N_("Only host organisations' staff and HR & social security administrators may work "
                            "with studios and bases."))


def require_admin(actor: User) -> None:
    """Refuse anyone but a 人社 administrator (reviews, approvals, assessments)."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may review, approve or assess studios "
                            "and bases."))


def get_studio(session: Session, *, actor: User, studio_id: int) -> Studio:
    """One studio or base inside the actor's scope (NotFound outside it)."""
    require_user(actor)
    studio = session.scalar(select(Studio).where(Studio.id == studio_id, scope_clause(actor)))
    if studio is None:
        raise NotFound(N_("The studio or base does not exist or is outside your data scope."))
    return studio


def list_studios(session: Session, *, actor: User, kind: str | None = None, status: str | None = None,
                 limit: int = 500) -> list[Studio]:
    """Studios and bases in the actor's scope, by name."""
    require_user(actor)
    stmt = select(Studio).where(scope_clause(actor)).order_by(Studio.kind.desc(), Studio.name)
    if kind:
        stmt = stmt.where(Studio.kind == kind)
    if status:
        stmt = stmt.where(Studio.status == status)
    return list(session.scalars(stmt.limit(limit)))
