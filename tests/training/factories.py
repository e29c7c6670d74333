"""Factories for the demand and training tests: catalogue, organisations' users, demands, projects, classes."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from app.catalog.models import Occupation
from app.catalog.seed import seed_catalog
from app.demand.services import DemandDetails, create_demand
from app.training.apprenticeship_records import upload_document
from app.training.apprenticeships import change_apprenticeship_status, create_apprenticeship
from app.training.models import Enrolment
from app.training.projects import add_session, create_class, create_project
from tests.factories import NOW, make_org, make_user
from tests.people.factories import make_person, resident_id

TODAY = NOW.date()
_seq = itertools.count(1)


def occupation(session, code: str = "6-31-01-03") -> Occupation:
    """A seeded occupation (the catalogue is seeded on first use)."""
    found = session.scalar(select(Occupation).where(Occupation.code == code))
    if found is None:
        seed_catalog(session, now=NOW)
        found = session.scalar(select(Occupation).where(Occupation.code == code))
    return found


def details(session, **overrides) -> DemandDetails:
    """Valid demand details for an electrician vacancy in Shenyang."""
    values = {
        "occupation_id": occupation(session, overrides.pop("code", "6-31-01-03")).id, "title": "设备维修电工",
        "headcount": 5, "city_code": "2101", "wage_min": 5000, "wage_max": 7000,
        "valid_until": TODAY + timedelta(days=60), "min_level_digit": 4, "requirements": "持证上岗，能倒班",
    }
    values.update(overrides)
    return DemandDetails(**values)


def make_demand(session, hr, **overrides):
    """An open demand of the HR user's enterprise."""
    return create_demand(session, actor=hr, now=NOW, details=details(session, **overrides))


def make_project(session, staff, *, code: str = "6-31-01-03", level: int = 4, demand_ids=(), **kwargs):
    """A project of the staff member's institution."""
    occ = occupation(session, code)
    return create_project(session, actor=staff, now=NOW, name=kwargs.pop("name", f"电工培训项目{next(_seq)}"),
                          project_type=kwargs.pop("project_type", "employment_skills"), occupation_id=occ.id,
                          target_level_digit=level, demand_ids=demand_ids, **kwargs)


def make_class(session, staff, project=None, **kwargs):
    """A class starting today and running 30 days."""
    project = project or make_project(session, staff)
    values = {"name": f"第{next(_seq)}期", "start_date": TODAY, "end_date": TODAY + timedelta(days=30),
              "capacity": 30, "venue": "沈阳市铁西区实训基地", "teacher_names": "王老师"}
    values.update(kwargs)
    return create_class(session, actor=staff, now=NOW, project_id=project.id, **values)


def make_session(session, staff, klass, *, on: date | None = None, hours: str = "8", start=(8, 0), end=(17, 0)):
    """A timetabled session of the class (today by default)."""
    return add_session(session, actor=staff, now=NOW, class_id=klass.id, session_date=on or klass.start_date,
                       start_time=time(*start), end_time=time(*end), hours=Decimal(hours), topic="安全用电")


def institution_staff(session, org=None):
    """A member of a training institution."""
    return make_user(session, "institution_staff", org=org)


def trainee(session, actor, born: date = date(1995, 5, 5), **kwargs):
    """A registered person visible to the actor's organisation."""
    return make_person(session, actor, id_number=kwargs.pop("id_number", resident_id(born)), **kwargs)


def pdf_bytes(text: str = "plan") -> bytes:
    """A small file that starts like a PDF."""
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


def make_apprenticeship(session, hr, *, institution=None, person=None, **overrides):
    """A planned two-year apprenticeship toward 四级/中级工 electrician, starting today."""
    values = {
        "institution_id": (institution or make_org(session, "institution")).id,
        "occupation_id": occupation(session).id, "target_level_digit": 4,
        "contract_start": TODAY - timedelta(days=30), "contract_end": TODAY + timedelta(days=3 * 365),
        "planned_start": TODAY, "planned_end": TODAY.replace(year=TODAY.year + 2) - timedelta(days=1),
        "mentor_name": "刘师傅", "mentor_level_digit": 2, "teacher_name": "陈老师",
    }
    values.update(overrides)
    person = person or trainee(session, hr)
    return create_apprenticeship(session, actor=hr, now=NOW, person_id=person.id, **values)


def file_apprenticeship(session, hr, record, storage_dir, *, fee: str = "12000"):
    """Upload the three documents and file the apprenticeship."""
    for kind in ("training_plan", "cooperation_agreement", "apprentice_agreement"):
        upload_document(session, actor=hr, now=NOW, apprenticeship_id=record.id, kind=kind, filename=f"{kind}.pdf",
                        data=pdf_bytes(kind), storage_dir=storage_dir, fee=fee)
    return change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="filed")


def completed_trainee(session, staff, klass):
    """A trainee of the class recorded as completed (a batch for the class has something to issue)."""
    enrolment = Enrolment(class_id=klass.id, person_id=trainee(session, staff).id, status="completed",
                          enrolled_at=NOW, status_changed_at=NOW, completed_on=klass.end_date,
                          enrolled_by_id=staff.id)
    session.add(enrolment)
    session.flush()
    return enrolment
