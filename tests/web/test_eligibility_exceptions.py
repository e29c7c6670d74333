"""Issue 17: evaluation staff request an eligibility exception; the administrator decides it from the dashboard."""

import pytest
from sqlalchemy import select

from app.assessment.exception_models import ExceptionRequest
from app.assessment.models import Registration
from app.assessment.registration import register_individual
from app.audit.models import AuditEvent
from tests.assessment.factories import eligible_person, make_world, registered_plan
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import NOW


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def _ineligible(session, world):
    plan, _ = registered_plan(session, world, people=1)
    person = eligible_person(session, world, name="钱进", years=1)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    session.commit()
    return plan, reg


def _logout(client, url):
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(url).get_data(as_text=True))})


def test_staff_request_then_administrator_approves_from_the_dashboard(client, session, world):
    plan, reg = _ineligible(session, world)
    url = f"/assessment/plans/{plan.id}"
    login(client, world.staff.username)
    client.get("/lang/en?next=/")
    page = client.get(url).get_data(as_text=True)
    assert 'id="exception-note"' in page
    assert "social security administrator: evaluation staff request an exception" in page
    assert f'id="exception-{reg.id}"' in page
    response = post_form(client, f"/assessment/registrations/{reg.id}/exception-request",
                         {"reason": "退役军人专项，部队电工经历已提交证明"}, form_url=url)
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'data-exception="pending"' in page and "Awaiting the administrator" in page
    assert f'id="exception-{reg.id}"' not in page  # no second request while one is pending
    session.rollback()
    request = session.scalar(select(ExceptionRequest).where(ExceptionRequest.registration_id == reg.id))
    # Staff cannot decide it.
    assert post_form(client, f"/assessment/exception-requests/{request.id}/approve",
                     {"reason": "经人社局研究同意参加考核"}, form_url=url).status_code == 403
    _logout(client, url)
    login(client, world.admin.username)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'id="exception-request-{request.id}"' in dashboard and "退役军人专项" in dashboard
    response = post_form(client, f"/assessment/exception-requests/{request.id}/approve",
                         {"reason": "经人社局研究同意参加考核"}, form_url="/dashboard")
    assert response.status_code == 302
    session.rollback()
    assert session.get(Registration, reg.id).status == "overridden"
    assert session.get(ExceptionRequest, request.id).status == "approved"
    assert f'id="exception-request-{request.id}"' not in client.get("/dashboard").get_data(as_text=True)
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"assessment.exception_request", "assessment.exception_decide"} <= actions


def test_administrator_refuses_with_a_reason_the_plan_page_shows(client, session, world):
    plan, reg = _ineligible(session, world)
    url = f"/assessment/plans/{plan.id}"
    login(client, world.staff.username)
    post_form(client, f"/assessment/registrations/{reg.id}/exception-request",
              {"reason": "退役军人专项，部队电工经历已提交证明"}, form_url=url)
    _logout(client, url)
    session.rollback()
    request = session.scalar(select(ExceptionRequest).where(ExceptionRequest.registration_id == reg.id))
    login(client, world.admin.username)
    post_form(client, f"/assessment/exception-requests/{request.id}/refuse", {"reason": "证明材料不足，不予例外"},
              form_url="/dashboard")
    session.rollback()
    assert session.get(ExceptionRequest, request.id).status == "refused"
    assert session.get(Registration, reg.id).status == "ineligible"
    page = client.get(url).get_data(as_text=True)
    assert 'data-exception="refused"' in page and "证明材料不足，不予例外" in page
