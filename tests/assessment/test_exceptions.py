"""Eligibility exceptions (issue 17): staff request with a reason, the administrator approves or refuses, audited."""

import pytest
from sqlalchemy import select

from app.assessment.exceptions import decide_exception, latest_requests, pending_requests, request_exception
from app.assessment.registration import register_individual
from app.audit.models import AuditEvent
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from tests.assessment.factories import eligible_person, make_plan
from tests.factories import NOW, make_evaluation_org, make_user
from tests.people.factories import make_person

REASON = "退役军人技能提升专项，已在部队从事电工工作多年"


@pytest.fixture
def refused(session, world):
    plan = make_plan(session, world)
    person = make_person(session, world.staff, name="钱多多")
    return register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)


def test_staff_request_and_the_administrator_approves(session, world, refused):
    request = request_exception(session, actor=world.staff, now=NOW, registration_id=refused.id, reason=REASON)
    assert request.status == "pending" and refused.status == "ineligible"
    assert pending_requests(session, actor=world.admin) == [request]
    with pytest.raises(Conflict):
        request_exception(session, actor=world.staff, now=NOW, registration_id=refused.id, reason=REASON)
    with pytest.raises(NotAllowed):
        decide_exception(session, actor=world.staff, now=NOW, request_id=request.id, approve=True, reason=REASON)
    decide_exception(session, actor=world.admin, now=NOW, request_id=request.id, approve=True,
                     reason="经人社局研究，同意按例外参加考核")
    assert request.status == "approved" and request.decided_by_id == world.admin.id
    assert refused.status == "overridden" and refused.ticket_number
    assert pending_requests(session, actor=world.admin) == []
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.object_type.in_(
        ("assessment_exception_request", "assessment_registration")))).all()
    assert {"assessment.exception_request", "assessment.exception_decide", "assessment.override"} <= set(actions)
    with pytest.raises(InvalidTransition):
        decide_exception(session, actor=world.admin, now=NOW, request_id=request.id, approve=False, reason="不同意例外")


def test_a_refusal_needs_a_reason_and_leaves_the_registration_ineligible(session, world, refused):
    request = request_exception(session, actor=world.staff, now=NOW, registration_id=refused.id, reason=REASON)
    with pytest.raises(ValidationFailed) as short:
        decide_exception(session, actor=world.admin, now=NOW, request_id=request.id, approve=False, reason="否")
    assert short.value.field == "reason"
    decide_exception(session, actor=world.admin, now=NOW, request_id=request.id, approve=False,
                     reason="工作年限证明不足，不予例外")
    assert request.status == "refused" and refused.status == "ineligible"
    assert latest_requests(session, [refused.id]) == {refused.id: request}
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "assessment.exception_decide"))
    assert event.new_value["status"] == "refused" and "年限" in event.note
    # Refused once, asked again with more evidence.
    again = request_exception(session, actor=world.staff, now=NOW, registration_id=refused.id, reason=REASON + "（补充证明）")
    assert again.status == "pending"


def test_a_request_needs_a_reason_and_an_ineligible_registration(session, world, refused):
    with pytest.raises(ValidationFailed) as short:
        request_exception(session, actor=world.staff, now=NOW, registration_id=refused.id, reason="请同意")
    assert short.value.field == "reason"
    with pytest.raises(NotAllowed):
        request_exception(session, actor=world.admin, now=NOW, registration_id=refused.id, reason=REASON)
    with pytest.raises(NotAllowed):
        pending_requests(session, actor=world.staff)


def test_another_organisation_cannot_ask_and_an_eligible_registration_needs_none(session, world, refused):
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210099"))
    with pytest.raises(NotFound):
        request_exception(session, actor=other, now=NOW, registration_id=refused.id, reason=REASON)
    person = eligible_person(session, world, name="孙平")
    fine = register_individual(session, actor=world.staff, now=NOW, plan_id=refused.plan_id, person_id=person.id)
    assert fine.status == "eligible"
    with pytest.raises(InvalidTransition):
        request_exception(session, actor=world.staff, now=NOW, registration_id=fine.id, reason=REASON)
