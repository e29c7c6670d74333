"""Registration: eligibility stored with its route or every reason, duplicates refused, overrides, access."""

import pytest
from sqlalchemy import select

from app.assessment.registration import override_registration, register_individual
from app.audit.models import AuditEvent
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.models import PersonAccess
from app.people.services import register_person
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
    routes = {f["route_id"]: f["reasons"] for f in reg.failures}
    assert set(routes) == {"A-4-1", "A-4-2", "A-4-3"}
    assert any("需满 6 年" in reason for reason in routes["A-4-2"])


def test_duplicate_registration_is_refused_and_nothing_changes(session, world):
    plan = make_plan(session, world)
    person = eligible_person(session, world)
    register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(Conflict, match="王伟（.*）已报名该评价计划"):
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
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
    with pytest.raises(NotFound, match="未找到该证件号码"):
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, id_number=resident_id())


def test_registration_outside_the_open_window_is_refused(session, world):
    plan = make_plan(session, world, status="draft")
    person = eligible_person(session, world)
    with pytest.raises(InvalidTransition, match="不接受报名"):
        register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)


def test_only_an_administrator_overrides_with_a_written_reason(session, world):
    plan = make_plan(session, world)
    person = make_person(session, world.staff, name="钱多多")
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    before = snapshot(session)
    with pytest.raises(NotAllowed):
        override_registration(session, actor=world.staff, now=NOW, registration_id=reg.id, reason="经研究同意参加考核评价")
    with pytest.raises(ValidationFailed, match="至少 10 个字"):
        override_registration(session, actor=world.admin, now=NOW, registration_id=reg.id, reason="同意")
    assert snapshot(session) == before
    override_registration(session, actor=world.admin, now=NOW, registration_id=reg.id,
                          reason="退役军人技能提升专项，经人社局研究同意参加考核")
    assert reg.status == "overridden" and reg.ticket_number and reg.admitted
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.override"))
    assert event.actor_id == world.admin.id and "退役军人" in event.note and event.old_value["status"] == "ineligible"
