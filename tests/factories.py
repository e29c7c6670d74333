"""Small factories for tests: valid organisations and users with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from app.accounts.services import create_api_token, create_organisation, create_user, set_evaluation_filing
from app.database import utcnow
from app.idnumbers import uscc_check_char

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
PASSWORD = "Jiangcai2026!"
_seq = itertools.count(1)


def bearer_headers(session, user, *, name: str = "test") -> dict[str, str]:
    """A new API token of the user, committed, as request headers."""
    _row, token = create_api_token(session, actor=user, now=utcnow(), name=name)
    session.commit()
    return {"Authorization": f"Bearer {token}"}


def valid_uscc(prefix: str = "912101") -> str:
    """A fresh, checksum-valid 统一社会信用代码."""
    body = f"{prefix}{next(_seq):011d}"[:17]
    return body + uscc_check_char(body)


def make_org(session, kind: str = "enterprise", name: str | None = None, **kwargs):
    """An organisation of the given kind."""
    n = next(_seq)
    return create_organisation(
        session, actor=None, now=NOW, kind=kind, name=name or f"测试机构{n}", uscc=kwargs.pop("uscc", valid_uscc()),
        city_code=kwargs.pop("city_code", "2101"), **kwargs,
    )


def make_evaluation_org(session, site_code: str = "210001", scopes=(("6-31-01-03", 4),)):
    """An evaluation organisation with a filing."""
    org = make_org(session, "evaluation")
    set_evaluation_filing(
        session, actor=None, now=NOW, organisation=org, org_type="S", org_code="0000", province_code="21",
        site_code=site_code, scopes=list(scopes),
    )
    return org


ROLE_KIND = {
    "admin": "hrss",
    "institution_staff": "institution",
    "evaluation_staff": "evaluation",
    "assessor": "evaluation",
    "enterprise_hr": "enterprise",
    "dept_supervisor": "hrss",
}


def make_user(session, role: str = "admin", org=None, username: str | None = None, password: str = PASSWORD):
    """A user holding one role, in a fitting organisation (created when not given)."""
    org = org or make_org(session, ROLE_KIND[role])
    return create_user(
        session, actor=None, now=NOW, organisation_id=org.id, username=username or f"user{next(_seq)}",
        display_name="测试用户", password=password, roles=[role],
    )
