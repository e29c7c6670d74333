"""Factories for studio tests: a host enterprise with HR, a master leader, approved studios and a busy year."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from app.studios.appraisal import open_round
from app.studios.ledger import record_grant, record_spending
from app.studios.records import add_apprenticeship, link_teaching, record_activity
from app.studios.registry import (
    StudioDetails,
    add_material,
    approve_application,
    confirm_listing,
    create_application,
    submit_application,
)
from app.studios.vocabulary import REQUIRED_MATERIALS
from app.training.models import ClassSession
from tests.factories import NOW, make_org, make_user
from tests.placement.factories import award
from tests.training.factories import institution_staff, make_class, make_project, pdf_bytes, trainee

_seq = itertools.count(1)
_CHARS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def cn_name(prefix: str) -> str:
    """A fresh person name without digits (names may not contain them)."""
    n = next(_seq)
    return prefix + _CHARS[n % 20] + _CHARS[(n // 20) % 20] + _CHARS[(n // 400) % 20]
APPROVED_AT = datetime(2026, 1, 6, 2, 0, tzinfo=UTC)  # a Tuesday; the notice ends on 2026-01-13
LISTED_AT = datetime(2026, 1, 20, 2, 0, tzinfo=UTC)
YEAR = 2026


@dataclass
class Host:
    """An administrator, a host enterprise in Shenyang with its HR, and a master worker (特级技师)."""

    admin: object
    enterprise: object
    hr: object
    master: object
    studios: list = field(default_factory=list)


def master_worker(session, hr, *, grade: str = "principal_technician", name: str | None = None):
    """A person visible to the HR's enterprise, holding a ladder grade since 2020."""
    person = trainee(session, hr, name=name or cn_name("大师"))
    digit = {"technician": 2, "senior_technician": 1, "senior": 3, "intermediate": 4}.get(grade)
    award(session, person, on=date(2020, 5, 1), digit=digit, grade=grade)
    return person


def make_host(session, *, city_code: str = "2101") -> Host:
    """Admin, enterprise, HR and one master."""
    admin = make_user(session, "admin")
    enterprise = make_org(session, "enterprise", name=f"沈阳重型机械厂{next(_seq)}", city_code=city_code)
    hr = make_user(session, "enterprise_hr", org=enterprise)
    return Host(admin, enterprise, hr, master_worker(session, hr, name="王大师"))


def studio_details(host: Host, **overrides) -> StudioDetails:
    """A national studio led by the host's master."""
    values = {"kind": "studio", "name": f"王大师技能大师工作室{next(_seq)}", "tier": "national",
              "occupations": "电工、焊工", "leader_id": host.master.id, "premises": "一号厂房二层 300 平方米",
              "equipment": "数控机床 4 台"}
    values.update(overrides)
    return StudioDetails(**values)


def apply_with_materials(session, host: Host, storage_dir, **overrides):
    """A draft with every required material, submitted for review."""
    studio = create_application(session, actor=host.hr, now=APPROVED_AT, details=studio_details(host, **overrides))
    for kind in REQUIRED_MATERIALS[studio.kind]:
        add_material(session, actor=host.hr, now=APPROVED_AT, studio_id=studio.id, kind=kind,
                     data=pdf_bytes(kind), filename=f"{kind}.pdf", storage_dir=storage_dir)
    return submit_application(session, actor=host.hr, now=APPROVED_AT, studio_id=studio.id)


def listed_studio(session, host: Host, storage_dir, **overrides):
    """A studio applied for, approved on 2026-01-06 and listed on 2026-01-20."""
    studio = apply_with_materials(session, host, storage_dir, **overrides)
    approve_application(session, actor=host.admin, now=APPROVED_AT, studio_id=studio.id)
    confirm_listing(session, actor=host.admin, now=LISTED_AT, studio_id=studio.id)
    host.studios.append(studio)
    return studio


def teaching_class(session, name: str, *, sessions: int = 5, hours: str = "8"):
    """A training class of 2026 whose sessions are timetabled with `name` as the teacher (written directly)."""
    staff = institution_staff(session, make_org(session, "institution"))
    klass = make_class(session, staff, make_project(session, staff), start_date=date(2026, 3, 2),
                       end_date=date(2026, 4, 30), teacher_names=name)
    for day in range(sessions):
        session.add(ClassSession(class_id=klass.id, session_date=date(2026, 3, 2) + timedelta(days=7 * day),
                                 start_time=time(8, 0), end_time=time(17, 0), hours=Decimal(hours),
                                 topic="高压电工实操", teacher=name))
    session.flush()
    session.refresh(klass)
    return klass


def busy_year(session, host: Host, studio, storage_dir, *, apprentices: int = 10, high_skill: int = 3):
    """A year of records that earns every measured point: apprentices, awards, problems, exchanges, hours,
    a grant and spending with evidence."""
    at = NOW
    for i in range(apprentices):
        person = trainee(session, host.hr, name=cn_name("徒"))
        add_apprenticeship(session, actor=host.hr, now=at, studio_id=studio.id, master_id=studio.leader_id,
                           apprentice_id=person.id, start_on=date(2026, 2, 1), end_on=date(2028, 1, 31))
        if i < high_skill:
            award(session, person, on=date(2026, 9, 1), digit=3, grade="senior")
    for title in ("主轴振动攻关", "焊缝气孔攻关"):
        record_activity(session, actor=host.hr, now=at, studio_id=studio.id, kind="problem", title=title,
                        dated_on=date(2026, 6, 1), benefit="年节约成本", benefit_yuan=500000)
    for kind in ("exchange", "social_service"):
        record_activity(session, actor=host.hr, now=at, studio_id=studio.id, kind=kind, title="技能交流",
                        dated_on=date(2026, 7, 1), people_reached=50)
    klass = teaching_class(session, studio.leader.name)
    link_teaching(session, actor=host.hr, now=at, studio_id=studio.id, person_id=studio.leader_id, class_id=klass.id)
    record_grant(session, actor=host.admin, now=at, studio_id=studio.id, source="provincial", amount="100000",
                 dated_on=date(2026, 2, 1), description="省级技能大师工作站一次性资助")
    record_spending(session, actor=host.hr, now=at, studio_id=studio.id, source="provincial", category="equipment",
                    amount="30000", dated_on=date(2026, 3, 1), description="实训设备", data=pdf_bytes("invoice"),
                    filename="invoice.pdf", storage_dir=storage_dir)
    return klass


def round_of(session, host: Host, *, cap: int = 20):
    """The 2026 annual round."""
    return open_round(session, actor=host.admin, now=NOW, year=YEAR, cap_percent=cap)

