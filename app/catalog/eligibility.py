"""Eligibility (申报条件) engine: checks an applicant's record against a level's routes.

Pure and deterministic: the caller passes ``as_of`` and the target occupation; nothing reads the clock
or the database. Rules are data (see eligibility_rules); this module only evaluates them.

Interpretations, chosen where the standards' wording leaves room:
- "取得X级证书后 N 年" is measured as calendar time since the certificate's issue date, not as work
  performed after it; holding a more senior level (smaller digit) counts too, and the longest-held
  qualifying certificate is the one measured.
- Work periods are inclusive of their last day; an ongoing period (or one ending later) counts up to,
  not including, ``as_of``, so a job begun on 1 March 2019 is 5 years on 1 March 2024. Overlapping
  periods are merged before counting.
- A record dated after ``as_of`` (certificate, graduation, apprenticeship, title) does not count yet.
- A record is "in scope" when its occupation code is the target's; with scope "related" also when its
  code is in ``related_codes`` or the caller has flagged it related (e.g. a reviewer's judgement).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.catalog.durations import format_span, inclusive_end, whole_months, worked_months
from app.catalog.eligibility_rules import (
    EDUCATION_LEVELS,
    OCCUPATION,
    RELATED,
    SCHOOL_TYPES,
    SCOPE_NAMES,
    TITLE_LEVELS,
    Apprenticed,
    MinAge,
    MinCertificate,
    MinEducation,
    MinTitle,
    MinWork,
    Requirement,
    Route,
    SchoolGraduate,
    rank_of,
)
from app.catalog.ladder import LEVEL_DIGITS, level_name, level_or_above
from app.translation import N_, Message, joined


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class WorkPeriod:
    """A stretch of work; ``end`` is the last day worked (inclusive) or None while ongoing."""

    start: date
    end: date | None = None
    occupation_code: str | None = None
    related: bool = False

    def __post_init__(self) -> None:
        _require(self.end is None or self.end >= self.start, f"work period ends {self.end} before it starts")


@dataclass(frozen=True)
class DeclaredWork:
    """Work years as the person declared them (从业年限, the signed work-years declaration), without dates:
    counted as declared, from the day of the declaration on."""

    months: int
    declared_on: date
    occupation_code: str | None = None
    related: bool = False

    def __post_init__(self) -> None:
        _require(self.months > 0, f"declared work of {self.months} months")


@dataclass(frozen=True)
class Education:
    """A completed education (学历) and whether its major matches the occupation."""

    level: str
    in_speciality: bool

    def __post_init__(self) -> None:
        _require(self.level in EDUCATION_LEVELS, f"unknown education level {self.level!r}")


@dataclass(frozen=True)
class SchoolGraduation:
    """A graduation from a technical or vocational school."""

    school_type: str
    in_speciality: bool
    graduated_on: date

    def __post_init__(self) -> None:
        _require(self.school_type in SCHOOL_TYPES, f"unknown school type {self.school_type!r}")


@dataclass(frozen=True)
class HeldCertificate:
    """A skill-level (or legacy qualification) certificate the applicant holds."""

    occupation_code: str | None
    level: int
    issued_on: date
    related: bool = False

    def __post_init__(self) -> None:
        is_digit = not isinstance(self.level, bool) and self.level in LEVEL_DIGITS
        _require(is_digit, f"unknown certificate level {self.level!r}")


@dataclass(frozen=True)
class CompletedApprenticeship:
    """An apprenticeship completed (学徒期满) on the given date."""

    occupation_code: str | None
    completed_on: date
    related: bool = False


@dataclass(frozen=True)
class ProfessionalTitle:
    """A professional title (专业技术职称) and whether its field matches the occupation."""

    level: str
    obtained_on: date
    in_speciality: bool

    def __post_init__(self) -> None:
        _require(self.level in TITLE_LEVELS, f"unknown title level {self.level!r}")


@dataclass(frozen=True)
class Applicant:
    """Everything the rules look at about one person; lists are stored as tuples."""

    birth_date: date
    work: tuple[WorkPeriod, ...] = ()
    education: tuple[Education, ...] = ()
    schools: tuple[SchoolGraduation, ...] = ()
    certificates: tuple[HeldCertificate, ...] = ()
    apprenticeships: tuple[CompletedApprenticeship, ...] = ()
    titles: tuple[ProfessionalTitle, ...] = ()
    declared: tuple[DeclaredWork, ...] = ()

    def __post_init__(self) -> None:
        # Frozen and hashable even when a caller hands in lists.
        for name in ("work", "education", "schools", "certificates", "apprenticeships", "titles", "declared"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


class RouteFailure(NamedTuple):
    """A route that did not qualify and every reason why, as marked messages."""

    route_id: str
    route_label: str
    reasons: tuple[Message, ...]


@dataclass(frozen=True)
class EligibilityResult:
    """The outcome: the first qualifying route, or why each route failed.

    ``failures`` lists every route that did not qualify, also when another one did.
    """

    eligible: bool
    route: str | None
    route_label: str | None
    failures: tuple[RouteFailure, ...]
    qualifying_routes: tuple[str, ...] = ()

    @property
    def reasons(self) -> tuple[Message, ...]:
        """Return every failure reason, route by route."""
        return tuple(reason for failure in self.failures for reason in failure.reasons)


@dataclass(frozen=True)
class _Context:
    applicant: Applicant
    as_of: date
    occupation_code: str
    related_codes: frozenset[str]

    def in_scope(self, code: str | None, flagged_related: bool, scope: str) -> bool:
        if code is not None and code == self.occupation_code:
            return True
        return scope == RELATED and (flagged_related or code in self.related_codes)

    def months_since(self, start: date) -> int:
        return whole_months(start, self.as_of)


def _check_age(req: MinAge, ctx: _Context) -> Message | None:
    age = ctx.months_since(ctx.applicant.birth_date) // 12
    return None if age >= req.years else N_("Aged {age}; must be at least {years}", age=age, years=req.years)


def _check_work(req: MinWork, ctx: _Context) -> Message | None:
    ranges = []
    for period in ctx.applicant.work:
        if not ctx.in_scope(period.occupation_code, period.related, req.scope):
            continue
        end = ctx.as_of if period.end is None else min(inclusive_end(period.end), ctx.as_of)
        ranges.append((period.start, end))
    # Declared years have no dates, so they cannot be merged with dated periods: they are added as declared.
    months = worked_months(ranges) + sum(
        d.months for d in ctx.applicant.declared
        if d.declared_on <= ctx.as_of and ctx.in_scope(d.occupation_code, d.related, req.scope))
    if months >= req.total_months:
        return None
    if req.scope == RELATED:
        return N_("Related work {span}; needs {needed}", span=format_span(months), needed=format_span(req.total_months))
    return N_("Work in this occupation {span}; needs {needed}", span=format_span(months),
              needed=format_span(req.total_months))


def _check_certificate(req: MinCertificate, ctx: _Context) -> Message | None:
    held = [
        cert
        for cert in ctx.applicant.certificates
        if cert.level <= req.level
        and cert.issued_on <= ctx.as_of
        and ctx.in_scope(cert.occupation_code, cert.related, req.scope)
    ]
    if not held:
        if req.scope == OCCUPATION:
            return N_("Holds no certificate of {level} in this occupation", level=level_or_above(req.level))
        return N_("Holds no certificate of {level}", level=level_or_above(req.level))
    # The longest-held certificate is the applicant's best chance; on a tie name the senior level.
    best = min(held, key=lambda cert: (cert.issued_on, cert.level))
    months = ctx.months_since(best.issued_on)
    if months >= req.total_months:
        return None
    return N_("Has held a {level} certificate for {span}; needs {needed}", level=level_name(best.level),
              span=format_span(months), needed=format_span(req.total_months))


def _check_apprenticeship(req: Apprenticed, ctx: _Context) -> Message | None:
    done = any(
        item.completed_on <= ctx.as_of and ctx.in_scope(item.occupation_code, item.related, req.scope)
        for item in ctx.applicant.apprenticeships
    )
    return None if done else N_("Has not completed an apprenticeship in {scope}", scope=SCOPE_NAMES[req.scope])


def _check_school(req: SchoolGraduate, ctx: _Context) -> Message | None:
    graduated = [
        school
        for school in ctx.applicant.schools
        if school.school_type in req.types and school.graduated_on <= ctx.as_of
    ]
    if any(school.in_speciality for school in graduated):
        return None
    if graduated:
        names = joined(dict.fromkeys(SCHOOL_TYPES[school.school_type] for school in graduated))
        return N_("The speciality studied at {schools} is not this or a related one", schools=names)
    return N_("No graduation certificate of a {schools} in the speciality or a related one",
              schools=req.schools_text)


def _check_education(req: MinEducation, ctx: _Context) -> Message | None:
    needed = rank_of(EDUCATION_LEVELS, req.level)
    high_enough = [
        item for item in ctx.applicant.education if rank_of(EDUCATION_LEVELS, item.level) >= needed
    ]
    if any(item.in_speciality for item in high_enough):
        return None
    wanted = EDUCATION_LEVELS[req.level]
    if high_enough:
        return N_("The education of {level} or above is not in this or a related speciality", level=wanted)
    if not ctx.applicant.education:
        return N_("No education on record; needs {level} or above", level=wanted)
    highest = max(ctx.applicant.education, key=lambda item: rank_of(EDUCATION_LEVELS, item.level))
    return N_("Highest education {highest}; needs {level} or above", highest=EDUCATION_LEVELS[highest.level],
              level=wanted)


def _check_title(req: MinTitle, ctx: _Context) -> Message | None:
    needed = rank_of(TITLE_LEVELS, req.level)
    high_enough = [
        title
        for title in ctx.applicant.titles
        if rank_of(TITLE_LEVELS, title.level) >= needed and title.obtained_on <= ctx.as_of
    ]
    matching = [title for title in high_enough if title.in_speciality]
    wanted = TITLE_LEVELS[req.level]
    if not matching:
        if high_enough:
            return N_("The title of {level} or above is not in this or a related speciality", level=wanted)
        return N_("Has no professional title of {level} or above", level=wanted)
    best = min(matching, key=lambda title: (title.obtained_on, -rank_of(TITLE_LEVELS, title.level)))
    months = ctx.months_since(best.obtained_on)
    if months >= req.total_months:
        return None
    return N_("Has held a {level} professional title for {span}; needs {needed}", level=TITLE_LEVELS[best.level],
              span=format_span(months), needed=format_span(req.total_months))


def _check(requirement: Requirement, ctx: _Context) -> Message | None:
    match requirement:
        case MinAge():
            return _check_age(requirement, ctx)
        case MinWork():
            return _check_work(requirement, ctx)
        case MinCertificate():
            return _check_certificate(requirement, ctx)
        case Apprenticed():
            return _check_apprenticeship(requirement, ctx)
        case SchoolGraduate():
            return _check_school(requirement, ctx)
        case MinEducation():
            return _check_education(requirement, ctx)
        case MinTitle():
            return _check_title(requirement, ctx)
    raise TypeError(f"not a requirement: {requirement!r}")


def evaluate(
    routes: Sequence[Route],
    applicant: Applicant,
    *,
    as_of: date,
    occupation_code: str,
    related_codes: Collection[str] = frozenset(),
) -> EligibilityResult:
    """Check every route of one level; the first route whose requirements all hold qualifies."""
    if not routes:
        raise ValueError("no routes to evaluate: use evaluate_level for a level the standard lacks")
    ctx = _Context(applicant, as_of, occupation_code, frozenset(related_codes))
    failures: list[RouteFailure] = []
    qualifying: list[Route] = []
    for route in routes:
        # Every requirement is checked, not just the first unmet one, so the applicant sees all gaps.
        reasons = tuple(reason for reason in (_check(req, ctx) for req in route.requires) if reason)
        if reasons:
            failures.append(RouteFailure(route.id, route.label, reasons))
        else:
            qualifying.append(route)
    first = qualifying[0] if qualifying else None
    return EligibilityResult(
        eligible=first is not None,
        route=first.id if first else None,
        route_label=first.label if first else None,
        failures=tuple(failures),
        qualifying_routes=tuple(route.id for route in qualifying),
    )


def evaluate_level(
    rules: Mapping[int, Sequence[Route]],
    level: int,
    applicant: Applicant,
    *,
    as_of: date,
    occupation_code: str,
    related_codes: Collection[str] = frozenset(),
) -> EligibilityResult:
    """Check an applicant for one level of a standard; a level the standard lacks is never eligible."""
    name = level_name(level)  # raises ValueError for anything but 1–5
    routes = rules.get(level)
    if not routes:
        missing = N_("The occupation's standard has no {level}", level=name)
        return EligibilityResult(False, None, None, (RouteFailure("", missing, (missing,)),))
    return evaluate(
        routes, applicant, as_of=as_of, occupation_code=occupation_code, related_codes=related_codes
    )
