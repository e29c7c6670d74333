"""Property tests for the one spreadsheet package: any input either parses or is refused with a message that
names the file, or the row and column at fault; valid rows survive a round trip through a workbook; headers
are found however they are folded."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app import spreadsheets
from app.catalog import shortage
from app.errors import ValidationFailed
from app.spreadsheets import Table, data_rows, lay_out

# Cell text as users type it: any printable text, including full-width forms, formulas and Chinese.
cell_texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
cell_values = st.one_of(st.none(), cell_texts, st.integers(-10**20, 10**20),
                        st.floats(allow_nan=False, allow_infinity=False), st.dates(), st.booleans())


@given(st.binary(max_size=400), st.sampled_from(["upload.csv", "upload.xlsx", "upload.xls", "upload"]))
def test_reader_refuses_any_unreadable_file_on_the_file_field(data, filename):
    try:
        table = spreadsheets.read_table(data, filename, max_rows=10_000)
    except ValidationFailed as exc:
        assert exc.field == "file" and exc.message
    else:
        assert table.kind in ("csv", "xlsx") and table.rows and not spreadsheets.is_blank_row(table.rows[-1])


@given(st.lists(st.lists(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                                 max_size=12), min_size=1, max_size=4), min_size=1, max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_reader_reads_back_what_a_csv_writer_wrote(lines, encoding):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(lines)
    try:
        data = buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return
    expected = [tuple(line) for line in lines]
    while expected and spreadsheets.is_blank_row(expected[-1]):
        expected.pop()
    if not expected:
        with pytest.raises(ValidationFailed):
            spreadsheets.read_table(data, "people.csv", max_rows=10_000)
        return
    if lines[0] and "".join(lines[0]).count("\t") > "".join(lines[0]).count(","):
        return  # a first line with more tabs than commas reads as a tab-separated file, by design
    rows = spreadsheets.read_table(data, "people.csv", max_rows=10_000).rows
    assert [tuple(r) for r in rows if r] == [r for r in expected if not spreadsheets.is_blank_row(r)]


safe_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s)


@given(st.integers(1, 5), st.data())
def test_workbook_round_trip_keeps_every_cell_as_text(width, data):
    headers = [f"列{i}" for i in range(width)]
    rows = data.draw(st.lists(st.lists(safe_text, min_size=width, max_size=width), min_size=1, max_size=6))
    workbook = spreadsheets.simple_workbook("数据", headers, rows, text_columns=range(width))
    table = spreadsheets.read_table(workbook, "round-trip.xlsx", max_rows=10_000)
    assert [list(r) for r in table.rows] == [headers, *rows]


@given(cell_values)
def test_date_cells_parse_or_say_what_is_wrong(value):
    try:
        parsed = spreadsheets.cell_date(value)
    except ValidationFailed as exc:
        assert exc.message
    else:
        assert isinstance(parsed, date)


@given(st.dates(min_value=date(1900, 1, 1)), st.sampled_from(["{:%Y-%m-%d}", "{:%Y/%m/%d}", "{:%Y.%m.%d}",
                                                               "{:%Y%m%d}", "{d.year}年{d.month}月{d.day}日"]))
def test_dates_written_the_usual_ways_read_back(day, pattern):
    written = pattern.format(day, d=day)
    assert spreadsheets.cell_date(written) == day
    assert spreadsheets.cell_date(written.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})) == day


@given(cell_values)
def test_cell_text_is_always_trimmed_text(value):
    for read in (spreadsheets.cell_text, spreadsheets.folded_text):
        text = read(value)
        assert isinstance(text, str) and text == text.strip()


@given(st.lists(st.tuples(st.integers(1, 8), st.sampled_from(["姓名", "证件号码", "x"]), cell_texts,
                          st.one_of(st.none(), st.integers(0, 2))), max_size=6),
       st.lists(st.lists(cell_texts, min_size=2, max_size=2), max_size=5))
def test_error_workbook_never_turns_uploaded_text_into_formulas(errors, values):
    rows = [("姓名", "证件号码"), *map(tuple, values)]
    cell_errors = [spreadsheets.CellError(r, c, m, col) for r, c, m, col in errors]
    sheet = load_workbook(io.BytesIO(spreadsheets.error_workbook(rows, cell_errors))).worksheets[0]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


# --- headers ----------------------------------------------------------------------------------------------

def _spoil(header: str, mark: str, note: str, spaces: bool, full_width: bool) -> str:
    text = " ".join(header) if spaces else header
    if full_width:
        text = text.replace("(", "（").replace(")", "）")
    return f"{mark}{text}{note}"


@given(st.sampled_from([f for f in shortage.FIELDS]), st.sampled_from(["", "*", "＊", "★"]),
       st.sampled_from(["", "（必填）", "(单位:人)", "[必填]"]), st.booleans(), st.booleans(), st.data())
def test_a_header_is_found_however_it_is_written(field, mark, note, spaces, full_width, data):
    word = data.draw(st.sampled_from([field.header, *field.aliases]))
    header = _spoil(word, mark, note, spaces, full_width)
    layout = lay_out([("排名", header) if field.key != "rank" else (header,)], shortage.VOCABULARY,
                     ignore_unmapped=True)
    assert layout.positions.get(field.key) is not None, header


@given(st.lists(st.sampled_from(["备注", "序号2", "部门", "", "Remarks"]), min_size=1, max_size=3))
def test_no_column_with_data_is_left_out_unless_mapped_or_ignored(extra):
    header = ("排名", "职业编码", "职业名称", "缺口数", *extra)
    row = (1, "6-31-01-03", "电工", 5, *["值"] * len(extra))
    layout = lay_out([header, row], shortage.VOCABULARY)
    assert {c.index for c in layout.unmapped} == set(range(4, 4 + len(extra)))
    assert {e.col for e in layout.errors} == {c.index for c in layout.unmapped}
    chosen = lay_out([header, row], shortage.VOCABULARY, mapping={c.key: None for c in layout.unmapped})
    assert chosen.errors == [] and chosen.unmapped == []


# --- shortage catalogue rows ----------------------------------------------------------------------------

def _row(values: dict, number: int = 2) -> spreadsheets.SheetRow:
    headers = tuple(values)
    table = Table([headers] + [()] * (number - 2) + [tuple(values.values())], "xlsx")
    layout = lay_out(table.rows, shortage.VOCABULARY, ignore_unmapped=True)
    return next(data_rows(table, layout))


shortage_rows = st.fixed_dictionaries({column: st.one_of(st.none(), cell_texts, st.integers(-5, 10**12))
                                       for column in shortage.COLUMNS})


@given(st.integers(2, 60), shortage_rows)
def test_any_shortage_row_parses_or_names_its_row_and_column(number, values):
    values = {**values, "排名": values["排名"] if values["排名"] not in (None, "") else "x"}  # keep a non-blank row
    errors: list[spreadsheets.CellError] = []
    entry = shortage._entry_from_row(_row(values, number), errors)
    assert (entry is None) == bool(errors)
    for error in errors:
        assert error.row == number and error.column in shortage.COLUMNS and error.message


@given(st.integers(1, 999), st.integers(0, 100_000), st.sampled_from(["6-31-01-03", "4-10-01-05", "6-18-02-04"]),
       st.lists(st.sampled_from(["沈阳", "大连", "鞍山市", "锦州"]), unique=True, max_size=3), st.booleans())
def test_valid_shortage_rows_parse_to_what_was_written(rank, gap, code, cities, is_new):
    values = {"排名": str(rank), "职业编码": code, "职业名称": "电工", "工种": None, "缺口数": f"{gap:,}",
              "需求城市": "、".join(cities), "上期排名": None, "是否新增": "是" if is_new else ""}
    errors: list[spreadsheets.CellError] = []
    entry = shortage._entry_from_row(_row(values), errors)
    assert errors == []
    assert (entry.rank, entry.gap, entry.occupation_code, entry.is_new) == (rank, gap, code, is_new)
    assert len(entry.cities) == len(cities) and all(c.startswith("21") for c in entry.cities)


@pytest.mark.parametrize("column", ["排名", "缺口数", "上期排名"])
@settings(max_examples=20)
@given(st.integers(10_000_001, 10**15))
def test_shortage_numbers_too_large_to_store_are_refused_on_their_column(column, value):
    values = {"排名": "1", "职业编码": "6-31-01-03", "职业名称": "电工", "缺口数": "10", column: str(value)}
    errors: list[spreadsheets.CellError] = []
    assert shortage._entry_from_row(_row(values, 3), errors) is None
    assert [(e.row, e.column) for e in errors] == [(3, column)]
