"""The two common eligibility templates (DOMAIN.md §3) as JSON data, ready to copy into a standard.

TEMPLATE_A follows the 2018-era standards (电工, 焊工); TEMPLATE_B the newer ones. Both are in the
canonical JSON form that ``rules_to_json`` produces, so they can be stored as they are. Treat the dicts
as read-only (``copy.deepcopy`` before editing); ``template_a()`` / ``template_b()`` parse fresh
immutable routes each call.

Notes on the readings chosen:
- "X级 + N 年" is "holds level X or higher, issued at least N years ago" (see eligibility's docstring).
- A-4-3 accepts any technical or vocational school aimed at 中级 skills or above, as the 2018 texts do
  ("技工学校 … 或中等及以上职业学校"). A-3-2 accepts 高级技工学校 and 技师学院 only.
- A-3-3 / A-3-4 split "大专+ + 四级 + 2 年 (本科: 1 年)" into a 大专 route and a 本科 route.
- B-4-3 / B-4-4 split "a relevant graduate" into school graduates and 大专+ graduates.
- B-1-1 (一级: 二级 + ≥4 years) is an assumption: DOMAIN.md gives no 一级 rule for template B.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from app.catalog.eligibility_rules import Route, rules_from_json
from app.catalog.ladder import LEVEL_DIGITS, level_name

_ANY_SCHOOL = [
    "technical_school",
    "senior_technical_school",
    "technician_college",
    "vocational_school",
    "higher_vocational",
]


def _work(years: int) -> dict[str, Any]:
    return {"kind": "work", "years": years, "scope": "related"}


def _cert(level: int, years: int) -> dict[str, Any]:
    return {"kind": "certificate", "level": level, "years": years, "scope": "related"}


def _school(*types: str) -> dict[str, Any]:
    return {"kind": "school", "types": list(types)}


def _education(level: str) -> dict[str, Any]:
    return {"kind": "education", "level": level}


def _title(level: str, years: int) -> dict[str, Any]:
    return {"kind": "title", "level": level, "years": years}


TEMPLATE_A: dict[str, list[dict[str, Any]]] = {
    "5": [
        {"id": "A-5-1", "requires": [_work(1)]},
        {"id": "A-5-2", "requires": [{"kind": "apprenticeship", "scope": "related"}]},
    ],
    "4": [
        {"id": "A-4-1", "requires": [_cert(5, 4)]},
        {"id": "A-4-2", "requires": [_work(6)]},
        {"id": "A-4-3", "requires": [_school(*_ANY_SCHOOL)]},
    ],
    "3": [
        {"id": "A-3-1", "requires": [_cert(4, 5)]},
        {"id": "A-3-2", "requires": [_cert(4, 0), _school("senior_technical_school", "technician_college")]},
        {"id": "A-3-3", "requires": [_education("associate"), _cert(4, 2)]},
        {"id": "A-3-4", "requires": [_education("bachelor"), _cert(4, 1)]},
    ],
    "2": [
        {"id": "A-2-1", "requires": [_cert(3, 4)]},
        {"id": "A-2-2", "requires": [_cert(3, 3), _school("technician_college")]},
    ],
    "1": [
        {"id": "A-1-1", "requires": [_cert(2, 4)]},
    ],
}

TEMPLATE_B: dict[str, list[dict[str, Any]]] = {
    "5": [
        {"id": "B-5-1", "requires": [{"kind": "min_age", "years": 16}]},
    ],
    "4": [
        {"id": "B-4-1", "requires": [_work(5)]},
        {"id": "B-4-2", "requires": [_cert(5, 3)]},
        {"id": "B-4-3", "requires": [_school(*_ANY_SCHOOL)]},
        {"id": "B-4-4", "requires": [_education("associate")]},
    ],
    "3": [
        {"id": "B-3-1", "requires": [_work(10)]},
        {"id": "B-3-2", "requires": [_cert(4, 4)]},
        {"id": "B-3-3", "requires": [_title("junior", 1)]},
    ],
    "2": [
        {"id": "B-2-1", "requires": [_cert(3, 5)]},
        {"id": "B-2-2", "requires": [_title("intermediate", 1)]},
    ],
    "1": [
        {"id": "B-1-1", "requires": [_cert(2, 4)]},
    ],
}


def template_a() -> dict[int, tuple[Route, ...]]:
    """Return template A's routes keyed by level digit, 5 first."""
    return rules_from_json(TEMPLATE_A)


def template_b() -> dict[int, tuple[Route, ...]]:
    """Return template B's routes keyed by level digit, 5 first."""
    return rules_from_json(TEMPLATE_B)


def only_levels(
    rules: Mapping[int, Sequence[Route]], levels: Collection[int]
) -> dict[int, tuple[Route, ...]]:
    """Return the rules kept to the levels a standard has, e.g. (4, 3, 2, 1) for 工业机器人系统操作员."""
    for level in levels:
        level_name(level)  # raises ValueError for anything but 1–5
        if level not in rules:
            raise ValueError(f"the rules have no {level_name(level)} to keep")
    return {level: tuple(rules[level]) for level in LEVEL_DIGITS if level in levels}
