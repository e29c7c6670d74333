"""Studio services: application, materials, review, approval with a notice in working days, listing, scope."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.catalog.calendar import Holiday
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.studios.models import Studio, StudioMaterial, StudioMember
from app.studios.registry import (
    add_material,
    add_member,
    approve_application,
    confirm_listing,
    create_application,
    reject_application,
    submit_application,
)
from tests.factories import NOW, make_org, make_user
from tests.studios.factories import (
    APPROVED_AT,
    apply_with_materials,
    make_host,
    master_worker,
    studio_details,
)
from tests.training.factories import pdf_bytes, trainee


def counts(session) -> tuple[int, ...]:
    """Rows that a refused action must leave as they were."""
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Studio, StudioMaterial, StudioMember, AuditEvent))


@pytest.fixture
def host(session):
    found = make_host(session)
    session.commit()
    return found


def test_application_creates_a_draft_with_the_leader_on_the_team(session, host):
    studio = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    assert (studio.status, studio.host_org_id, studio.leader_id) == ("draft", host.enterprise.id, host.master.id)
    assert [(m.person_id, m.is_leader) for m in studio.members] == [(host.master.id, True)]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "studio.create"))
    assert event.object_id == str(studio.id)


def test_leader_below_technician_is_refused_with_nothing_created(session, host):
    junior = master_worker(session, host.hr, grade="senior", name="李师傅")
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        create_application(session, actor=host.hr, now=NOW, details=studio_details(host, leader_id=junior.id))
    assert refused.value.field == "leader_id"
    assert "technician (level 2) or above" in refused.value.message
    nobody = trainee(session, host.hr, name="赵无级")
    with pytest.raises(ValidationFailed):
        create_application(session, actor=host.hr, now=NOW, details=studio_details(host, leader_id=nobody.id))
    assert counts(session)[:3] == before[:3]


def test_base_needs_its_size_bands(session, host):
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        create_application(session, actor=host.hr, now=NOW, details=studio_details(
            host, kind="base", leader_id=None, floor_area_band=None, trade_count_band="6_10"))
    assert refused.value.field == "floor_area_band"
    assert counts(session) == before
    base = create_application(session, actor=host.hr, now=NOW, details=studio_details(
        host, kind="base", leader_id=None, floor_area_band="3000_10000", trade_count_band="6_10"))
    assert base.leader_id is None and base.members == []


def test_leader_outside_the_hosts_scope_is_not_found(session, host):
    other = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    stranger = master_worker(session, other, name="外人")
    with pytest.raises(NotFound):
        create_application(session, actor=host.hr, now=NOW, details=studio_details(host, leader_id=stranger.id))


def test_submit_without_required_materials_is_refused_and_stays_draft(session, host, tmp_path):
    studio = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    add_material(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="application_form",
                 data=pdf_bytes(), filename="form.pdf", storage_dir=tmp_path)
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        submit_application(session, actor=host.hr, now=NOW, studio_id=studio.id)
    assert "Premises and equipment list" in refused.value.message
    assert studio.status == "draft" and counts(session) == before


def test_material_must_be_a_document(session, host, tmp_path):
    studio = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        add_material(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="work_plan", data=b"MZ\x90 exe",
                     filename="plan.exe", storage_dir=tmp_path)
    assert refused.value.field == "file" and counts(session) == before


def test_approval_is_for_administrators_and_the_notice_counts_working_days(session, host, tmp_path):
    session.add(Holiday(day=date(2026, 1, 9), name="测试假日", is_makeup_workday=False, created_at=NOW))
    studio = apply_with_materials(session, host, tmp_path)
    before = counts(session)
    with pytest.raises(NotAllowed):
        approve_application(session, actor=host.hr, now=APPROVED_AT, studio_id=studio.id)
    assert studio.status == "submitted" and counts(session) == before
    approve_application(session, actor=host.admin, now=APPROVED_AT, studio_id=studio.id)
    # Published Tue 01-06: Wed 7, Thu 8, (Fri 9 a holiday), Mon 12, Tue 13, Wed 14.
    assert (studio.status, studio.approved_on, studio.notice_ends_on) == ("notice", date(2026, 1, 6),
                                                                          date(2026, 1, 14))
    assert studio.cycle_end == date(2029, 1, 5)


def test_listing_waits_for_the_end_of_the_notice(session, host, tmp_path):
    studio = apply_with_materials(session, host, tmp_path)
    approve_application(session, actor=host.admin, now=APPROVED_AT, studio_id=studio.id)
    before = counts(session)
    with pytest.raises(InvalidTransition) as refused:
        confirm_listing(session, actor=host.admin, now=datetime(2026, 1, 13, 9, tzinfo=UTC), studio_id=studio.id)
    assert "2026-01-13" in refused.value.message
    assert studio.status == "notice" and counts(session) == before
    confirm_listing(session, actor=host.admin, now=datetime(2026, 1, 14, 2, tzinfo=UTC), studio_id=studio.id)
    assert studio.status == "listed"
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "studio",
                                                              AuditEvent.object_id == str(studio.id)))
    assert {"studio.create", "studio.material", "studio.submitted", "studio.notice", "studio.listed"} <= set(actions)


def test_rejection_needs_a_reason_and_is_final(session, host, tmp_path):
    studio = apply_with_materials(session, host, tmp_path)
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        reject_application(session, actor=host.admin, now=NOW, studio_id=studio.id, reason="  ")
    assert refused.value.field == "reason" and studio.status == "submitted" and counts(session) == before
    reject_application(session, actor=host.admin, now=NOW, studio_id=studio.id, reason="场地不达标")
    with pytest.raises(InvalidTransition):
        approve_application(session, actor=host.admin, now=NOW, studio_id=studio.id)
    assert studio.status == "rejected" and studio.decision_note == "场地不达标"


def test_another_host_does_not_see_the_studio(session, host):
    studio = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    other = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    with pytest.raises(NotFound):
        submit_application(session, actor=other, now=NOW, studio_id=studio.id)
    assessor = make_user(session, "assessor")
    with pytest.raises(NotAllowed):
        submit_application(session, actor=assessor, now=NOW, studio_id=studio.id)


def test_team_members_are_people_in_scope_and_not_twice(session, host):
    studio = create_application(session, actor=host.hr, now=NOW, details=studio_details(host))
    member = trainee(session, host.hr, name="钱技师")
    add_member(session, actor=host.hr, now=NOW, studio_id=studio.id, person_id=member.id, joined_on=date(2026, 1, 5))
    before = counts(session)
    with pytest.raises(ValidationFailed) as refused:
        add_member(session, actor=host.hr, now=NOW, studio_id=studio.id, person_id=member.id,
                   joined_on=date(2026, 1, 5))
    assert refused.value.field == "person_id" and counts(session) == before


def test_annual_plan_and_summary_are_kept_per_year(session, host, tmp_path):
    from app.studios.registry import add_annual_document
    from tests.studios.factories import listed_studio

    studio = listed_studio(session, host, tmp_path)
    plan = add_annual_document(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="annual_plan", year=2027,
                               data=pdf_bytes("plan"), filename="plan.pdf", storage_dir=tmp_path)
    assert (plan.kind, plan.year) == ("annual_plan", 2027) and plan in studio.materials
    before = counts(session)
    for kind, year, field in (("annual_summary", 2027, "year"), ("annual_plan", 2025, "year"),
                              ("work_plan", 2026, "kind")):
        with pytest.raises(ValidationFailed) as refused:
            add_annual_document(session, actor=host.hr, now=NOW, studio_id=studio.id, kind=kind, year=year,
                                data=pdf_bytes(), filename="x.pdf", storage_dir=tmp_path)
        assert refused.value.field == field
    with pytest.raises(InvalidTransition):
        add_material(session, actor=host.hr, now=NOW, studio_id=studio.id, kind="annual_plan", data=pdf_bytes(),
                     filename="x.pdf", storage_dir=tmp_path)
    assert counts(session) == before


def test_an_undecided_application_can_be_withdrawn(session, host, tmp_path):
    from app.studios.registry import withdraw_application

    studio = apply_with_materials(session, host, tmp_path)
    studio_id = studio.id
    withdraw_application(session, actor=host.hr, now=NOW, studio_id=studio_id)
    assert session.get(Studio, studio_id) is None
    assert session.scalar(select(func.count()).select_from(StudioMaterial)) == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "studio.withdraw"))
    assert event.object_id == str(studio_id) and event.old_value["status"] == "submitted"
    approved = apply_with_materials(session, host, tmp_path)
    approve_application(session, actor=host.admin, now=APPROVED_AT, studio_id=approved.id)
    before = counts(session)
    with pytest.raises(InvalidTransition):
        withdraw_application(session, actor=host.hr, now=NOW, studio_id=approved.id)
    assert counts(session) == before
