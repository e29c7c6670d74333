"""Factories for competition tests: an organiser, an appointed issuer, two enterprises with competitors at
高级工, judges (one of them working for an entering enterprise), a scheme, and events in each state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.catalog.seed import seed_catalog
from app.competitions.entries import enter_competitor
from app.competitions.events import create_competition, create_event
from app.competitions.judges import assign_judge, open_marking
from app.competitions.marking import CellInput, judge_sheet, save_sheet, sign_off
from app.competitions.models import CompetitionEvent, Mark
from app.competitions.scheme import AspectRow, set_scheme
from app.database import Base
from app.people.levels import record_level_award
from tests.factories import NOW, make_evaluation_org, make_org, make_user
from tests.people.factories import make_person, resident_id

WELDER = "6-18-02-04"
STARTS = date(2026, 12, 1)


def later(days: int) -> datetime:
    """NOW plus some days."""
    return NOW + timedelta(days=days)


SCHEME = [
    AspectRow(2, "实操", "70", "A1", "焊缝尺寸", "measurement", "10", steps="0.5;1"),
    AspectRow(3, "实操", "70", "A2", "焊缝外观", "judgement", "3",
              descriptors="0:未完成;1:基本合格;2:良好;3:优秀"),
    AspectRow(4, "安全文明", "30", "B1", "安全文明生产", "judgement", "3",
              descriptors="0:违规;1:一般;2:规范;3:示范"),
]


@dataclass
class World:
    """Everyone a competition needs."""

    admin: User
    issuer: object
    enterprise: object
    other_enterprise: object
    hr: User
    other_hr: User
    judges: list[User] = field(default_factory=list)
    chief: User | None = None
    conflicted: User | None = None  # enterprise HR of the entering enterprise, wanting to judge
    people: list = field(default_factory=list)


def make_world(session, *, competitors: int = 4) -> World:
    """Seeded catalogue, organiser, appointed issuer, two enterprises, four judges and a chief, competitors."""
    seed_catalog(session, now=NOW)
    admin = make_user(session, "admin")
    issuer = make_evaluation_org(session, site_code="210009", scopes=[(WELDER, d) for d in (3, 2, 1)])
    enterprise = make_org(session, "enterprise", name="沈阳重型机械有限公司")
    other = make_org(session, "enterprise", name="大连船舶重工有限公司")
    world = World(admin=admin, issuer=issuer, enterprise=enterprise, other_enterprise=other,
                  hr=make_user(session, "enterprise_hr", org=enterprise),
                  other_hr=make_user(session, "enterprise_hr", org=other))
    names = ["孙志刚", "周丽娜", "吴德明", "郑春生"]
    for name in names:
        user = make_user(session, "assessor", org=issuer)
        user.display_name = name
        world.judges.append(user)
    world.chief = make_user(session, "assessor", org=issuer)
    world.chief.display_name = "冯海涛"
    world.conflicted = make_user(session, "enterprise_hr", org=enterprise)
    world.conflicted.display_name = "韩雪松"
    for index in range(competitors):
        hr, org = (world.hr, enterprise) if index % 2 == 0 else (world.other_hr, other)
        world.people.append(competitor(session, world, hr, org, name=["王伟", "李娜", "张强", "刘洋", "陈静",
                                                                       "杨帆"][index % 6]))
    session.flush()
    return world


def competitor(session, world: World, hr: User, org, *, name: str, grade: str = "senior",
               born: date = date(1995, 5, 1)):
    """A worker of the enterprise holding a welding grade (高级工 by default)."""
    person = make_person(session, hr, name=name, id_number=resident_id(born), birth_date=born,
                         employer_org_id=org.id)
    if grade:
        record_level_award(session, actor=world.admin, now=NOW, person_id=person.id, occupation_code=WELDER,
                           occupation_name="焊工", grade_key=grade, route="exam", awarded_on=date(2023, 6, 1))
    return person


def make_event(session, world: World, *, tier: str = "provincial_1", rule_set: str = "tianjin", **kwargs):
    """A competition with one event (高级工–技师 band, workers' track) and its scheme."""
    competition = create_competition(session, actor=world.admin, now=NOW, name="辽宁省第三届职业技能大赛",
                                     tier=tier, starts_on=STARTS, ends_on=STARTS + timedelta(days=3),
                                     notice_days=5, rule_set=rule_set, issuer_org_id=world.issuer.id)
    options = {"band_low": 3, "band_high": 2, "track": "worker", "spread_threshold": "1", "merit_places": 4}
    options.update(kwargs)
    event = create_event(session, actor=world.admin, now=NOW, competition_id=competition.id, name="焊工",
                         occupation_code=WELDER, venue="沈阳市铁西区", **options)
    set_scheme(session, actor=world.admin, now=NOW, event_id=event.id, rows=SCHEME)
    return event


def entered_event(session, world: World, **kwargs) -> CompetitionEvent:
    """An event with every competitor entered by their employer, three judges and a chief judge."""
    event = make_event(session, world, **kwargs)
    for index, person in enumerate(world.people):
        enter_competitor(session, actor=world.hr if index % 2 == 0 else world.other_hr, now=NOW, event_id=event.id,
                         person_id=person.id)
    for judge in world.judges[:3]:
        assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=judge.id)
    assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.chief.id, role="chief")
    return event


def marking_event(session, world: World, **kwargs) -> CompetitionEvent:
    """An entered event with marking open."""
    event = entered_event(session, world, **kwargs)
    open_marking(session, actor=world.admin, now=later(8), event_id=event.id)
    return event


def mark_all(session, event: CompetitionEvent, judge: User, value_of, *, now: datetime | None = None,
             reason: str | None = None) -> int:
    """Save a judge's whole sheet; value_of(cell, aspect_code) gives the text typed."""
    codes = {a.id: a.code for s in event.sections for a in s.aspects}
    cells = [CellInput(c.mark_id, value_of(c, codes[c.aspect_id]), c.version)
             for c in judge_sheet(session, actor=judge, event_id=event.id)]
    return save_sheet(session, actor=judge, now=now or later(8), event_id=event.id, cells=cells, reason=reason)


def ranked_values(rank_of: dict[int, int]):
    """Marks giving competitors (by entry id order index) a clear order: index 0 best."""
    def value(cell, code):
        index = rank_of[cell.entry_id]
        if code == "A1":
            return str(10 - index)
        return str(max(0, 3 - index))
    return value


def fully_marked(session, world: World, **kwargs) -> CompetitionEvent:
    """Every judge has marked every cell, competitors ranked in the order they were entered."""
    event = marking_event(session, world, **kwargs)
    entry_ids = sorted({m.entry_id for m in session.scalars(select(Mark).where(Mark.event_id == event.id))})
    order = {entry_id: index for index, entry_id in enumerate(entry_ids)}
    for judge in world.judges[:3]:
        mark_all(session, event, judge, ranked_values(order))
    return event


def signed_off(session, world: World, **kwargs) -> CompetitionEvent:
    """A fully marked event signed off by its chief judge."""
    event = fully_marked(session, world, **kwargs)
    sign_off(session, actor=world.chief, now=later(9), event_id=event.id)
    return event


def snapshot(session) -> dict[str, list]:
    """Every row of the competition, level award, certificate and audit tables."""
    tables = [t for t in Base.metadata.sorted_tables
              if t.name.startswith(("competition", "level_awards", "certificates", "audit_events"))]
    return {t.name: sorted(map(tuple, session.execute(select(t)).all()), key=repr) for t in tables}


AFTER_NOTICE = datetime(2027, 1, 10, 2, 0, tzinfo=UTC)
