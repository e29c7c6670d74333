"""Roles, the organisation kinds they belong to, and what each may do."""

from __future__ import annotations

from enum import StrEnum


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


ORG_KIND_LABELS = {
    OrgKind.ENTERPRISE: "企业",
    OrgKind.INSTITUTION: "培训机构",
    OrgKind.EVALUATION: "评价机构",
    OrgKind.HRSS: "人社部门",
}

ROLE_LABELS = {
    Role.ADMIN: "人社管理员",
    Role.INSTITUTION_STAFF: "培训机构工作人员",
    Role.EVALUATION_STAFF: "评价机构工作人员",
    Role.ASSESSOR: "考评员",
    Role.ENTERPRISE_HR: "企业人力资源",
}

# A role only makes sense inside one kind of organisation.
ROLE_ORG_KIND = {
    Role.ADMIN: OrgKind.HRSS,
    Role.INSTITUTION_STAFF: OrgKind.INSTITUTION,
    Role.EVALUATION_STAFF: OrgKind.EVALUATION,
    Role.ASSESSOR: OrgKind.EVALUATION,
    Role.ENTERPRISE_HR: OrgKind.ENTERPRISE,
}

# Roles allowed to see full ID and phone numbers of people in their scope (each reveal is audited).
PII_REVEAL_ROLES = frozenset({Role.ADMIN, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF})


def role_fits_org(role: str, org_kind: str) -> bool:
    """True when a user of an organisation of this kind may hold the role."""
    return ROLE_ORG_KIND[Role(role)] == OrgKind(org_kind)
