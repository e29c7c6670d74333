"""Property tests for the people import rows: any row parses or yields errors naming its row and column;
valid generated rows come back as the people they describe, also after a trip through an xlsx file."""

from __future__ import annotations

import io
from datetime import date

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from app.people.import_columns import FIELDS, VOCABULARY
from app.people.import_rows import validate_rows
from app.people.vocabulary import EDUCATION_LABELS, TARGET_GROUP_LABELS, split_target_groups
from app.spreadsheets import Table, is_blank_row, lay_out, read_table
from app.translation import in_chinese
from tests.unit.test_idnumbers_properties import build_resident_id

TODAY = date(2026, 11, 24)
HEADERS = tuple(f.header for f in FIELDS)
cell_values = st.one_of(st.none(), st.text(st.characters(blacklist_categories=("Cs",)), max_size=25),
                        st.integers(-10**20, 10**20), st.floats(allow_nan=False), st.dates(), st.booleans())


@given(st.lists(st.lists(cell_values, min_size=0, max_size=len(HEADERS) + 2).map(tuple), min_size=1, max_size=6))
def test_any_rows_parse_or_every_error_names_a_row_and_a_column(rows):
    table = [HEADERS, *rows]
    layout = lay_out(table, VOCABULARY, ignore_unmapped=True)
    assert layout.errors == []
    drafts, errors = validate_rows(Table(table, "xlsx"), layout, today=TODAY)
    data_rows = {index + 1 for index, row in enumerate(table) if index and not is_blank_row(row)}
    for error in errors:
        assert error.row in data_rows or (not data_rows and error.row == 2)
        assert error.message
        assert error.column in HEADERS or (error.column == "" and not data_rows)
    assert drafts or errors
    if not errors:
        assert {d.row for d in drafts} <= data_rows


@st.composite
def person_rows(draw):
    """A valid row of a working-age resident with one work period."""
    born = draw(st.dates(min_value=date(1960, 1, 1), max_value=date(2005, 12, 31)))
    seq = draw(st.integers(0, 999))
    number = build_resident_id(draw(st.sampled_from([210102, 210202, 210302, 110105])), born, seq)
    start = draw(st.dates(min_value=date(born.year + 17, 1, 1), max_value=TODAY))
    values = {
        "姓名": draw(st.text("张王李赵刘陈杨黄周吴伟芳娜秀英敏静丽强磊军洋", min_size=2, max_size=4)),
        "证件类型": "居民身份证",
        "证件号码": draw(st.sampled_from([number, number.lower(), f" {number} "])),
        "手机号码": draw(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
        # The Chinese labels: the words offices write in their sheets.
        "文化程度": draw(st.sampled_from(sorted(in_chinese(label) for label in EDUCATION_LABELS.values()))),
        "目标群体": "、".join(draw(st.lists(st.sampled_from(sorted(in_chinese(label) for label in
                                                               TARGET_GROUP_LABELS.values())), unique=True,
                                             max_size=2))),
        "工作单位": draw(st.sampled_from(["沈阳机床厂", "大连造船厂", "鞍钢集团"])),
        "从事职业编码": "6-31-01-03",
        "从事职业名称": "电工",
        "工作开始日期": draw(st.sampled_from([start.isoformat(), f"{start:%Y/%m/%d}", f"{start:%Y%m%d}"])),
    }
    return values, number, born, start


def _as_table(rows: list[dict]) -> list[tuple]:
    return [HEADERS, *[tuple(values.get(h) for h in HEADERS) for values in rows]]


def _xlsx(table: list[tuple]) -> bytes:
    book = Workbook()
    sheet = book.active
    for line in table:
        sheet.append(list(line))
    for cell in sheet["C"]:
        cell.number_format = "@"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@given(st.lists(person_rows(), min_size=1, max_size=5, unique_by=lambda r: r[1]), st.booleans())
def test_valid_rows_round_trip_to_the_people_they_describe(generated, through_xlsx):
    table = _as_table([values for values, *_ in generated])
    if through_xlsx:
        table = read_table(_xlsx(table), "people.xlsx", max_rows=10_000).rows
    drafts, errors = validate_rows(Table(table, "xlsx"), lay_out(table, VOCABULARY), today=TODAY)
    assert errors == []
    assert len(drafts) == len(generated)
    for draft, (values, number, born, start) in zip(drafts, generated, strict=True):
        assert draft.identity.number == number and draft.identity.birth_date == born
        assert draft.values["name"] == values["姓名"]
        assert draft.values["phone"] == values["手机号码"]
        assert [w.start_date for w in draft.work] == [start]
        assert draft.values["gender"] == ("M" if int(number[16]) % 2 else "F")


@given(person_rows(), st.sampled_from(HEADERS[:3] + ("工作开始日期",)), st.sampled_from(["", "??", "1990-13-45"]))
def test_spoiling_one_required_cell_reports_exactly_that_cell(generated, column, bad):
    values = dict(generated[0])
    values[column] = bad
    if column == "证件类型" and bad == "":
        return  # blank means resident ID, which is valid
    table = _as_table([values])
    drafts, errors = validate_rows(Table(table, "xlsx"), lay_out(table, VOCABULARY), today=TODAY)
    assert errors and {(e.row, e.column) for e in errors} == {(2, column)}


@given(st.lists(st.sampled_from(sorted(TARGET_GROUP_LABELS)), unique=True, min_size=1, max_size=3), st.booleans())
def test_target_groups_are_read_from_chinese_or_english_labels(keys, english):
    labels = [str(TARGET_GROUP_LABELS[key]) if english else in_chinese(TARGET_GROUP_LABELS[key]) for key in keys]
    found, unknown = split_target_groups(("," if english else "、").join(labels))
    assert unknown == [] and set(found) == set(keys)
