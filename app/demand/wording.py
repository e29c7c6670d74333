"""Pure checks of vacancy wording: no discrimination by sex, ethnicity or religion, no charging applicants.

招用人员简章 may not restrict applicants by sex, ethnicity or religion, nor ask them for money (DOMAIN.md §8).
A keyword list catches the common phrasings; the message names the phrase so the employer can fix it.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import ValidationFailed
from app.translation import N_, Message

SEX_TERMS = (
    "限男性", "仅限男性", "只限男性", "限女性", "仅限女性", "只限女性", "只招男", "只招女", "仅招男", "仅招女",
    "限男", "限女", "男性优先", "女性优先", "男士优先", "女士优先", "不招女", "不招男", "不要女", "不要男",
    "已婚已育", "未婚", "未育",
)
ETHNICITY_TERMS = ("限汉族", "仅限汉族", "汉族优先", "少数民族", "民族", "汉族")
RELIGION_TERMS = ("宗教", "信仰", "信教", "教徒")
CHARGE_TERMS = ("收费", "押金", "报名费", "保证金", "服装费", "介绍费", "体检费自理", "培训费自理", "押证")

_RULES = (
    (SEX_TERMS, N_("applicants may not be restricted by sex, marriage or childbirth")),
    (ETHNICITY_TERMS, N_("applicants may not be restricted by ethnicity")),
    (RELIGION_TERMS, N_("applicants may not be restricted by religious belief")),
    (CHARGE_TERMS, N_("applicants may not be charged any fee or deposit")),
)


def _folded(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def find_forbidden(text: str | None) -> tuple[str, Message] | None:
    """The first forbidden phrase found and the rule it breaks, or None."""
    folded = _folded(text or "")
    for terms, rule in _RULES:
        for term in terms:
            if term in folded:
                return term, rule
    return None


def check_wording(text: str | None, *, field: str) -> None:
    """Refuse wording that discriminates or charges applicants, quoting the offending words."""
    found = find_forbidden(text)
    if found is not None:
        term, rule = found
        raise ValidationFailed(N_("The posting contains “{term}”: {rule} (Employment Promotion Law; Interim "
                                  "Regulations on the Human Resources Market).", term=term, rule=rule), field=field)
