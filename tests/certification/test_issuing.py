"""Issuing, reprinting, correcting and revoking certificates (services on the real database)."""

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.catalog.seed import seed_catalog
from app.certification.issuing import CertificateDraft, IssuingContext, issue_certificate
from app.certification.lifecycle import (
    get_certificate,
    reprint_certificate,
    revoke_certificate,
    supersede_certificate,
)
from app.certification.models import Certificate
from app.certification.signing import keyring_from_config, parse_verification_url
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.idnumbers import parse_certificate_number
from config import TestConfig
from tests.certificates.helpers import decode_qr_codes, pdf_text, squeeze
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


@pytest.fixture
def ctx(tmp_path) -> IssuingContext:
    return IssuingContext(storage_dir=tmp_path / "files", keyring=keyring_from_config(TestConfig.CERT_SIGNING_KEYS),
                          base_url="https://jc.example.cn")


@pytest.fixture
def setting(session):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    person = make_person(session, staff, name="王建华")
    return org, staff, person


def draft(org, person, source_id="1", **overrides):
    values = dict(kind="skill_level", person=person, issuer=org, occupation_code="6-18-02-04", occupation_name="焊工",
                  variant_name=None, level_digit=4, source_type="assessment_result", source_id=source_id)
    values.update(overrides)
    return CertificateDraft(**values)


def test_issue_numbers_renders_stores_and_signs(session, setting, ctx, tmp_path):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    number = parse_certificate_number(certificate.number)
    assert certificate.number == "S00002121000126" + "4" + "000001"
    assert (number.level_digit, number.year2, number.serial) == (4, "26", 1)
    assert certificate.print_serial == "LN2026A0000001" and certificate.status == "valid"
    pdf = (ctx.storage_dir / certificate.pdf_path).read_bytes()
    assert hashlib.sha256(pdf).hexdigest() == certificate.pdf_sha256
    text_content = squeeze(pdf_text(pdf))
    assert "王建华" in text_content and certificate.number in text_content and "四级/中级工" in text_content
    assert "工种/职业方向" in text_content and "--" in text_content
    (url,) = decode_qr_codes(pdf, tmp_path)
    token, payload, signature = parse_verification_url(url)
    assert token == certificate.token and payload.number == certificate.number
    assert ctx.keyring.verify(payload, signature)


def test_serials_follow_each_other_and_a_source_is_issued_once(session, setting, ctx):
    org, staff, person = setting
    first = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person, "1"), ctx=ctx)
    other = make_person(session, staff)
    second = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, other, "2"), ctx=ctx)
    assert first.number[-6:] == "000001" and second.number[-6:] == "000002"
    with pytest.raises(ValidationFailed) as refused:
        issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person, "1"), ctx=ctx)
    assert refused.value.field == "source"


def test_reprint_keeps_number_with_new_print_serial(session, setting, ctx):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    first_sha = certificate.pdf_sha256
    reprint = reprint_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="遗失",
                                  ctx=ctx)
    assert reprint.print_serial == "LN2026A0000002" and certificate.print_serial == reprint.print_serial
    assert certificate.pdf_sha256 != first_sha and len(certificate.prints) == 2
    text_content = squeeze(pdf_text((ctx.storage_dir / certificate.pdf_path).read_bytes()))
    assert certificate.number in text_content and "LN2026A0000002" in text_content


def test_correction_supersedes_and_points_back(session, setting, ctx):
    org, staff, person = setting
    old = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    new = supersede_certificate(session, actor=staff, now=NOW, certificate_id=old.id, reason="工种填写错误",
                                ctx=ctx, variant_name="熔化焊接与热切割")
    assert old.status == "superseded" and old.superseded_by_id == new.id and new.replaces_id == old.id
    assert new.number != old.number and new.variant_name == "熔化焊接与热切割"
    with pytest.raises(InvalidTransition):
        revoke_certificate(session, actor=staff, now=NOW, certificate_id=old.id, reason="不应可撤销")


def test_revocation_needs_reason_and_is_final(session, setting, ctx):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    with pytest.raises(ValidationFailed) as refused:
        revoke_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="")
    assert refused.value.field == "reason"
    revoke_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="考试舞弊，经核实撤销")
    assert certificate.status == "revoked" and certificate.revoked_by_id == staff.id
    with pytest.raises(InvalidTransition):
        revoke_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="再次撤销测试")
    with pytest.raises(InvalidTransition):
        reprint_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="遗失", ctx=ctx)


def test_database_refuses_unrevoking_and_deleting(session, setting, ctx):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    revoke_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason="考试舞弊，经核实撤销")
    session.commit()
    for statement in (f"UPDATE certificates SET status = 'valid' WHERE id = {certificate.id}",
                      f"DELETE FROM certificate_prints WHERE certificate_id = {certificate.id}",
                      f"DELETE FROM certificates WHERE id = {certificate.id}"):
        with pytest.raises(Exception, match="revoked certificate stays revoked|never deleted"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(select(Certificate.status).where(Certificate.id == certificate.id)) == "revoked"


def test_scope_and_permissions(session, setting, ctx):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    outsider = make_user(session, "enterprise_hr")
    with pytest.raises(NotFound):
        get_certificate(session, actor=outsider, certificate_id=certificate.id)
    admin = make_user(session, "admin")
    assert get_certificate(session, actor=admin, certificate_id=certificate.id) is certificate
    other_eval = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"))
    with pytest.raises(NotFound):
        revoke_certificate(session, actor=other_eval, now=NOW, certificate_id=certificate.id, reason="无权撤销测试")
    from app.people.access import add_access

    add_access(session, person_id=person.id, organisation_id=outsider.organisation_id, reason="employer", now=NOW)
    assert get_certificate(session, actor=outsider, certificate_id=certificate.id) is certificate
    with pytest.raises(NotAllowed):
        revoke_certificate(session, actor=outsider, now=NOW, certificate_id=certificate.id, reason="雇主不能撤销")


def test_training_certificate_has_local_number(session, setting, ctx):
    org, staff, person = setting
    institution_staff = make_user(session, "institution_staff")
    from app.people.access import add_access

    add_access(session, person_id=person.id, organisation_id=institution_staff.organisation_id, reason="enrolment",
               now=NOW)
    certificate = issue_certificate(session, actor=institution_staff, now=NOW, ctx=ctx, draft=CertificateDraft(
        kind="training", person=person, issuer=institution_staff.organisation, occupation_code="6-18-02-04",
        occupation_name="焊工", variant_name=None, level_digit=None, source_type="enrolment", source_id="9",
        extra={"project_name": "2026年焊工就业技能培训", "class_name": "焊工1班", "hours": "120",
               "start_date": "2026年9月1日", "end_date": "2026年10月30日"}))
    assert certificate.number.startswith("PX") and len(certificate.number) == 15
    content = squeeze(pdf_text((Path(ctx.storage_dir) / certificate.pdf_path).read_bytes()))
    assert "培训合格证书" in content and "焊工1班" in content


@pytest.mark.parametrize("reason", ["", "   ", None, " 短 "])
def test_a_revocation_or_correction_without_a_real_reason_is_refused_on_its_field(session, setting, ctx, reason):
    org, staff, person = setting
    certificate = issue_certificate(session, actor=staff, now=NOW, draft=draft(org, person), ctx=ctx)
    with pytest.raises(ValidationFailed) as revoking:
        revoke_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason=reason)
    with pytest.raises(ValidationFailed) as correcting:
        supersede_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason=reason, ctx=ctx)
    assert revoking.value.field == correcting.value.field == "reason"
    assert certificate.status == "valid" and certificate.superseded_by_id is None
    if reason is None or not reason.strip():
        with pytest.raises(ValidationFailed) as reprinting:
            reprint_certificate(session, actor=staff, now=NOW, certificate_id=certificate.id, reason=reason, ctx=ctx)
        assert reprinting.value.field == "reason"
