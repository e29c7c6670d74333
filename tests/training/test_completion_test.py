"""The completion test a class records per trainee, and training certificates that state only what is true."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.certification.issuing import IssuingContext, issue_certificate
from app.certification.signing import keyring_from_config
from app.certification.sources import draft_for_enrolment
from app.errors import InvalidTransition, ValidationFailed
from app.training.enrolments import record_completion_test, withdraw_enrolment
from app.training.models import Attendance
from app.translation import in_chinese
from config import TestConfig
from tests.certificates.helpers import pdf_text, squeeze
from tests.factories import NOW
from tests.training.factories import TODAY, completed_trainee, institution_staff, make_class, make_session


@pytest.fixture
def ctx(tmp_path) -> IssuingContext:
    return IssuingContext(storage_dir=tmp_path / "files", keyring=keyring_from_config(TestConfig.CERT_SIGNING_KEYS),
                          base_url="https://jc.example.cn")


def attended(session, staff, klass, enrolment, *hours: str) -> None:
    for n, h in enumerate(hours):
        held = make_session(session, staff, klass, on=klass.start_date + timedelta(days=n))
        session.add(Attendance(session_id=held.id, enrolment_id=enrolment.id, status="present", hours=Decimal(h),
                               recorded_at=NOW, recorded_by_id=staff.id))
    session.flush()


def certificate_text(session, staff, enrolment, ctx) -> str:
    certificate = issue_certificate(session, actor=staff, now=NOW, ctx=ctx, draft=draft_for_enrolment(enrolment))
    return squeeze(pdf_text((Path(ctx.storage_dir) / certificate.pdf_path).read_bytes()))


def test_without_a_test_the_certificate_claims_no_test_and_prints_the_hours_attended(session, ctx):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    attended(session, staff, klass, enrolment, "8", "7.5")
    text = certificate_text(session, staff, enrolment, ctx)
    assert "15.5学时" in text and f"{klass.project.reference_hours}学时" not in text
    assert "完成上述培训项目规定的课程学习" in text and "经考核成绩合格" not in text


def test_with_a_passed_test_the_certificate_says_so(session, ctx):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    attended(session, staff, klass, enrolment, "8")
    record_completion_test(session, actor=staff, now=NOW, enrolment_id=enrolment.id, test_score=Decimal("86.5"),
                           test_on=TODAY)
    assert enrolment.test_score == Decimal("86.5") and enrolment.test_on == TODAY
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "enrolment.test")).one()
    assert event.new_value["test_score"] == "86.5"
    text = certificate_text(session, staff, enrolment, ctx)
    assert "8学时" in text and "完成上述培训项目规定的全部课程，经考核成绩合格" in text


def test_a_failed_test_is_not_printed_as_passed(session, ctx):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    record_completion_test(session, actor=staff, now=NOW, enrolment_id=enrolment.id, test_score=Decimal("45"),
                           test_on=TODAY)
    text = certificate_text(session, staff, enrolment, ctx)
    assert "0学时" in text and "经考核成绩合格" not in text


@pytest.mark.parametrize(("score", "tested_on", "field", "english", "chinese"), [
    (None, TODAY, "test_score", "Enter the test score.", "请填写考核成绩"),
    (Decimal("101"), TODAY, "test_score", "The test score is out of 100", "百分制"),
    (Decimal("80.25"), TODAY, "test_score", "one decimal at most", "一位小数"),
    (Decimal("80"), None, "test_on", "Enter the date of the test.", "请填写考核日期"),
    (Decimal("80"), TODAY + timedelta(days=1), "test_on", "is after today", "晚于今天"),
    (Decimal("80"), TODAY - timedelta(days=1), "test_on", "is before the class starts", "早于开班日期"),
])
def test_wrong_scores_and_dates_are_refused_on_their_field(session, score, tested_on, field, english, chinese):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    with pytest.raises(ValidationFailed) as refused:
        record_completion_test(session, actor=staff, now=NOW, enrolment_id=enrolment.id, test_score=score,
                               test_on=tested_on)
    assert refused.value.field == field and english in str(refused.value.message)
    assert chinese in in_chinese(refused.value.message)
    assert enrolment.test_score is None


def test_no_test_for_someone_who_left(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    enrolment.status = "enrolled"
    withdraw_enrolment(session, actor=staff, now=NOW, enrolment_id=enrolment.id, reason="找到工作")
    with pytest.raises(InvalidTransition) as refused:
        record_completion_test(session, actor=staff, now=NOW, enrolment_id=enrolment.id, test_score=Decimal("80"),
                               test_on=TODAY)
    assert "left the class" in str(refused.value.message) and "已退出" in in_chinese(refused.value.message)
