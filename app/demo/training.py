"""Demo job demands, training projects with classes, enrolments and attendance, and apprenticeships."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.catalog.models import Occupation
from app.clock import local_date
from app.demand.services import DemandDetails, change_demand_status, create_demand
from app.demo.apprenticeships import load_apprenticeships
from app.people.models import Person, PersonAccess
from app.people.validation import age_on
from app.training.attendance import AttendanceMark, record_attendance
from app.training.enrolments import attended_hours, change_enrolment_status, enrol_person
from app.training.progress import completion_shortfall
from app.training.projects import add_session, create_class, create_project
from app.training.subsidies import seed_subsidy_rates

# enterprise user, post, occupation code, trade, min level, headcount, city, wage, days valid, requirements
DEMANDS = [
    ("hr_sy", "数控车床操作工", "6-18-01-01", "数控车工", 4, 12, "2101", (6500, 9000), 90, "能看懂零件图，适应两班倒"),
    ("hr_sy", "设备维修电工", "6-31-01-03", None, 3, 5, "2101", (7000, 10000), 60, "持低压电工作业证"),
    ("hr_sy", "工业机器人操作员", "6-30-99-00", None, 4, 6, "2101", (7000, 9500), 120, "有自动化产线经验优先"),
    ("hr_dl", "船体焊工", "6-18-02-04", None, 4, 20, "2102", (8000, 12000), 90, "熟练掌握气保焊，持焊工证"),
    ("hr_dl", "汽车维修工", "4-12-01-01", "汽车机械维修工", None, 3, "2102", (5000, 7000), 45, "有驾驶证"),
    ("hr_as", "结构件焊工", "6-18-02-04", None, 4, 8, "2103", (6500, 9000), 60, "可接受学徒培养"),
    ("hr_as", "配电值班电工", "6-31-01-03", None, 4, 4, "2103", (5500, 7500), 30, "三班倒，夜班有补贴"),
]
TOPICS = ["安全操作规程", "识图与公差", "设备结构与维护", "基本操作训练", "工艺参数设置", "综合实训", "质量检验"]


def _weekdays(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _at(day: date, hour: int = 10) -> datetime:
    """A moment on a demo day (10:00 UTC is 18:00 in Liaoning)."""
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _trainees(session: Session, organisation_id: int, on: date, count: int, skip: int = 0) -> list[Person]:
    stmt = (select(Person).join(PersonAccess, PersonAccess.person_id == Person.id)
            .where(PersonAccess.organisation_id == organisation_id).order_by(Person.id))
    fit = [p for p in session.scalars(stmt) if 18 <= age_on(p.birth_date, on) <= 55]
    return fit[skip:skip + count]


def _demands(session: Session, users: dict[str, User], codes: dict[str, Occupation], now: datetime) -> dict:
    made = {}
    for username, title, code, trade, level, heads, city, wage, days, requirements in DEMANDS:
        made[title] = create_demand(session, actor=users[username], now=now, details=DemandDetails(
            occupation_id=codes[code].id, title=title, headcount=heads, city_code=city, wage_min=wage[0],
            wage_max=wage[1], valid_until=local_date(now) + timedelta(days=days), variant_name=trade,
            min_level_digit=level, requirements=requirements))
    old = create_demand(session, actor=users["hr_dl"], now=now, details=DemandDetails(
        occupation_id=codes["6-18-02-04"].id, title="管道焊工（上半年）", headcount=6, city_code="2102",
        wage_min=7000, wage_max=9000, valid_until=local_date(now) + timedelta(days=5)))
    change_demand_status(session, actor=users["hr_dl"], now=now, demand_id=old.id, to_status="filled")
    return made


def _run_class(session, staff: User, klass, days: list[date], people: list[Person], rng: random.Random, *,
               today: date, weak: int | None = None, quits: int | None = None) -> int:
    enrolments = [enrol_person(session, actor=staff, now=_at(klass.start_date - timedelta(days=3)),
                               class_id=klass.id, person_id=p.id) for p in people]
    lessons = [add_session(session, actor=staff, now=_at(klass.start_date - timedelta(days=2)),
                           class_id=klass.id, session_date=day, start_time=time(8, 30), end_time=time(17, 30),
                           hours=Decimal(8), topic=TOPICS[i % len(TOPICS)], teacher=klass.teacher_names.split("、")[0])
               for i, day in enumerate(days)]
    marks_made = 0
    for index, lesson in enumerate(lessons):
        if lesson.session_date > today:
            break
        marks = []
        for number, enrolment in enumerate(enrolments):
            if number == quits and index >= 6:
                if enrolment.status != "withdrawn":
                    change_enrolment_status(session, actor=staff, now=_at(lesson.session_date, 1),
                                            enrolment_id=enrolment.id, to_status="withdrawn", reason="已找到工作")
                continue
            roll = rng.random() * (2.5 if number == weak else 1)
            status, hours = ("absent", Decimal(0)) if roll > 0.96 else (
                ("late", Decimal(6)) if roll > 0.9 else ("present", None))
            marks.append(AttendanceMark(enrolment.id, status, hours))
        record_attendance(session, actor=staff, now=_at(lesson.session_date), session_id=lesson.id, marks=marks)
        marks_made += len(marks)
    return marks_made


def load_training(session: Session, *, now: datetime) -> dict[str, int]:
    """Open demands, two projects (one class finished, one running, one upcoming) and five apprenticeships."""
    rng = random.Random(4)
    today = local_date(now)
    users = {u.username: u for u in session.scalars(select(User))}
    orgs = {o.name: o for o in session.scalars(select(Organisation))}
    codes = {o.code: o for o in session.scalars(select(Occupation))}
    seed_subsidy_rates(session, now=now)
    demands = _demands(session, users, codes, now)
    inst_sy, inst_dl = users["inst_sy"], users["inst_dl"]

    lathe = create_project(session, actor=inst_sy, now=now - timedelta(days=90), name="数控车工订单式培训项目",
                           project_type="employment_skills", occupation_id=codes["6-18-01-01"].id,
                           variant_name="数控车工", target_level_digit=4,
                           demand_ids=[demands["数控车床操作工"].id],
                           description="与沈阳北方数控机床有限公司签订订单培训协议，结业合格者优先录用。")
    finished_days = _weekdays(today - timedelta(days=80), 40)
    finished = create_class(session, actor=inst_sy, now=now - timedelta(days=85), project_id=lathe.id,
                            name="2026年第一期", start_date=finished_days[0], end_date=finished_days[-1],
                            capacity=30, venue="沈阳市铁西区实训基地 2 号车间", teacher_names="王建国、李师傅")
    first_people = _trainees(session, orgs["沈阳匠心职业技能培训学校"].id, finished_days[0], 12)
    marks = _run_class(session, inst_sy, finished, finished_days, first_people, rng, today=today, weak=10, quits=11)
    completed = 0
    for enrolment in finished.enrolments:
        bar_met = completion_shortfall(attended_hours(session, enrolment.id), lathe.reference_hours,
                                       finished.completion_threshold) is None
        if enrolment.status == "in_training" and bar_met:
            change_enrolment_status(session, actor=inst_sy, now=_at(finished.end_date, 11),
                                    enrolment_id=enrolment.id, to_status="completed")
            completed += 1
    upcoming = create_class(session, actor=inst_sy, now=now, project_id=lathe.id, name="2026年第二期",
                            start_date=today + timedelta(days=14), end_date=today + timedelta(days=75),
                            capacity=30, venue="沈阳市铁西区实训基地 2 号车间", teacher_names="王建国")
    for person in _trainees(session, orgs["沈阳匠心职业技能培训学校"].id, upcoming.start_date, 5, skip=12):
        enrol_person(session, actor=inst_sy, now=now, class_id=upcoming.id, person_id=person.id)

    welding = create_project(session, actor=inst_dl, now=now - timedelta(days=30), name="船舶焊工岗位技能提升项目",
                             project_type="skills_upgrade", occupation_id=codes["6-18-02-04"].id,
                             target_level_digit=4, demand_ids=[demands["船体焊工"].id, demands["结构件焊工"].id])
    running_days = _weekdays(today - timedelta(days=12), 38)
    running = create_class(session, actor=inst_dl, now=now - timedelta(days=20), project_id=welding.id,
                           name="焊工提升班（一期）", start_date=running_days[0], end_date=running_days[-1],
                           capacity=20, venue="大连市甘井子区焊接实训中心", teacher_names="陈晓梅、赵师傅")
    second_people = _trainees(session, orgs["大连滨海职业技能培训学校"].id, running_days[0], 15)
    marks += _run_class(session, inst_dl, running, running_days, second_people, rng, today=today, weak=3)

    counts = {"job demands": len(DEMANDS) + 1, "training projects": 2, "classes": 3, "attendance marks": marks,
              "completed trainees": completed}
    counts |= load_apprenticeships(session, now=now, users=users, orgs=orgs, codes=codes)
    return counts
