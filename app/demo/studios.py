"""Demo studios and bases: a national master studio in Shenyang, a provincial master station in Anshan and a
high-skill training base in Dalian, approved in spring 2025, with a year of records and the completed 2025
annual assessment (plus records of 2026 so far).

The application, approval and listing run through the services at their historical dates; the masters' and
apprentices' earlier level awards are history and are written directly, as the other demo modules do.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.demo.apprenticeships import _storage_dir, demo_pdf
from app.demo.people import GIVEN, SURNAMES, demo_id_number
from app.idnumbers import RESIDENT, format_certificate_number
from app.people.models import LevelAward, Person
from app.people.records import add_held_certificate
from app.people.services import register_person
from app.studios.appraisal import close_round, grade_assessment, open_round, score_panel
from app.studios.ledger import record_grant, record_spending
from app.studios.records import add_apprenticeship, host_event, link_teaching, record_activity
from app.studios.registry import (
    StudioDetails,
    add_material,
    add_member,
    approve_application,
    confirm_listing,
    create_application,
    submit_application,
)
from app.studios.vocabulary import REQUIRED_MATERIALS
from app.training.models import ClassSession, TrainingClass, TrainingProject

# key, host login, kind, tier, name, occupations, leader (name, grade, code, occupation), apprentices, grant
STUDIOS = [
    ("sy", "hr_sy", "studio", "national", "王建国国家级技能大师工作室", "电工、工业机器人系统操作员",
     ("王建国", "principal_technician", "6-31-01-03", "电工"), 11, ("national", "500000")),
    ("as", "hr_as", "studio", "provincial", "鞍山恒钢刘振东技能大师工作站", "焊工",
     ("刘振东", "senior_technician", "6-18-02-04", "焊工"), 7, ("provincial", "100000")),
    ("dl", "inst_dl", "base", "national", "大连滨海高技能人才培训基地", "焊工、汽车维修工、电工", None, 10,
     ("national", "2000000")),
]
PANEL = {"sy": {"plan_and_rules": "9", "influence": "9"}, "as": {"plan_and_rules": "8", "influence": "7"},
         "dl": {"plan_and_rules": "9", "influence": "8"}}
GRADE_DIGITS = {"senior_technician": 1, "technician": 2, "senior": 3, "intermediate": 4}


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


def _person(session: Session, rng: random.Random, actor: User, now: datetime, name: str | None = None,
            born: tuple[int, int] = (1990, 2003)) -> Person:
    birth = date(rng.randint(*born), rng.randint(1, 12), rng.randint(1, 28))
    return register_person(session, actor=actor, now=now, name=name or rng.choice(SURNAMES) + rng.choice(GIVEN),
                           id_type=RESIDENT, id_number=demo_id_number(rng, birth, rng.random() < 0.3),
                           phone=f"13{rng.randrange(10**9):09d}")


def _award(session: Session, person: Person, grade: str, code: str, occupation: str, on: date, now: datetime,
           route: str = "exam") -> None:
    session.add(LevelAward(person_id=person.id, occupation_code=code, occupation_name=occupation, grade_key=grade,
                           level_digit=GRADE_DIGITS.get(grade), route=route, awarded_on=on, created_at=now))
    session.flush()


def _apply(session: Session, users: dict, spec, storage: Path, rng: random.Random, now: datetime):
    key, login, kind, tier, name, occupations, leader_spec, _count, _grant = spec
    hr, admin = users[login], users["admin"]
    leader = None
    if leader_spec:
        leader_name, grade, code, occupation = leader_spec
        leader = _person(session, rng, hr, now, leader_name, born=(1968, 1978))
        _award(session, leader, grade, code, occupation, date(2018, 6, 1), now,
               route="enterprise_appointment" if GRADE_DIGITS.get(grade) is None else "exam")
    details = StudioDetails(kind=kind, name=name, tier=tier, occupations=occupations,
                            leader_id=leader.id if leader else None, premises="实训车间 600 平方米，理论教室 2 间",
                            equipment="数控实训设备 12 台（套）", floor_area_band="3000_10000" if kind == "base" else None,
                            trade_count_band="6_10" if kind == "base" else None)
    applied = _at(date(2025, 3, 3))
    studio = create_application(session, actor=hr, now=applied, details=details)
    for material in REQUIRED_MATERIALS[kind]:
        add_material(session, actor=hr, now=applied, studio_id=studio.id, kind=material,
                     data=demo_pdf(f"Jiangcai demo studio {key} {material}"), filename=f"{material}.pdf",
                     storage_dir=storage)
    submit_application(session, actor=hr, now=applied, studio_id=studio.id)
    approve_application(session, actor=admin, now=_at(date(2025, 3, 10)), studio_id=studio.id,
                        note="经专家评审，同意命名")
    confirm_listing(session, actor=admin, now=_at(date(2025, 3, 24)), studio_id=studio.id)
    return studio, hr


def _year(session: Session, studio, hr: User, spec, storage: Path, rng: random.Random, now: datetime) -> int:
    key, _login, _kind, _tier, _name, _occupations, leader_spec, count, (source, amount) = spec
    admin_now = now
    team = [m.person_id for m in studio.members]
    if not team:  # a base's teachers
        for _ in range(2):
            teacher = _person(session, rng, hr, now, born=(1970, 1985))
            _award(session, teacher, "technician", "6-18-02-04", "焊工", date(2016, 9, 1), now)
            add_member(session, actor=hr, now=now, studio_id=studio.id, person_id=teacher.id,
                       joined_on=date(2025, 3, 24))
        team = [m.person_id for m in studio.members]
    code, occupation = (leader_spec[2], leader_spec[3]) if leader_spec else ("6-18-02-04", "焊工")
    made = 0
    for index in range(count):
        apprentice = _person(session, rng, hr, now)
        start = date(2025, 4 + index % 6, 1)
        add_apprenticeship(session, actor=hr, now=now, studio_id=studio.id, master_id=team[index % len(team)],
                           apprentice_id=apprentice.id, start_on=start, end_on=date(start.year + 2, start.month, 1),
                           goal="三年内取得高级工及以上等级")
        if index < 4:  # reached 高级工 (三级) and holds the certificate
            issued = date(2025, 11, 20) if index < 3 else date(2026, 6, 18)
            _award(session, apprentice, "senior", code, occupation, issued, now)
            add_held_certificate(session, actor=hr, now=now, person_id=apprentice.id,
                                 number=format_certificate_number("S", "0000", "21", "210099", issued.year, 3,
                                                                  rng.randrange(1, 9999)),
                                 occupation_name=occupation, occupation_code=code, level_digit=3, issue_date=issued,
                                 issuer_name="辽宁技能人才评价中心（演示）")
        made += 1
    for title, on, yuan in (("数控机床主轴异响故障攻关", date(2025, 6, 12), 860000),
                            ("焊接变形控制工艺改进", date(2025, 9, 3), 420000),
                            ("生产线节能改造", date(2026, 4, 21), 310000)):
        record_activity(session, actor=hr, now=now, studio_id=studio.id, kind="problem", title=title, dated_on=on,
                        benefit="年节约成本、减少停机时间", benefit_yuan=yuan)
    record_activity(session, actor=hr, now=now, studio_id=studio.id, kind="exchange", title="全省技能大师工作室交流会",
                    dated_on=date(2025, 10, 16), people_reached=120)
    record_activity(session, actor=hr, now=now, studio_id=studio.id, kind="social_service",
                    title="进社区义务维修家电", dated_on=date(2025, 12, 6), people_reached=300)
    admin = session.scalar(select(User).where(User.username == "admin"))
    record_grant(session, actor=admin, now=admin_now, studio_id=studio.id, source=source, amount=amount,
                 dated_on=date(2025, 4, 15), description="命名资助资金")
    record_grant(session, actor=hr, now=now, studio_id=studio.id, source="host", amount="80000",
                 dated_on=date(2025, 4, 20), description="依托单位配套资金")
    record_spending(session, actor=hr, now=now, studio_id=studio.id, source=source, category="equipment",
                    amount=str(Decimal(amount) * Decimal("0.4")), dated_on=date(2025, 6, 30),
                    description="实训设备采购", data=demo_pdf(f"Jiangcai demo invoice {key}"),
                    filename="invoice.pdf", storage_dir=storage)
    record_spending(session, actor=hr, now=now, studio_id=studio.id, source="host", category="training",
                    amount="12000", dated_on=date(2026, 5, 8), description="培训耗材（发票待补）")
    return made


def _teaching(session: Session, studio, hr: User, now: datetime) -> int:
    """Link the leader to the demo classes timetabled with them as the teacher (王建国 teaches in Shenyang)."""
    if studio.leader is None:
        return 0
    classes = session.scalars(select(TrainingClass).join(ClassSession)
                              .where(ClassSession.teacher == studio.leader.name).distinct())
    linked = 0
    for klass in classes:
        linked += len(link_teaching(session, actor=hr, now=now, studio_id=studio.id, person_id=studio.leader_id,
                                    class_id=klass.id))
    return linked


def _hosted(session: Session, studio, hr: User, now: datetime) -> int:
    classes = session.scalars(select(TrainingClass).join(TrainingProject)
                              .where(TrainingProject.institution_id == studio.host_org_id).limit(3))
    return sum(1 for klass in classes if host_event(session, actor=hr, now=now, studio_id=studio.id,
                                                    class_id=klass.id))


def load_studios(session: Session, *, now: datetime) -> dict[str, int]:
    """The three demo studios and bases with their 2025 records and completed 2025 annual assessment."""
    rng = random.Random(2025021)
    users = {u.username: u for u in session.scalars(select(User))}
    storage = _storage_dir()
    made, apprentices, sessions_linked = {}, 0, 0
    for spec in STUDIOS:
        studio, hr = _apply(session, users, spec, storage, rng, now)
        apprentices += _year(session, studio, hr, spec, storage, rng, now)
        sessions_linked += _teaching(session, studio, hr, now)
        if studio.kind == "base":
            _hosted(session, studio, hr, now)
        made[spec[0]] = studio
    admin = users["admin"]
    round_ = open_round(session, actor=admin, now=now, year=2025, round_kind="annual", cap_percent=20)
    for entry in round_.entries:
        key = next(k for k, s in made.items() if s.id == entry.studio_id)
        score_panel(session, actor=admin, now=now, assessment_id=entry.id, scores=PANEL[key])
        grade_assessment(session, actor=admin, now=now, assessment_id=entry.id, grade="pass")
    close_round(session, actor=admin, now=now, round_id=round_.id)
    return {"studios and bases": len(made), "studio apprentices": apprentices,
            "studio teaching sessions": sessions_linked}
