"""Property tests for the table readers and row parsers: any input either parses or is refused with a message
that names the file, or the row and column at fault; valid rows survive a round trip through a workbook."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import spreadsheets
from app.catalog import shortage
from app.errors import ValidationFailed
from app.people import tabular

# Cell text as users type it: any printable text, including full-width forms, formulas and Chinese.
cell_texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
cell_values = st.one_of(st.none(), cell_texts, st.integers(-10**20, 10**20),
                        st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.booleans())


# --- app.spreadsheets (shared reader: shortage catalogue, enrolments) ---------------------------------


def _drain(headers_rows):
    headers, rows = headers_rows
    return headers, list(rows)


@given(st.binary(max_size=400), st.sampled_from(["upload.csv", "upload.xlsx", "upload.xls", "upload"]))
def test_shared_reader_refuses_any_unreadable_file_on_the_file_field(data, filename):
    try:
        _headers, rows = _drain(spreadsheets.read_table(data, filename))
    except ValidationFailed as exc:
        assert exc.field == "file" and exc.message
    else:
        assert all(row.number >= 2 for row in rows)


@given(st.lists(st.lists(cell_texts, min_size=1, max_size=5), max_size=8))
def test_shared_reader_reads_any_csv_text_or_refuses_it(lines):
    text = "\n".join(",".join(line) for line in ["a,b,c".split(","), *lines])
    for encoding in ("utf-8", "gb18030"):
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            continue
        try:
            _headers, rows = _drain(spreadsheets.read_table(data, "x.csv"))
        except ValidationFailed as exc:
            assert exc.field == "file"
        else:
            assert [r.number for r in rows] == sorted({r.number for r in rows})


headers_strategy = st.lists(st.text("姓名证件号码工种排名职业编码ABCxyz", min_size=1, max_size=6), min_size=1, max_size=5,
                            unique_by=spreadsheets.normalise_header).filter(
    lambda hs: all(spreadsheets.normalise_header(h) for h in hs))
safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s)


@given(headers_strategy, st.data())
def test_workbook_round_trip_keeps_every_cell_as_text(headers, data):
    rows = data.draw(st.lists(st.lists(safe_text, min_size=len(headers), max_size=len(headers)), min_size=1,
                              max_size=6))
    workbook = spreadsheets.simple_workbook("数据", headers, rows, text_columns=range(len(headers)))
    read_headers, read_rows = _drain(spreadsheets.read_table(workbook, "round-trip.xlsx"))
    assert read_headers == [spreadsheets.normalise_header(h) for h in headers]
    assert [r.number for r in read_rows] == list(range(2, len(rows) + 2))
    for row, original in zip(read_rows, rows, strict=True):
        assert [str(row.values[h]) for h in read_headers] == original


@given(cell_values)
def test_shared_date_cells_parse_or_say_what_is_wrong(value):
    try:
        parsed = spreadsheets.parse_date_cell(value)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(parsed, date)


@given(st.dates(min_value=date(1900, 1, 1)), st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}",
                                                               "{:%Y%m%d}", "{d.year}年{d.month}月{d.day}日"]))
def test_dates_written_the_usual_ways_read_back(day, pattern):
    written = pattern.format(day, d=day)
    assert spreadsheets.parse_date_cell(written) == day
    assert tabular.cell_date(written) == day


@given(st.lists(st.tuples(st.integers(2, 60), st.sampled_from(["姓名", "证件号码", "x"]), cell_texts), max_size=6),
       st.lists(st.lists(cell_texts, min_size=2, max_size=2), max_size=5))
def test_error_workbook_never_turns_uploaded_text_into_formulas(errors, values):
    rows = [spreadsheets.SheetRow(n + 2, {"姓名": a, "证件号码": b}) for n, (a, b) in enumerate(values)]
    cell_errors = [spreadsheets.CellError(r, c, m) for r, c, m in errors]
    book = spreadsheets.error_workbook(["姓名", "证件号码"], rows, cell_errors)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book)).worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


# --- app.people.tabular (people import reader) --------------------------------------------------------


@given(st.binary(max_size=400), st.sampled_from(["people.csv", "people.xlsx", "people"]))
def test_people_reader_refuses_any_unreadable_file_on_the_file_field(data, filename):
    try:
        table = tabular.read_table(data, filename)
    except ValidationFailed as exc:
        assert exc.field == "file" and exc.message
    else:
        assert table.kind in ("csv", "xlsx")
        assert not table.rows or not tabular.is_blank_row(table.rows[-1])


@given(st.lists(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                                 max_size=12), min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_people_reader_reads_back_what_a_csv_writer_wrote(lines, encoding):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    table = tabular.read_table(data, "people.csv")
    expected = [tuple(line) for line in lines]
    while expected and tabular.is_blank_row(expected[-1]):
        expected.pop()
    if any("\t" in v for v in lines[0]) and not any("," in v for v in lines[0]):
        return  # a tab in the first line without a comma reads as a tab-separated file, by design
    assert table.rows == expected


@given(cell_values)
def test_people_date_cells_parse_or_say_what_is_wrong(value):
    try:
        parsed = tabular.cell_date(value)
    except ValidationFailed as exc:
        assert exc.message
    else:
        assert isinstance(parsed, date)


@given(cell_values)
def test_cell_text_is_always_trimmed_text(value):
    for read in (tabular.cell_text, spreadsheets.cell_text):
        text = read(value)
        assert isinstance(text, str) and text == text.strip()


# --- shortage catalogue rows ----------------------------------------------------------------------------

shortage_rows = st.fixed_dictionaries({column: st.one_of(st.none(), cell_texts, st.integers(-5, 10**12))
                                       for column in shortage.COLUMNS})


@given(st.integers(2, 50_000), shortage_rows)
def test_any_shortage_row_parses_or_names_its_row_and_column(number, values):
    errors: list[spreadsheets.CellError] = []
    entry = shortage._entry_from_row(spreadsheets.SheetRow(number, values), errors)
    assert (entry is None) == bool(errors)
    for error in errors:
        assert error.row == number and error.column in shortage.COLUMNS and error.message


@given(st.integers(1, 999), st.integers(0, 100_000), st.sampled_from(["6-31-01-03", "4-10-01-05", "6-18-02-04"]),
       st.lists(st.sampled_from(["沈阳", "大连", "鞍山市", "锦州"]), unique=True, max_size=3), st.booleans())
def test_valid_shortage_rows_parse_to_what_was_written(rank, gap, code, cities, is_new):
    values = {"排名": str(rank), "职业编码": code, "职业名称": "电工", "工种": None, "缺口数": f"{gap:,}",
              "需求城市": "、".join(cities), "上期排名": None, "是否新增": "是" if is_new else ""}
    errors: list[spreadsheets.CellError] = []
    entry = shortage._entry_from_row(spreadsheets.SheetRow(5, values), errors)
    assert errors == []
    assert (entry.rank, entry.gap, entry.occupation_code, entry.is_new) == (rank, gap, code, is_new)
    assert len(entry.cities) == len(cities) and all(c.startswith("21") for c in entry.cities)


@pytest.mark.parametrize("column", ["排名", "缺口数", "上期排名"])
@settings(max_examples=20)
@given(st.integers(10_000_001, 10**15))
def test_shortage_numbers_too_large_to_store_are_refused_on_their_column(column, value):
    values = {"排名": "1", "职业编码": "6-31-01-03", "职业名称": "电工", "缺口数": "10", column: str(value)}
    errors: list[spreadsheets.CellError] = []
    assert shortage._entry_from_row(spreadsheets.SheetRow(3, values), errors) is None
    assert [(e.row, e.column) for e in errors] == [(3, column)]
