"""Issue 17 on the pages: a room blocked by a recusal conflict says so; staff request an external supervisor,
the administrator appoints one from the department pool on the dashboard, staff assign them from the room page
(which offers only appointed department supervisors as external), and the supervisor signs the room off."""

import pytest
from sqlalchemy import select

from app.assessment.models import AssessmentSession, SessionAssignment
from app.assessment.staffing import assign_assessor, create_session
from app.assessment.supervisor_models import SupervisorRequest
from app.assessment.supervisors import department_supervisors
from app.audit.models import AuditEvent
from app.web import actions as web_actions
from app.web.assessment import sheets as sheets_views
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    at,
    close,
    make_world,
    registered_plan,
    room_of_four,
)
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import NOW, make_evaluation_org, make_user


@pytest.fixture
def four(session):
    """Four assessors, a practical room of three candidates, one declared relation; the pool has one supervisor."""
    world, plan, sitting = room_of_four(session)
    supervisor = make_user(session, "dept_supervisor", org=world.admin.organisation, username="dept_sup")
    supervisor.display_name = "高志远"
    session.commit()
    return world, plan, sitting, supervisor


def _as(client, username, lang="en"):
    client.set_cookie("jiangcai_lang", lang)
    page = client.get("/dashboard")
    if page.status_code == 200 and 'action="/logout"' in page.get_data(as_text=True):
        client.post("/logout", data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    login(client, username)


def test_the_finding_through_the_pages(client, session, four, monkeypatch):
    world, plan, sitting, supervisor = four
    room = f"/assessment/sessions/{sitting.id}"
    _as(client, world.staff.username)
    page = client.get(room).get_data(as_text=True)
    assert "1 more quality supervisor without a recusal conflict with the candidates is needed." in page
    assert "1 with a recusal conflict" in page and "request a department quality supervisor" in page
    assert "No department quality supervisor is appointed to this plan yet." in page
    assigner = page.split('id="user_id"')[1].split("</select>")[0]
    assert world.assessors[3].display_name not in assigner  # the conflicting assessor is not offered
    # "External" with one of the organisation's assessors is refused, in English and in Chinese.
    data = {"user_id": world.assessors[3].id, "role": "supervisor", "external": "y"}
    refused = post_form(client, f"{room}/assign", data, form_url=room)
    assert refused.status_code == 422
    assert "not one of the organisation&#39;s assessors" in refused.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"{room}/assign", data, form_url=room)
    assert "不能由本机构考评员担任" in refused.get_data(as_text=True)
    assert "还需 1 名与考生无回避关系的质量督导员。" in client.get(room).get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "en")
    # A department supervisor not appointed to the plan is refused too.
    refused = post_form(client, f"{room}/assign-external", {"user_id": supervisor.id, "role": "supervisor"},
                        form_url=room)
    assert refused.status_code == 422 and "高志远 is not appointed to this plan" in refused.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"{room}/assign-external", {"user_id": supervisor.id, "role": "supervisor"},
                        form_url=room)
    assert "高志远未被委派到本考核计划" in refused.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "en")
    # Staff request one for the plan.
    plan_url = f"/assessment/plans/{plan.id}/sessions"
    assert 'id="supervisor-request-form"' in client.get(plan_url).get_data(as_text=True)
    response = post_form(client, f"/assessment/plans/{plan.id}/supervisor-requests",
                         {"count": "1", "sitting_ids": str(sitting.id), "note": "实操考场考评员有回避关系"},
                         form_url=plan_url)
    assert response.status_code == 302
    session.rollback()
    request = session.scalar(select(SupervisorRequest).where(SupervisorRequest.plan_id == plan.id))
    assert request.status == "pending" and request.rooms == "实训车间 A"
    page = client.get(plan_url).get_data(as_text=True)
    assert 'data-status="pending"' in page and 'id="supervisor-request-form"' not in page
    # Staff cannot appoint.
    assert post_form(client, f"/assessment/supervisor-requests/{request.id}/appoint",
                     {"user_ids": str(supervisor.id)}, form_url=plan_url).status_code == 403
    # The administrator's queue lists it and appoints from the pool.
    _as(client, world.admin.username)
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'id="supervisor-request-{request.id}"' in dashboard and "实操考场考评员有回避关系" in dashboard
    assert f'value="{supervisor.id}"' in dashboard and "高志远" in dashboard
    response = post_form(client, f"/assessment/supervisor-requests/{request.id}/appoint",
                         {"user_ids": str(supervisor.id), "note": "委派高志远"}, form_url="/dashboard")
    assert response.status_code == 302
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f'id="supervisor-request-{request.id}"' not in dashboard
    assert 'id="supervisor-appointments"' in dashboard and "/revoke" in dashboard  # withdrawable until placed
    # Staff now see the appointed supervisor as the only external choice, and assign them.
    _as(client, world.staff.username)
    page = client.get(room).get_data(as_text=True)
    external = page.split('id="external-user"')[1].split("</select>")[0]
    assert "高志远" in external and world.assessors[3].display_name not in external
    assert "高志远" not in page.split('id="user_id"')[1].split("</select>")[0]
    assert f'action="{room}/assign-external"' in page
    response = post_form(client, f"{room}/assign-external", {"user_id": supervisor.id, "role": "supervisor"},
                         form_url=room)
    assert response.status_code == 302
    assert post_form(client, f"{room}/confirm", {}, form_url=room).status_code == 302
    session.rollback()
    assert session.get(AssessmentSession, sitting.id).status == "confirmed"
    held = session.scalar(select(SessionAssignment).where(SessionAssignment.user_id == supervisor.id))
    assert held.role == "supervisor" and held.external
    # The department supervisor sees the room and signs it off.
    _as(client, "dept_sup")
    mine = client.get("/assessment/my-sessions")
    assert mine.status_code == 200 and "实训车间 A" in mine.get_data(as_text=True)
    assert 'id="nav-my-sessions"' in client.get("/dashboard").get_data(as_text=True)
    sheet = f"/assessment/sessions/{sitting.id}/sheet"
    assert client.get(sheet).status_code == 200
    monkeypatch.setattr(sheets_views, "utcnow", lambda: AFTER_EXAMS)
    monkeypatch.setattr(web_actions, "utcnow", lambda: AFTER_EXAMS)
    assert post_form(client, f"/assessment/sessions/{sitting.id}/sign-off", {}, form_url=sheet).status_code == 302
    session.rollback()
    assert session.get(AssessmentSession, sitting.id).status == "signed_off"
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"assessment.supervisor_request", "assessment.supervisor_appoint", "assessment_session.sign_off"} <= actions


def test_withdraw_decline_and_who_may_do_what(client, session, four):
    world, plan, sitting, supervisor = four
    plan_url = f"/assessment/plans/{plan.id}/sessions"
    _as(client, world.staff.username)
    post_form(client, f"/assessment/plans/{plan.id}/supervisor-requests", {"count": "2"}, form_url=plan_url)
    session.rollback()
    first = session.scalar(select(SupervisorRequest).where(SupervisorRequest.plan_id == plan.id))
    assert post_form(client, f"/assessment/plans/{plan.id}/supervisor-requests/{first.id}/withdraw", {},
                     form_url=plan_url).status_code == 302
    session.rollback()
    assert session.get(SupervisorRequest, first.id).status == "withdrawn"
    post_form(client, f"/assessment/plans/{plan.id}/supervisor-requests", {"count": "1"}, form_url=plan_url)
    session.rollback()
    second = session.scalar(select(SupervisorRequest).where(SupervisorRequest.status == "pending"))
    # Another organisation's staff cannot request for this plan; the department supervisor cannot appoint.
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210002"),
                      username="other_staff")
    session.commit()
    _as(client, other.username)
    assert post_form(client, f"/assessment/plans/{plan.id}/supervisor-requests", {"count": "1"},
                     form_url="/dashboard").status_code == 404
    _as(client, "dept_sup")
    assert post_form(client, f"/assessment/supervisor-requests/{second.id}/appoint",
                     {"user_ids": str(supervisor.id)}, form_url="/dashboard").status_code == 403
    assert client.get(f"/assessment/sessions/{sitting.id}").status_code == 403  # not staff: no room page
    # The administrator declines with a reason; an empty one is refused (English, then Chinese).
    _as(client, world.admin.username)
    refused = post_form(client, f"/assessment/supervisor-requests/{second.id}/decline", {"reason": ""},
                        form_url="/dashboard", follow_redirects=True)
    assert "Please give the reason for declining" in refused.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"/assessment/supervisor-requests/{second.id}/decline", {"reason": ""},
                        form_url="/dashboard", follow_redirects=True)
    assert "请填写不予委派的理由" in refused.get_data(as_text=True)
    post_form(client, f"/assessment/supervisor-requests/{second.id}/decline", {"reason": "本期督导员已全部派出"},
              form_url="/dashboard")
    session.rollback()
    assert session.get(SupervisorRequest, second.id).status == "declined"
    _as(client, world.staff.username)
    page = client.get(plan_url).get_data(as_text=True)
    assert "本期督导员已全部派出" in page and 'data-status="declined"' in page


def test_a_time_clash_is_shown_on_the_room_page_and_not_offered(client, session):
    world = make_world(session, assessors=6)
    plan, _ = registered_plan(session, world, people=3)
    close(session, world, plan)
    first = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                           room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9), max_candidates=2)
    second = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                            room="实训车间 B", starts_at=at(PRACTICAL_DAY, 10))
    busy = world.assessors[4]
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=first.id, user_id=busy.id, role="examiner")
    session.commit()
    _as(client, world.staff.username)
    room = f"/assessment/sessions/{second.id}"
    page = client.get(room).get_data(as_text=True)
    assert f"Time clash: {busy.display_name} is already placed in room 实训车间 A at the same time" in page
    assert busy.display_name not in page.split('id="user_id"')[1].split("</select>")[0]
    refused = post_form(client, f"{room}/assign", {"user_id": busy.id, "role": "examiner"}, form_url=room)
    assert refused.status_code == 422
    assert "already placed in room 实训车间 A at the same time" in refused.get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"{room}/assign", {"user_id": busy.id, "role": "examiner"}, form_url=room)
    assert "同一时间已安排在考场 实训车间 A" in refused.get_data(as_text=True)


def test_the_administrator_adds_a_department_supervisor_to_the_pool(client, session, four):
    world, _plan, _sitting, _supervisor = four
    _as(client, world.admin.username)
    form = client.get("/admin/users/new").get_data(as_text=True)
    assert 'value="dept_supervisor"' in form and "Department quality supervisor" in form
    response = post_form(client, "/admin/users/new", {
        "organisation_id": world.admin.organisation_id, "username": "dept_sup2", "display_name": "林秀英",
        "password": "Jiangcai2026!long", "roles": "dept_supervisor"})
    assert response.status_code == 302
    session.rollback()
    assert {u.display_name for u in department_supervisors(session)} == {"林秀英", "高志远"}
    # The role belongs to the department: it cannot be given to an evaluation organisation's user.
    refused = post_form(client, "/admin/users/new", {
        "organisation_id": world.org.id, "username": "dept_sup3", "display_name": "错配",
        "password": "Jiangcai2026!long", "roles": "dept_supervisor"}, form_url="/admin/users/new")
    assert refused.status_code == 422
