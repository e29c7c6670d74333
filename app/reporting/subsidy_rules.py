"""The anti-duplication rules of DOMAIN.md §9 as pure functions: each refusal names its rule."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.placement.scope import add_months
from app.translation import N_, Message

RULES: dict[str, Message] = {
    "scheme_period": N_("Scheme's period of validity"),
    "scheme_level": N_("Levels the scheme covers"),
    "scheme_region": N_("Region the scheme applies to"),
    "per_person_cap": N_("Claims per person"),
    "same_occupation_level": N_("No second subsidy for the same occupation and level"),
    "first_certificate": N_("Evaluation subsidy for the first certificate only"),
    "claim_window": N_("Claim within the time limit after certification"),
    "no_lower_after_higher": N_("No lower level after a higher one"),
}


@dataclass(frozen=True)
class Refusal:
    """A rule a claim breaks, and how."""

    rule: str
    message: Message

    @property
    def rule_name(self) -> Message:
        """The rule's marked name."""
        return RULES[self.rule]

    @property
    def text(self) -> Message:
        """The rule and how it is broken, as one marked message: '【rule】message' in Chinese."""
        return N_("[{rule}] {message}", rule=self.rule_name, message=self.message)

    def __str__(self) -> str:
        return str(self.text)


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
        until = terms.effective_to.isoformat() if terms.effective_to else N_("today")
        refusals.append(Refusal("scheme_period", N_(
            "The certificate date {date} lies outside the scheme's period {start}–{until}.",
            date=certificate_date.isoformat(), start=terms.effective_from.isoformat(), until=until)))
    if level_digit not in terms.covered_digits:
        refusals.append(Refusal("scheme_level", N_("The scheme does not subsidise level {digit}.", digit=level_digit)))
    if terms.city_code and person_city != terms.city_code:
        refusals.append(Refusal("scheme_region", N_("The person does not belong to the city the scheme applies to.")))
    same_kind = [p for p in prior if p.kind == terms.kind]
    counted = [p for p in same_kind if not terms.cap_per_year or p.claimed_on.year == claimed_on.year]
    if len(counted) >= terms.per_person_cap:
        if terms.cap_per_year:
            message = N_("Claimed {count} times in {year}; the limit is {cap}.", count=len(counted),
                         year=claimed_on.year, cap=terms.per_person_cap)
        else:
            message = N_("Claimed {count} times; the limit is {cap}.", count=len(counted), cap=terms.per_person_cap)
        refusals.append(Refusal("per_person_cap", message))
    if any(p.occupation_code == occupation_code and p.level_digit == level_digit for p in same_kind):
        refusals.append(Refusal("same_occupation_level", N_("Level {digit} of occupation {code} has been claimed already.",
                                                            code=occupation_code, digit=level_digit)))
    elif terms.kind == "evaluation" and any(p.occupation_code == occupation_code for p in same_kind):
        refusals.append(Refusal("first_certificate", N_("An evaluation subsidy for occupation {code} has been claimed "
                                                        "already.", code=occupation_code)))
    deadline = add_months(certificate_date, terms.claim_window_months)
    if claimed_on > deadline:
        refusals.append(Refusal("claim_window", N_("The certificate was issued on {date}; the claim was due by "
                                                   "{deadline}.", date=certificate_date.isoformat(),
                                                   deadline=deadline.isoformat())))
    higher = [p for p in same_kind if p.occupation_code == occupation_code and p.level_digit < level_digit]
    if higher:
        refusals.append(Refusal("no_lower_after_higher",
                                N_("Level {higher} has been claimed already, so the lower level {digit} cannot be "
                                   "claimed.", higher=min(p.level_digit for p in higher), digit=level_digit)))
    return refusals
