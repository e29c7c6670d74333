"""Importing and querying the quarterly shortage catalogue."""

from datetime import date

import pytest

from app.catalog.shortage import (
    import_shortage_catalogue,
    quarter_period,
    shortage_entry_for,
)
from app.errors import ValidationFailed
from app.spreadsheets import Table, read_table, simple_workbook
from tests.factories import NOW

HEADERS = ["排名", "职业编码", "职业名称", "工种", "缺口数", "需求城市", "上期排名", "是否新增"]


def rows(*data, headers=HEADERS):
    return Table([tuple(headers), *data], "xlsx")


GOOD = (
    (1, "6-18-02-04", "焊工", "", 3200, "沈阳、大连", 2, "否"),
    (2, "6-30-99-00", "工业机器人系统操作员", "", 2100, "沈阳", None, "是"),
)


def test_quarter_periods():
    assert quarter_period("2026Q4") == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_period("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    with pytest.raises(ValidationFailed):
        quarter_period("2026-4")


def test_import_and_membership(session):
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=rows(*GOOD))
    assert outcome.errors == [] and len(outcome.catalogue.entries) == 2
    welder = shortage_entry_for(session, occupation_code="6-18-02-04", on=date(2026, 11, 24))
    assert welder.gap == 3200 and welder.cities == ["2101", "2102"] and welder.previous_rank == 2
    robot = shortage_entry_for(session, occupation_code="6-30-99-00", on=date(2026, 11, 24))
    assert robot.is_new
    assert shortage_entry_for(session, occupation_code="6-31-01-03", on=date(2026, 11, 24)) is None
    assert shortage_entry_for(session, occupation_code="6-18-02-04", on=date(2026, 9, 30)) is None


def test_bad_rows_import_nothing_and_are_all_reported(session):
    bad = rows(
        (1, "6-18-02-04", "焊工", "", 3200, "沈阳", 2, "否"),
        ("一", "61802-04", "", "", -5, "北京", None, ""),
        (3, "6-18-02-04", "焊工", "", 10, "", None, ""),
    )
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=bad)
    assert outcome.catalogue is None
    found = {(e.row, e.column) for e in outcome.errors}
    assert {(3, "排名"), (3, "职业编码"), (3, "职业名称"), (3, "缺口数"), (3, "需求城市"), (4, "职业编码")} <= found
    assert shortage_entry_for(session, occupation_code="6-18-02-04", on=date(2026, 11, 24)) is None


def test_reimport_needs_replace(session):
    import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=rows(*GOOD))
    with pytest.raises(ValidationFailed, match="already imported"):
        import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=rows(*GOOD))
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=rows(GOOD[0]), replace=True)
    assert len(outcome.catalogue.entries) == 1


def test_missing_required_header_is_named(session):
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4",
                                        table=rows((1, "6-18-02-04", "焊工"), headers=["排名", "职业编码", "职业名称"]))
    assert outcome.catalogue is None
    assert [(e.row, e.column) for e in outcome.errors] == [(1, "缺口数")]
    assert "“缺口数” is missing" in str(outcome.errors[0].message)


def test_the_words_offices_use_and_a_title_row_are_read(session):
    sheet = Table([("2026年第四季度急需紧缺职业目录",), ("序号", "职业代码", "职业", "职业方向", "缺口人数", "需求地区"),
                   (1, "６-18-02-04", "焊工（电焊）", "", "3,200", "沈阳、大连")], "csv")
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=sheet)
    assert outcome.errors == []
    entry = outcome.catalogue.entries[0]
    assert (entry.occupation_code, entry.occupation_name, entry.gap) == ("6-18-02-04", "焊工（电焊）", 3200)


def test_an_unknown_column_refuses_the_sheet_until_mapped_or_ignored(session):
    sheet = rows((1, "6-18-02-04", "焊工", "", 3200, "沈阳", 2, "否", "急需"), headers=[*HEADERS, "备注"])
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=sheet)
    assert outcome.catalogue is None and [(e.row, e.column, e.col) for e in outcome.errors] == [(1, "备注", 8)]
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q4", table=sheet,
                                        mapping={"备注": None})
    assert outcome.errors == [] and len(outcome.catalogue.entries) == 1


def test_reads_from_a_real_workbook(session):
    data = simple_workbook("目录", HEADERS, GOOD)
    outcome = import_shortage_catalogue(session, actor=None, now=NOW, quarter="2026Q3",
                                        table=read_table(data, "目录.xlsx", max_rows=3000))
    assert outcome.errors == [] and [e.rank for e in outcome.catalogue.entries] == [1, 2]


def test_error_sheets_never_carry_live_formulas():
    import io

    from openpyxl import load_workbook

    from app.spreadsheets import CellError, error_workbook

    sheet = [("排名", "职业名称"), (1, '=HYPERLINK("http://evil.example","点我")')]
    data = error_workbook(sheet, [CellError(2, "职业名称", "测试", 1)])
    cell = load_workbook(io.BytesIO(data)).worksheets[0].cell(row=2, column=2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
