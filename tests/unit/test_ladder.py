"""The 新八级工 ladder: grades, ranks, level digits, labels and lookups."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.catalog import ladder
from app.catalog.ladder import (
    GRADE_KEYS,
    GRADES,
    LEVEL_DIGITS,
    Grade,
    chinese_level_label,
    grade_by_key,
    grade_by_rank,
    grade_for_digit,
    is_certificate_grade,
    is_enterprise_appointment,
    is_high_skilled,
    is_higher_or_equal_level,
    level_label,
    level_name,
    level_or_above,
    next_grade,
)
from app.translation import in_chinese

EXPECTED = [
    # rank, key, name, english, digit, label
    (1, "apprentice", "学徒工", "apprentice worker", None, "学徒工"),
    (2, "junior", "初级工", "junior worker", 5, "五级/初级工"),
    (3, "intermediate", "中级工", "intermediate worker", 4, "四级/中级工"),
    (4, "senior", "高级工", "senior worker", 3, "三级/高级工"),
    (5, "technician", "技师", "technician", 2, "二级/技师"),
    (6, "senior_technician", "高级技师", "senior technician", 1, "一级/高级技师"),
    (7, "principal_technician", "特级技师", "principal technician", None, "特级技师"),
    (8, "chief_technician", "首席技师", "chief technician", None, "首席技师"),
]


def test_grades_are_the_eight_in_ladder_order() -> None:
    # The Chinese form is the catalogue's translation of each marked label.
    actual = [(g.rank, g.key, in_chinese(g.name), g.english, g.digit, in_chinese(g.label)) for g in GRADES]
    assert actual == EXPECTED
    assert GRADE_KEYS == tuple(row[1] for row in EXPECTED)


def test_level_digits_run_from_junior_to_senior() -> None:
    assert LEVEL_DIGITS == (5, 4, 3, 2, 1)
    assert [in_chinese(grade_for_digit(d).name) for d in LEVEL_DIGITS] == [
        "初级工",
        "中级工",
        "高级工",
        "技师",
        "高级技师",
    ]


@pytest.mark.parametrize(
    ("digit", "name", "label"),
    [
        (5, "五级", "五级/初级工"),
        (4, "四级", "四级/中级工"),
        (3, "三级", "三级/高级工"),
        (2, "二级", "二级/技师"),
        (1, "一级", "一级/高级技师"),
    ],
)
def test_level_names_and_printed_labels(digit: int, name: str, label: str) -> None:
    assert in_chinese(level_name(digit)) == name
    assert in_chinese(level_label(digit)) == label
    assert chinese_level_label(digit) == label
    assert in_chinese(grade_for_digit(digit).level_name) == name


def test_labels_are_english_in_the_marked_message() -> None:
    assert level_label(4) == "Level 4 / Intermediate worker"
    assert level_label(4).template == "Level 4 / Intermediate worker"
    assert level_or_above(3) == "Level 3 or above"


def test_grades_without_a_digit_have_no_level_name() -> None:
    for key in ("apprentice", "principal_technician", "chief_technician"):
        grade = grade_by_key(key)
        assert grade.digit is None
        assert grade.level_name is None
        assert grade.label == grade.name


def test_certificate_grades_are_two_to_six_and_the_rest_are_enterprise_appointments() -> None:
    certificate = [g.rank for g in GRADES if g.is_certificate_grade]
    enterprise = [g.rank for g in GRADES if g.is_enterprise_appointment]
    assert certificate == [2, 3, 4, 5, 6]
    assert enterprise == [1, 7, 8]
    assert [is_certificate_grade(g) for g in GRADES] == [g.is_certificate_grade for g in GRADES]
    assert is_enterprise_appointment("chief_technician") is True
    assert is_certificate_grade("technician") is True


def test_high_skilled_is_senior_worker_and_above() -> None:
    assert [g.key for g in GRADES if g.is_high_skilled] == [
        "senior",
        "technician",
        "senior_technician",
        "principal_technician",
        "chief_technician",
    ]
    assert is_high_skilled("intermediate") is False
    assert is_high_skilled(ladder.SENIOR) is True


def test_next_grade_climbs_the_ladder_and_stops_after_chief_technician() -> None:
    chain = [ladder.APPRENTICE]
    while (following := next_grade(chain[-1])) is not None:
        chain.append(following)
    assert tuple(chain) == GRADES
    assert next_grade("chief_technician") is None
    assert next_grade("senior_technician") == ladder.PRINCIPAL_TECHNICIAN


def test_lookups_by_key_rank_and_digit_agree() -> None:
    for grade in GRADES:
        assert grade_by_key(grade.key) is grade
        assert grade_by_rank(grade.rank) is grade
        if grade.digit is not None:
            assert grade_for_digit(grade.digit) is grade


@pytest.mark.parametrize("key", ["master", "", "Junior", None, ["junior"]])
def test_unknown_key_is_rejected_with_the_key_named(key: object) -> None:
    with pytest.raises(ValueError, match=r"unknown grade key .*expected one of apprentice, junior"):
        grade_by_key(key)  # type: ignore[arg-type]


@pytest.mark.parametrize("rank", [0, 9, -1, True, 2.0, "3"])
def test_unknown_rank_is_rejected(rank: object) -> None:
    with pytest.raises(ValueError, match=r"unknown grade rank .*from 1 to 8"):
        grade_by_rank(rank)  # type: ignore[arg-type]


@pytest.mark.parametrize("digit", [0, 6, -1, True, "4", None, 4.0])
def test_unknown_digit_is_rejected_everywhere(digit: object) -> None:
    for lookup in (grade_for_digit, level_name, level_label, level_or_above):
        with pytest.raises(ValueError, match=r"unknown level digit .*expected one of 5, 4, 3, 2, 1"):
            lookup(digit)  # type: ignore[arg-type]


def test_grades_order_by_rank() -> None:
    shuffled = list(GRADES)
    random.Random(8).shuffle(shuffled)
    assert tuple(sorted(shuffled)) == GRADES
    assert ladder.JUNIOR < ladder.SENIOR < ladder.CHIEF_TECHNICIAN
    assert max(GRADES) is ladder.CHIEF_TECHNICIAN


def test_grades_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ladder.JUNIOR.digit = 4  # type: ignore[misc]
    assert isinstance(ladder.JUNIOR, Grade)


def test_level_or_above_text() -> None:
    assert [in_chinese(level_or_above(d)) for d in LEVEL_DIGITS] == [
        "五级及以上",
        "四级及以上",
        "三级及以上",
        "二级及以上",
        "一级",
    ]


def test_higher_or_equal_level_compares_inverted_digits() -> None:
    assert is_higher_or_equal_level(3, 4) is True  # 三级 is above 四级
    assert is_higher_or_equal_level(4, 4) is True
    assert is_higher_or_equal_level(5, 4) is False
    with pytest.raises(ValueError, match="unknown level digit 0"):
        is_higher_or_equal_level(0, 4)


@given(st.sampled_from(LEVEL_DIGITS))
def test_digit_lookup_round_trips_and_labels_start_with_the_level(digit: int) -> None:
    grade = grade_for_digit(digit)
    assert grade.digit == digit
    assert in_chinese(level_label(digit)) == f"{in_chinese(level_name(digit))}/{in_chinese(grade.name)}"
    # A smaller digit is a more senior grade.
    assert all((grade_for_digit(other) > grade) == (other < digit) for other in LEVEL_DIGITS)


@given(st.sampled_from(GRADES))
def test_next_grade_is_exactly_one_rank_up(grade: Grade) -> None:
    following = next_grade(grade)
    if grade.rank == 8:
        assert following is None
    else:
        assert following is not None and following.rank == grade.rank + 1
