"""Assessment's web edge: one way to run an action (422 on a refusal, the message once, on its field) and the
confirmation step, with a required reason, for what cannot be undone."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.assessment.appointments import nominate
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.registration import register_individual
from app.assessment.result_models import AssessmentResult, Objection
from app.assessment.results import lodge_objection, publish_results
from app.assessment.workdays import add_holiday
from app.assessment.workdays import list_holidays as holidays_of
from app.web.assessment import results as results_views
from tests.assessment.factories import (
    WELDER,
    close,
    eligible_person,
    make_plan,
    make_world,
    practical_session,
    registered_plan,
)
from tests.assessment.test_results import PUBLISHED, run_exams
from tests.conftest import login, post_form
from tests.factories import NOW, make_user
from tests.people.factories import make_person


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def step(html: str, box: str) -> str:
    """The confirmation step (or row form) with id `box`, up to its closing tag."""
    match = re.search(rf'<details[^>]*id="{re.escape(box)}"[^>]*>.*?</details>', html, re.S)
    assert match, f"no step {box}"
    return match.group(0)


def is_open(html: str, box: str) -> bool:
    return re.search(r"<details[^>]*\bopen\b", step(html, box).split(">", 1)[0] + ">") is not None


def test_cancel_needs_a_reason_refused_on_its_field_with_the_typed_text_kept(client, session, world):
    plan = make_plan(session, world)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    page = client.get(url).get_data(as_text=True)
    assert "此操作不可撤销" in step(page, "action-cancel")  # the step says what will happen
    assert not is_open(page, "action-cancel")
    response = post_form(client, f"{url}/status", {"action": "cancel", "reason": "太短"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    box = step(html, "action-cancel")
    assert is_open(html, "action-cancel") and "invalid-feedback" in box and "太短" in box
    assert html.count('class="invalid-feedback') == 1  # once, on its field, not flashed as well
    session.rollback()
    assert session.get(AssessmentPlan, plan.id).status == "open"
    done = post_form(client, f"{url}/status", {"action": "cancel", "reason": "考点设备故障，本次考核取消"}, form_url=url)
    assert done.status_code == 302
    session.rollback()
    assert session.get(AssessmentPlan, plan.id).status == "cancelled"


def test_close_and_start_are_confirmed_steps_that_still_work(client, session, world):
    plan, _regs = registered_plan(session, world, people=1)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="close"' in step(page, "action-close")
    assert post_form(client, f"{url}/status", {"action": "close"}, form_url=url).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert 'value="start"' in step(page, "action-start")
    session.rollback()
    assert session.get(AssessmentPlan, plan.id).status == "closed"


def test_refused_transition_is_flashed_once_and_answers_422(client, session, world):
    plan = make_plan(session, world)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    response = post_form(client, f"{url}/status", {"action": "start"}, form_url=url)
    assert response.status_code == 422
    assert response.get_data(as_text=True).count("alert-danger") == 1
    session.rollback()
    assert session.get(AssessmentPlan, plan.id).status == "open"


def test_withdraw_with_an_empty_reason_reopens_that_row_only(client, session, world):
    plan, regs = registered_plan(session, world, people=2)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    response = post_form(client, f"/assessment/registrations/{regs[0].id}/withdraw", {"reason": ""}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert is_open(html, f"withdraw-{regs[0].id}") and "invalid-feedback" in step(html, f"withdraw-{regs[0].id}")
    assert not is_open(html, f"withdraw-{regs[1].id}")
    session.rollback()
    assert session.get(Registration, regs[0].id).status != "withdrawn"
    done = post_form(client, f"/assessment/registrations/{regs[0].id}/withdraw",
                     {"reason": "考生本人书面申请退出本次考核"}, form_url=url)
    assert done.status_code == 302
    session.rollback()
    assert session.get(Registration, regs[0].id).status == "withdrawn"


def test_override_with_a_short_reason_keeps_what_was_typed(client, session, world):
    plan, _regs = registered_plan(session, world, people=1)
    person = eligible_person(session, world, name="钱进", years=1)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    session.commit()
    login(client, world.admin.username)
    url = f"/assessment/plans/{plan.id}"
    response = post_form(client, f"/assessment/registrations/{reg.id}/override", {"reason": "同意"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert is_open(html, f"override-{reg.id}") and ">同意</textarea>" in step(html, f"override-{reg.id}")
    session.rollback()
    assert session.get(Registration, reg.id).status == "ineligible"


def test_unknown_objects_are_404_through_the_app_handler(client, session, world):
    plan = make_plan(session, world)
    session.commit()
    login(client, world.staff.username)
    assert client.get("/assessment/plans/999999").status_code == 404
    assert client.get("/assessment/plans/999999/results").status_code == 404
    assert client.get("/assessment/sessions/999999").status_code == 404
    url = f"/assessment/plans/{plan.id}"
    assert post_form(client, "/assessment/registrations/999999/withdraw", {"reason": "考生本人书面申请退出"},
                     form_url=url).status_code == 404


def test_schedule_refusal_is_shown_on_the_component_row(client, session, world):
    plan = make_plan(session, world)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    response = post_form(client, f"{url}/schedule", {"component": "theory", "exam_on": "2020-01-01",
                                                     "exam_time": "09:00"}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    row = html.split('id="schedule-theory"', 1)[1].split("</td>", 1)[0]
    assert 'value="2020-01-01"' in row and "invalid-feedback" in row


def test_publish_and_finalise_are_confirmed_steps(client, session, world, after_exams):
    """Results are published once the exams are over: the pages read the clock after the exams."""
    plan, _regs = run_exams(session, world, theory=["72", "80", "90"], practical=["80", "95", "88"])
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}/results"
    page = client.get(url).get_data(as_text=True)
    assert f'action="{url}/publish"' in step(page, "publish-results")
    assert post_form(client, f"{url}/publish", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.get(AssessmentPlan, plan.id).status == "results_published"
    assert f'action="{url}/finalise"' in step(client.get(url).get_data(as_text=True), "finalise-results")


def test_objection_resolution_is_the_reason_and_an_empty_one_is_refused_on_its_field(client, session, world,
                                                                                      monkeypatch):
    plan, _regs = run_exams(session, world, theory=["72", "59.5", "90"], practical=["80", "95", "88"])
    publish_results(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id)
    result = session.scalars(select(AssessmentResult).where(AssessmentResult.passed.is_(False))).first()
    objection = lodge_objection(session, actor=world.staff, now=PUBLISHED, plan_id=plan.id, result_id=result.id,
                                lodged_by_name="李娜", content="理论考试答题卡漏判一题")
    session.commit()
    monkeypatch.setattr(results_views, "utcnow", lambda: PUBLISHED)
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}/results"
    resolve = f"/assessment/plans/{plan.id}/objections/{objection.id}/resolve"
    response = post_form(client, resolve, {"outcome": "upheld", "component": "theory", "score": "61.5",
                                           "resolution": ""}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    box = step(html, f"resolve-{objection.id}")
    assert is_open(html, f"resolve-{objection.id}") and 'value="61.5"' in box and "invalid-feedback" in box
    session.rollback()
    assert session.get(Objection, objection.id).status == "open"
    done = post_form(client, resolve, {"outcome": "upheld", "component": "theory", "score": "61.5",
                                       "resolution": "复核答题卡，确认漏判一题"}, form_url=url)
    assert done.status_code == 302
    session.rollback()
    assert session.get(Objection, objection.id).status == "upheld"


def test_ending_a_nomination_needs_a_reason(client, session, world):
    hr = make_user(session, "enterprise_hr", org=world.enterprise)
    person = make_person(session, hr, name="高建华", employer_org_id=world.enterprise.id)
    row = nominate(session, actor=hr, now=NOW, person_id=person.id, grade_key="apprentice",
                   occupation_id=world.occupation(session, WELDER).id)
    session.commit()
    login(client, hr.username)
    url = "/assessment/appointments"
    response = post_form(client, f"{url}/{row.id}/reject", {"reason": ""}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert is_open(html, f"reject-{row.id}") and "invalid-feedback" in step(html, f"reject-{row.id}")
    review = post_form(client, f"{url}/{row.id}/review", {"passed": "yes", "note": ""}, form_url=url)
    assert review.status_code == 422 and is_open(review.get_data(as_text=True), f"review-{row.id}")
    done = post_form(client, f"{url}/{row.id}/reject", {"reason": "公示期间收到实名举报，经核实不符合条件"},
                     form_url=url)
    assert done.status_code == 302
    session.rollback()
    assert session.get(type(row), row.id).status == "rejected"


def test_holiday_removal_is_a_confirmed_step(client, session, world):
    day = add_holiday(session, actor=world.admin, now=NOW, day=date(2026, 10, 1), name="国庆节")
    session.commit()
    login(client, world.admin.username)
    page = client.get("/assessment/holidays").get_data(as_text=True)
    assert "2026-10-01" in step(page, f"remove-holiday-{day.id}")
    assert post_form(client, f"/assessment/holidays/{day.id}/remove", {}, form_url="/assessment/holidays"
                     ).status_code == 302
    session.rollback()
    assert holidays_of(session) == []


def test_room_steps_remove_a_candidate_an_assessor_and_confirm(client, session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = practical_session(session, world, plan, confirm=False)
    leader = next(a for a in sitting.assignments if a.role == "leader")
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/sessions/{sitting.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{regs[2].id}"' not in page  # every candidate is placed already
    assert "invalid-feedback" not in step(page, f"remove-candidate-{regs[2].id}")
    assert post_form(client, f"{url}/candidates/{regs[2].id}/remove", {}, form_url=url).status_code == 302
    assert post_form(client, f"{url}/assignments/{leader.id}/remove", {}, form_url=url).status_code == 302
    refused = post_form(client, f"{url}/confirm", {}, form_url=url, follow_redirects=True)
    assert refused.status_code == 200 and refused.get_data(as_text=True).count("alert-danger") >= 1
    session.rollback()
    room = session.get(type(sitting), sitting.id)
    assert room.status == "planning" and len(room.candidates) == 2
    assert post_form(client, f"{url}/assign", {"user_id": world.assessors[0].id, "role": "leader"},
                     form_url=url).status_code == 302
    assert post_form(client, f"{url}/confirm", {}, form_url=url).status_code == 302
    session.rollback()
    assert session.get(type(sitting), sitting.id).status == "confirmed"
