"""Pure checks of a person's fields, shared by the services and the spreadsheet import.

Each check returns the normalised value or raises ValidationFailed with a Chinese message and the name
of the field at fault; no database, no clock (the caller passes ``today``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from app.errors import ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, IdNumberError, parse_id, validate_mobile
from app.people.vocabulary import (
    EDUCATION_LABELS,
    GENDER_LABELS,
    SCHOOL_TYPE_LABELS,
    TARGET_GROUP_LABELS,
    allowed,
)

MIN_WORKING_AGE = 16
MAX_NAME_LENGTH = 50
OCCUPATION_CODE_RE = re.compile(r"\d-\d{2}-\d{2}-\d{2}", re.ASCII)
_NAME_PUNCTUATION = frozenset("·•.-' ")
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class Identity:
    """A checked identity document and what the person's record derives from it."""

    id_type: str
    number: str
    birth_date: date
    gender: str | None


def age_on(born: date, day: date) -> int:
    """Completed years of age on a day."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_name(raw: str | None, field: str = "name") -> str:
    """A person's name: letters (any script) with ·, spaces between Latin words; no digits or symbols."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = _CJK_SPACES.sub("", " ".join(text.split()))
    if not text:
        raise ValidationFailed("请填写姓名", field=field)
    if len(text) > MAX_NAME_LENGTH:
        raise ValidationFailed(f"姓名不能超过 {MAX_NAME_LENGTH} 个字符，实际为 {len(text)} 个", field=field)
    for ch in text:
        if ch.isdigit():
            raise ValidationFailed(f"姓名不应包含数字（发现“{ch}”）", field=field)
        if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION):
            raise ValidationFailed(f"姓名含有不允许的字符“{ch}”", field=field)
    return text


def check_identity(
    id_type: str,
    id_number: str,
    *,
    today: date,
    birth_date: date | None = None,
    gender: str | None = None,
) -> Identity:
    """Validate the ID number for its type, reconcile birth date and gender with it, require age ≥ 16."""
    if id_type not in ID_TYPE_LABELS:
        raise ValidationFailed(f"不支持的证件类型：{id_type}", field="id_type")
    try:
        parsed = parse_id(id_type, id_number, today=today)
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="id_number") from exc
    label = ID_TYPE_LABELS[id_type]
    born = parsed.birth_date
    if born is None:
        if birth_date is None:
            raise ValidationFailed(f"证件类型为{label}时须填写出生日期", field="birth_date")
        born = check_birth_date(birth_date, today=today)
    elif birth_date is not None and birth_date != born:
        raise ValidationFailed(
            f"出生日期 {birth_date.isoformat()} 与证件号码中的出生日期 {born.isoformat()} 不一致",
            field="birth_date",
        )
    if gender is not None and gender not in GENDER_LABELS:
        raise ValidationFailed("性别应为男或女", field="gender")
    if parsed.gender is not None and gender is not None and gender != parsed.gender:
        raise ValidationFailed(
            f"性别“{GENDER_LABELS[gender]}”与证件号码不符（号码显示为{GENDER_LABELS[parsed.gender]}）",
            field="gender",
        )
    age = age_on(born, today)
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(
            f"登记时未满 {MIN_WORKING_AGE} 周岁（出生日期 {born.isoformat()}，现年 {age} 周岁）",
            field="birth_date" if parsed.birth_date is None else "id_number",
        )
    return Identity(id_type, parsed.number, born, parsed.gender or gender)


def check_birth_date(born: date, *, today: date) -> date:
    """A birth date given by hand (passports): real, after 1900, not in the future."""
    if born > today:
        raise ValidationFailed(f"出生日期 {born.isoformat()} 晚于今天（{today.isoformat()}）", field="birth_date")
    if born.year < 1900:
        raise ValidationFailed(f"出生日期 {born.isoformat()} 早于 1900 年", field="birth_date")
    return born


def check_phone(raw: str | None) -> str | None:
    """A mainland mobile number as 11 digits, or None when blank."""
    if raw is None or not str(raw).strip():
        return None
    try:
        return validate_mobile(str(raw))
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="phone") from exc


def check_choice(value: str | None, labels: dict[str, str], *, field: str, what: str) -> str | None:
    """A key of a vocabulary, or None when blank."""
    if value is None or value == "":
        return None
    if value not in labels:
        raise ValidationFailed(f"{what}“{value}”无效，可选：{allowed(labels)}", field=field)
    return value


def check_education(value: str | None) -> str | None:
    """An education key (小学及以下 … 博士研究生) or None."""
    return check_choice(value, EDUCATION_LABELS, field="education", what="学历")


def check_school_type(value: str | None) -> str | None:
    """A school-type key (技工学校 …) or None."""
    return check_choice(value, SCHOOL_TYPE_LABELS, field="school_type", what="毕业院校类型")


def check_target_groups(keys) -> list[str]:
    """Target-group keys, de-duplicated in order."""
    result: list[str] = []
    for key in keys or ():
        if key not in TARGET_GROUP_LABELS:
            raise ValidationFailed(f"目标群体“{key}”无效，可选：{allowed(TARGET_GROUP_LABELS)}", field="target_groups")
        if key not in result:
            result.append(key)
    return result


def check_text(value: str | None, *, field: str, what: str, max_length: int, required: bool = False) -> str | None:
    """Free text with surrounding spaces removed; None when blank unless required."""
    text = " ".join(unicodedata.normalize("NFKC", value or "").split())
    if not text:
        if required:
            raise ValidationFailed(f"请填写{what}", field=field)
        return None
    if len(text) > max_length:
        raise ValidationFailed(f"{what}不能超过 {max_length} 个字符，实际为 {len(text)} 个", field=field)
    return text


def check_occupation_code(value: str | None, *, field: str = "occupation_code") -> str | None:
    """An occupation code of the 2022 classification, D-DD-DD-DD, or None when blank."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return None
    if not OCCUPATION_CODE_RE.fullmatch(text):
        raise ValidationFailed(f"职业编码“{text}”格式应为 D-DD-DD-DD（如 6-31-01-03）", field=field)
    return text


def check_work_dates(
    start: date, end: date | None, *, born: date, today: date, start_field: str = "start_date",
    end_field: str = "end_date",
) -> None:
    """A work period that starts at working age, not in the future, and ends after it starts."""
    if start > today:
        raise ValidationFailed(f"工作开始日期 {start.isoformat()} 晚于今天", field=start_field)
    age = age_on(born, start)
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(
            f"工作开始日期 {start.isoformat()} 时未满 {MIN_WORKING_AGE} 周岁（当时 {age} 周岁）", field=start_field
        )
    if end is not None:
        if end < start:
            raise ValidationFailed(
                f"工作结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}", field=end_field
            )
        if end > today:
            raise ValidationFailed(f"工作结束日期 {end.isoformat()} 晚于今天；仍在职请留空", field=end_field)
