"""Marking schemes as data: sections with weights, aspects that are measurements (max mark less allowed
deduction steps) or judgements (score levels, each with a descriptor). A scheme is replaced whole while the
event is in preparation and is locked once marking opens."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.competitions.events import event_for_organiser, require_preparing
from app.competitions.models import CompetitionEvent, SchemeAspect, SchemeLevel, SchemeSection
from app.errors import ValidationFailed
from app.translation import CLAUSE_SEPARATOR, N_, Message, joined

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
KIND_WORDS = {"measurement": "measurement", "测量": "measurement", "m": "measurement",
              "judgement": "judgement", "judgment": "judgement", "评价": "judgement", "j": "judgement"}


@dataclass(frozen=True)
class AspectRow:
    """One row of a scheme as typed or imported: the section it belongs to and the aspect."""

    row: int
    section: str
    weight: str
    code: str
    name: str
    kind: str
    max_mark: str
    steps: str = ""  # measurement: "0.5;1"
    descriptors: str = ""  # judgement: "0:not done;1:…;2:…;3:…"


@dataclass
class _Section:
    name: str
    weight: Decimal
    aspects: list[dict] = field(default_factory=list)


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _parse_steps(text: str) -> list[Decimal] | None:
    steps = [_number(part) for part in str(text or "").replace("；", ";").replace(",", ";").split(";") if part.strip()]
    if not steps or any(s is None or s <= 0 or s != s.quantize(CENT) for s in steps):
        return None
    return steps


def _parse_descriptors(text: str) -> list[dict] | None:
    levels = []
    for part in str(text or "").replace("；", ";").split(";"):
        if not part.strip():
            continue
        score, sep, words = part.replace("：", ":").partition(":")
        value = _number(score)
        if not sep or value is None or value < 0 or not words.strip():
            return None
        levels.append({"score": str(value.quantize(CENT)), "text": words.strip()[:300]})
    if len(levels) < 2 or len({lv["score"] for lv in levels}) != len(levels):
        return None
    return sorted(levels, key=lambda lv: Decimal(lv["score"]))


def _row_problems(row: AspectRow) -> tuple[list[Message], dict | None]:
    problems: list[Message] = []
    kind = KIND_WORDS.get(str(row.kind).strip().lower())
    maximum = _number(row.max_mark)
    if not row.section.strip():
        problems.append(N_("the section is empty"))
    if not row.code.strip() or len(row.code.strip()) > 20:
        problems.append(N_("the aspect code is empty or longer than 20 characters"))
    if not row.name.strip():
        problems.append(N_("the aspect is not described"))
    if kind is None:
        problems.append(N_('the kind "{kind}" is neither measurement nor judgement', kind=row.kind))
    if maximum is None or maximum <= 0 or maximum > 100 or maximum != maximum.quantize(CENT):
        problems.append(N_('the maximum mark "{value}" is not a number from 0.01 to 100', value=row.max_mark))
    aspect = None
    if kind == "measurement":
        steps = _parse_steps(row.steps)
        if steps is None:
            problems.append(N_("a measurement needs its allowed deduction steps, e.g. 0.5;1"))
        elif maximum is not None and any(s > maximum for s in steps):
            problems.append(N_("a deduction step is larger than the maximum mark"))
        else:
            aspect = {"deduction_steps": [str(s) for s in steps], "descriptors": []}
    elif kind == "judgement":
        levels = _parse_descriptors(row.descriptors)
        if levels is None:
            problems.append(N_("a judgement needs at least two score levels, each with a descriptor, e.g. "
                               "0:not done;1:acceptable;2:good;3:excellent"))
        elif maximum is not None and Decimal(levels[-1]["score"]) != maximum:
            problems.append(N_("the highest score level should equal the maximum mark"))
        else:
            aspect = {"deduction_steps": [], "descriptors": levels}
    if problems or aspect is None:
        return problems, None
    aspect.update(code=row.code.strip(), name=row.name.strip()[:200], kind=kind, max_mark=maximum)
    return problems, aspect


def parse_scheme(rows: list[AspectRow]) -> list[_Section]:
    """Sections with their aspects from rows; every bad row is reported at once and nothing is kept."""
    sections: dict[str, _Section] = {}
    problems: list[Message] = []
    codes: set[str] = set()
    for row in rows:
        row_problems, aspect = _row_problems(row)
        name = row.section.strip()[:100]
        weight = _number(row.weight)
        if name and name not in sections:
            if weight is None or weight <= 0 or weight > HUNDRED:
                row_problems.append(N_('the section weight "{value}" is not a percentage above 0', value=row.weight))
            else:
                sections[name] = _Section(name, weight.quantize(CENT))
        elif name and weight is not None and weight != sections[name].weight:
            row_problems.append(N_("section {section} already has the weight {weight}", section=name,
                                   weight=sections[name].weight))
        if aspect is not None and aspect["code"] in codes:
            row_problems.append(N_("the aspect code {code} is used twice", code=aspect["code"]))
        if row_problems:
            problems.append(N_("Row {row}: {problems}", row=row.row, problems=joined(row_problems)))
        elif aspect is not None:
            codes.add(aspect["code"])
            sections[name].aspects.append(aspect)
    if not rows:
        problems.append(N_("The scheme has no aspects."))
    total = sum((s.weight for s in sections.values()), Decimal(0))
    if not problems and total != HUNDRED:
        problems.append(N_("The section weights add up to {total}, not 100.", total=total))
    if problems:
        raise ValidationFailed(N_("The marking scheme was not saved: {problems}",
                                  problems=joined(problems, CLAUSE_SEPARATOR)), field="scheme")
    return list(sections.values())


def set_scheme(session: Session, *, actor: User, now: datetime, event_id: int, rows: list[AspectRow]) -> CompetitionEvent:
    """Replace the event's whole marking scheme (only while in preparation)."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    require_preparing(event, field="scheme")
    sections = parse_scheme(rows)
    old = scheme_summary(event)
    event.sections.clear()
    session.flush()
    for s_pos, parsed in enumerate(sections, start=1):
        section = SchemeSection(position=s_pos, name=parsed.name, weight=parsed.weight)
        for a_pos, item in enumerate(parsed.aspects, start=1):
            levels = [SchemeLevel(score=Decimal(lv["score"]), descriptor=lv["text"]) for lv in item.pop("descriptors")]
            section.aspects.append(SchemeAspect(position=a_pos, levels=levels, **item))
        event.sections.append(section)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.scheme", object_type="competition_event",
                 object_id=event.id, old=old, new=scheme_summary(event))
    return event


def scheme_summary(event: CompetitionEvent) -> dict:
    """Counts of the scheme for the audit log."""
    return {"sections": len(event.sections), "aspects": sum(len(s.aspects) for s in event.sections)}


def aspects_of(event: CompetitionEvent) -> list[SchemeAspect]:
    """The scheme's aspects in order."""
    return [a for s in event.sections for a in s.aspects]


def scheme_rows(event: CompetitionEvent) -> list[AspectRow]:
    """The scheme as rows (for export and for editing it again)."""
    rows = []
    for section in event.sections:
        for aspect in section.aspects:
            rows.append(AspectRow(
                row=len(rows) + 2, section=section.name, weight=str(section.weight), code=aspect.code,
                name=aspect.name, kind=aspect.kind, max_mark=str(aspect.max_mark),
                steps=";".join(aspect.deduction_steps),
                descriptors=";".join(f"{lv['score']}:{lv['text']}" for lv in aspect.descriptors)))
    return rows


def scheme_problems(event: CompetitionEvent) -> list[Message]:
    """Why the scheme is not ready for marking (empty when it is)."""
    if not aspects_of(event):
        return [N_("the marking scheme has no aspects")]
    total = sum((s.weight for s in event.sections), Decimal(0))
    if total != HUNDRED:
        return [N_("the section weights add up to {total}, not 100", total=total)]
    return []


def _deductions_reachable(deduction: Decimal, steps: list[Decimal]) -> bool:
    """Whether a deduction is a sum of allowed steps (each usable any number of times)."""
    return _reachable(int(deduction / CENT), tuple(sorted({int(s / CENT) for s in steps})))


@lru_cache(maxsize=4096)
def _reachable(target: int, units: tuple[int, ...]) -> bool:
    reachable = [False] * (target + 1)
    reachable[0] = True
    for amount in range(1, target + 1):
        reachable[amount] = any(u <= amount and reachable[amount - u] for u in units)
    return reachable[target]


def check_mark(aspect: SchemeAspect, value: Decimal, *, field: str = "value") -> Decimal:
    """A mark allowed by the aspect: a judgement score level, or the maximum less allowed deduction steps."""
    if value < 0 or value > aspect.max_mark or value != value.quantize(CENT):
        raise ValidationFailed(N_("{aspect}: the mark {value} is not between 0 and {max}.", aspect=aspect.code,
                                  value=value, max=aspect.max_mark), field=field)
    if aspect.kind == "judgement":
        if str(value.quantize(CENT)) not in {lv["score"] for lv in aspect.descriptors}:
            raise ValidationFailed(N_("{aspect}: {value} is not one of the score levels ({levels}).",
                                      aspect=aspect.code, value=value,
                                      levels=joined(lv["score"] for lv in aspect.descriptors)), field=field)
    elif value != aspect.max_mark and not _deductions_reachable(
            aspect.max_mark - value, [Decimal(s) for s in aspect.deduction_steps]):
        raise ValidationFailed(N_("{aspect}: {value} is not the maximum {max} less allowed deductions ({steps}).",
                                  aspect=aspect.code, value=value, max=aspect.max_mark,
                                  steps=joined(aspect.deduction_steps)), field=field)
    return value.quantize(CENT)

