"""Eligibility (申报条件) rules as data: requirement kinds, routes, and their JSON form.

A level's rules are a list of routes, "any one of"; a route is a conjunction of requirements. Rules
live in a database JSON column edited by administrators, so every value is checked on the way in and
an error names the offending field, e.g. ``rules.4[0].requires[1].years``.

JSON shape of one route (``label`` is omitted when it equals the generated description)::

    {"id": "A-3-3", "label": "...",
     "requires": [{"kind": "education", "level": "associate"},
                  {"kind": "certificate", "level": 4, "years": 2, "scope": "related"}]}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, fields
from typing import Any, ClassVar

from app.catalog.durations import format_span
from app.catalog.ladder import LEVEL_DIGITS, level_or_above
from app.translation import N_, Message, joined

OCCUPATION = "occupation"
RELATED = "related"
SCOPE_NAMES: dict[str, Message] = {
    OCCUPATION: N_("this occupation"), RELATED: N_("this or a related occupation"),
}

# Vocabularies with their marked labels (shown in the user's language; the Chinese form is the catalogue's).
SCHOOL_TYPES: dict[str, Message] = {
    "technical_school": N_("Technical school"),
    "senior_technical_school": N_("Senior technical school"),
    "technician_college": N_("Technician college"),
    "vocational_school": N_("Secondary vocational school"),
    "higher_vocational": N_("Higher vocational college"),
}

# Ordered from lowest to highest: "at least" comparisons use the position.
EDUCATION_LEVELS: dict[str, Message] = {
    "junior_secondary": N_("Junior secondary school"),
    "senior_secondary": N_("Senior secondary / secondary vocational school"),
    "associate": N_("Associate degree"),
    "bachelor": N_("Bachelor's degree"),
    "master": N_("Master's degree"),
    "doctorate": N_("Doctorate"),
}

# Ordered from lowest to highest, as EDUCATION_LEVELS.
TITLE_LEVELS: dict[str, Message] = {
    "junior": N_("Junior title"),
    "intermediate": N_("Intermediate title"),
    "associate_senior": N_("Associate senior title"),
    "senior": N_("Full senior title"),
}

MAX_YEARS = 80


class RuleFormatError(ValueError):
    """A rule value is malformed; `field` is the path of the bad value, `problem` says what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem

    def within(self, prefix: str) -> RuleFormatError:
        """Return the same error with its field path placed under prefix."""
        if not self.field:
            return RuleFormatError(prefix, self.problem)
        separator = "" if self.field.startswith("[") else "."
        return RuleFormatError(f"{prefix}{separator}{self.field}", self.problem)


def rank_of(vocabulary: Mapping[str, str], key: str) -> int:
    """Return the position of key in an ordered vocabulary (higher = more advanced)."""
    return list(vocabulary).index(key)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not _is_int(value) or not low <= value <= high:  # type: ignore[operator]
        raise RuleFormatError(name, f"must be an integer from {low} to {high}, got {value!r}")


def _check_choice(name: str, value: object, choices: Mapping[str, str]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise RuleFormatError(name, f"must be one of {', '.join(choices)}, got {value!r}")


def _check_span(req: Any) -> None:
    _check_int("years", req.years, 0, MAX_YEARS)
    _check_int("months", req.months, 0, 11)


class _Span:
    """The span of years and months that a requirement counts (work done, a certificate or title held)."""

    years: int
    months: int

    @property
    def total_months(self) -> int:
        """Return the required span in months."""
        return self.years * 12 + self.months


@dataclass(frozen=True)
class MinAge:
    """The applicant has reached this age in whole years."""

    kind: ClassVar[str] = "min_age"
    years: int

    def __post_init__(self) -> None:
        _check_int("years", self.years, 0, MAX_YEARS)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        return N_("Aged at least {years}", years=self.years)


@dataclass(frozen=True)
class MinWork(_Span):
    """Cumulative work in the occupation (or a related one), overlapping periods counted once."""

    kind: ClassVar[str] = "work"
    years: int
    months: int = 0
    scope: str = RELATED

    def __post_init__(self) -> None:
        _check_span(self)
        _check_choice("scope", self.scope, SCOPE_NAMES)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        return N_("Worked in {scope} for {span} in total", scope=SCOPE_NAMES[self.scope],
                  span=format_span(self.total_months))


@dataclass(frozen=True)
class MinCertificate(_Span):
    """Holds a certificate of this level or higher, issued at least the given span ago (0 = just hold)."""

    kind: ClassVar[str] = "certificate"
    level: int
    years: int = 0
    months: int = 0
    scope: str = RELATED

    def __post_init__(self) -> None:
        if not _is_int(self.level) or self.level not in LEVEL_DIGITS:
            raise RuleFormatError("level", f"must be a level digit 1 to 5, got {self.level!r}")
        _check_span(self)
        _check_choice("scope", self.scope, SCOPE_NAMES)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        what = N_("a certificate of {level} in {scope}", scope=SCOPE_NAMES[self.scope], level=level_or_above(self.level))
        if self.total_months == 0:
            return N_("Holds {what}", what=what)
        return N_("Has held {what} for {span}", what=what, span=format_span(self.total_months))


@dataclass(frozen=True)
class Apprenticed:
    """Has completed an apprenticeship (学徒期满) in the occupation or a related one."""

    kind: ClassVar[str] = "apprenticeship"
    scope: str = RELATED

    def __post_init__(self) -> None:
        _check_choice("scope", self.scope, SCOPE_NAMES)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        return N_("Completed an apprenticeship in {scope}", scope=SCOPE_NAMES[self.scope])


@dataclass(frozen=True)
class SchoolGraduate:
    """Has graduated, in the speciality or a related one, from a school of one of these types."""

    kind: ClassVar[str] = "school"
    types: tuple[str, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.types, (list, tuple)) or not self.types:
            raise RuleFormatError("types", f"must be a non-empty list of school types, got {self.types!r}")
        for index, school_type in enumerate(self.types):
            _check_choice(f"types[{index}]", school_type, SCHOOL_TYPES)
        if len(set(self.types)) != len(self.types):
            raise RuleFormatError("types", "must not repeat a school type")
        # Frozen, so a list handed in by Python code is swapped for a tuple to keep instances hashable.
        object.__setattr__(self, "types", tuple(self.types))

    @property
    def schools_text(self) -> Message:
        """Return the accepted school types, e.g. 'Senior technical school or Technician college'."""
        names = [SCHOOL_TYPES[school_type] for school_type in self.types]
        if len(names) == 1:
            return names[0]
        return N_("{first} or {last}", first=joined(names[:-1]), last=names[-1])

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        return N_("Holds a graduation certificate of a {schools} in the speciality or a related one",
                  schools=self.schools_text)


@dataclass(frozen=True)
class MinEducation:
    """Holds an education of at least this level in the speciality or a related one."""

    kind: ClassVar[str] = "education"
    level: str

    def __post_init__(self) -> None:
        _check_choice("level", self.level, EDUCATION_LEVELS)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        return N_("Holds an education of {level} or above in the speciality or a related one",
                  level=EDUCATION_LEVELS[self.level])


@dataclass(frozen=True)
class MinTitle(_Span):
    """Holds a professional title (职称) of at least this level in the speciality, for the given span."""

    kind: ClassVar[str] = "title"
    level: str
    years: int = 0
    months: int = 0

    def __post_init__(self) -> None:
        _check_choice("level", self.level, TITLE_LEVELS)
        _check_span(self)

    def describe(self) -> Message:
        """Return the requirement as a marked message."""
        what = N_("a professional title of {level} or above in the speciality or a related one",
                  level=TITLE_LEVELS[self.level])
        if self.total_months == 0:
            return N_("Has obtained {what}", what=what)
        return N_("Has held {what} for {span}", what=what, span=format_span(self.total_months))


Requirement = MinAge | MinWork | MinCertificate | Apprenticed | SchoolGraduate | MinEducation | MinTitle
REQUIREMENT_KINDS: dict[str, type[Requirement]] = {
    cls.kind: cls
    for cls in (MinAge, MinWork, MinCertificate, Apprenticed, SchoolGraduate, MinEducation, MinTitle)
}


@dataclass(frozen=True)
class Route:
    """One way to qualify for a level: every requirement must hold. An empty label is generated."""

    id: str
    requires: tuple[Requirement, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise RuleFormatError("id", f"must be a non-empty string, got {self.id!r}")
        if not isinstance(self.requires, (list, tuple)) or not self.requires:
            raise RuleFormatError("requires", "must be a non-empty list of requirements")
        for index, requirement in enumerate(self.requires):
            if not isinstance(requirement, tuple(REQUIREMENT_KINDS.values())):
                raise RuleFormatError(f"requires[{index}]", f"is not a requirement: {requirement!r}")
        if not isinstance(self.label, str):
            raise RuleFormatError("label", f"must be a string, got {self.label!r}")
        object.__setattr__(self, "requires", tuple(self.requires))
        if not self.label.strip():
            object.__setattr__(self, "label", self.default_label())

    def default_label(self) -> Message:
        """Return the description generated from the requirements (a marked message)."""
        label = self.requires[0].describe()
        for requirement in self.requires[1:]:
            label = N_("{first}, and {then}", first=label, then=requirement.describe())
        return label


def requirement_to_json(requirement: Requirement) -> dict[str, Any]:
    """Return the JSON-compatible dict of one requirement (months omitted when zero)."""
    data: dict[str, Any] = {"kind": requirement.kind}
    for field in fields(requirement):
        value = getattr(requirement, field.name)
        if field.name == "months" and value == 0:
            continue
        data[field.name] = list(value) if isinstance(value, tuple) else value
    return data


def requirement_from_json(data: object) -> Requirement:
    """Build one requirement from its JSON dict, naming the bad field on error."""
    if not isinstance(data, dict):
        raise RuleFormatError("", f"must be an object, got {data!r}")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in REQUIREMENT_KINDS:
        raise RuleFormatError("kind", f"must be one of {', '.join(REQUIREMENT_KINDS)}, got {kind!r}")
    cls = REQUIREMENT_KINDS[kind]
    known = {field.name for field in fields(cls)}
    for key in data:
        # An unknown key is most likely a typo ("yaers"); ignoring it would silently weaken the rule.
        if key != "kind" and key not in known:
            allowed = ", ".join(sorted(known))
            raise RuleFormatError(str(key), f"is not a field of kind {kind!r} (fields: {allowed})")
    missing = [field.name for field in fields(cls) if field.default is MISSING and field.name not in data]
    if missing:
        raise RuleFormatError(missing[0], f"is required for kind {kind!r}")
    values = {key: value for key, value in data.items() if key != "kind"}
    return cls(**values)


def route_to_json(route: Route) -> dict[str, Any]:
    """Return the JSON-compatible dict of one route."""
    data: dict[str, Any] = {"id": route.id}
    if route.label != route.default_label():
        data["label"] = route.label
    data["requires"] = [requirement_to_json(requirement) for requirement in route.requires]
    return data


def route_from_json(data: object) -> Route:
    """Build one route from its JSON dict, naming the bad field on error."""
    if not isinstance(data, dict):
        raise RuleFormatError("", f"must be an object, got {data!r}")
    unknown = sorted(str(key) for key in data if key not in {"id", "label", "requires"})
    if unknown:
        raise RuleFormatError(unknown[0], "is not a route field (fields: id, label, requires)")
    for key in ("id", "requires"):
        if key not in data:
            raise RuleFormatError(key, "is required")
    requires = data["requires"]
    if not isinstance(requires, list) or not requires:
        raise RuleFormatError("requires", f"must be a non-empty list, got {requires!r}")
    parsed = []
    for index, item in enumerate(requires):
        try:
            parsed.append(requirement_from_json(item))
        except RuleFormatError as error:
            raise error.within(f"requires[{index}]") from None
    return Route(id=data["id"], requires=tuple(parsed), label=data.get("label", ""))


def routes_to_json(routes: Sequence[Route]) -> list[dict[str, Any]]:
    """Return the JSON-compatible list for one level's routes."""
    return [route_to_json(route) for route in routes]


def routes_from_json(data: object, *, path: str = "routes") -> tuple[Route, ...]:
    """Build one level's routes from a JSON list; ids must be unique."""
    if not isinstance(data, list) or not data:
        raise RuleFormatError(path, f"must be a non-empty list of routes, got {data!r}")
    routes = []
    for index, item in enumerate(data):
        try:
            routes.append(route_from_json(item))
        except RuleFormatError as error:
            raise error.within(f"{path}[{index}]") from None
    _check_unique_ids(routes, path)
    return tuple(routes)


def rules_to_json(rules: Mapping[int, Sequence[Route]]) -> dict[str, list[dict[str, Any]]]:
    """Return the JSON-compatible dict of a standard's rules, keyed "5" … "1" from junior to senior."""
    return {str(level): routes_to_json(rules[level]) for level in LEVEL_DIGITS if level in rules}


def rules_from_json(data: object) -> dict[int, tuple[Route, ...]]:
    """Build a standard's rules from a JSON dict keyed by level digit; route ids unique across levels."""
    if not isinstance(data, dict) or not data:
        raise RuleFormatError("rules", f"must be a non-empty object keyed by level digit, got {data!r}")
    rules: dict[int, tuple[Route, ...]] = {}
    for key, routes in data.items():
        level = int(key) if isinstance(key, str) and key in {"1", "2", "3", "4", "5"} else key
        if not _is_int(level) or level not in LEVEL_DIGITS:
            raise RuleFormatError(f"rules.{key}", "key must be a level digit 1 to 5")
        if level in rules:
            raise RuleFormatError(f"rules.{key}", "level given twice")
        rules[level] = routes_from_json(routes, path=f"rules.{level}")
    _check_unique_ids([route for level in rules for route in rules[level]], "rules")
    return {level: rules[level] for level in LEVEL_DIGITS if level in rules}


def _check_unique_ids(routes: Sequence[Route], path: str) -> None:
    seen: set[str] = set()
    for route in routes:
        if route.id in seen:
            raise RuleFormatError(path, f"route id {route.id!r} is used twice")
        seen.add(route.id)
