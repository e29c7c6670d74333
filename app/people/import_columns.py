"""The columns of the people import sheet, and finding them in an uploaded header row by name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.idnumbers import ID_TYPE_LABELS
from app.people.tabular import cell_text
from app.people.vocabulary import EDUCATION_LABELS, SCHOOL_TYPE_LABELS, TARGET_GROUP_LABELS, allowed


@dataclass(frozen=True)
class Column:
    """One column of the import sheet: its key, Chinese header, other accepted headers and help text."""

    key: str
    header: str
    note: str
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
    message: str
    col: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", "必填。与证件一致。", "张伟", required=True, width=10),
    Column("id_type", "证件类型", f"可选：{allowed(ID_TYPE_LABELS)}；留空视为居民身份证。", "居民身份证",
           width=14),
    Column("id_number", "证件号码", "必填。请把本列设为“文本”格式，否则 Excel 会把 18 位号码变成 2.10102E+17。"
           "15 位旧号码自动升为 18 位；末位 x 大小写均可。", "210102199003071233", required=True,
           aliases=("身份证号", "身份证号码", "证件号", "公民身份号码"), text_format=True, width=22),
    Column("phone", "手机号码", "选填。11 位手机号。", "13812345678", aliases=("手机号", "手机", "联系电话"),
           text_format=True, width=14),
    Column("gender", "性别", "选填。男/女；居民身份证号已含性别，填写时须与号码一致。", "男", width=6),
    Column("birth_date", "出生日期", "证件类型为护照时必填，其他证件从号码读取。", "", width=12),
    Column("education", "学历", f"选填。可选：{allowed(EDUCATION_LABELS)}。", "高中/中专", width=12),
    Column("school_type", "毕业院校类型", f"选填。可选：{allowed(SCHOOL_TYPE_LABELS)}。", "技工学校", width=14),
    Column("speciality", "所学专业", "选填。", "电气自动化", width=14),
    Column("graduated_on", "毕业日期", "选填。填写毕业院校类型时建议填写，用于判断申报条件。", "2010-07-01",
           width=12),
    Column("target_groups", "目标群体", f"选填，可多选，用“、”分隔。可选：{allowed(TARGET_GROUP_LABELS)}。",
           "农村转移就业劳动者", width=20),
    Column("employer_name", "工作单位", "一行一段工作经历；同一人多段经历写多行，证件号码相同。", "沈阳某某机械有限公司",
           width=24),
    Column("occupation_code", "从事职业编码", "选填。职业分类大典编码，格式 D-DD-DD-DD。", "6-31-01-03", width=14),
    Column("occupation_name", "从事职业名称", "填写工作单位时必填。", "电工", width=14),
    Column("work_start", "工作开始日期", "填写工作单位时必填。日期可写 2024-03-01、2024/3/1、2024.03.01、"
           "20240301 或 2024年3月1日。", "2012-03-01", width=14),
    Column("work_end", "工作结束日期", "仍在职请留空。", "", width=14),
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
        return None, [RowError(1, "", f"未找到表头行：前 {_HEADER_SEARCH_ROWS} 行中没有“{expected}”等列名")]
    row = rows[index]
    errors = []
    for column in COLUMNS:
        if column.required and column.key not in found:
            errors.append(RowError(index + 1, column.header, f"缺少必填列“{column.header}”"))
    for key, places in found.items():
        if len(places) > 1:
            errors.append(RowError(index + 1, cell_text(row[places[1]]), f"“{COLUMN_BY_KEY[key].header}”列出现了 "
                                   f"{len(places)} 次", places[1]))
    positions = {key: places[0] for key, places in found.items()}
    headers = {key: cell_text(row[place]) for key, place in positions.items()}
    return HeaderMap(index, positions, headers), errors
