"""Registration: eligibility stored with its route or every reason, duplicates refused, overrides, access."""

import pytest
from sqlalchemy import select

from app.assessment.registration import (
    eligibility_summary,
    failure_reasons,
    override_registration,
    register_individual,
    withdraw_registration,
)
from app.audit.models import AuditEvent
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.models import PersonAccess
from app.people.services import register_person
from app.translation import in_chinese
from tests.assessment.factories import eligible_person, make_plan, snapshot
from tests.factories import NOW, make_user
from tests.people.factories import make_person, resident_id


def test_eligible_registration_stores_the_route_and_gets_a_ticket(session, world):
    plan = make_plan(session, world)
    person = eligible_person(session, world)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    assert (reg.status, reg.eligible, reg.route_id) == ("eligible", True, "A-4-2")
    assert reg.ticket_number == f"2026{plan.id:04d}0001"
    assert reg.checked_as_of == plan.registration_deadline


def test_ineligible_registration_is_kept_with_every_routes_reasons(session, world):
    plan = make_plan(session, world)
    person = eligible_person(session, world, years=2)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    assert (reg.status, reg.eligible, reg.ticket_number) == ("ineligible", False, None)
    routes = {f["route_id"]: failure_reasons(f) for f in reg.failures}
    assert set(routes) == {"A-4-1", "A-4-2", "A-4-3"}
    assert any("需满 6 年" in in_chinese(reason) for reason in routes["A-4-2"])
    summary = eligibility_summary(reg)
    assert summary.template == "Meets none of the application conditions. {failures}"
    assert in_chinese(summary).startswith("不符合任何申报条件。") and "需满 6 年" in in_chinese(summary)


def test_duplicate_registration_is_refused_and_nothing_changes(session, world):
    plan = make_plan(session, world)
    person = eligible_person(session, world)
    register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(Conflict) as refused:
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    assert refused.value.field == "person" and refused.value.message.params["name"] == "王伟"
    assert snapshot(session) == before


def test_registration_by_id_number_finds_a_person_outside_scope_and_grants_access(session, world):
    plan = make_plan(session, world)
    institution_user = make_user(session, "institution_staff")
    number = resident_id()
    person = register_person(session, actor=institution_user, now=NOW, name="赵敏", id_type="resident_id",
                             id_number=number)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, id_number=number)
    assert reg.person_id == person.id and reg.status == "ineligible"
    access = session.scalar(select(PersonAccess).where(PersonAccess.person_id == person.id,
                                                       PersonAccess.organisation_id == world.org.id))
    assert access.reason == "assessment"


def test_unknown_id_number_is_refused(session, world):
    plan = make_plan(session, world)
    with pytest.raises(NotFound) as refused:
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, id_number=resident_id())
    assert refused.value.field == "id_number"


def test_registration_outside_the_open_window_is_refused(session, world):
    plan = make_plan(session, world, status="draft")
    person = eligible_person(session, world)
    with pytest.raises(InvalidTransition) as refused:
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    assert refused.value.message.template == 'The assessment plan is "{status}" and does not take registrations.'
    assert in_chinese(refused.value.message) == "评价计划当前状态为“草稿”，不接受报名"


def test_only_an_administrator_overrides_with_a_written_reason(session, world):
    plan = make_plan(session, world)
    person = make_person(session, world.staff, name="钱多多")
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(NotAllowed):
        override_registration(session, actor=world.staff, now=NOW, registration_id=reg.id, reason="经研究同意参加考核评价")
    with pytest.raises(ValidationFailed) as refused:
        override_registration(session, actor=world.admin, now=NOW, registration_id=reg.id, reason="同意")
    assert refused.value.field == "reason" and refused.value.message.params["count"] == 10
    assert snapshot(session) == before
    override_registration(session, actor=world.admin, now=NOW, registration_id=reg.id,
                          reason="退役军人技能提升专项，经人社局研究同意参加考核")
    assert reg.status == "overridden" and reg.ticket_number and reg.admitted
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.override"))
    assert event.actor_id == world.admin.id and "退役军人" in event.note and event.old_value["status"] == "ineligible"


@pytest.mark.parametrize("reason", [None, "", "   \n\t"])
def test_an_override_without_a_reason_is_refused_on_the_reason(session, world, reason):
    plan = make_plan(session, world)
    person = make_person(session, world.staff, name="钱多多")
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        override_registration(session, actor=world.admin, now=NOW, registration_id=reg.id, reason=reason)
    assert refused.value.field == "reason" and reg.status == "ineligible"
    assert snapshot(session) == before


@pytest.mark.parametrize("reason", [None, "", "    ", "不来"])
def test_withdrawing_needs_a_written_reason(session, world, reason):
    plan = make_plan(session, world)
    person = eligible_person(session, world)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        withdraw_registration(session, actor=world.staff, now=NOW, registration_id=reg.id, reason=reason)
    assert refused.value.field == "reason" and reg.status == "eligible"
    assert snapshot(session) == before
    withdraw_registration(session, actor=world.staff, now=NOW, registration_id=reg.id, reason="考生本人申请撤回报名")
    assert reg.status == "withdrawn"
