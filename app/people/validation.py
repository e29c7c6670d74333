"""Pure checks of a person's fields, shared by the services and the spreadsheet import.

Each check returns the normalised value or raises ValidationFailed with a marked message and the name
of the field at fault; no database, no clock (the caller passes ``today``). ``what`` arguments are marked
labels naming the field (e.g. ``N_("Speciality")``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.errors import ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, IdNumberError, parse_id, validate_mobile
from app.people.vocabulary import (
    EDUCATION_LABELS,
    GENDER_LABELS,
    SCHOOL_TYPE_LABELS,
    TARGET_GROUP_LABELS,
    allowed,
)
from app.translation import N_, Message

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
        raise ValidationFailed(N_("Enter the name."), field=field)
    if len(text) > MAX_NAME_LENGTH:
        raise ValidationFailed(N_("The name may have at most {limit} characters; it has {count}.",
                                  limit=MAX_NAME_LENGTH, count=len(text)), field=field)
    for ch in text:
        if ch.isdigit():
            raise ValidationFailed(N_("A name should not contain digits (found “{char}”).", char=ch), field=field)
        if not (unicodedata.category(ch)[0] in "LM" or ch in _NAME_PUNCTUATION):
            raise ValidationFailed(N_("The name contains a character that is not allowed: “{char}”.", char=ch),
                                   field=field)
    return text


def check_identity(id_type: str, id_number: str, *, today: date, birth_date: date | None = None,
                   gender: str | None = None) -> Identity:
    """Validate the ID number for its type, reconcile birth date and gender with it, require age ≥ 16."""
    if id_type not in ID_TYPE_LABELS:
        raise ValidationFailed(N_("Unsupported identity document type: {id_type}.", id_type=id_type), field="id_type")
    try:
        parsed = parse_id(id_type, id_number, today=today)
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="id_number") from exc
    label = ID_TYPE_LABELS[id_type]
    born = parsed.birth_date
    if born is None:
        if birth_date is None:
            raise ValidationFailed(N_("Enter the date of birth when the document is a {id_type}.", id_type=label),
                                   field="birth_date")
        born = check_birth_date(birth_date, today=today)
    elif birth_date is not None and birth_date != born:
        raise ValidationFailed(
            N_("The date of birth {given} does not match the one in the ID number, {born}.",
               given=birth_date.isoformat(), born=born.isoformat()),
            field="birth_date",
        )
    if gender is not None and gender not in GENDER_LABELS:
        raise ValidationFailed(N_("The gender should be male or female."), field="gender")
    if parsed.gender is not None and gender is not None and gender != parsed.gender:
        raise ValidationFailed(
            N_("The gender “{given}” does not match the ID number (which shows {shown}).",
               given=GENDER_LABELS[gender], shown=GENDER_LABELS[parsed.gender]),
            field="gender",
        )
    age = age_on(born, today)
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(
            N_("Under {limit} at registration (born {born}, now aged {age}).", limit=MIN_WORKING_AGE,
               born=born.isoformat(), age=age),
            field="birth_date" if parsed.birth_date is None else "id_number",
        )
    return Identity(id_type, parsed.number, born, parsed.gender or gender)


def check_birth_date(born: date, *, today: date) -> date:
    """A birth date given by hand (passports): real, after 1900, not in the future."""
    if born > today:
        raise ValidationFailed(N_("The date of birth {born} is after today ({today}).", born=born.isoformat(),
                                  today=today.isoformat()), field="birth_date")
    if born.year < 1900:
        raise ValidationFailed(N_("The date of birth {born} is before 1900.", born=born.isoformat()), field="birth_date")
    return born


def check_phone(raw: str | None) -> str | None:
    """A mainland mobile number as 11 digits, or None when blank."""
    if raw is None or not str(raw).strip():
        return None
    try:
        return validate_mobile(str(raw))
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="phone") from exc


def check_choice(value: str | None, labels: dict[str, Message], *, field: str, what: Message) -> str | None:
    """A key of a vocabulary, or None when blank."""
    if value is None or value == "":
        return None
    if value not in labels:
        raise invalid_choice(what, value, labels, field=field)
    return value


def invalid_choice(what: Message, value: str, labels: dict[str, Message], *, field: str) -> ValidationFailed:
    """The refusal of a value outside a vocabulary, listing the allowed labels."""
    return ValidationFailed(N_("{what} “{value}” is not valid; one of: {choices}.", what=what, value=value,
                               choices=allowed(labels)), field=field)


def check_education(value: str | None) -> str | None:
    """An education key (primary … doctorate) or None."""
    return check_choice(value, EDUCATION_LABELS, field="education", what=N_("Education"))


def check_school_type(value: str | None) -> str | None:
    """A school-type key (technical_school …) or None."""
    return check_choice(value, SCHOOL_TYPE_LABELS, field="school_type", what=N_("School type"))


def check_target_groups(keys) -> list[str]:
    """Target-group keys, de-duplicated in order."""
    result: list[str] = []
    for key in keys or ():
        if key not in TARGET_GROUP_LABELS:
            raise invalid_choice(N_("Target group"), key, TARGET_GROUP_LABELS, field="target_groups")
        if key not in result:
            result.append(key)
    return result


def check_text(value: str | None, *, field: str, what: Message, max_length: int,
               required: bool = False) -> str | None:
    """Free text with surrounding spaces removed; None when blank unless required."""
    text = " ".join(unicodedata.normalize("NFKC", value or "").split())
    if not text:
        if required:
            raise ValidationFailed(N_("Enter the {what}.", what=what), field=field)
        return None
    if len(text) > max_length:
        raise ValidationFailed(N_("The {what} may have at most {limit} characters; it has {count}.", what=what,
                                  limit=max_length, count=len(text)), field=field)
    return text


def check_occupation_code(value: str | None, *, field: str = "occupation_code") -> str | None:
    """An occupation code of the 2022 classification, D-DD-DD-DD, or None when blank."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return None
    if not OCCUPATION_CODE_RE.fullmatch(text):
        raise ValidationFailed(N_("Occupation code “{code}” should have the form D-DD-DD-DD (e.g. 6-31-01-03).",
                                  code=text), field=field)
    return text


def check_work_dates(start: date, end: date | None, *, born: date, today: date, start_field: str = "start_date",
                     end_field: str = "end_date") -> None:
    """A work period that starts at working age, not in the future, and ends after it starts."""
    if start > today:
        raise ValidationFailed(N_("The work start date {start} is after today.", start=start.isoformat()),
                               field=start_field)
    age = age_on(born, start)
    if age < MIN_WORKING_AGE:
        raise ValidationFailed(
            N_("On the work start date {start} the person was under {limit} (aged {age}).",
               start=start.isoformat(), limit=MIN_WORKING_AGE, age=age), field=start_field
        )
    if end is not None:
        if end < start:
            raise ValidationFailed(
                N_("The work end date {end} is before the start date {start}.", end=end.isoformat(),
                   start=start.isoformat()), field=end_field
            )
        if end > today:
            raise ValidationFailed(N_("The work end date {end} is after today; leave it blank while still employed.",
                                      end=end.isoformat()), field=end_field)


MAX_DECLARED_YEARS = Decimal(60)


def check_declared_years(years: Decimal, *, born: date, today: date, shown: str | None = None,
                         field: str = "declared_years") -> Decimal:
    """Years worked as declared (从业年限): more than 0, at most 60, one decimal at most, and not more than the
    years since the person reached working age; returned with one decimal."""
    text = shown if shown is not None else str(years)
    if years != years.quantize(Decimal("0.1")) or years <= 0 or years > MAX_DECLARED_YEARS:
        raise ValidationFailed(N_("The years worked must be more than 0 and at most {most}, with one decimal at most "
                                  "(e.g. 5 or 5.5); “{text}” is not.", most=MAX_DECLARED_YEARS, text=text), field=field)
    possible = Decimal(max((today - born).days / 365.25 - MIN_WORKING_AGE, 0)).quantize(Decimal("0.1"))
    if years > possible:
        raise ValidationFailed(N_("{years} years worked is more than is possible since the age of {age} "
                                  "({possible} years); check the number.", years=years, age=MIN_WORKING_AGE,
                                  possible=possible), field=field)
    return years.quantize(Decimal("0.1"))
