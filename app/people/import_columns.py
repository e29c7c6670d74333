"""The columns of the people import sheet, and finding them in an uploaded header row by name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.idnumbers import ID_TYPE_LABELS
from app.people.tabular import cell_text
from app.people.vocabulary import EDUCATION_LABELS, SCHOOL_TYPE_LABELS, TARGET_GROUP_LABELS
from app.translation import N_, Message, joined


@dataclass(frozen=True)
class Column:
    """One column of the import sheet: its key, Chinese header (the word offices use), other accepted headers
    and help text (a marked message)."""

    key: str
    header: str
    note: Message
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()
    text_format: bool = False
    width: int = 14


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number, column header as in the file, message; ``col`` is 0-based if known."""

    row: int
    column: str
    message: Message
    col: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", N_("Required. As on the identity document."), "张伟", required=True, width=10),
    Column("id_type", "证件类型", N_("One of: {choices}; blank means a resident identity card.",
                                    choices=joined(ID_TYPE_LABELS.values())), "居民身份证", width=14),
    Column("id_number", "证件号码", N_(
        "Required. Format this column as “Text”, or Excel turns an 18-digit number into 2.10102E+17. Old "
        "15-digit numbers are upgraded to 18 digits; a final x may be upper or lower case."), "210102199003071233",
        required=True, aliases=("身份证号", "身份证号码", "证件号", "公民身份号码"), text_format=True, width=22),
    Column("phone", "手机号码", N_("Optional. An 11-digit mobile number."), "13812345678",
           aliases=("手机号", "手机", "联系电话"), text_format=True, width=14),
    Column("gender", "性别", N_("Optional. M or F; a resident ID number already shows the gender, and what is "
                              "filled in must agree with it."), "男", width=6),
    Column("birth_date", "出生日期", N_("Required when the document is a passport; read from the number for "
                                    "other documents."), "", width=12),
    Column("education", "学历", N_("Optional. One of: {choices}.", choices=joined(EDUCATION_LABELS.values())),
           "高中/中专", width=12),
    Column("school_type", "毕业院校类型", N_("Optional. One of: {choices}.",
                                         choices=joined(SCHOOL_TYPE_LABELS.values())), "技工学校", width=14),
    Column("speciality", "所学专业", N_("Optional."), "电气自动化", width=14),
    Column("graduated_on", "毕业日期", N_("Optional. Advised with the school type: the eligibility rules use it."),
           "2010-07-01", width=12),
    Column("target_groups", "目标群体", N_("Optional; several may be given, separated by commas. One of: {choices}.",
                                       choices=joined(TARGET_GROUP_LABELS.values())), "农村转移就业劳动者",
           width=20),
    Column("employer_name", "工作单位", N_("One row per job; a person with several jobs takes several rows with "
                                       "the same ID number."), "沈阳某某机械有限公司", width=24),
    Column("occupation_code", "从事职业编码", N_("Optional. The occupation classification code, D-DD-DD-DD."),
           "6-31-01-03", width=14),
    Column("occupation_name", "从事职业名称", N_("Required when the employer is filled in."), "电工", width=14),
    Column("work_start", "工作开始日期", N_("Required when the employer is filled in. Dates may be written "
                                       "2024-03-01, 2024/3/1, 2024.03.01 or 20240301."),
           "2012-03-01", width=14),
    Column("work_end", "工作结束日期", N_("Leave blank while still employed."), "", width=14),
)
COLUMN_BY_KEY: dict[str, Column] = {column.key: column for column in COLUMNS}
PERSON_KEYS = ("name", "id_type", "phone", "gender", "birth_date", "education", "school_type", "speciality",
               "graduated_on", "target_groups")
WORK_KEYS = ("employer_name", "occupation_code", "occupation_name", "work_start", "work_end")
_HEADER_SEARCH_ROWS = 10
_NOTE_IN_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")


def normalise_header(value: object) -> str:
    """Fold full-width characters, drop spaces, required-marks and bracketed notes: '＊证件号码（必填）' → '证件号码'."""
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = _NOTE_IN_BRACKETS.sub("", "".join(text.split()))
    return text.strip("*")


_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, *_column.aliases):
        _LOOKUP[normalise_header(_name)] = _column.key


@dataclass(frozen=True)
class HeaderMap:
    """Where the header row is (0-based index into the rows) and which column holds which field."""

    row_index: int
    positions: dict[str, int]
    headers: dict[str, str]

    @property
    def row_number(self) -> int:
        """The header row as Excel numbers it."""
        return self.row_index + 1

    def header(self, key: str) -> str:
        """The header text used in the file for a field (the standard header if the column is missing)."""
        return self.headers.get(key, COLUMN_BY_KEY[key].header)


def _match(row: tuple) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, value in enumerate(row):
        key = _LOOKUP.get(normalise_header(value))
        if key is not None:
            found.setdefault(key, []).append(index)
    return found


def map_headers(rows: list[tuple]) -> tuple[HeaderMap | None, list[RowError]]:
    """Find the header row among the first rows and map its columns; report missing or repeated columns."""
    matches = ((index, _match(row)) for index, row in enumerate(rows[:_HEADER_SEARCH_ROWS]))
    index, found = next(((i, f) for i, f in matches if "name" in f or "id_number" in f), (-1, {}))
    if index < 0:
        expected = "、".join(column.header for column in COLUMNS if column.required)
        return None, [RowError(1, "", N_("No header row found: none of the first {rows} rows has column names such "
                                         "as “{expected}”.", rows=_HEADER_SEARCH_ROWS, expected=expected))]
    row = rows[index]
    errors = []
    for column in COLUMNS:
        if column.required and column.key not in found:
            errors.append(RowError(index + 1, column.header, N_("The required column “{column}” is missing.",
                                                                column=column.header)))
    for key, places in found.items():
        if len(places) > 1:
            errors.append(RowError(index + 1, cell_text(row[places[1]]), N_(
                "The column “{column}” appears {count} times.", column=COLUMN_BY_KEY[key].header, count=len(places)),
                places[1]))
    positions = {key: places[0] for key, places in found.items()}
    headers = {key: cell_text(row[place]) for key, place in positions.items()}
    return HeaderMap(index, positions, headers), errors
