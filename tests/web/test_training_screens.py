"""Demand, training and apprenticeship screens: forms keep input, messages land on fields, scope gives 404."""

import io
import re
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import select

from app import pii
from app.clock import local_date
from app.database import utcnow
from app.people.models import Person
from app.spreadsheets import simple_workbook
from app.training.apprenticeship_models import Apprenticeship
from app.training.enrolment_import import COLUMNS
from app.training.models import Attendance, Enrolment, TrainingClass, TrainingProject
from app.training.subsidies import seed_subsidy_rates
from tests.conftest import confirm_import, csrf_token_from, login, post_form
from tests.factories import NOW, make_org, make_user
from tests.people.factories import resident_id
from tests.training.factories import (
    make_apprenticeship,
    make_class,
    make_demand,
    make_session,
    occupation,
    pdf_bytes,
    trainee,
)


def today():
    """Pages use the real clock, so dates in these tests are relative to it."""
    return local_date(utcnow())


def as_user(client, session, role, username, org=None):
    session.commit()  # end any read transaction, so this one may write after the requests so far
    user = make_user(session, role, org=org, username=username)
    occupation(session)
    session.commit()
    login(client, username)
    return user


def demand_form(session, **overrides):
    data = {"title": "维修电工", "occupation_id": str(occupation(session).id), "variant_name": "",
            "min_level_digit": "4", "headcount": "3", "city_code": "2101", "wage_min": "5000", "wage_max": "6500",
            "valid_until": (today() + timedelta(days=30)).isoformat(), "requirements": "能适应倒班"}
    data.update(overrides)
    return data


def test_enterprise_records_a_demand_and_sees_it(client, session):
    as_user(client, session, "enterprise_hr", "hr1")
    response = post_form(client, "/demands/new", demand_form(session))
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "维修电工" in html and 'id="pipeline-trained">0<' in html
    assert "维修电工" in client.get("/demands").get_data(as_text=True)


def test_refused_demand_keeps_input_and_puts_the_message_on_the_field(client, session):
    as_user(client, session, "enterprise_hr", "hr1")
    response = post_form(client, "/demands/new", demand_form(session, requirements="限男性，交押金 200 元",
                                                             title="夜班电工"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "招聘要求含有“限男性”" in html and 'value="夜班电工"' in html and "交押金 200 元</textarea>" in html
    assert re.search(r'id="requirements"[^>]*is-invalid|is-invalid[^>]*id="requirements"', html)
    response = post_form(client, "/demands/new", demand_form(session, wage_min="9000", wage_max="6000"))
    assert "最低月工资 9000 元高于最高月工资 6000 元" in response.get_data(as_text=True)


def test_other_enterprise_gets_404_and_institution_sees_open_demands(client, session):
    hr = make_user(session, "enterprise_hr")
    demand = make_demand(session, hr)
    as_user(client, session, "enterprise_hr", "hr2")
    assert client.get(f"/demands/{demand.id}").status_code == 404
    assert client.get(f"/demands/{demand.id}/edit").status_code == 404
    post_form(client, "/logout", {}, form_url="/dashboard")
    as_user(client, session, "institution_staff", "teacher")
    assert client.get(f"/demands/{demand.id}").status_code == 200
    assert client.get("/demands/new").status_code == 403


def test_demand_status_buttons(client, session):
    hr = as_user(client, session, "enterprise_hr", "hr1")
    demand = make_demand(session, hr, valid_until=today() + timedelta(days=5))
    session.commit()
    url = f"/demands/{demand.id}"
    refused = post_form(client, f"{url}/status", {"to_status": "closed", "reason": " "}, form_url=url)
    assert refused.status_code == 422 and "请填写提前关闭岗位需求的原因" in refused.get_data(as_text=True)
    response = post_form(client, f"{url}/status", {"to_status": "closed", "reason": "岗位已取消"}, form_url=url)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert 'id="demand-status">' in html and "demand-filled" not in html
    reopened = post_form(client, f"{url}/status", {"to_status": "open"}, form_url=url)
    assert reopened.status_code == 422 and "不能从“已关闭”变为“招聘中”" in reopened.get_data(as_text=True)


def project_with_class(session, staff, **kwargs):
    klass = make_class(session, staff, start_date=today() - timedelta(days=1),
                       end_date=today() + timedelta(days=20), **kwargs)
    session.commit()
    return klass


def test_institution_creates_a_project_linked_to_a_demand_and_opens_a_class(client, session):
    hr = make_user(session, "enterprise_hr")
    demand = make_demand(session, hr, valid_until=today() + timedelta(days=30))
    as_user(client, session, "institution_staff", "teacher")
    response = post_form(client, "/training/projects/new", {
        "name": "电工订单班", "project_type": "employment_skills", "occupation_id": str(demand.occupation_id),
        "target_level_digit": "4", "demand_ids": str(demand.id)})
    assert response.status_code == 302
    session.rollback()
    project = session.scalar(select(TrainingProject))
    assert [d.id for d in project.demands] == [demand.id] and project.reference_hours == 300
    url = f"/training/projects/{project.id}/classes/new"
    response = post_form(client, url, {"name": "第一期", "start_date": today().isoformat(),
                                       "end_date": (today() - timedelta(days=1)).isoformat(), "capacity": "20",
                                       "venue": "实训楼", "teacher_names": "王老师", "completion_threshold": "80",
                                       "max_age": "60"})
    html = response.get_data(as_text=True)
    assert "早于开班日期" in html and 'value="实训楼"' in html and 'value="60"' in html
    response = post_form(client, url, {"name": "第一期", "start_date": today().isoformat(),
                                       "end_date": (today() + timedelta(days=9)).isoformat(), "capacity": "20",
                                       "venue": "实训楼", "teacher_names": "王老师", "completion_threshold": "75",
                                       "max_age": "60"})
    assert response.status_code == 302
    session.rollback()
    klass = session.scalar(select(TrainingClass))
    assert str(klass.completion_threshold) == "0.75" and klass.max_age == 60


def test_level_not_in_the_standard_is_shown_on_the_level_field(client, session):
    as_user(client, session, "institution_staff", "teacher")
    robot = occupation(session, "6-30-99-00")
    session.commit()
    response = post_form(client, "/training/projects/new", {
        "name": "机器人班", "project_type": "skills_upgrade", "occupation_id": str(robot.id),
        "target_level_digit": "5"})
    html = response.get_data(as_text=True)
    assert "没有该等级" in html and 'value="机器人班"' in html


def test_class_page_enrol_attendance_and_completion_refusal(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    person = trainee(session, staff, name="周九")
    make_session(session, staff, klass, on=today(), hours="8")
    session.commit()
    number = pii.decrypt(person.id_number_enc)
    url = f"/classes/{klass.id}"
    response = post_form(client, f"{url}/enrol", {"name": "周十", "id_type": "resident_id", "id_number": number},
                         form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "姓名与该证件号码登记的姓名不一致" in html and f'value="{number}"' in html
    response = post_form(client, f"{url}/enrol", {"name": "周九", "id_type": "resident_id", "id_number": number},
                         form_url=url)
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "周九" in html and person.id_masked in html and number not in html
    session.rollback()
    enrolment = session.scalar(select(Enrolment))
    lesson = klass.sessions[0]
    sheet_url = f"/classes/sessions/{lesson.id}/attendance"
    page = client.get(sheet_url).get_data(as_text=True)
    assert "rows-0-status" in page and "autofocus" in page
    response = client.post(sheet_url, data={"csrf_token": csrf_token_from(page), "rows-0-enrolment_id": enrolment.id,
                                            "rows-0-status": "late", "rows-0-hours": "9"})
    html = response.get_data(as_text=True)
    assert "出勤学时 9 超过本次课 8 学时" in html and 'value="9"' in html
    response = client.post(sheet_url, data={"csrf_token": csrf_token_from(page), "rows-0-enrolment_id": enrolment.id,
                                            "rows-0-status": "late", "rows-0-hours": "6"})
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(Attendance.hours)) == 6
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status", {"to_status": "completed"},
                         form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and html.count("已出勤 6 学时，需达到 240 学时（参考学时 300 × 80%）") == 1
    assert 'data-on-track="no"' in html and 'data-hours>6<' in html  # 6 of the 8 hours held: 75 % < 80 %


def test_enrolment_import_reports_rows_and_offers_the_error_sheet(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    person = trainee(session, staff, name="吴一")
    session.commit()
    data = simple_workbook("名单", COLUMNS, [("吴一", "居民身份证", pii.decrypt(person.id_number_enc)),
                                             ("无名氏", "居民身份证", "11010519491231002X")], text_columns=[2])
    url = f"/classes/{klass.id}"
    page = client.get(url).get_data(as_text=True)
    response = confirm_import(client, client.post(f"{url}/import", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), "名单.xlsx")}, content_type="multipart/form-data"))
    html = response.get_data(as_text=True)
    assert "无名氏 开班时" in html and 'id="import-errors"' in html  # 77 years old on the class's start date
    session.rollback()
    assert session.scalars(select(Enrolment)).all() == []
    assert session.scalar(select(Person).where(Person.name == "无名氏")) is None
    sheet_url = re.search(r'href="(/downloads/[^"]+)" id="error-sheet"', html).group(1)
    with client.get(sheet_url) as download:
        book = load_workbook(io.BytesIO(download.data))
    assert book["错误列表"]["C2"].value.startswith("无名氏 开班时")
    data = simple_workbook("名单", COLUMNS, [("吴一", "居民身份证", pii.decrypt(person.id_number_enc)),
                                             ("新人", "居民身份证", resident_id())], text_columns=[2])
    response = confirm_import(client, client.post(f"{url}/import", data={
        "csrf_token": csrf_token_from(page), "file": (io.BytesIO(data), "名单.xlsx")}, content_type="multipart/form-data"))
    assert response.status_code == 302
    session.rollback()
    assert len(session.scalars(select(Enrolment)).all()) == 2  # the new person registered and enrolled
    assert "已报名 2 人，其中新登记 1 人" in client.get(response.location).get_data(as_text=True)
    with client.get("/classes/import-template.xlsx") as template:
        assert load_workbook(io.BytesIO(template.data)).active["A1"].value == "姓名"


def test_other_institution_gets_404_on_class_pages(client, session):
    owner = make_user(session, "institution_staff")
    klass = project_with_class(session, owner)
    as_user(client, session, "institution_staff", "stranger")
    assert client.get(f"/classes/{klass.id}").status_code == 404
    assert client.get(f"/training/projects/{klass.project_id}").status_code == 404
    response = post_form(client, f"/classes/{klass.id}/sessions", {"session_date": today().isoformat(),
                                                                    "start_time": "08:00", "end_time": "10:00",
                                                                    "hours": "2", "topic": "x"},
                         form_url="/training/projects")
    assert response.status_code == 404


def apprenticeship_form(session, **overrides):
    start = today()
    data = {"institution_id": "", "occupation_id": str(occupation(session).id), "target_level_digit": "4",
            "contract_start": start.isoformat(), "contract_end": start.replace(year=start.year + 3).isoformat(),
            "planned_start": start.isoformat(),
            "planned_end": (start.replace(year=start.year + 2) - timedelta(days=1)).isoformat(),
            "mentor_name": "刘师傅", "mentor_level_digit": "2", "teacher_name": "陈老师", "variant_name": ""}
    data.update(overrides)
    return data


def test_apprenticeship_form_keeps_input_and_names_the_contract_length(client, session):
    hr = as_user(client, session, "enterprise_hr", "hr1")
    institution = make_org(session, "institution", name="沈阳测试培训学校")
    person = trainee(session, hr, name="郑学徒")
    session.commit()
    start = today()
    response = post_form(client, "/apprenticeships/new", apprenticeship_form(
        session, person_id=str(person.id), institution_id=str(institution.id),
        contract_end=(start + timedelta(days=200)).isoformat()))
    html = response.get_data(as_text=True)
    assert "劳动合同期限为 6 个月" in html and "1 年及以上" in html and 'value="刘师傅"' in html
    response = post_form(client, "/apprenticeships/new", apprenticeship_form(
        session, person_id=str(person.id), institution_id=str(institution.id), target_level_digit="5"))
    assert response.status_code == 422  # 五级 is not even offered on the form (a shape refusal)
    response = post_form(client, "/apprenticeships/new", apprenticeship_form(
        session, person_id=str(person.id), institution_id=str(institution.id)))
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(Apprenticeship)).person_id == person.id


def upload(client, url, kind, data, name, fee=""):
    page = client.get(url).get_data(as_text=True)
    return client.post(f"{url}/documents", data={"csrf_token": csrf_token_from(page), "kind": kind, "fee": fee,
                                                 "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_apprenticeship_page_documents_filing_logbook_and_award(client, session):
    hr = as_user(client, session, "enterprise_hr", "hr1")
    seed_subsidy_rates(session, now=NOW)
    record = make_apprenticeship(session, hr, planned_start=today(),
                                 planned_end=today().replace(year=today().year + 2) - timedelta(days=1),
                                 contract_start=today() - timedelta(days=10),
                                 contract_end=today().replace(year=today().year + 3))
    session.commit()
    url = f"/apprenticeships/{record.id}"
    response = post_form(client, f"{url}/status", {"to_status": "filed"}, form_url=url)
    assert response.status_code == 422
    assert "缺少：培训计划、校企合作协议、企业与学徒培养协议" in response.get_data(as_text=True)
    response = upload(client, url, "training_plan", b"GIF89a", "plan.pdf")
    assert "PDF、JPEG 或 PNG" in response.get_data(as_text=True)
    response = upload(client, url, "cooperation_agreement", pdf_bytes(), "coop.pdf")
    assert "请填写合作协议约定的培训费用" in response.get_data(as_text=True)
    for kind in ("training_plan", "apprentice_agreement"):
        assert upload(client, url, kind, pdf_bytes(kind), f"{kind}.pdf").status_code == 302
    assert upload(client, url, "cooperation_agreement", pdf_bytes(), "协议.pdf", fee="15000").status_code == 302
    html = client.get(url).get_data(as_text=True)
    document_url = re.search(r'href="(/apprenticeships/documents/\d+)">协议.pdf', html).group(1)
    with client.get(document_url) as download:
        assert download.data == pdf_bytes()
    for target in ("filed", "in_training"):
        assert post_form(client, f"{url}/status", {"to_status": target}, form_url=url).status_code == 302
    response = post_form(client, f"{url}/logbook", {"entry_date": today().isoformat(), "work_done": "",
                                                    "skills": "接线", "hours": "8"}, form_url=url)
    assert response.status_code == 422 and 'value="接线"' in response.get_data(as_text=True)
    post_form(client, f"{url}/logbook", {"entry_date": today().isoformat(), "work_done": "配电柜安装",
                                         "skills": "接线", "hours": "8"}, form_url=url)
    session.rollback()
    entry = session.get(Apprenticeship, record.id).logbook[0]
    post_form(client, f"/apprenticeships/logbook/{entry.id}/sign", {"apprenticeship_id": record.id}, form_url=url)
    post_form(client, f"{url}/award", {"awarded_on": today().isoformat()}, form_url=url)
    response = post_form(client, f"{url}/status", {"to_status": "completed"}, form_url=url)
    assert response.status_code == 422 and response.get_data(as_text=True).count("提前完成须说明原因") == 1
    post_form(client, f"{url}/status", {"to_status": "completed", "reason": "提前通过考核"}, form_url=url)
    html = client.get(url).get_data(as_text=True)
    assert 'id="ready"' in html and "刘师傅 · " in html and "学徒工" in html
    assert 'id="subsidy-due">10,000.00<' in html


def test_other_enterprise_gets_404_on_apprenticeships(client, session):
    record = make_apprenticeship(session, make_user(session, "enterprise_hr"))
    session.commit()
    as_user(client, session, "enterprise_hr", "hr2")
    assert client.get(f"/apprenticeships/{record.id}").status_code == 404
    response = post_form(client, f"/apprenticeships/{record.id}/status", {"to_status": "terminated", "reason": "x"},
                         form_url="/apprenticeships")
    assert response.status_code == 404


def test_subsidy_page_and_admin_overview(client, session):
    hr = make_user(session, "enterprise_hr")
    seed_subsidy_rates(session, now=NOW)
    make_apprenticeship(session, hr)
    make_demand(session, hr, valid_until=today() + timedelta(days=9))
    as_user(client, session, "admin", "boss")
    html = client.get("/apprenticeships/subsidies").get_data(as_text=True)
    assert 'data-total="due">10,000.00<' in html and "假设值" in html
    response = post_form(client, "/apprenticeships/subsidies/rates", {
        "level_digit": "4", "city_code": "", "amount_per_year": "5200", "effective_from": "2025-01-01"})
    assert "期间重叠" in response.get_data(as_text=True) and 'value="5200' in response.get_data(as_text=True)
    html = client.get("/training/overview").get_data(as_text=True)
    assert 'id="demands-by-city"' in html and "沈阳" in html and 'id="enrolments-enrolled">0<' in html
    post_form(client, "/logout", {}, form_url="/dashboard")
    as_user(client, session, "institution_staff", "teacher")
    assert client.get("/training/overview").status_code == 403
    assert client.get("/apprenticeships/subsidies").status_code == 403


def test_dashboards_link_the_new_pages(client, session):
    as_user(client, session, "enterprise_hr", "hr1")
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'id="card-demand-training"' in html and "/apprenticeships/subsidies" in html


def test_admin_loads_the_default_rates_once(client, session):
    as_user(client, session, "admin", "boss")
    html = client.get("/apprenticeships/subsidies").get_data(as_text=True)
    assert 'id="seed-rates"' in html
    post_form(client, "/apprenticeships/subsidies/rates/defaults", {}, form_url="/apprenticeships/subsidies")
    html = client.get("/apprenticeships/subsidies").get_data(as_text=True)
    assert 'id="seed-rates"' not in html and "5,000.00" in html and "假设值" in html
