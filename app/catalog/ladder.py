"""The 新八级工 eight-grade worker ladder as pure rules.

Grades 2–6 are the national skill levels printed on certificates; their level digit is inverted
(5 = 初级工 … 1 = 高级技师). Grades 1, 7 and 8 carry no digit: an enterprise grants them by internal
grading or by review and appointment to a post with a term.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.translation import N_, Message, in_chinese

LEVEL_DIGITS: tuple[int, ...] = (5, 4, 3, 2, 1)
"""National level digits from most junior to most senior."""

# Marked labels, shown in the user's language; certificates and tickets print `in_chinese(...)` (五级 … 一级).
_LEVEL_NAMES: dict[int, Message] = {
    5: N_("Level 5"), 4: N_("Level 4"), 3: N_("Level 3"), 2: N_("Level 2"), 1: N_("Level 1"),
}
_LEVEL_LABELS: dict[int, Message] = {
    5: N_("Level 5 / Junior worker"),
    4: N_("Level 4 / Intermediate worker"),
    3: N_("Level 3 / Senior worker"),
    2: N_("Level 2 / Technician"),
    1: N_("Level 1 / Senior technician"),
}


@dataclass(frozen=True, order=True)
class Grade:
    """One rung of the ladder; instances order by rank (学徒工 lowest)."""

    # rank comes first so that order=True compares grades by rank alone (ranks are unique).
    rank: int
    key: str
    name: Message = field(compare=False)  # marked label, e.g. "Intermediate worker" (中级工)
    english: str = field(compare=False)
    digit: int | None = field(compare=False)

    @property
    def level_name(self) -> Message | None:
        """Return the national level name (Level 5 … Level 1; 五级 … 一级), or None for grades without a digit."""
        return None if self.digit is None else _LEVEL_NAMES[self.digit]

    @property
    def label(self) -> Message:
        """Return the marked label, e.g. 'Level 4 / Intermediate worker' ('四级/中级工'); the name without a digit.

        Certificates and tickets print `in_chinese(grade.label)` (see `chinese_level_label`).
        """
        return self.name if self.digit is None else _LEVEL_LABELS[self.digit]

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


APPRENTICE = Grade(1, "apprentice", N_("Apprentice worker"), "apprentice worker", None)
JUNIOR = Grade(2, "junior", N_("Junior worker"), "junior worker", 5)
INTERMEDIATE = Grade(3, "intermediate", N_("Intermediate worker"), "intermediate worker", 4)
SENIOR = Grade(4, "senior", N_("Senior worker"), "senior worker", 3)
TECHNICIAN = Grade(5, "technician", N_("Technician"), "technician", 2)
SENIOR_TECHNICIAN = Grade(6, "senior_technician", N_("Senior technician"), "senior technician", 1)
PRINCIPAL_TECHNICIAN = Grade(7, "principal_technician", N_("Principal technician"), "principal technician", None)
CHIEF_TECHNICIAN = Grade(8, "chief_technician", N_("Chief technician"), "chief technician", None)

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


def level_name(digit: int) -> Message:
    """Return the marked level name for a digit, e.g. 4 → 'Level 4' ('四级')."""
    return _LEVEL_NAMES[_check_digit(digit)]


def level_or_above(digit: int) -> Message:
    """Return "this level or more senior", e.g. 4 → 'Level 4 or above' ('四级及以上'); just 'Level 1' for 1."""
    # "一级及以上" reads oddly: nothing is above 一级.
    return level_name(digit) if digit == 1 else N_("{level} or above", level=level_name(digit))


def level_label(digit: int) -> Message:
    """Return the marked label for a digit, e.g. 4 → 'Level 4 / Intermediate worker' ('四级/中级工')."""
    return grade_for_digit(digit).label


def chinese_level_label(digit: int) -> str:
    """Return the label printed on certificates and tickets, always Chinese, e.g. 4 → '四级/中级工'."""
    return in_chinese(level_label(digit))


def is_higher_or_equal_level(held: int, required: int) -> bool:
    """Return True if a held level digit meets a required one (smaller digit = more senior)."""
    return _check_digit(held) <= _check_digit(required)
