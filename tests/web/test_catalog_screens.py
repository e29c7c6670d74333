"""Catalogue screens: occupations, eligibility rules, shortage import."""

import io

from openpyxl import load_workbook
from sqlalchemy import select

from app.catalog.models import Occupation, ShortageCatalogue
from app.catalog.seed import seed_catalog
from app.spreadsheets import simple_workbook
from tests.conftest import confirm_import, csrf_token_from, login, post_form
from tests.factories import NOW, make_user

HEADERS = ["排名", "职业编码", "职业名称", "工种", "缺口数", "需求城市", "上期排名", "是否新增"]


def as_admin(client, session):
    make_user(session, "admin", username="boss")
    seed_catalog(session, now=NOW)
    session.commit()
    login(client, "boss")


def test_catalogue_lists_and_searches(client, session):
    as_admin(client, session)
    html = client.get("/catalog/occupations").get_data(as_text=True)
    assert "工业机器人系统操作员" in html and "6-31-01-03" in html
    html = client.get("/catalog/occupations?q=焊").get_data(as_text=True)
    assert "焊工" in html and "电工" not in html


def test_add_occupation_with_bad_code_keeps_input(client, session):
    as_admin(client, session)
    response = post_form(client, "/catalog/occupations/new", {"edition": "2022", "code": "6-31-0103",
                                                               "name": "新职业甲"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "D-DD-DD-DD" in html and 'value="新职业甲"' in html
    response = post_form(client, "/catalog/occupations/new", {"edition": "2022", "code": "4-04-05-09",
                                                               "name": "新职业甲", "digital": "y"})
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(Occupation).where(Occupation.code == "4-04-05-09")).digital


def test_occupation_page_shows_levels_components_and_routes(client, session):
    as_admin(client, session)
    robot = session.scalar(select(Occupation).where(Occupation.code == "6-30-99-00"))
    html = client.get(f"/catalog/occupations/{robot.id}").get_data(as_text=True)
    assert "四级/中级工" in html and "五级/初级工" not in html and "综合评审" in html and "B-4-1" in html


def test_bad_rules_json_keeps_text_and_explains(client, session):
    as_admin(client, session)
    standard = session.scalar(select(Occupation).where(Occupation.code == "6-31-01-03")).current_standard
    url = f"/catalog/standards/{standard.id}/rules"
    response = post_form(client, url, {"eligibility_rules": '{"5": [', "related_codes": ""})
    html = response.get_data(as_text=True)
    assert "JSON 格式错误" in html and '{&#34;5&#34;: [' in html
    response = post_form(client, url, {"eligibility_rules": '{"5": []}', "related_codes": ""})
    assert "申报条件格式有误" in response.get_data(as_text=True)


def test_institution_staff_can_read_but_not_edit_the_catalogue(client, session):
    make_user(session, "institution_staff", username="teacher")
    seed_catalog(session, now=NOW)
    session.commit()
    login(client, "teacher")
    assert client.get("/catalog/occupations").status_code == 200
    assert client.get("/catalog/occupations/new").status_code == 403
    assert client.get("/catalog/standards/1/rules").status_code == 403


def upload(client, rows, quarter="2026Q4", name="list.xlsx"):
    page = client.get("/catalog/shortage")
    data = simple_workbook("目录", HEADERS, rows)
    step1 = client.post("/catalog/shortage", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "quarter": quarter,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    return confirm_import(client, step1)


def test_shortage_import_with_errors_reports_rows_and_offers_marked_sheet(client, session):
    as_admin(client, session)
    response = upload(client, [(1, "6-18-02-04", "焊工", "", 100, "沈阳", None, "否"),
                               (2, "bad-code", "焊工", "", "many", "纽约", None, "")])
    html = response.get_data(as_text=True)
    assert "未导入任何数据" in html and "“纽约”不是辽宁省的地级市" in html
    assert session.scalar(select(ShortageCatalogue)) is None
    link = html.split('href="/downloads/')[1].split('"')[0]
    with client.get(f"/downloads/{link}") as download:
        workbook = load_workbook(io.BytesIO(download.data))
    sheet = workbook["导入数据"]
    assert sheet.cell(row=1, column=9).value == "错误说明"
    assert "职业编码" in sheet.cell(row=3, column=9).value
    assert sheet.cell(row=3, column=2).fill.start_color.rgb.endswith("FFC7CE")
    other = client.application.test_client()
    assert other.get(f"/downloads/{link}").status_code == 302  # anonymous: to login, never the file


def test_shortage_import_success(client, session):
    as_admin(client, session)
    response = upload(client, [(1, "6-18-02-04", "焊工", "", 100, "沈阳、大连", 3, "否")])
    assert response.status_code == 302
    assert "焊工" in client.get("/catalog/shortage").get_data(as_text=True)
    with client.get("/catalog/shortage/template.xlsx") as template:
        assert load_workbook(io.BytesIO(template.data)).active.cell(row=1, column=2).value == "职业编码"
