"""Factories for assessment tests: a filed evaluation organisation with staff and qualified assessors,
eligible and ineligible people, plans ready for registration, staffed sessions, database snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.assessment.models import AssessmentPlan
from app.assessment.plans import create_plan, transition_plan
from app.assessment.qualifications import declare_relation, record_qualification
from app.assessment.registration import register_individual
from app.assessment.scope import local_datetime
from app.assessment.staffing import assign_assessor, confirm_session, create_session
from app.catalog.models import Occupation
from app.catalog.seed import seed_catalog
from app.database import Base
from app.people.records import add_work_record
from tests.factories import NOW, make_evaluation_org, make_org, make_user
from tests.people.factories import make_person, resident_id

WELDER = "6-18-02-04"
ELECTRICIAN = "6-31-01-03"
DEADLINE = date(2026, 12, 10)
THEORY_DAY = date(2026, 12, 15)
PRACTICAL_DAY = date(2026, 12, 16)
REVIEW_DAY = date(2026, 12, 17)
AFTER_EXAMS = datetime(2026, 12, 18, 2, 0, tzinfo=UTC)  # Friday 18 December, 10:00 in Shenyang


def at(day: date, hour: int = 10) -> datetime:
    """An aware UTC datetime for a local (China) date and hour."""
    return local_datetime(day, time(hour, 0)).astimezone(UTC)


@dataclass
class World:
    """An evaluation organisation with a staff user, assessors and an enterprise."""

    org: object
    staff: User
    admin: User
    enterprise: object
    assessors: list[User] = field(default_factory=list)

    def occupation(self, session, code: str = WELDER) -> Occupation:
        return session.scalar(select(Occupation).where(Occupation.code == code))


def make_world(session, *, assessors: int = 6, assessor_level: int = 2) -> World:
    """Seeded catalogue, an organisation filed for 焊工 (all levels) and 电工 四级, and qualified assessors."""
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, scopes=[(WELDER, d) for d in (5, 4, 3, 2, 1)] + [(ELECTRICIAN, 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    admin = make_user(session, "admin")
    world = World(org=org, staff=staff, admin=admin, enterprise=make_org(session, "enterprise", name="沈阳重型机械有限公司"))
    names = ["孙志刚", "周丽娜", "吴德明", "郑春生", "冯海涛", "陈国栋", "韩雪松", "曹明远", "彭立军"]
    for index in range(assessors):
        user = make_user(session, "assessor", org=org)
        user.display_name = names[index]
        record_qualification(session, actor=staff, now=NOW, user_id=user.id, occupation_code=WELDER,
                             level_digit=assessor_level)
        world.assessors.append(user)
    session.flush()
    return world


def eligible_person(session, world: World, *, name: str = "王伟", years: int = 8, code: str = WELDER, **kwargs):
    """A person with enough welding work for 四级 (A-4-2: six years), registered by the evaluation staff."""
    person = make_person(session, world.staff, name=name, id_number=kwargs.pop("id_number", resident_id()), **kwargs)
    add_work_record(session, actor=world.staff, now=NOW, person_id=person.id, employer_name="沈阳重型机械有限公司",
                    occupation_name="焊工", occupation_code=code, start_date=date(2026 - years, 1, 1))
    return person


def make_plan(session, world: World, *, level: int = 4, code: str = WELDER, status: str = "open",
              **kwargs) -> AssessmentPlan:
    """A plan with exam dates after the deadline, moved to the given status (draft or open)."""
    occupation = world.occupation(session, code)
    dates = {"theory": THEORY_DAY, "practical": PRACTICAL_DAY, "review": REVIEW_DAY}
    plan = create_plan(session, actor=world.staff, now=NOW, occupation_id=occupation.id, level_digit=level,
                       registration_deadline=kwargs.pop("deadline", DEADLINE), venue="沈阳市铁西区北二路 18 号",
                       fee_yuan="380", exam_dates=dates, **kwargs)
    if status != "draft":
        transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="open")
    return plan


def registered_plan(session, world: World, *, people: int = 3, level: int = 4, **kwargs):
    """An open plan with eligible candidates registered; returns (plan, registrations)."""
    plan = make_plan(session, world, level=level, **kwargs)
    names = ["王伟", "李娜", "张强", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴琳", "徐涛", "孙悦"]
    registrations = []
    for index in range(people):
        person = eligible_person(session, world, name=names[index % len(names)])
        registrations.append(register_individual(session, actor=world.staff, now=NOW, plan_id=plan.id,
                                                 person_id=person.id))
    return plan, registrations


def close(session, world: World, plan: AssessmentPlan) -> None:
    """Close registration."""
    transition_plan(session, actor=world.staff, now=NOW, plan_id=plan.id, action="close")


def practical_session(session, world: World, plan: AssessmentPlan, *, staff: bool = True, confirm: bool = True):
    """A practical room with every candidate, a leader, two examiners and a supervisor (optionally confirmed)."""
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9))
    if staff:
        a = world.assessors
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[0].id, role="leader")
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[1].id, role="examiner")
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[2].id, role="examiner")
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[3].id,
                        role="supervisor")
    if staff and confirm:
        confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id)
    return sitting


def theory_session(session, world: World, plan: AssessmentPlan, *, confirm: bool = True):
    """A theory room with every candidate, two invigilators and a supervisor (optionally confirmed)."""
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="theory",
                             room="理论考场 301", starts_at=at(THEORY_DAY, 9))
    a = world.assessors
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[4].id, role="invigilator")
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[5].id, role="invigilator")
    assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=a[3].id, role="supervisor")
    if confirm:
        confirm_session(session, actor=world.staff, now=NOW, sitting_id=sitting.id)
    return sitting


def room_of_four(session):
    """Four assessors and a practical room of three candidates: the first three assessors staff it (leader and
    two examiners), the fourth is related to the first candidate (a declared relative)."""
    world = make_world(session, assessors=4)
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    sitting = create_session(session, actor=world.staff, now=NOW, plan_id=plan.id, component="practical",
                             room="实训车间 A", starts_at=at(PRACTICAL_DAY, 9))
    a = world.assessors
    declare_relation(session, actor=world.staff, now=NOW, assessor_id=a[3].id, person_id=regs[0].person_id,
                     kind="relative")
    for user, role in ((a[0], "leader"), (a[1], "examiner"), (a[2], "examiner")):
        assign_assessor(session, actor=world.staff, now=NOW, sitting_id=sitting.id, user_id=user.id, role=role)
    return world, plan, sitting


def snapshot(session) -> dict[str, list]:
    """Every row of every assessment, people and audit table as seen by this session (pending changes flushed)."""
    tables = [t for t in Base.metadata.sorted_tables
              if t.name.startswith(("assessment", "assessor", "enterprise_appointments", "holidays", "person_access",
                                    "level_awards", "audit_events"))]
    return {t.name: sorted(map(tuple, session.execute(select(t)).all()), key=repr) for t in tables}


def later(days: int) -> datetime:
    """NOW plus some days."""
    return NOW + timedelta(days=days)
