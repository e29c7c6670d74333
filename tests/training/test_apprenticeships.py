"""Apprenticeships: contract, period, levels, documents, states, logbook sign-off and the 学徒工 grade."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.levels import current_levels
from app.people.models import PersonAccess
from app.training.apprenticeship_records import (
    add_logbook_entry,
    award_apprentice_grade,
    sign_logbook_entry,
    upload_document,
)
from app.training.apprenticeships import (
    change_apprenticeship_status,
    get_apprenticeship,
    list_apprenticeships,
)
from app.translation import in_chinese
from tests.factories import NOW, make_org, make_user
from tests.training.factories import TODAY, file_apprenticeship, make_apprenticeship, pdf_bytes, trainee


@pytest.fixture
def hr(session):
    return make_user(session, "enterprise_hr")


def test_a_planned_apprenticeship_is_recorded_and_shared_with_the_institution(session, hr):
    institution = make_org(session, "institution")
    record = make_apprenticeship(session, hr, institution=institution)
    assert record.status == "planned" and record.planned_months == 24
    assert record.enterprise_id == hr.organisation_id
    reasons = dict(session.execute(select(PersonAccess.organisation_id, PersonAccess.reason)
                                   .where(PersonAccess.person_id == record.person_id)).all())
    assert reasons[institution.id] == "apprenticeship"
    staff = make_user(session, "institution_staff", org=institution)
    assert [a.id for a in list_apprenticeships(session, actor=staff)] == [record.id]


def test_contract_shorter_than_a_year_is_refused_with_its_length(session, hr):
    with pytest.raises(ValidationFailed) as refused:
        make_apprenticeship(session, hr, contract_start=TODAY, contract_end=TODAY.replace(year=TODAY.year + 1)
                            - timedelta(days=2))
    assert refused.value.field == "contract_end"
    assert refused.value.message.template.startswith("The labour contract lasts {length}")
    # The catalogue composes the length in Chinese as it always read.
    chinese = in_chinese(refused.value.message)
    assert "劳动合同期限为 11 个月 30 天" in chinese and "1 年及以上" in chinese


def test_exactly_one_year_contract_is_enough(session, hr):
    start = TODAY - timedelta(days=1)
    record = make_apprenticeship(session, hr, contract_start=start,
                                 contract_end=start.replace(year=start.year + 1) - timedelta(days=1),
                                 planned_start=start,
                                 planned_end=start.replace(year=start.year + 1) - timedelta(days=1))
    assert record.planned_months == 12


@pytest.mark.parametrize(("months_days", "message"), [
    ((11, 0), "培养期限为 11 个月，应在 12–36 个月之间"),
    ((36, 1), "培养期限为 3 年 1 天，应在 12–36 个月之间"),
])
def test_duration_outside_12_to_36_months_is_refused(session, hr, months_days, message):
    from app.training.periods import add_months

    months, days = months_days
    end = add_months(TODAY, months) + timedelta(days=days - 1)
    with pytest.raises(ValidationFailed) as refused:
        make_apprenticeship(session, hr, planned_end=end, contract_end=end + timedelta(days=30))
    assert in_chinese(refused.value.message) == message  # the catalogue keeps the Chinese wording
    assert refused.value.field == "planned_end"


def test_target_level_five_is_refused(session, hr):
    with pytest.raises(ValidationFailed, match="intermediate worker up to senior technician") as refused:
        make_apprenticeship(session, hr, target_level_digit=5, mentor_level_digit=3)
    assert refused.value.field == "target_level_digit"


def test_mentor_must_be_at_least_as_senior_as_the_target(session, hr):
    with pytest.raises(ValidationFailed, match="mentor must hold at least the target level"):
        make_apprenticeship(session, hr, target_level_digit=2, mentor_level_digit=3)
    assert make_apprenticeship(session, hr, target_level_digit=2, mentor_level_digit=2).mentor_level_digit == 2


def test_contract_must_cover_the_training_period(session, hr):
    with pytest.raises(ValidationFailed, match="cover the whole training period"):
        make_apprenticeship(session, hr, contract_end=TODAY + timedelta(days=400))


def test_person_must_be_visible_to_the_enterprise(session, hr):
    stranger = trainee(session, make_user(session, "institution_staff"))
    with pytest.raises(NotFound):
        make_apprenticeship(session, hr, person=stranger)


def test_one_running_apprenticeship_per_person(session, hr):
    record = make_apprenticeship(session, hr)
    with pytest.raises(ValidationFailed, match="already has an apprenticeship that has not ended"):
        make_apprenticeship(session, hr, person=record.person)


def test_filing_needs_all_three_documents(session, hr, tmp_path):
    record = make_apprenticeship(session, hr)
    upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind="training_plan",
                    filename="plan.pdf", data=pdf_bytes(), storage_dir=tmp_path)
    with pytest.raises(InvalidTransition, match="Missing: Cooperation agreement, Apprentice agreement"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="filed")
    assert record.status == "planned"


def test_documents_are_checked_stored_and_hashed(session, hr, tmp_path):
    record = make_apprenticeship(session, hr)
    with pytest.raises(ValidationFailed, match="PDF, JPEG or PNG"):
        upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind="training_plan",
                        filename="plan.docx", data=b"PK\x03\x04 not a pdf", storage_dir=tmp_path)
    with pytest.raises(ValidationFailed, match="at most 10 MB"):
        upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind="training_plan",
                        filename="big.pdf", data=b"%PDF-" + b"0" * (10 * 1024 * 1024), storage_dir=tmp_path)
    with pytest.raises(ValidationFailed, match="training fee") as refused:
        upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind="cooperation_agreement",
                        filename="coop.pdf", data=pdf_bytes(), storage_dir=tmp_path)
    assert refused.value.field == "fee"
    data = pdf_bytes("agreement")
    document = upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id,
                               kind="cooperation_agreement", filename="C:\\docs\\协议.pdf", data=data,
                               storage_dir=tmp_path, fee="12,000")
    assert document.sha256 == hashlib.sha256(data).hexdigest() and document.filename == "协议.pdf"
    assert (tmp_path / document.path).read_bytes() == data and record.cooperation_fee == 12000


def test_after_filing_documents_are_frozen(session, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    assert record.status == "filed" and record.filed_at == NOW
    with pytest.raises(InvalidTransition, match="can no longer be replaced"):
        upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind="training_plan",
                        filename="plan2.pdf", data=pdf_bytes("v2"), storage_dir=tmp_path)


def test_state_machine_and_audit(session, hr, tmp_path):
    record = make_apprenticeship(session, hr)
    with pytest.raises(InvalidTransition, match="cannot change from “Planned \\(not filed\\)” to “Apprenticeship under way”"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")
    file_apprenticeship(session, hr, record, tmp_path)
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")
    with pytest.raises(InvalidTransition, match="reason for completing early"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="completed")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="completed",
                                 reason="提前通过企业考核")
    assert record.completed_on == TODAY and record.ready_for_assessment_at == NOW
    assert record.early_completion_reason == "提前通过企业考核"
    with pytest.raises(InvalidTransition, match="cannot change from “Training completed” to “Terminated”"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="terminated",
                                     reason="x")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "apprenticeship.status")).all()
    assert [e.new_value["status"] for e in events] == ["filed", "in_training", "completed"]


def test_completion_on_the_planned_end_needs_no_reason(session, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")
    later = NOW + (record.planned_end - TODAY)
    change_apprenticeship_status(session, actor=hr, now=later, apprenticeship_id=record.id, to_status="completed")
    assert record.status == "completed" and record.early_completion_reason is None


def test_start_waits_for_the_planned_start(session, hr, tmp_path):
    start = TODAY + timedelta(days=10)
    record = make_apprenticeship(session, hr, planned_start=start, planned_end=start + timedelta(days=500))
    file_apprenticeship(session, hr, record, tmp_path)
    with pytest.raises(InvalidTransition, match="has not come yet"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")


def test_termination_needs_a_reason(session, hr):
    record = make_apprenticeship(session, hr)
    with pytest.raises(ValidationFailed, match="reason for terminating"):
        change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="terminated")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="terminated",
                                 reason="本人离职")
    assert record.termination_reason == "本人离职" and record.terminated_on == TODAY


def test_logbook_entry_and_mentor_sign_off(session, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    with pytest.raises(InvalidTransition, match="Only an apprenticeship under way keeps a logbook"):
        add_logbook_entry(session, actor=hr, now=NOW, apprenticeship_id=record.id, entry_date=TODAY,
                          work_done="配电柜接线", skills="低压配电", hours=8)
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")
    with pytest.raises(ValidationFailed, match="is after today"):
        add_logbook_entry(session, actor=hr, now=NOW, apprenticeship_id=record.id,
                          entry_date=TODAY + timedelta(days=1), work_done="x", skills="y", hours=8)
    entry = add_logbook_entry(session, actor=hr, now=NOW, apprenticeship_id=record.id, entry_date=TODAY,
                              work_done="配电柜接线", skills="低压配电", hours=7.5)
    sign_logbook_entry(session, actor=hr, now=NOW, entry_id=entry.id)
    assert entry.signed_mentor_name == "刘师傅" and entry.signed_off_by_id == hr.id
    assert record.logbook_hours == 7.5
    with pytest.raises(InvalidTransition, match="Mentor 刘师傅 already signed this entry off on "):
        sign_logbook_entry(session, actor=hr, now=NOW, entry_id=entry.id)


def test_enterprise_awards_the_apprentice_grade_once(session, hr, tmp_path):
    record = make_apprenticeship(session, hr)
    with pytest.raises(InvalidTransition, match="the apprentice grade cannot be awarded"):
        award_apprentice_grade(session, actor=hr, now=NOW, apprenticeship_id=record.id)
    file_apprenticeship(session, hr, record, tmp_path)
    award = award_apprentice_grade(session, actor=hr, now=NOW, apprenticeship_id=record.id)
    assert (award.grade_key, award.route, award.level_digit) == ("apprentice", "enterprise_appointment", None)
    assert award.awarded_by_org_id == hr.organisation_id and award.source_type == "apprenticeship"
    assert current_levels(session, record.person_id)["6-31-01-03"].grade_key == "apprentice"
    with pytest.raises(ValidationFailed, match="already holds the apprentice grade"):
        award_apprentice_grade(session, actor=hr, now=NOW, apprenticeship_id=record.id)


def test_scope_other_enterprise_gets_not_found_and_institution_cannot_change(session, hr):
    institution = make_org(session, "institution")
    record = make_apprenticeship(session, hr, institution=institution)
    with pytest.raises(NotFound):
        get_apprenticeship(session, actor=make_user(session, "enterprise_hr"), apprenticeship_id=record.id)
    staff = make_user(session, "institution_staff", org=institution)
    assert get_apprenticeship(session, actor=staff, apprenticeship_id=record.id) is record
    with pytest.raises(NotAllowed):
        change_apprenticeship_status(session, actor=staff, now=NOW, apprenticeship_id=record.id,
                                     to_status="terminated", reason="x")
    with pytest.raises(NotFound):
        get_apprenticeship(session, actor=make_user(session, "institution_staff"), apprenticeship_id=record.id)
