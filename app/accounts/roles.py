"""Roles, the organisation kinds they belong to, and what each may do."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false, or_, true

from app.errors import NotAllowed
from app.translation import N_, Message

if TYPE_CHECKING:
    from app.accounts.models import User


class OrgKind(StrEnum):
    """Kinds of organisation in the four-in-one chain."""

    ENTERPRISE = "enterprise"
    INSTITUTION = "institution"  # training institution
    EVALUATION = "evaluation"  # filed evaluation organisation
    HRSS = "hrss"  # 人社 (human resources & social security) department


class Role(StrEnum):
    """Roles a user may hold."""

    ADMIN = "admin"  # 人社 administrator
    INSTITUTION_STAFF = "institution_staff"
    EVALUATION_STAFF = "evaluation_staff"
    ASSESSOR = "assessor"
    ENTERPRISE_HR = "enterprise_hr"
    DEPT_SUPERVISOR = "dept_supervisor"  # 人社部门质量督导员: the department's pool of external supervisors
    WORKER = "worker"  # a person's own account (the worker's side): linked to one person, in no organisation


# The one definition of these labels: forms, templates and messages all use them.
ORG_KIND_LABELS: dict[OrgKind, Message] = {
    OrgKind.ENTERPRISE: N_("Enterprise"),
    OrgKind.INSTITUTION: N_("Training institution"),
    OrgKind.EVALUATION: N_("Evaluation organisation"),
    OrgKind.HRSS: N_("HR & social security department"),
}

ROLE_LABELS: dict[Role, Message] = {
    Role.ADMIN: N_("HR & social security administrator"),
    Role.INSTITUTION_STAFF: N_("Institution staff"),
    Role.EVALUATION_STAFF: N_("Evaluation organisation staff"),
    Role.ASSESSOR: N_("Assessor"),
    Role.ENTERPRISE_HR: N_("Enterprise HR"),
    Role.DEPT_SUPERVISOR: N_("Department quality supervisor"),
    Role.WORKER: N_("Worker (own account)"),
}

# A role only makes sense inside one kind of organisation; the worker role is in none (see STAFF_ROLES).
ROLE_ORG_KIND = {
    Role.ADMIN: OrgKind.HRSS,
    Role.INSTITUTION_STAFF: OrgKind.INSTITUTION,
    Role.EVALUATION_STAFF: OrgKind.EVALUATION,
    Role.ASSESSOR: OrgKind.EVALUATION,
    Role.ENTERPRISE_HR: OrgKind.ENTERPRISE,
    Role.DEPT_SUPERVISOR: OrgKind.HRSS,
}

# Roles allowed to see full ID and phone numbers of people in their scope (each reveal is audited).
PII_REVEAL_ROLES = frozenset({Role.ADMIN, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF})


# Roles held by members of an organisation; a worker account belongs to a person, not to an organisation.
STAFF_ROLES = frozenset(ROLE_ORG_KIND)


def role_fits_org(role: str, org_kind: str) -> bool:
    """True when a user of an organisation of this kind may hold the role (never for the worker role)."""
    return ROLE_ORG_KIND.get(Role(role)) == OrgKind(org_kind)


def is_worker(actor: User) -> bool:
    """True for a person's own account, which sees only that person's records."""
    return actor.has_role(Role.WORKER)


def require_admin(actor: User) -> None:
    """Refuse unless the actor is a 人社 administrator."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only an HR & social security administrator may do this."))


def sees_organisation(actor: User, organisation_id: int | None) -> bool:
    """Whether the actor may see an organisation's rows: administrators every one, anyone else their own."""
    # A worker's account has no organisation: rows without one are nobody's, not the worker's.
    return actor.has_role(Role.ADMIN) or (organisation_id is not None and organisation_id == actor.organisation_id)


def scope_by_role(actor: User, clauses: Mapping[Role, ColumnElement[bool]]) -> ColumnElement[bool]:
    """Rows the actor may see: all for administrators, else those of any clause for a role the actor holds."""
    if actor.has_role(Role.ADMIN):
        return true()
    held = [clause for role, clause in clauses.items() if actor.has_role(role)]
    return or_(*held) if held else false()


# Who may use a feature: one definition for its web pages and its API endpoints.
CERTIFICATE_ISSUERS = (Role.ADMIN, Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF)
ENTERPRISE_READERS = (Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.ADMIN)  # demands, apprenticeships
ENTERPRISE_RECORDERS = (Role.ENTERPRISE_HR, Role.ADMIN)
TRAINING_READERS = (Role.INSTITUTION_STAFF, Role.ADMIN)
