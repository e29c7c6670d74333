"""Issued certificates on the real database, for the verification tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, IssuingContext, issue_certificate
from app.certification.lifecycle import revoke_certificate, supersede_certificate
from app.certification.signing import keyring_from_config
from app.people.models import PersonAccess
from config import TestConfig
from tests.factories import make_evaluation_org, make_org, make_user
from tests.people.factories import make_person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def ctx(app) -> IssuingContext:
    return IssuingContext(storage_dir=Path(app.config["FILE_STORAGE_DIR"]),
                          keyring=keyring_from_config(TestConfig.CERT_SIGNING_KEYS), base_url="http://localhost")


def _draft(org, person, source_id: str) -> CertificateDraft:
    return CertificateDraft(kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04",
                            occupation_name="焊工", variant_name=None, level_digit=4,
                            source_type="assessment_result", source_id=source_id)


@pytest.fixture
def issued(session, ctx):
    """Three certificates of one evaluation organisation: valid, revoked, and superseded (with its replacement).

    An enterprise (with an HR user) employs the holder of the valid one; committed, so requests see it all.
    """
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    enterprise = make_org(session, "enterprise", name="沈阳测试装备有限公司")
    hr = make_user(session, "enterprise_hr", org=enterprise)
    valid_holder = make_person(session, staff, name="王建华")
    revoked_holder = make_person(session, staff, name="李秀英")
    corrected_holder = make_person(session, staff, name="赵 敏")
    valid = issue_certificate(session, actor=staff, now=NOW, draft=_draft(org, valid_holder, "1"), ctx=ctx)
    revoked = issue_certificate(session, actor=staff, now=NOW, draft=_draft(org, revoked_holder, "2"), ctx=ctx)
    revoke_certificate(session, actor=staff, now=NOW, certificate_id=revoked.id, reason="考试作弊，成绩无效")
    old = issue_certificate(session, actor=staff, now=NOW, draft=_draft(org, corrected_holder, "3"), ctx=ctx)
    replacement = supersede_certificate(session, actor=staff, now=NOW, certificate_id=old.id, reason="工种填写错误",
                                        ctx=ctx, variant_name="熔化焊接")
    session.add(PersonAccess(person_id=valid_holder.id, organisation_id=enterprise.id, reason="employer",
                             granted_at=NOW))
    session.commit()
    return SimpleNamespace(org=org, staff=staff, enterprise=enterprise, hr=hr, valid=valid, revoked=revoked,
                           superseded=old, replacement=replacement, ctx=ctx)
