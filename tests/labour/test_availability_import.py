"""Excel import of availability: all or nothing, every bad row and column reported."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from app.labour.imports import HEADERS, AvailabilityRefused, import_availability
from app.labour.models import SeasonalWorker
from tests.conftest import login, post_form
from tests.factories import NOW, make_user
from tests.labour.factories import counts
from tests.people.factories import make_person, resident_id


def sheet(rows) -> bytes:
    book = Workbook()
    book.active.append(list(HEADERS))
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def registered(session):
    staff = make_user(session, "admin", username="township_import")
    numbers = [resident_id(date(1975, 3, 3 + i)) for i in range(2)]
    for number, name in zip(numbers, ("高玉兰", "刘铁柱"), strict=True):
        make_person(session, staff, name=name, id_number=number)
    return staff, numbers


def good_rows(numbers):
    return [[numbers[0], "朝阳县", "大平房镇", "波罗赤镇、羊山镇", "采收、包装", "2027-04-01", "2027-05-20"],
            [numbers[1], "朝阳县", "羊山镇", "", "插秧", date(2027, 4, 10), date(2027, 5, 10)]]


def test_a_sheet_with_bad_rows_imports_nothing_and_lists_every_problem(session, registered):
    staff, numbers = registered
    rows = good_rows(numbers)
    rows[1][4] = "摘星星"
    rows.append(["210102199001011235", "朝阳县", "", "", "采收", "2027-05-01", "2027-04-01"])
    before = counts(session, SeasonalWorker)
    with pytest.raises(AvailabilityRefused) as refused:
        import_availability(session, actor=staff, now=NOW, data=sheet(rows), city_code="2113")
    problems = {(e.row, e.column) for e in refused.value.errors}
    assert (3, "工种") in problems and (4, "所在乡镇") in problems and (4, "结束日期") in problems
    assert any(row == 4 and column == "身份证号" for row, column in problems)
    assert counts(session, SeasonalWorker) == before
    done = import_availability(session, actor=staff, now=NOW, data=sheet(good_rows(numbers)), city_code="2113")
    assert [w.tasks for w in done.workers] == [["harvest", "packing"], ["transplanting"]]
    assert done.workers[0].townships == ["大平房镇", "波罗赤镇", "羊山镇"]


def test_the_import_page_shows_the_problems_and_then_imports(client, session, registered):
    _staff, numbers = registered
    session.commit()
    assert login(client, "township_import").status_code == 302
    rows = good_rows(numbers)
    rows[0][5] = "下个月"
    refused = post_form(client, "/labour/workers/import", {
        "city_code": "2113", "file": (io.BytesIO(sheet(rows)), "availability.xlsx")},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and 'id="import-problems"' in refused.get_data(as_text=True)
    assert session.query(SeasonalWorker).count() == 0
    answer = post_form(client, "/labour/workers/import", {
        "city_code": "2113", "file": (io.BytesIO(sheet(good_rows(numbers))), "availability.xlsx")},
        content_type="multipart/form-data")
    assert answer.status_code == 302
    session.rollback()
    assert session.query(SeasonalWorker).count() == 2
