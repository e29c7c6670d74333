"""Import of seasonal workers' availability through the shared import machinery: the template's headers or the
words offices write, in any order, .xlsx or CSV (UTF-8 or GBK), every column accounted for, all rows or none."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from app.labour.imports import FIELDS, import_availability
from app.labour.models import SeasonalWorker
from app.spreadsheets import read_table
from tests.conftest import confirm_import, csrf_token_from, login, preview_form
from tests.factories import NOW, make_user
from tests.labour.factories import counts
from tests.people.factories import make_person, resident_id
from tests.web.english import CJK, visible_text

TEMPLATE_HEADERS = [f.header for f in FIELDS]  # 身份证号, 县, 所在乡镇, 可到达乡镇, 工种, 开始日期, 结束日期
URL = "/labour/workers/import"


def workbook(rows, headers=TEMPLATE_HEADERS) -> bytes:
    book = Workbook()
    book.active.append(list(headers))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(data: bytes, name: str = "availability.xlsx"):
    return read_table(data, name, max_rows=2000)


@pytest.fixture
def registered(session):
    staff = make_user(session, "admin", username="township_import")
    numbers = [resident_id(date(1975, 3, 3 + i)) for i in range(2)]
    for number, name in zip(numbers, ("高玉兰", "刘铁柱"), strict=True):
        make_person(session, staff, name=name, id_number=number)
    return staff, numbers


def good_rows(numbers):
    return [[numbers[0], "朝阳县", "大平房镇", "波罗赤镇、羊山镇", "采收、包装", "2027-04-01", "2027-05-20"],
            [numbers[1], "朝阳县", "羊山镇", "", "插秧", datetime(2027, 4, 10), datetime(2027, 5, 10)]]


def test_an_xlsx_with_the_template_headers_registers_every_worker(session, registered):
    staff, numbers = registered
    done = import_availability(session, actor=staff, now=NOW, table=table(workbook(good_rows(numbers))),
                               city_code="2113")
    assert done.errors == []
    assert [w.tasks for w in done.workers] == [["harvest", "packing"], ["transplanting"]]
    assert done.workers[0].townships == ["大平房镇", "波罗赤镇", "羊山镇"]
    assert [(p.start_date, p.end_date) for p in done.workers[1].periods] == [(date(2027, 4, 10), date(2027, 5, 10))]
    assert counts(session, SeasonalWorker)[0] == 2


def test_a_gbk_csv_with_other_header_words_in_another_order(session, registered):
    staff, numbers = registered
    full_width = numbers[1].translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    text = ("可用截止日期,任务,公民身份号码,可去乡镇,户籍乡镇,县(市、区),可用开始日期\n"
            f"2027/5/20,采收 包装,{numbers[0]},波罗赤镇,大平房镇,朝阳县,2027年4月1日\n"
            f"２０２７－０５－１０,插秧,{full_width},,羊山镇,朝阳县,２０２７年４月１０日\n")
    sheet = table(text.encode("gbk"), "名单.csv")
    assert sheet.kind == "csv" and sheet.encoding.lower() in ("gbk", "gb18030")
    done = import_availability(session, actor=staff, now=NOW, table=sheet, city_code="2113")
    assert done.errors == []
    first, second = done.workers
    assert (first.county, first.home_township, first.townships) == ("朝阳县", "大平房镇", ["大平房镇", "波罗赤镇"])
    assert first.tasks == ["harvest", "packing"]
    assert [(p.start_date, p.end_date) for p in first.periods] == [(date(2027, 4, 1), date(2027, 5, 20))]
    assert [(p.start_date, p.end_date) for p in second.periods] == [(date(2027, 4, 10), date(2027, 5, 10))]
    assert second.person.name == "刘铁柱"


def test_an_unmapped_column_refuses_the_sheet_until_it_is_left_out(session, registered):
    staff, numbers = registered
    rows = [[*row, "老队员"] for row in good_rows(numbers)]
    sheet = table(workbook(rows, [*TEMPLATE_HEADERS, "备注"]))
    before = counts(session, SeasonalWorker)
    refused = import_availability(session, actor=staff, now=NOW, table=sheet, city_code="2113")
    assert [(e.row, e.column) for e in refused.errors] == [(1, "备注")]
    assert "not recognised" in refused.errors[0].message and refused.workers == []
    assert counts(session, SeasonalWorker) == before
    done = import_availability(session, actor=staff, now=NOW, table=sheet, city_code="2113", mapping={"备注": None})
    assert done.errors == [] and len(done.workers) == 2


def test_bad_rows_are_all_reported_and_nothing_is_imported(session, registered):
    staff, numbers = registered
    stranger = resident_id(date(1980, 1, 1))  # valid, but nobody registered it
    rows = good_rows(numbers)
    rows[1][4] = "摘星星"
    rows.append([stranger, "朝阳县", "", "", "采收", "2027-05-01", "2027-04-01"])
    rows.append(["210102199001011230", "朝阳县", "羊山镇", "", "采收", "2027-02-30", ""])
    rows.append([numbers[0], "朝阳县", "羊山镇", "", "采收", "2027-05-01", "2027-06-01"])
    before = counts(session, SeasonalWorker)
    outcome = import_availability(session, actor=staff, now=NOW, table=table(workbook(rows)), city_code="2113")
    problems = {(e.row, e.column) for e in outcome.errors}
    assert problems == {(3, "工种"), (4, "身份证号"), (4, "所在乡镇"), (4, "结束日期"), (5, "身份证号"),
                        (5, "开始日期"), (5, "结束日期"), (6, "身份证号")}
    unregistered = next(e.message for e in outcome.errors if e.row == 4 and e.column == "身份证号")
    assert "Row 4" in unregistered and "register the person first" in unregistered
    assert "also on row 2" in next(e.message for e in outcome.errors if e.row == 6)
    assert outcome.workers == [] and counts(session, SeasonalWorker) == before


def upload(client, data, name="availability.xlsx", city_code="2113"):
    page = client.get(URL).get_data(as_text=True)
    return client.post(URL, content_type="multipart/form-data", data={
        "csrf_token": csrf_token_from(page), "city_code": city_code, "file": (io.BytesIO(data), name)})


def test_the_page_previews_the_columns_then_imports(client, session, registered):
    _staff, numbers = registered
    session.commit()
    assert login(client, "township_import").status_code == 302
    step1 = upload(client, workbook(good_rows(numbers)))
    html = step1.get_data(as_text=True)
    assert step1.status_code == 200 and 'id="import-preview"' in html
    _action, fields = preview_form(html)
    assert [fields[f"column_{i}"] for i in range(7)] == [f.key for f in FIELDS]
    assert numbers[0] not in html  # ID numbers are masked in the preview
    assert session.query(SeasonalWorker).count() == 0
    answer = confirm_import(client, step1)
    assert answer.status_code == 302
    session.rollback()
    workers = session.query(SeasonalWorker).all()
    assert len(workers) == 2 and {w.city_code for w in workers} == {"2113"}  # the city was kept with the upload


def test_the_page_refuses_an_undecided_column_and_bad_rows_with_nothing_imported(client, session, registered):
    _staff, numbers = registered
    session.commit()
    assert login(client, "township_import").status_code == 302
    rows = [[*row, "老队员"] for row in good_rows(numbers)]
    step1 = upload(client, workbook(rows, [*TEMPLATE_HEADERS, "备注"]))
    assert 'id="to-resolve"' in step1.get_data(as_text=True)
    refused = confirm_import(client, step1)
    assert refused.status_code == 422 and 'id="import-errors"' in refused.get_data(as_text=True)
    session.rollback()
    assert session.query(SeasonalWorker).count() == 0
    done = confirm_import(client, step1, {"column_7": "-"})
    assert done.status_code == 302
    session.rollback()
    assert session.query(SeasonalWorker).count() == 2


def test_the_page_lists_every_bad_row(client, session, registered):
    _staff, numbers = registered
    session.commit()
    assert login(client, "township_import").status_code == 302
    rows = good_rows(numbers)
    rows[0][5] = "下个月"
    rows[1][0] = resident_id(date(1981, 2, 2))
    step1 = upload(client, workbook(rows))
    refused = confirm_import(client, step1)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="import-errors"' in html and 'id="error-sheet"' in html
    assert "<tr><td>2</td><td>开始日期</td>" in html and "<tr><td>3</td><td>身份证号</td>" in html
    session.rollback()
    assert session.query(SeasonalWorker).count() == 0


def test_the_english_page_shows_no_chinese_and_the_template_keeps_the_chinese_headers(client, session, registered):
    staff, _numbers = registered
    data = [staff.display_name, staff.organisation.name] if staff.organisation else [staff.display_name]
    session.commit()
    assert login(client, "township_import").status_code == 302
    client.get("/lang/en?next=/")
    html = client.get(URL).get_data(as_text=True)
    assert "Resident ID number" in html and "Available until" in html and 'id="import-template"' in html
    shown = visible_text(html)
    for allowed in (*data, "匠才", "简体中文", "中文"):  # the user's own name and organisation are data
        shown = shown.replace(allowed, "")
    assert not CJK.findall(shown), CJK.findall(shown)
    template = client.get("/labour/workers/import-template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == TEMPLATE_HEADERS
    assert sheet.cell(row=2, column=1).number_format == "@"
