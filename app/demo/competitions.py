"""Demo competition: the third Liaoning provincial skills competition with two events — 焊工, marked, final,
with promotions by result (竞赛晋级) and their certificates; 电工, under marking, one judge's sheet half done."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.certification.competition_sources import issue_for_event
from app.certification.issuing import IssuingContext
from app.certification.models import Certificate
from app.competitions.entries import enter_competitor
from app.competitions.events import create_competition, create_event
from app.competitions.judges import assign_judge, open_marking
from app.competitions.marking import CellInput, decide_flag, judge_sheet, open_flags, save_sheet, sign_off
from app.competitions.models import CompetitionEvent, Mark
from app.competitions.results import finalise_results, publish_results
from app.competitions.scheme import AspectRow, aspects_of, set_scheme
from app.demo.people import GIVEN, SURNAMES, demo_id_number
from app.people.levels import record_level_award
from app.people.services import register_person

NAME = "辽宁省第三届职业技能大赛（演示）"
WELDING = [
    AspectRow(2, "实操：板对接焊", "60", "A1", "焊缝宽度与余高", "measurement", "10", steps="0.5;1"),
    AspectRow(3, "实操：板对接焊", "60", "A2", "背面成形", "measurement", "10", steps="0.5;1"),
    AspectRow(4, "实操：板对接焊", "60", "A3", "焊缝外观", "judgement", "3", descriptors="0:有明显缺陷;1:基本合格;2:良好;3:优秀"),
    AspectRow(5, "实操：管焊", "30", "B1", "射线探伤等级", "measurement", "10", steps="1;2"),
    AspectRow(6, "实操：管焊", "30", "B2", "操作规范", "judgement", "3", descriptors="0:不规范;1:一般;2:规范;3:示范"),
    AspectRow(7, "安全文明生产", "10", "C1", "安全与现场整理", "judgement", "3", descriptors="0:违规;1:一般;2:良好;3:优秀"),
]
WIRING = [
    AspectRow(2, "实操：电气控制线路", "70", "A1", "功能实现", "measurement", "10", steps="1;2"),
    AspectRow(3, "实操：电气控制线路", "70", "A2", "布线工艺", "judgement", "3", descriptors="0:杂乱;1:合格;2:整齐;3:精细"),
    AspectRow(4, "故障排除", "30", "B1", "排除故障数", "measurement", "10", steps="2.5"),
    AspectRow(5, "故障排除", "30", "B2", "检修思路", "judgement", "3", descriptors="0:无思路;1:一般;2:清晰;3:严谨"),
]


def _competitors(session: Session, rng: random.Random, now: datetime, hrs: list[User], code: str, occupation: str,
                 grade: str, count: int) -> list:
    admin = session.scalar(select(User).where(User.username == "admin"))
    people = []
    while len(people) < count:
        birth = date(rng.randint(1985, 2000), rng.randint(1, 12), rng.randint(1, 28))
        hr = hrs[len(people) % len(hrs)]
        person = register_person(session, actor=hr, now=now, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                                 id_type="resident_id", id_number=demo_id_number(rng, birth, rng.random() < 0.2),
                                 birth_date=birth, employer_org_id=hr.organisation_id)
        record_level_award(session, actor=admin, now=now, person_id=person.id, occupation_code=code,
                           occupation_name=occupation, grade_key=grade, route="exam",
                           awarded_on=date(2022, rng.randint(1, 12), 1))
        people.append((person, hr))
    return people


def _event(session, *, admin, competition, now, name, code, band, rows, people, judges, chief):
    event = create_event(session, actor=admin, now=now, competition_id=competition.id, name=name, occupation_code=code,
                         band_low=band[0], band_high=band[1], track="worker", venue="沈阳市铁西区 辽宁技能竞赛基地",
                         spread_threshold="1", drop_extremes=False, tie_break="first_section", merit_places=6)
    set_scheme(session, actor=admin, now=now, event_id=event.id, rows=rows)
    for person, hr in people:
        enter_competitor(session, actor=hr, now=now, event_id=event.id, person_id=person.id)
    for judge in judges:
        assign_judge(session, actor=admin, now=now, event_id=event.id, user_id=judge.id)
    assign_judge(session, actor=admin, now=now, event_id=event.id, user_id=chief.id, role="chief")
    return event


def _mark(session, rng: random.Random, event: CompetitionEvent, judge: User, skill: dict[int, float], now, *,
          share: float = 1.0) -> None:
    aspects = {a.id: a for a in aspects_of(event)}
    cells = []
    for cell in judge_sheet(session, actor=judge, event_id=event.id):
        if rng.random() > share:
            continue
        aspect, level = aspects[cell.aspect_id], skill[cell.entry_id]
        if aspect.kind == "judgement":
            value = max(0, min(3, round(level * 3 + rng.choice((-0.4, 0, 0, 0.4)))))
        else:
            step = float(aspect.deduction_steps[0])
            value = max(0.0, float(aspect.max_mark) - step * round((1 - level) * 6 * rng.random()))
        cells.append(CellInput(cell.mark_id, str(value), cell.version))
    save_sheet(session, actor=judge, now=now, event_id=event.id, cells=cells)


def load_competitions(session: Session, *, now: datetime) -> dict[str, int]:
    """The demo competition and its two events, moved through the same services as the pages."""
    rng = random.Random(20260915)
    users = {u.username: u for u in session.scalars(select(User))}
    issuer = session.scalar(select(Organisation).where(Organisation.kind == "evaluation"))
    admin, hrs = users["admin"], [users["hr_sy"], users["hr_dl"], users["hr_as"]]
    judges, chief = [users["assessor1"], users["assessor2"], users["assessor3"]], users["assessor4"]
    start = now - timedelta(days=80)
    competition = create_competition(session, actor=admin, now=start, name=NAME, tier="provincial_1",
                                     starts_on=start.date() + timedelta(days=10),
                                     ends_on=start.date() + timedelta(days=13), notice_days=5, rule_set="tianjin",
                                     issuer_org_id=issuer.id)
    welders = _competitors(session, rng, start, hrs, "6-18-02-04", "焊工", "senior", 12)
    welding = _event(session, admin=admin, competition=competition, now=start, name="焊工（职工组）",
                     code="6-18-02-04", band=(3, 2), rows=WELDING, people=welders, judges=judges, chief=chief)
    electricians = _competitors(session, rng, start, hrs, "6-31-01-03", "电工", "intermediate", 8)
    wiring = _event(session, admin=admin, competition=competition, now=start, name="电工（职工组）",
                    code="6-31-01-03", band=(4, 3), rows=WIRING, people=electricians, judges=judges, chief=chief)
    marking = start + timedelta(days=10)
    for event, share in ((welding, 1.0), (wiring, 0.5)):
        open_marking(session, actor=admin, now=marking, event_id=event.id)
        entries = sorted({c.entry_id for c in judge_sheet(session, actor=judges[0], event_id=event.id)})
        skill = {entry_id: rng.uniform(0.45, 0.98) for entry_id in entries}
        for judge in judges if share == 1.0 else judges[:1]:
            _mark(session, rng, event, judge, skill, marking, share=share)
    _resolve_flags(session, welding, chief, marking)
    sign_off(session, actor=chief, now=marking + timedelta(days=2), event_id=welding.id)
    publish_results(session, actor=admin, now=marking + timedelta(days=5), event_id=welding.id)
    finalise_results(session, actor=admin, now=marking + timedelta(days=20), event_id=welding.id)
    return {"competition events": 2, "competitors": len(welders) + len(electricians)}


def _resolve_flags(session, event, chief, now) -> None:
    """The chief judge decides every spread flag of the finished event (majority mark, with a reason)."""
    for flag in open_flags(session, event_id=event.id):
        values = sorted(session.scalars(select(Mark.value).where(Mark.entry_id == flag.entry_id,
                                                                 Mark.aspect_id == flag.aspect_id)))
        decide_flag(session, actor=chief, now=now, flag_id=flag.id, value=str(values[len(values) // 2]),
                    reason="裁判长复核录像后取中间评分")


def issue_competition_certificates(session: Session, *, now: datetime, ctx: IssuingContext) -> list[Certificate]:
    """The promoted winners' certificates of the final demo events."""
    admin = session.scalar(select(User).where(User.username == "admin"))
    issued = []
    for event_id in session.scalars(select(CompetitionEvent.id).where(CompetitionEvent.status == "final")):
        issued += issue_for_event(session, actor=admin, now=now, event_id=event_id, ctx=ctx)
    return issued

