"""The 新八级工 eight-grade worker ladder as pure rules.

Grades 2–6 are the national skill levels printed on certificates; their level digit is inverted
(5 = 初级工 … 1 = 高级技师). Grades 1, 7 and 8 carry no digit: an enterprise grants them by internal
grading or by review and appointment to a post with a term.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVEL_DIGITS: tuple[int, ...] = (5, 4, 3, 2, 1)
"""National level digits from most junior to most senior."""

_LEVEL_NAMES: dict[int, str] = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}


@dataclass(frozen=True, order=True)
class Grade:
    """One rung of the ladder; instances order by rank (学徒工 lowest)."""

    # rank comes first so that order=True compares grades by rank alone (ranks are unique).
    rank: int
    key: str
    name: str
    english: str
    digit: int | None

    @property
    def level_name(self) -> str | None:
        """Return the Chinese national level name (五级 … 一级), or None for grades without a digit."""
        return None if self.digit is None else _LEVEL_NAMES[self.digit]

    @property
    def label(self) -> str:
        """Return the label printed on certificates, e.g. '四级/中级工'; the bare name without a digit."""
        return self.name if self.level_name is None else f"{self.level_name}/{self.name}"

    @property
    def is_certificate_grade(self) -> bool:
        """Return True for grades awarded as national skill-level certificates (初级工 … 高级技师)."""
        return self.digit is not None

    @property
    def is_enterprise_appointment(self) -> bool:
        """Return True for grades an enterprise grants itself (学徒工, 特级技师, 首席技师)."""
        return self.digit is None

    @property
    def is_high_skilled(self) -> bool:
        """Return True for 高技能人才 grades: 高级工 and above."""
        return self.rank >= SENIOR.rank


APPRENTICE = Grade(1, "apprentice", "学徒工", "apprentice worker", None)
JUNIOR = Grade(2, "junior", "初级工", "junior worker", 5)
INTERMEDIATE = Grade(3, "intermediate", "中级工", "intermediate worker", 4)
SENIOR = Grade(4, "senior", "高级工", "senior worker", 3)
TECHNICIAN = Grade(5, "technician", "技师", "technician", 2)
SENIOR_TECHNICIAN = Grade(6, "senior_technician", "高级技师", "senior technician", 1)
PRINCIPAL_TECHNICIAN = Grade(7, "principal_technician", "特级技师", "principal technician", None)
CHIEF_TECHNICIAN = Grade(8, "chief_technician", "首席技师", "chief technician", None)

GRADES: tuple[Grade, ...] = (
    APPRENTICE,
    JUNIOR,
    INTERMEDIATE,
    SENIOR,
    TECHNICIAN,
    SENIOR_TECHNICIAN,
    PRINCIPAL_TECHNICIAN,
    CHIEF_TECHNICIAN,
)
"""All eight grades in ladder order, rank 1 first."""

GRADE_KEYS: tuple[str, ...] = tuple(grade.key for grade in GRADES)

_BY_KEY: dict[str, Grade] = {grade.key: grade for grade in GRADES}
_BY_DIGIT: dict[int, Grade] = {grade.digit: grade for grade in GRADES if grade.digit is not None}


def _is_int(value: object) -> bool:
    # bool is an int subclass; True must not quietly mean rank 1 or level 1.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_digit(digit: object) -> int:
    if not _is_int(digit) or digit not in _LEVEL_NAMES:
        raise ValueError(f"unknown level digit {digit!r}: expected one of 5, 4, 3, 2, 1")
    return digit  # type: ignore[return-value]


def grade_by_key(key: str) -> Grade:
    """Return the grade with this stable key, e.g. 'intermediate'."""
    try:
        return _BY_KEY[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown grade key {key!r}: expected one of {', '.join(GRADE_KEYS)}") from None


def grade_by_rank(rank: int) -> Grade:
    """Return the grade at this rank, 1 (学徒工) to 8 (首席技师)."""
    if not _is_int(rank) or not 1 <= rank <= len(GRADES):
        raise ValueError(f"unknown grade rank {rank!r}: expected an integer from 1 to {len(GRADES)}")
    return GRADES[rank - 1]


def grade_for_digit(digit: int) -> Grade:
    """Return the certificate grade for a national level digit (5 → 初级工, 1 → 高级技师)."""
    return _BY_DIGIT[_check_digit(digit)]


def _grade(grade: Grade | str) -> Grade:
    # Callers often hold the key read from a database column rather than the Grade itself.
    return grade if isinstance(grade, Grade) else grade_by_key(grade)


def next_grade(grade: Grade | str) -> Grade | None:
    """Return the grade one rank above, or None after 首席技师."""
    rank = _grade(grade).rank
    return GRADES[rank] if rank < len(GRADES) else None


def is_certificate_grade(grade: Grade | str) -> bool:
    """Return True if the grade is awarded as a national skill-level certificate."""
    return _grade(grade).is_certificate_grade


def is_enterprise_appointment(grade: Grade | str) -> bool:
    """Return True if the enterprise grants the grade itself rather than by certificate."""
    return _grade(grade).is_enterprise_appointment


def is_high_skilled(grade: Grade | str) -> bool:
    """Return True for 高级工 and above (高技能人才)."""
    return _grade(grade).is_high_skilled


def level_name(digit: int) -> str:
    """Return the Chinese level name for a digit, e.g. 4 → '四级'."""
    return _LEVEL_NAMES[_check_digit(digit)]


def level_or_above(digit: int) -> str:
    """Return "this level or more senior" in Chinese, e.g. 4 → '四级及以上'; just '一级' for 1."""
    # "一级及以上" reads oddly: nothing is above 一级.
    return level_name(digit) if digit == 1 else f"{level_name(digit)}及以上"


def level_label(digit: int) -> str:
    """Return the certificate label for a digit, e.g. 4 → '四级/中级工'."""
    return grade_for_digit(digit).label


def is_higher_or_equal_level(held: int, required: int) -> bool:
    """Return True if a held level digit meets a required one (smaller digit = more senior)."""
    return _check_digit(held) <= _check_digit(required)
