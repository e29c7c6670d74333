"""Fixed vocabularies about people (education, school type, target groups, gender) and their Chinese labels.

Keys are what the database stores; labels are what forms and spreadsheets show. Education and school
types are aligned with app.catalog.eligibility_rules so a person's record feeds the eligibility rules.
"""

from __future__ import annotations

import re

from app.catalog.eligibility_rules import EDUCATION_LEVELS, SCHOOL_TYPES, TITLE_LEVELS
from app.idnumbers import ID_TYPE_LABELS, RESIDENT

# 小学及以下 is below every level the eligibility rules ask for, so it never satisfies one.
PRIMARY = "primary"
EDUCATION_LABELS: dict[str, str] = {PRIMARY: "小学及以下", **EDUCATION_LEVELS}
SCHOOL_TYPE_LABELS: dict[str, str] = dict(SCHOOL_TYPES)
TITLE_LEVEL_LABELS: dict[str, str] = dict(TITLE_LEVELS)

TARGET_GROUP_LABELS: dict[str, str] = {
    "poverty_monitored": "脱贫/监测人口",
    "graduate": "毕业年度高校毕业生",
    "school_leaver": "城乡未继续升学初高中毕业生",
    "rural_migrant": "农村转移就业劳动者",
    "registered_unemployed": "登记失业人员",
    "hard_to_employ": "就业困难人员",
}

GENDER_LABELS: dict[str, str] = {"M": "男", "F": "女"}

ACCESS_REASONS: dict[str, str] = {
    "registered": "登记",
    "imported": "批量导入",
    "enrolment": "报名培训",
    "assessment": "申报评价",
    "placement": "就业服务",
    "employer": "用人单位",
    "apprenticeship": "学徒培养",
    "granted": "授权",
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
_GENDER_ALIASES = {"男": "M", "女": "F", "M": "M", "F": "F", "男性": "M", "女性": "F"}
_LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


def _reverse(labels: dict[str, str], aliases: dict[str, str]) -> dict[str, str]:
    table = {label: key for key, label in labels.items()}
    table.update({key: key for key in labels})
    table.update(aliases)
    return table


_EDUCATION_LOOKUP = _reverse(EDUCATION_LABELS, _EDUCATION_ALIASES)
_SCHOOL_LOOKUP = _reverse(SCHOOL_TYPE_LABELS, _SCHOOL_ALIASES)
_TARGET_LOOKUP = _reverse(TARGET_GROUP_LABELS, _TARGET_ALIASES)
_ID_TYPE_LOOKUP = _reverse(ID_TYPE_LABELS, _ID_TYPE_ALIASES)
_TITLE_LOOKUP = _reverse(TITLE_LEVEL_LABELS, {})


def education_key(text: str) -> str | None:
    """The education key for a label, alias or key, or None when unknown."""
    return _EDUCATION_LOOKUP.get(text.strip())


def school_type_key(text: str) -> str | None:
    """The school-type key for a label, alias or key, or None when unknown."""
    return _SCHOOL_LOOKUP.get(text.strip())


def id_type_key(text: str) -> str | None:
    """The ID-type key for a label, alias or key, or None when unknown."""
    return _ID_TYPE_LOOKUP.get(text.strip())


def gender_key(text: str) -> str | None:
    """'M' or 'F' for 男/女 (or M/F), None when unknown."""
    return _GENDER_ALIASES.get(text.strip().upper())


def title_level_key(text: str) -> str | None:
    """The title-level key for a label or key, or None when unknown."""
    return _TITLE_LOOKUP.get(text.strip())


def split_target_groups(text: str) -> tuple[list[str], list[str]]:
    """Split '、'-separated target-group labels into (keys in vocabulary order, unknown labels)."""
    keys: list[str] = []
    unknown: list[str] = []
    for part in _LIST_SEPARATORS.split(text.strip()):
        if not part:
            continue
        key = _TARGET_LOOKUP.get(part)
        if key is None:
            unknown.append(part)
        elif key not in keys:
            keys.append(key)
    # Vocabulary order, so that "A、B" and "B、A" are the same value.
    return sorted(keys, key=list(TARGET_GROUP_LABELS).index), unknown


def target_group_text(keys: list[str] | tuple[str, ...]) -> str:
    """Labels of target-group keys joined with '、'."""
    return "、".join(TARGET_GROUP_LABELS.get(key, key) for key in keys)


def allowed(labels: dict[str, str]) -> str:
    """The allowed labels of a vocabulary, for error messages."""
    return "、".join(labels.values())
