"""Assessment pages: plans within scope, registration, overrides, staffing refusals, score sheets, results."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.assessment.models import AssessmentPlan, Registration
from app.assessment.qualifications import declare_relation
from app.assessment.registration import register_individual
from app.assessment.result_models import Score, ScoreEvent
from app.assessment.scoring import save_score
from app.assessment.staffing import create_session
from app.database import write_intent
from app.people.services import register_person
from tests.assessment.factories import (
    AFTER_EXAMS,
    PRACTICAL_DAY,
    WELDER,
    at,
    close,
    eligible_person,
    make_plan,
    make_world,
    practical_session,
    registered_plan,
)
from tests.conftest import csrf_token_from, login, post_form
from tests.factories import NOW, make_evaluation_org, make_user
from tests.people.factories import make_person, resident_id


@pytest.fixture
def world(session):
    made = make_world(session)
    session.commit()
    return made


def test_plan_form_offers_only_filed_scopes_and_creates_the_plan(client, session, world):
    login(client, world.staff.username)
    page = client.get("/assessment/plans/new").get_data(as_text=True)
    welder = world.occupation(session, WELDER)
    assert f'value="{welder.id}:4"' in page and "三级/高级工" in page
    electrician = world.occupation(session, "6-31-01-03")
    assert f'value="{electrician.id}:3"' not in page  # 电工 is filed at 四级 only
    response = post_form(client, "/assessment/plans/new", {
        "scope": f"{welder.id}:4", "registration_deadline": "2026-12-10", "theory_on": "2026-12-15",
        "practical_on": "2026-12-16", "venue": "沈阳市铁西区", "fee_yuan": "380"})
    assert response.status_code == 302
    session.rollback()
    plan = session.scalars(select(AssessmentPlan)).one()
    assert plan.level_digit == 4 and [c.component for c in plan.components] == ["theory", "practical"]


def test_crafted_out_of_scope_plan_is_refused_on_the_form(client, session, world):
    login(client, world.staff.username)
    electrician = world.occupation(session, "6-31-01-03")
    session.rollback()
    page = client.get("/assessment/plans/new").get_data(as_text=True)
    response = client.post("/assessment/plans/new", data={
        "csrf_token": csrf_token_from(page), "scope": f"{electrician.id}:3", "registration_deadline": "2026-12-10",
        "venue": "沈阳"})
    # The choice is not offered, so the form refuses it before the service is asked.
    assert response.status_code == 422 and session.scalar(select(AssessmentPlan)) is None


def test_register_by_id_number_shows_outcome_and_refuses_duplicates(client, session, world):
    plan = make_plan(session, world)
    number = resident_id()
    person = register_person(session, actor=world.staff, now=NOW, name="周强", id_type="resident_id",
                             id_number=number)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    response = post_form(client, f"{url}/register", {"id_type": "resident_id", "id_number": number}, form_url=url)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "周强" in html and "累计从事本职业或相关职业工作满 6 年" in html and number not in html
    again = post_form(client, f"{url}/register", {"id_type": "resident_id", "id_number": number}, form_url=url)
    assert again.status_code == 422
    assert f"周强（{person.id_masked}）已报名该评价计划" in again.get_data(as_text=True)
    session.rollback()
    assert len(session.scalars(select(Registration)).all()) == 1


def test_override_is_for_administrators_with_a_reason(client, session, world):
    plan, _ = registered_plan(session, world, people=1)
    person = eligible_person(session, world, name="钱进", years=1)
    reg = register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id, person_id=person.id)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}"
    assert post_form(client, f"/assessment/registrations/{reg.id}/override", {"reason": "经研究同意参加本次考核"},
                     form_url=url).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(url).get_data(as_text=True))})
    login(client, world.admin.username)
    response = post_form(client, f"/assessment/registrations/{reg.id}/override",
                         {"reason": "退役军人专项，经人社局研究同意参加考核"}, form_url=url)
    assert response.status_code == 302
    session.rollback()
    assert session.get(Registration, reg.id).status == "overridden"


def test_other_organisations_get_404(client, session, world):
    plan = make_plan(session, world)
    other = make_user(session, "evaluation_staff", org=make_evaluation_org(session, site_code="210009"))
    session.commit()
    login(client, other.username)
    assert client.get(f"/assessment/plans/{plan.id}").status_code == 404
    assert client.get(f"/assessment/plans/{plan.id}/registrations.xlsx").status_code == 404
    assert plan.title not in client.get("/assessment/plans").get_data(as_text=True)


def test_staffing_refusal_is_shown_on_the_form_and_nothing_is_assigned(client, session, world):
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="车间 A", starts_at=at(PRACTICAL_DAY, 9))
    declare_relation(session, actor=world.staff, now=NOW, assessor_id=world.assessors[0].id,
                     person_id=regs[1].person_id, kind="relative")
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/sessions/{sitting.id}"
    page = client.get(url).get_data(as_text=True)
    assert "已申报孙志刚与李娜为亲属关系" in page  # the block is shown before anyone tries
    assert 'id="confirm-session"' in page and "disabled" in page.split('id="confirm-session"')[1][:20]
    response = post_form(client, f"{url}/assign", {"user_id": world.assessors[0].id, "role": "leader"}, form_url=url)
    assert response.status_code == 422
    assert "考评组长孙志刚与考生李娜存在回避关系：已申报孙志刚与李娜为亲属关系" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(type(sitting), sitting.id).assignments == []


def _sheet_world(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = practical_session(session, world, plan)
    session.commit()
    return sitting, regs


def test_unassigned_assessor_gets_404_on_the_sheet(client, session, world):
    sitting, _ = _sheet_world(session, world)
    login(client, world.assessors[5].username)
    assert client.get(f"/assessment/sessions/{sitting.id}/sheet").status_code == 404
    assert client.get("/assessment/my-sessions").status_code == 200


def test_sheet_has_versioned_inputs_in_tab_order(client, session, world):
    sitting, regs = _sheet_world(session, world)
    login(client, world.assessors[1].username)
    html = client.get(f"/assessment/sessions/{sitting.id}/sheet").get_data(as_text=True)
    cells = session.scalars(select(Score).where(Score.session_id == sitting.id, Score.marker_id == world.assessors[1].id)
                            .order_by(Score.registration_id)).all()
    inputs = re.findall(r'name="value-(\d+)"', html)
    assert inputs == [str(c.id) for c in cells]  # one input per candidate, in row order
    assert all(f'name="version-{c.id}" value="0"' in html for c in cells)
    # No tab order of its own: only the 缺考 boxes step out of it, so Tab runs down the score inputs.
    assert re.findall(r'tabindex="([^"]*)"', html) == ["-1"] * len(cells) and "autofocus" in html
    assert "style=" not in html and "<script>" not in html  # CSP: no inline styles or scripts


def test_sheet_conflict_keeps_typed_values_and_saves_the_rest(client, session, world, after_exams):
    sitting, regs = _sheet_world(session, world)
    leader, examiner = world.assessors[0], world.assessors[1]
    login(client, leader.username)
    url = f"/assessment/sessions/{sitting.id}/sheet"
    page = client.get(f"{url}?column={examiner.id}").get_data(as_text=True)
    cells = {(c.registration_id, c.marker_id): c for c in session.scalars(select(Score))}
    first, second = cells[(regs[0].id, examiner.id)], cells[(regs[1].id, examiner.id)]
    session.rollback()
    with write_intent():  # meanwhile the examiner saves their own mark, as another request would
        save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=first.id, value="70", expected_version=0)
        session.commit()
    response = client.post(url, data={"csrf_token": csrf_token_from(page), "column": str(examiner.id),
                                      f"value-{second.id}": "81.5", f"version-{second.id}": "0",
                                      f"original-{second.id}": "", f"value-{first.id}": "79",
                                      f"version-{first.id}": "0", f"original-{first.id}": "",
                                      "reason": "按纸质评分表代为录入"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f'name="value-{first.id}"' in html and 'value="79"' in html and "70.0" in html
    assert f'name="version-{first.id}" value="1"' in html  # saving again, after reading, applies
    session.rollback()
    assert session.get(Score, second.id).value == pytest.approx(81.5)
    assert session.get(Score, first.id).value == pytest.approx(70)


def test_supervisor_signs_off_and_the_sheet_is_locked(client, session, world, after_exams):
    sitting, regs = _sheet_world(session, world)
    supervisor, examiner = world.assessors[3], world.assessors[1]
    cell = session.scalar(select(Score).where(Score.session_id == sitting.id, Score.marker_id == examiner.id))
    session.commit()
    login(client, supervisor.username)
    url = f"/assessment/sessions/{sitting.id}/sheet"
    assert 'id="sign-off"' in client.get(url).get_data(as_text=True)
    assert post_form(client, f"/assessment/sessions/{sitting.id}/sign-off", {}, form_url=url).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get(url).get_data(as_text=True))})
    login(client, examiner.username)
    page = client.get(url).get_data(as_text=True)
    assert f'name="value-{cell.id}"' not in page
    response = client.post(url, data={"csrf_token": csrf_token_from(page), f"value-{cell.id}": "88",
                                      f"version-{cell.id}": "0"})
    assert response.status_code == 422 and "本考场成绩已由质量督导员签字确认并锁定" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalars(select(ScoreEvent)).all() == []


def test_exports_and_admission_tickets(client, session, world):
    plan, regs = registered_plan(session, world, people=2)
    session.commit()
    login(client, world.staff.username)
    sheet = client.get(f"/assessment/plans/{plan.id}/registrations.xlsx")
    assert sheet.mimetype.endswith("spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True))
    assert rows[1][1] == "王伟" and rows[2][1] == "李娜"
    pdf = client.get(f"/assessment/registrations/{regs[0].id}/ticket.pdf")
    assert pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().replace(" ", "")
    assert "准考证" in text and "王伟" in text and regs[0].ticket_number in text
    assert len(PdfReader(io.BytesIO(client.get(f"/assessment/plans/{plan.id}/tickets.pdf").data)).pages) == 2


def test_publish_and_finalise_refusals_are_flashed(client, session, world):
    plan, regs = registered_plan(session, world, people=1)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}/results"
    response = post_form(client, f"{url}/publish", {}, form_url=url, follow_redirects=True)
    assert "评价计划当前状态为“报名中”，不能计算结果" in response.get_data(as_text=True)


def test_holidays_page_for_administrators(client, session, world):
    login(client, world.admin.username)
    response = post_form(client, "/assessment/holidays", {"day": "2026-10-01", "name": "国庆节"})
    assert response.status_code == 302
    assert "国庆节" in client.get("/assessment/holidays").get_data(as_text=True)
    assert date(2026, 10, 1).isoformat() in client.get("/assessment/holidays").get_data(as_text=True)


def test_appointment_refusal_is_shown_on_the_form(client, session, world):
    hr = make_user(session, "enterprise_hr", org=world.enterprise)
    person = make_person(session, hr, name="高建华", employer_org_id=world.enterprise.id)
    session.commit()
    login(client, hr.username)
    assert client.get("/assessment/appointments").status_code == 200
    response = post_form(client, "/assessment/appointments", {
        "person_id": person.id, "grade_key": "principal_technician",
        "occupation_id": world.occupation(session, WELDER).id, "nomination": "unit"})
    assert response.status_code == 422
    assert "高建华在焊工的现有等级为无等级，须取得高级技师方可参评特级技师" in response.get_data(as_text=True)


def test_a_room_without_date_or_time_is_a_refused_form_not_a_crash(client, session, world):
    plan, _registrations = registered_plan(session, world)
    close(session, world, plan)
    session.commit()
    login(client, world.staff.username)
    url = f"/assessment/plans/{plan.id}/sessions"
    response = post_form(client, url, {"component": "practical", "room": "实训车间 A", "day": "", "start": "",
                                       "duration_minutes": "120"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "is-invalid" in html and 'value="实训车间 A"' in html  # what was typed is kept
