"""Demo seasonal labour: 朝阳县 with a spring peak, 200 workers and one solved, published schedule; two past
seasons for the forecast; a shared-employment agreement in Shenyang; three weekend engineers with visits.

Current rows go through the services; past seasons are written directly (the services refuse past days).
The schedule is solved with a short time limit so the demo loads quickly.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.organisations import create_organisation
from app.accounts.roles import OrgKind, Role
from app.accounts.users import create_user
from app.clock import local_date
from app.demo.people import GIVEN, SURNAMES, demo_id_number
from app.idnumbers import uscc_check_char
from app.labour.contracts import confirm_as_employer, confirm_as_worker
from app.labour.experts import (
    add_allowance_rule,
    assign_expert,
    confirm_visit,
    record_visit,
    register_expert,
    request_expert,
)
from app.labour.models import DemandSlot, LabourDemand
from app.labour.runs import begin_run, create_run, execute_run, publish_run
from app.labour.seasonal import (
    CurvePoint,
    DemandDetails,
    WorkerDetails,
    post_demand,
    record_cover,
    register_worker,
)
from app.labour.sharing import AgreementTerms, LentWorker, create_agreement, post_staffing
from app.people.access import add_access
from app.people.services import register_person

WORKERS = 200
COUNTY, CITY = "朝阳县", "2113"
TOWNSHIPS = ["大平房镇", "波罗赤镇", "羊山镇", "六家子镇", "根德营子乡", "胜利镇"]
# title, task, township, start offset (days after 1 April), days, peak headcount, certificate
DEMANDS = [
    ("大棚蔬菜育苗", "seedling", "大平房镇", 0, 20, 18, None),
    ("水稻插秧", "transplanting", "波罗赤镇", 18, 24, 40, None),
    ("果园无人机植保", "spraying", "羊山镇", 25, 14, 6, "4-99-00-00"),
    ("蔬菜分拣包装", "packing", "大平房镇", 30, 20, 15, None),
]
SOLVE_SECONDS = 2
SEASON_DAYS = 61


def _uscc(prefix: str, n: int) -> str:
    body = f"{prefix}{n:011d}"[:17]
    return body + uscc_check_char(body)


def _curve(start: date, days: int, peak: int) -> list[CurvePoint]:
    """A bell-shaped curve of headcounts, both halves of each day."""
    points = []
    for i in range(days):
        level = max(1, round(peak * (1 - abs(i - days / 2) / (days / 2 + 1))))
        points += [CurvePoint(start + timedelta(days=i), "am", level),
                   CurvePoint(start + timedelta(days=i), "pm", max(1, level - 2))]
    return points


def _spring(today: date) -> date:
    """1 April of the coming spring."""
    return date(today.year if today < date(today.year, 3, 1) else today.year + 1, 4, 1)


def load_labour(session: Session, *, now: datetime) -> dict[str, int]:
    """Create the labour demo; returns counts."""
    rng = random.Random(2027)
    today = local_date(now)
    admin = session.scalar(select(User).where(User.username == "admin"))
    farm = create_organisation(session, actor=None, now=now, kind=OrgKind.ENTERPRISE, name="朝阳县丰收果蔬专业合作社",
                               uscc=_uscc("932113", 1), city_code=CITY, address="辽宁省朝阳市朝阳县大平房镇")
    hr = create_user(session, actor=None, now=now, organisation_id=farm.id, username="hr_cy", display_name="马春生",
                     password="Jiangcai2026!", roles=[Role.ENTERPRISE_HR])
    spring = _spring(today)
    for title, task, township, offset, days, peak, certificate in DEMANDS:
        post_demand(session, actor=hr, now=now, details=DemandDetails(
            title=title, task=task, city_code=CITY, county=COUNTY, township=township, pay_kind="day",
            pay_rate="180" if task != "spraying" else "300", hours_per_half_day=4, required_certificate=certificate,
            curve=_curve(spring + timedelta(days=offset), days, peak)))
    _past_seasons(session, farm, spring, now)
    workers = _workers(session, rng, admin, now, spring)
    run = create_run(session, actor=admin, now=now, city_code=CITY, county=COUNTY, start_date=spring,
                     end_date=spring + timedelta(days=SEASON_DAYS - 1), time_limit_seconds=SOLVE_SECONDS)
    begin_run(session, run_id=run.id, now=now)
    if execute_run(session, run_id=run.id, now=now).status != "solved":  # a busy machine: once more, longer
        run = create_run(session, actor=admin, now=now, city_code=CITY, county=COUNTY, start_date=spring,
                         end_date=spring + timedelta(days=SEASON_DAYS - 1), time_limit_seconds=4 * SOLVE_SECONDS)
        begin_run(session, run_id=run.id, now=now)
        execute_run(session, run_id=run.id, now=now)
    contracts = publish_run(session, actor=admin, now=now, run_id=run.id)
    for contract in contracts[:5]:
        confirm_as_employer(session, actor=hr, now=now, contract_id=contract.id)
        confirm_as_worker(session, actor=admin, now=now, contract_id=contract.id, method="in_person")
    agreements = _shared(session, rng, admin, now, today)
    visits = _experts(session, rng, admin, hr, now, today)
    return {"seasonal workers": workers, "seasonal contracts": len(contracts), "shared agreements": agreements,
            "expert visits": visits}


def _past_seasons(session: Session, farm: Organisation, spring: date, now: datetime) -> None:
    """The same peaks one and two years back, a little smaller (recorded, closed)."""
    for back, scale in ((1, 0.8), (2, 0.7)):
        for title, task, township, offset, days, peak, _certificate in DEMANDS:
            start = spring.replace(year=spring.year - back) + timedelta(days=offset)
            session.add(LabourDemand(
                enterprise_id=farm.id, title=title, task=task, city_code=CITY, county=COUNTY, township=township,
                pay_kind="day", pay_rate=Decimal(160), hours_per_half_day=4, status="closed", created_at=now,
                slots=[DemandSlot(day=p.day, half=p.half, headcount=max(1, round(p.headcount * scale)))
                       for p in _curve(start, days, peak)]))
    session.flush()


def _person(session: Session, rng: random.Random, actor: User, now: datetime, seen: set[str], **kwargs):
    while True:
        female = rng.random() < 0.5
        birth = date(rng.randint(1965, 2000), rng.randint(1, 12), rng.randint(1, 28))
        number = demo_id_number(rng, birth, female)
        if number not in seen:
            seen.add(number)
            break
    return register_person(session, actor=actor, now=now, name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                           id_type="resident_id", id_number=number,
                           phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", **kwargs)


def _workers(session: Session, rng: random.Random, admin: User, now: datetime, spring: date) -> int:
    """200 slack-season workers of the county, most with cover (a few without: they are not scheduled)."""
    seen: set[str] = set()
    tasks = [t for _title, t, *_rest in DEMANDS]
    for i in range(WORKERS):
        person = _person(session, rng, admin, now, seen)
        home = rng.choice(TOWNSHIPS)
        can = sorted(set(rng.sample(tasks, rng.randint(1, 3))))
        if "spraying" in can and rng.random() < 0.6:
            can.remove("spraying")  # only certificate holders fly drones: few register for it
        can = can or ["packing"]
        start = spring + timedelta(days=rng.randint(0, 20))
        worker = register_worker(session, actor=admin, now=now, details=WorkerDetails(
            person_id=person.id, city_code=CITY, county=COUNTY, home_township=home,
            townships=rng.sample(TOWNSHIPS, rng.randint(1, 3)), tasks=can, preferred_tasks=can[:1],
            periods=[(start, start + timedelta(days=rng.randint(20, 45)))], channel="township" if i % 4 else "direct"))
        if i % 20 != 7:
            record_cover(session, actor=admin, now=now, worker_id=worker.id, kind="work_injury",
                         insurer="中国人民财产保险朝阳分公司", policy_number=f"PICC-CY-{spring.year}-{i + 1:04d}",
                         start_date=spring - timedelta(days=5), end_date=spring + timedelta(days=120))
    return WORKERS


def _shared(session: Session, rng: random.Random, admin: User, now: datetime, today: date) -> int:
    """Shenyang: a machine-tool maker lends two fitters to a parts maker at cost; surplus and shortage posts."""
    lender = session.scalar(select(Organisation).where(Organisation.name == "沈阳北方数控机床有限公司"))
    borrower = create_organisation(session, actor=None, now=now, kind=OrgKind.ENTERPRISE,
                                   name="沈阳盛京汽车零部件有限公司", uscc=_uscc("912101", 77), city_code="2101",
                                   address="辽宁省沈阳市铁西区")
    borrower_hr = create_user(session, actor=None, now=now, organisation_id=borrower.id, username="hr_sj",
                              display_name="宋佳", password="Jiangcai2026!", roles=[Role.ENTERPRISE_HR])
    seen: set[str] = set()
    lent = [_person(session, rng, admin, now, seen, employer_org_id=lender.id) for _ in range(2)]
    for person in lent:  # their employer sees them
        add_access(session, person_id=person.id, organisation_id=lender.id, reason="employer", now=now)
    start = today + timedelta(days=7)
    create_agreement(session, actor=admin, now=now, terms=AgreementTerms(
        lender_id=lender.id, borrower_id=borrower.id, start_date=start, end_date=start + timedelta(days=59),
        weekly_hours_cap=40, safety_duties="岗前安全培训；提供劳动防护用品；不安排夜班和高危作业；每周工时不超过40小时。",
        charge="31200.00",
        workers=[LentWorker(p.id, "6500", "1300", today, "in_person") for p in lent]))
    lender_hr = session.scalar(select(User).where(User.username == "hr_sy"))
    post_staffing(session, actor=lender_hr, now=now, kind="surplus", headcount=6, city_code="2101",
                  start_date=start, end_date=start + timedelta(days=90), occupation_code="6-31-01-03",
                  skills=["设备维修", "电工"])
    post_staffing(session, actor=borrower_hr, now=now, kind="shortage", headcount=4, city_code="2101",
                  start_date=start + timedelta(days=10), end_date=start + timedelta(days=70),
                  occupation_code="6-31-01-03", skills=["电工"])
    return 1


EXPERTS = [  # occupation, level, titles, home city, cities served
    ("6-31-01-03", 1, "高级技师、沈阳市劳动模范", "2101", ["2113", "2114", "2112"]),
    ("6-18-02-04", 2, "技师、辽宁省技术能手", "2102", ["2113", "2103"]),
    ("6-30-99-00", 1, "高级工程师", "2101", ["2113", "2109"]),
]
VISITS = [("冷库制冷机组频繁跳闸，影响果蔬保鲜", "更换接触器并调整过载保护整定值，故障排除", True),
          ("分拣线焊接支架开裂", "现场补焊并指导员工规范焊接工艺", True),
          ("包装机器人定位偏差", "重新标定视觉系统，提出备件清单", False)]


def _experts(session: Session, rng: random.Random, admin: User, hr: User, now: datetime, today: date) -> int:
    """Three weekend engineers, each with a confirmed visit to the 朝阳 co-operative."""
    add_allowance_rule(session, actor=admin, now=now, name="周末工程师服务补贴（演示）", max_level_digit=3,
                       per_hour="120", per_visit="200", solved_bonus="300", valid_from=date(today.year - 1, 1, 1))
    seen: set[str] = set()
    for (code, level, titles, home, cities), (problem, outcome, solved) in zip(EXPERTS, VISITS, strict=True):
        person = _person(session, rng, admin, now, seen)
        expert = register_expert(session, actor=admin, now=now, person_id=person.id, occupation_code=code,
                                 level_digit=level, home_city_code=home, cities=cities, availability="周六、周日",
                                 titles=titles)
        row = request_expert(session, actor=hr, now=now, problem=problem, city_code="2113")
        assign_expert(session, actor=admin, now=now, request_id=row.id, expert_id=expert.id)
        visit = record_visit(session, actor=admin, now=now, request_id=row.id,
                             visited_on=today - timedelta(days=rng.randint(3, 20)), hours=Decimal(6), outcome=outcome,
                             solved=solved)
        confirm_visit(session, actor=hr, now=now, visit_id=visit.id)
    return len(EXPERTS)
