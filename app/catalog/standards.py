"""Skill standards: levels, components with pass marks, staffing ratios, hours and eligibility rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.catalog.eligibility import Applicant, EligibilityResult, evaluate_level
from app.catalog.eligibility_rules import RuleFormatError, rules_from_json, rules_to_json
from app.catalog.ladder import level_name
from app.catalog.models import (
    COMPONENT_LABELS,
    COMPONENTS,
    Occupation,
    SkillStandard,
    StandardComponent,
    StandardLevel,
)
from app.catalog.occupations import get_occupation, require_catalogue_admin, validate_occupation_code
from app.database import get_or_not_found
from app.errors import ValidationFailed
from app.translation import N_, joined


@dataclass(frozen=True)
class ComponentSpec:
    """An assessment component of a level and its pass mark."""

    component: str
    pass_mark: Decimal = Decimal("60")
    required: bool = True


@dataclass(frozen=True)
class LevelSpec:
    """What a standard says about one level."""

    digit: int
    reference_hours: int
    components: tuple[ComponentSpec, ...] = field(default_factory=tuple)


def default_components(digit: int) -> tuple[ComponentSpec, ...]:
    """Theory and practical for every level; 二级/一级 add 综合评审 (DOMAIN.md §4)."""
    specs = [ComponentSpec("theory"), ComponentSpec("practical")]
    if digit <= 2:
        specs.append(ComponentSpec("review"))
    return tuple(specs)


def _check_levels(levels: Collection[LevelSpec]) -> None:
    digits = [lv.digit for lv in levels]
    if not digits:
        raise ValidationFailed(N_("A standard needs at least one level."), field="levels")
    if len(set(digits)) != len(digits):
        raise ValidationFailed(N_("A level appears twice."), field="levels")
    for lv in levels:
        if lv.digit not in (1, 2, 3, 4, 5):
            raise ValidationFailed(N_("Level {digit} is not valid (it should be 1–5).", digit=lv.digit), field="levels")
        name = level_name(lv.digit)
        if lv.reference_hours <= 0:
            raise ValidationFailed(N_("The reference training hours of {level} should be more than 0.", level=name),
                                   field="levels")
        kinds = [c.component for c in lv.components]
        unknown = set(kinds) - set(COMPONENTS)
        if unknown:
            raise ValidationFailed(N_("{level} has unknown assessment components: {components}.", level=name,
                                      components="; ".join(sorted(unknown))), field="levels")
        for needed in ("theory", "practical") + (("review",) if lv.digit <= 2 else ()):
            if needed not in kinds:
                raise ValidationFailed(N_("{level} lacks the required assessment component: {component}.", level=name,
                                          component=COMPONENT_LABELS[needed]), field="levels")
        for c in lv.components:
            if not Decimal(0) <= c.pass_mark <= Decimal(100):
                raise ValidationFailed(N_("The pass mark of {level} should be between 0 and 100.", level=name),
                                       field="levels")


def _checked_rules(rules_json: Mapping, digits: Collection[int]) -> dict:
    try:
        rules = rules_from_json(rules_json)
    except RuleFormatError as exc:
        raise ValidationFailed(N_("The eligibility rules are malformed ({field}): {problem}", field=exc.field,
                                  problem=exc.problem), field="eligibility_rules") from exc
    extra = set(rules) - set(digits)
    if extra:
        names = joined(level_name(d) for d in sorted(extra, reverse=True))
        raise ValidationFailed(N_("The eligibility rules include levels the standard does not have: {levels}.",
                                  levels=names), field="eligibility_rules")
    missing = set(digits) - set(rules)
    if missing:
        names = joined(level_name(d) for d in sorted(missing, reverse=True))
        raise ValidationFailed(N_("These levels have no eligibility rules: {levels}.", levels=names),
                               field="eligibility_rules")
    return rules_to_json(rules)


def create_standard(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    occupation_id: int,
    edition: str,
    levels: Collection[LevelSpec],
    eligibility_rules: Mapping,
    related_codes: Collection[str] = (),
    make_current: bool = True,
    staffing: Mapping[str, int] | None = None,
) -> SkillStandard:
    """Add a standard edition to an occupation; the current one is superseded when make_current."""
    require_catalogue_admin(actor)
    occupation = get_occupation(session, occupation_id=occupation_id)
    edition = (edition or "").strip()
    if not edition:
        raise ValidationFailed(N_("Enter the standard's edition, e.g. 2018."), field="edition")
    if any(s.edition == edition for s in occupation.standards):
        raise ValidationFailed(N_("{occupation} already has a {edition} standard.", occupation=occupation.name,
                                  edition=edition), field="edition")
    levels = [lv if lv.components else LevelSpec(lv.digit, lv.reference_hours, default_components(lv.digit))
              for lv in levels]
    _check_levels(levels)
    rules = _checked_rules(eligibility_rules, [lv.digit for lv in levels])
    related = sorted({validate_occupation_code(c, field="related_codes") for c in related_codes})
    standard = SkillStandard(
        edition=edition, is_current=make_current, eligibility_rules=rules, related_codes=related,
        created_at=now, **_checked_staffing(staffing or {}),
    )
    standard.levels = [
        StandardLevel(
            level_digit=lv.digit, reference_hours=lv.reference_hours,
            components=[StandardComponent(component=c.component, pass_mark=c.pass_mark, required=c.required)
                        for c in lv.components],
        )
        for lv in sorted(levels, key=lambda lv: -lv.digit)
    ]
    if make_current:
        for other in occupation.standards:
            other.is_current = False
    occupation.standards.append(standard)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="standard.create", object_type="skill_standard",
        object_id=standard.id,
        new={"occupation": occupation.code, "edition": edition, "levels": [lv.digit for lv in levels]},
    )
    return standard


STAFFING_FIELDS = (
    "theory_candidates_per_invigilator",
    "theory_min_invigilators",
    "practical_candidates_per_examiner",
    "practical_min_examiners",
    "review_min_panel",
)


def _checked_staffing(staffing: Mapping[str, int]) -> dict[str, int]:
    result = {}
    for name, value in staffing.items():
        if name not in STAFFING_FIELDS:
            raise ValidationFailed(N_("Unknown staffing ratio: {name}.", name=name), field=name)
        if not isinstance(value, int) or value < 1:
            raise ValidationFailed(N_("A staffing ratio must be a positive whole number."), field=name)
        result[name] = value
    for name in ("practical_min_examiners", "review_min_panel"):
        if name in result and result[name] % 2 == 0:
            raise ValidationFailed(N_("Examiner panels and review panels must have an odd number of members."), field=name)
    return result


def get_standard(session: Session, *, standard_id: int) -> SkillStandard:
    """One standard."""
    standard = get_or_not_found(session, SkillStandard, standard_id, N_("The skill standard does not exist."))
    return standard


def update_standard_rules(
    session: Session, *, actor: User, now: datetime, standard_id: int, eligibility_rules: Mapping,
    related_codes: Collection[str] | None = None,
) -> SkillStandard:
    """Replace a standard's eligibility rules (validated as data) and optionally its related occupations."""
    require_catalogue_admin(actor)
    standard = get_standard(session, standard_id=standard_id)
    old = {"rules": standard.eligibility_rules, "related": standard.related_codes}
    standard.eligibility_rules = _checked_rules(eligibility_rules, standard.level_digits)
    if related_codes is not None:
        standard.related_codes = sorted({validate_occupation_code(c, field="related_codes") for c in related_codes})
    session.flush()
    record_event(
        session, actor=actor, now=now, action="standard.update_rules", object_type="skill_standard",
        object_id=standard.id, old=old, new={"rules": standard.eligibility_rules, "related": standard.related_codes},
    )
    return standard


def update_component(
    session: Session, *, actor: User, now: datetime, component_id: int, pass_mark: str | Decimal, required: bool,
) -> StandardComponent:
    """Change a component's pass mark or whether it is required."""
    require_catalogue_admin(actor)
    component = get_or_not_found(
        session, StandardComponent, component_id, N_("The assessment component does not exist.")
    )
    try:
        mark = Decimal(str(pass_mark)).quantize(Decimal("0.1"))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("The pass mark should be a number."), field="pass_mark") from exc
    if not Decimal(0) <= mark <= Decimal(100):
        raise ValidationFailed(N_("The pass mark should be between 0 and 100."), field="pass_mark")
    old = {"pass_mark": str(component.pass_mark), "required": component.required}
    component.pass_mark, component.required = mark, required
    session.flush()
    record_event(
        session, actor=actor, now=now, action="standard.update_component", object_type="standard_component",
        object_id=component.id, old=old, new={"pass_mark": str(mark), "required": required},
    )
    return component


def current_standard_for(session: Session, *, occupation_code: str) -> SkillStandard | None:
    """The standard in force for the latest edition of an occupation code."""
    stmt = (
        select(SkillStandard)
        .join(Occupation)
        .where(Occupation.code == occupation_code, SkillStandard.is_current.is_(True))
        .order_by(Occupation.edition.desc())
    )
    return session.scalars(stmt.limit(1)).first()


def check_eligibility(
    standard: SkillStandard, *, level_digit: int, applicant: Applicant, as_of: date
) -> EligibilityResult:
    """Run the standard's rules for one level: eligible or not, which route, or why each route failed."""
    return evaluate_level(
        rules_from_json(standard.eligibility_rules), level_digit, applicant, as_of=as_of,
        occupation_code=standard.occupation.code, related_codes=frozenset(standard.related_codes),
    )
