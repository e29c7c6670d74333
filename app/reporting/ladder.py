"""The eight-grade ladder report: who stands at each grade, new awards per quarter, progress against targets.

A person's grade in an occupation is the highest grade awarded to them in it; the ladder by enterprise uses
the employer on record, by city the employer's city (else the registering organisation's).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.ladder import GRADE_KEYS, GRADES
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.people.models import LevelAward, Person
from app.regions import LIAONING_CITIES, city_name
from app.reporting.models import LadderTarget
from app.reporting.periods import quarter_of
from app.translation import N_

DIMENSIONS = ("occupation", "enterprise", "city")
RANK = case({g.key: g.rank for g in GRADES}, value=LevelAward.grade_key, else_=0)


@dataclass(frozen=True)
class LadderRow:
    """One row of the ladder: a key (occupation, enterprise or city) and how many people stand at each grade."""

    key: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """People in the row."""
        return sum(self.counts.values())


def _enterprise_scope(actor: User) -> int | None:
    if actor.has_role(Role.ADMIN):
        return None
    if actor.has_role(Role.ENTERPRISE_HR):
        return actor.organisation_id
    raise NotAllowed(N_("Only HR & social security administrators and enterprises may see the skill ladder."))


def ladder(session: Session, *, actor: User, by: str, as_of: date) -> list[LadderRow]:
    """People at each grade grouped by occupation, enterprise or city (an enterprise sees its own staff)."""
    if by not in DIMENSIONS:
        raise ValidationFailed(N_("Unknown grouping: {by}.", by=by), field="by")
    enterprise_id = _enterprise_scope(actor)
    best = (select(LevelAward.person_id, LevelAward.occupation_code, func.max(LevelAward.occupation_name).label("name"),
                   func.max(RANK).label("rank"))
            .where(LevelAward.awarded_on <= as_of).group_by(LevelAward.person_id, LevelAward.occupation_code)
            .subquery())
    employer, registrar = aliased(Organisation), aliased(Organisation)
    key = {"occupation": best.c.occupation_code, "enterprise": func.coalesce(employer.name, ""),
           "city": func.coalesce(employer.city_code, registrar.city_code, "")}[by]
    label = best.c.name if by == "occupation" else key
    stmt = (select(key, func.max(label), best.c.rank, func.count()).select_from(best)
            .join(Person, Person.id == best.c.person_id)
            .outerjoin(employer, employer.id == Person.employer_org_id)
            .outerjoin(registrar, registrar.id == Person.registered_by_org_id)
            .group_by(key, best.c.rank))
    if enterprise_id is not None:
        stmt = stmt.where(Person.employer_org_id == enterprise_id)
    rows: dict[str, LadderRow] = {}
    by_rank = {g.rank: g.key for g in GRADES}
    for row_key, row_label, rank, count in session.execute(stmt):
        if by == "city":
            row_label = city_name(row_key) if row_key in LIAONING_CITIES else N_("Unknown city")
        elif by == "enterprise" and not row_key:
            row_label = N_("No registered employer")
        entry = rows.setdefault(row_key, LadderRow(row_key, row_label, dict.fromkeys(GRADE_KEYS, 0)))
        if rank in by_rank:
            entry.counts[by_rank[rank]] += int(count)
    return sorted(rows.values(), key=lambda r: (-r.total, r.label))


def movement(session: Session, *, actor: User, quarters: list[str]) -> dict[str, dict[str, int]]:
    """New awards per quarter and grade: {quarter: {grade_key: count}} for the quarters asked."""
    enterprise_id = _enterprise_scope(actor)
    stmt = (select(LevelAward.awarded_on, LevelAward.grade_key, func.count()).group_by(LevelAward.awarded_on,
                                                                                     LevelAward.grade_key))
    if enterprise_id is not None:
        stmt = stmt.join(Person, Person.id == LevelAward.person_id).where(Person.employer_org_id == enterprise_id)
    table = {q: dict.fromkeys(GRADE_KEYS, 0) for q in quarters}
    for awarded_on, grade_key, count in session.execute(stmt):
        quarter = quarter_of(awarded_on)
        if quarter in table and grade_key in table[quarter]:
            table[quarter][grade_key] += int(count)
    return table


@dataclass(frozen=True)
class TargetProgress:
    """A target and how far the year has come."""

    target: LadderTarget
    achieved: int

    @property
    def share(self) -> float:
        """Achieved as a share of the target."""
        return self.achieved / self.target.target if self.target.target else 0.0


def target_progress(session: Session, *, year: int) -> list[TargetProgress]:
    """Each target of the year with the new awards at its grades (in its city, when it has one)."""
    found = []
    for target in session.scalars(select(LadderTarget).where(LadderTarget.year == year).order_by(LadderTarget.id)):
        stmt = select(func.count(LevelAward.id)).where(
            LevelAward.grade_key.in_(target.grade_keys), LevelAward.awarded_on >= date(year, 1, 1),
            LevelAward.awarded_on < date(year + 1, 1, 1))
        if target.city_code:
            registrar = aliased(Organisation)
            stmt = (stmt.join(Person, Person.id == LevelAward.person_id)
                    .join(registrar, registrar.id == Person.registered_by_org_id)
                    .where(registrar.city_code == target.city_code))
        found.append(TargetProgress(target, int(session.scalar(stmt) or 0)))
    return found


def save_target(session: Session, *, actor: User, now: datetime, year: int, name: str, grade_keys: list[str],
                target: int, city_code: str | None = None, target_id: int | None = None) -> LadderTarget:
    """Create or change a yearly target (人社 administrators only)."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may set targets."))
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Enter the target's name."), field="name")
    if not 2000 <= year <= 2100:
        raise ValidationFailed(N_("The year should be between 2000 and 2100."), field="year")
    unknown = [k for k in grade_keys if k not in GRADE_KEYS]
    if not grade_keys or unknown:
        raise ValidationFailed(N_("Choose at least one grade."), field="grade_keys")
    if target <= 0:
        raise ValidationFailed(N_("The target number should be more than 0."), field="target")
    if city_code and city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("The city should be a prefecture-level city of Liaoning."), field="city_code")
    clash = session.scalar(select(LadderTarget).where(LadderTarget.year == year, LadderTarget.name == name))
    if target_id is None:
        if clash is not None:
            raise ValidationFailed(N_("{year} already has a target named “{name}”.", year=year, name=name), field="name")
        row = LadderTarget(year=year, name=name, grade_keys=list(grade_keys), target=target,
                           city_code=city_code or None, created_at=now, updated_at=now)
        session.add(row)
        old = None
    else:
        row = session.get(LadderTarget, target_id)
        if row is None:
            raise NotFound(N_("The target does not exist."))
        if clash is not None and clash.id != row.id:
            raise ValidationFailed(N_("{year} already has a target named “{name}”.", year=year, name=name), field="name")
        old = {"year": row.year, "name": row.name, "grades": row.grade_keys, "target": row.target}
        row.year, row.name, row.grade_keys, row.target = year, name, list(grade_keys), target
        row.city_code, row.updated_at = city_code or None, now
    session.flush()
    record_event(session, actor=actor, now=now, action="ladder_target.save", object_type="ladder_target",
                 object_id=row.id, old=old, new={"year": year, "name": name, "grades": list(grade_keys),
                                                "target": target, "city": city_code})
    return row


def grades_by_quarter(movement_table: dict[str, dict[str, int]]) -> list[tuple[str, dict[str, int]]]:
    """The movement table as ordered rows."""
    return sorted(movement_table.items())


def counts_total(rows: list[LadderRow]) -> dict[str, int]:
    """Column totals of a ladder table."""
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        for key, value in row.counts.items():
            totals[key] += value
    return {k: totals[k] for k in GRADE_KEYS}
