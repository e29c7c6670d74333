"""Factories for labour tests: a county with a farm, staff, workers with cover, and demand curves."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.labour.seasonal import (
    CurvePoint,
    DemandDetails,
    WorkerDetails,
    post_demand,
    record_cover,
    register_worker,
)
from app.people.models import HeldCertificate
from tests.factories import NOW, make_org, make_user
from tests.people.factories import make_person, resident_id

START = date(2026, 12, 1)
_seq = itertools.count(1)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "春秀兰芳军伟强磊敏静丽霞明华建国玉梅桂英"


def chinese_name(n: int) -> str:
    """A distinct two- or three-character Chinese name for the n-th worker."""
    return SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + ("" if n < 400 else GIVEN[(n // 400) % 20])


@dataclass
class County:
    """朝阳 县 with a farm and its HR, and HR & social security staff."""

    staff: object
    farm: object
    hr: object


def make_county(session) -> County:
    """Staff, a farm in 朝阳 and its HR."""
    staff = make_user(session, "admin")
    farm = make_org(session, "enterprise", name="朝阳丰收果蔬合作社", city_code="2113")
    return County(staff, farm, make_user(session, "enterprise_hr", org=farm))


def curve(days: int = 3, headcount: int = 2, start: date = START, halves=("am", "pm")) -> list[CurvePoint]:
    """A flat curve of `days` days from `start`."""
    return [CurvePoint(start + timedelta(days=i), h, headcount) for i in range(days) for h in halves]


def demand_details(**overrides) -> DemandDetails:
    """A harvest demand in 朝阳县 大平房镇."""
    values = dict(title="苹果采收", task="harvest", city_code="2113", county="朝阳县", township="大平房镇",
                  pay_kind="day", pay_rate="160", curve=curve(), hours_per_half_day=4)
    values.update(overrides)
    return DemandDetails(**values)


def make_demand(session, hr, **overrides):
    """A posted demand of the HR user's enterprise."""
    return post_demand(session, actor=hr, now=NOW, details=demand_details(**overrides))


def make_worker(session, staff, *, tasks=("harvest",), townships=("大平房镇",), periods=None, covered=True,
                certificate: str | None = None, preferred=(), name: str | None = None, employer_org_id=None):
    """A person registered for seasonal work in 朝阳县, with injury cover unless told otherwise."""
    n = next(_seq)
    person = make_person(session, staff, name=name or chinese_name(n), id_number=resident_id(date(1980, 1, 1) +
                                                                                     timedelta(days=n)),
                         employer_org_id=employer_org_id)
    if certificate:
        session.add(HeldCertificate(person_id=person.id, number=f"S{n:021d}", number_format="national",
                                    occupation_code=certificate, occupation_name="无人机驾驶员", level_digit=4,
                                    issue_date=date(2025, 5, 1), issuer_name="辽宁省职业技能鉴定中心",
                                    source="declared", created_at=NOW))
        session.flush()
    worker = register_worker(session, actor=staff, now=NOW, details=WorkerDetails(
        person_id=person.id, city_code="2113", county="朝阳县", home_township=townships[0], townships=list(townships),
        tasks=list(tasks), preferred_tasks=list(preferred),
        periods=periods or [(START, START + timedelta(days=60))]))
    if covered:
        record_cover(session, actor=staff, now=NOW, worker_id=worker.id, kind="work_injury", insurer="人保财险朝阳分公司",
                     policy_number=f"PICC-{n:06d}", start_date=START - timedelta(days=10),
                     end_date=START + timedelta(days=120))
    return worker


def counts(session, *models) -> tuple[int, ...]:
    """Row counts of the models and of audit events (to show a refusal changed nothing)."""
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (*models, AuditEvent))
