"""Fixed vocabularies about people (education, school type, target groups, gender) and their marked labels.

Keys are what the database stores; labels (`N_`, shown in the user's language) are what forms and
spreadsheets show. Education and school types are aligned with app.catalog.eligibility_rules so a person's
record feeds the eligibility rules. Imports recognise a label in Chinese (the words offices use) or English,
the key, or a usual alias.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

from app.catalog.eligibility_rules import EDUCATION_LEVELS, SCHOOL_TYPES, TITLE_LEVELS
from app.idnumbers import ID_TYPE_LABELS, RESIDENT
from app.translation import N_, Message, in_chinese, joined

# 小学及以下 is below every level the eligibility rules ask for, so it never satisfies one.
PRIMARY = "primary"
EDUCATION_LABELS: dict[str, Message] = {PRIMARY: N_("Primary school or below"), **EDUCATION_LEVELS}
SCHOOL_TYPE_LABELS: dict[str, Message] = dict(SCHOOL_TYPES)
TITLE_LEVEL_LABELS: dict[str, Message] = dict(TITLE_LEVELS)

TARGET_GROUP_LABELS: dict[str, Message] = {
    "poverty_monitored": N_("Lifted out of poverty / monitored"),
    "graduate": N_("University graduate of the year"),
    "school_leaver": N_("School leaver not continuing education"),
    "rural_migrant": N_("Rural worker moving to employment"),
    "registered_unemployed": N_("Registered unemployed"),
    "hard_to_employ": N_("Person with employment difficulties"),
}

GENDER_LABELS: dict[str, Message] = {"M": N_("Male"), "F": N_("Female")}

ACCESS_REASONS: dict[str, Message] = {
    "registered": N_("Registration"),
    "imported": N_("Bulk import"),
    "enrolment": N_("Training enrolment"),
    "assessment": N_("Assessment application"),
    "placement": N_("Employment services"),
    "employer": N_("Employing organisation"),
    "apprenticeship": N_("Apprenticeship"),
    "granted": N_("Access granted"),
}

# Other ways people write the same thing in spreadsheets.
_EDUCATION_ALIASES = {
    "小学": PRIMARY, "小学以下": PRIMARY, "文盲": PRIMARY, "高中": "senior_secondary", "中专": "senior_secondary",
    "中职": "senior_secondary", "职高": "senior_secondary", "技校": "senior_secondary", "专科": "associate",
    "大学专科": "associate", "高职": "associate", "大学本科": "bachelor", "研究生": "master", "硕士": "master",
    "博士": "doctorate",
}
_SCHOOL_ALIASES = {"技校": "technical_school", "中职": "vocational_school", "中专": "vocational_school",
                   "高职": "higher_vocational", "高职院校": "higher_vocational"}
_TARGET_ALIASES = {
    "脱贫人口": "poverty_monitored", "监测人口": "poverty_monitored", "脱贫监测人口": "poverty_monitored",
    "高校毕业生": "graduate", "未升学初高中毕业生": "school_leaver", "两后生": "school_leaver",
    "农村转移劳动力": "rural_migrant", "农民工": "rural_migrant", "失业人员": "registered_unemployed",
    "登记失业": "registered_unemployed", "就业困难": "hard_to_employ",
}
_ID_TYPE_ALIASES = {"身份证": RESIDENT, "居民身份证号": RESIDENT, "二代身份证": RESIDENT}
_GENDER_ALIASES = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F", "MALE": "M", "FEMALE": "F"}
_LIST_SEPARATORS = re.compile(r"[、,，;；]+")
_SPACES = re.compile(r"\s+")


def _reverse(labels: Mapping[str, str], aliases: Mapping[str, str]) -> dict[str, str]:
    table = {str(label): key for key, label in labels.items()}  # English
    table.update({in_chinese(label): key for key, label in labels.items()})  # the words offices use
    table.update({key: key for key in labels})
    table.update(aliases)
    return table


# Built on first use: the Chinese forms come from the compiled catalogue.
@cache
def _lookup(name: str) -> dict[str, str]:
    vocabularies = {
        "education": (EDUCATION_LABELS, _EDUCATION_ALIASES),
        "school_type": (SCHOOL_TYPE_LABELS, _SCHOOL_ALIASES),
        "target_group": (TARGET_GROUP_LABELS, _TARGET_ALIASES),
        "id_type": (ID_TYPE_LABELS, _ID_TYPE_ALIASES),
        "title_level": (TITLE_LEVEL_LABELS, {}),
    }
    return _reverse(*vocabularies[name])


def education_key(text: str) -> str | None:
    """The education key for a label, alias or key, or None when unknown."""
    return _lookup("education").get(text.strip())


def school_type_key(text: str) -> str | None:
    """The school-type key for a label, alias or key, or None when unknown."""
    return _lookup("school_type").get(text.strip())


def id_type_key(text: str) -> str | None:
    """The ID-type key for a label, alias or key, or None when unknown."""
    return _lookup("id_type").get(text.strip())


def gender_key(text: str) -> str | None:
    """'M' or 'F' for 男/女 (or M/F, male/female), None when unknown."""
    return _GENDER_ALIASES.get(text.strip().upper())


def title_level_key(text: str) -> str | None:
    """The title-level key for a label or key, or None when unknown."""
    return _lookup("title_level").get(text.strip())


def split_target_groups(text: str) -> tuple[list[str], list[str]]:
    """Split '、'-separated target-group labels into (keys in vocabulary order, unknown labels)."""
    keys: list[str] = []
    unknown: list[str] = []
    lookup = _lookup("target_group")
    for part in _LIST_SEPARATORS.split(text.strip()):
        part = " ".join(part.split())
        if not part:
            continue
        # An English label has spaces; Chinese labels may also be separated by spaces alone.
        for found in [part] if part in lookup else _SPACES.split(part):
            key = lookup.get(found)
            if key is None:
                unknown.append(found)
            elif key not in keys:
                keys.append(key)
    # Vocabulary order, so that "A、B" and "B、A" are the same value.
    return sorted(keys, key=list(TARGET_GROUP_LABELS).index), unknown


def target_group_text(keys: list[str] | tuple[str, ...]) -> Message | str:
    """Labels of target-group keys as one marked list ('A, B'; in Chinese 'A、B')."""
    return joined(TARGET_GROUP_LABELS.get(key, key) for key in keys)


def allowed(labels: Mapping[str, str]) -> Message | str:
    """The allowed labels of a vocabulary as one marked list, for error messages."""
    return joined(labels.values())
