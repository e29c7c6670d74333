"""The anti-duplication rules of DOMAIN.md §9 as pure functions: each refusal names its rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.placement.scope import add_months

RULES: dict[str, str] = {
    "scheme_period": "补贴政策有效期",
    "scheme_level": "补贴政策覆盖等级",
    "scheme_region": "补贴政策适用地区",
    "per_person_cap": "每人补贴次数上限",
    "same_occupation_level": "同一职业同一等级不重复补贴",
    "first_certificate": "评价补贴限首次取证",
    "claim_window": "取证后限期申领",
    "no_lower_after_higher": "不得在高等级后申领低等级",
}


@dataclass(frozen=True)
class Refusal:
    """A rule a claim breaks, and how."""

    rule: str
    message: str

    @property
    def rule_name(self) -> str:
        """The rule's Chinese name."""
        return RULES[self.rule]

    def __str__(self) -> str:
        return f"【{self.rule_name}】{self.message}"


@dataclass(frozen=True)
class PriorClaim:
    """A claim already made for the person (withdrawn claims are not passed in)."""

    kind: str
    occupation_code: str
    level_digit: int
    claimed_on: date


@dataclass(frozen=True)
class SchemeTerms:
    """What a scheme allows."""

    kind: str
    covered_digits: frozenset[int]
    per_person_cap: int
    cap_per_year: bool
    claim_window_months: int
    effective_from: date
    effective_to: date | None
    city_code: str | None


def check_claim(terms: SchemeTerms, *, occupation_code: str, level_digit: int, certificate_date: date,
                claimed_on: date, person_city: str | None, prior: Iterable[PriorClaim]) -> list[Refusal]:
    """Every rule the claim breaks (empty when it may be made)."""
    refusals = []
    if certificate_date < terms.effective_from or (terms.effective_to and certificate_date > terms.effective_to):
        until = terms.effective_to.isoformat() if terms.effective_to else "至今"
        refusals.append(Refusal("scheme_period", f"取证日期 {certificate_date.isoformat()} 不在政策有效期 "
                                                 f"{terms.effective_from.isoformat()}–{until} 内"))
    if level_digit not in terms.covered_digits:
        refusals.append(Refusal("scheme_level", f"该政策不补贴 {level_digit} 级"))
    if terms.city_code and person_city != terms.city_code:
        refusals.append(Refusal("scheme_region", "人员不属于该政策适用的城市"))
    same_kind = [p for p in prior if p.kind == terms.kind]
    counted = [p for p in same_kind if not terms.cap_per_year or p.claimed_on.year == claimed_on.year]
    if len(counted) >= terms.per_person_cap:
        period = f"{claimed_on.year} 年" if terms.cap_per_year else ""
        refusals.append(Refusal("per_person_cap", f"{period}已申领 {len(counted)} 次，上限 {terms.per_person_cap} 次"))
    if any(p.occupation_code == occupation_code and p.level_digit == level_digit for p in same_kind):
        refusals.append(Refusal("same_occupation_level", f"职业 {occupation_code} {level_digit} 级已申领过"))
    elif terms.kind == "evaluation" and any(p.occupation_code == occupation_code for p in same_kind):
        refusals.append(Refusal("first_certificate", f"职业 {occupation_code} 已申领过评价补贴"))
    deadline = add_months(certificate_date, terms.claim_window_months)
    if claimed_on > deadline:
        refusals.append(Refusal("claim_window", f"证书 {certificate_date.isoformat()} 核发，应在 "
                                                f"{deadline.isoformat()} 前申领"))
    higher = [p for p in same_kind if p.occupation_code == occupation_code and p.level_digit < level_digit]
    if higher:
        refusals.append(Refusal("no_lower_after_higher",
                                f"已按 {min(p.level_digit for p in higher)} 级申领，不能再申领较低的 {level_digit} 级"))
    return refusals
