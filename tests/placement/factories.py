"""Factories for placement and reporting tests: a small chain from demand to retained worker, built directly."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from app.assessment.models import AssessmentPlan, Registration
from app.assessment.result_models import AssessmentResult
from app.catalog.models import Occupation
from app.demand.models import JobDemand
from app.people.access import grant_person_access
from app.people.models import LevelAward
from app.placement.models import FollowUp, Placement
from app.placement.scope import add_months
from app.training.models import Enrolment
from tests.factories import NOW, make_evaluation_org, make_org, make_user
from tests.training.factories import (
    institution_staff,
    make_class,
    make_demand,
    make_project,
    occupation,
    trainee,
)

_seq = itertools.count(1)


@dataclass
class Chain:
    """Organisations, users and one electrician class in Shenyang."""

    admin: object
    staff: object
    hr: object
    institution: object
    enterprise: object
    evaluator: object
    occupation: Occupation
    demand: JobDemand
    project: object
    klass: object
    people: list = field(default_factory=list)


def make_chain(session, *, headcount: int = 5, class_start=date(2026, 1, 5), class_end=date(2026, 2, 27)) -> Chain:
    """Admin, an institution in Shenyang with staff, an enterprise with HR, a demand, a project and a class."""
    admin = make_user(session, "admin")
    institution = make_org(session, "institution", name="沈阳技师学院", city_code="2101")
    staff = institution_staff(session, institution)
    enterprise = make_org(session, "enterprise", name="沈阳机床厂", city_code="2101")
    hr = make_user(session, "enterprise_hr", org=enterprise)
    demand = make_demand(session, hr, headcount=headcount, min_level_digit=None)
    project = make_project(session, staff, demand_ids=[demand.id])
    klass = make_class(session, staff, project, start_date=class_start, end_date=class_end)
    evaluator = make_evaluation_org(session, site_code=f"21{next(_seq):04d}")
    return Chain(admin, staff, hr, institution, enterprise, evaluator, occupation(session), demand, project, klass)


def enrol(session, chain: Chain, person, *, status: str = "completed") -> Enrolment:
    """An enrolment written directly (the training services are tested elsewhere)."""
    at = datetime.combine(chain.klass.start_date, datetime.min.time(), tzinfo=UTC)
    row = Enrolment(class_id=chain.klass.id, person_id=person.id, status=status, enrolled_at=at,
                    status_changed_at=at, completed_on=chain.klass.end_date if status == "completed" else None)
    session.add(row)
    session.flush()
    return row


def assess(session, chain: Chain, person, *, passed: bool, deadline=date(2026, 3, 10)) -> AssessmentResult:
    """A final result in a plan of the chain's occupation."""
    standard = chain.occupation.current_standard
    plan = AssessmentPlan(organisation_id=chain.evaluator.id, occupation_id=chain.occupation.id,
                          standard_id=standard.id, level_digit=4, title=f"电工四级{next(_seq)}", status="finalised",
                          registration_deadline=deadline, venue="沈阳", created_at=NOW)
    session.add(plan)
    session.flush()
    reg = Registration(plan_id=plan.id, person_id=person.id, source="individual", status="eligible", eligible=True,
                       checked_as_of=deadline, created_at=NOW)
    session.add(reg)
    session.flush()
    result = AssessmentResult(registration_id=reg.id, plan_id=plan.id, person_id=person.id, passed=passed,
                              status="final", computed_at=NOW, finalised_at=NOW)
    session.add(result)
    session.flush()
    return result


def award(session, person, *, on: date, digit: int = 4, grade: str = "intermediate",
          code: str = "6-31-01-03", name: str = "电工") -> LevelAward:
    """A level award written directly."""
    row = LevelAward(person_id=person.id, occupation_code=code, occupation_name=name, grade_key=grade,
                     level_digit=digit, route="exam", awarded_on=on, created_at=NOW)
    session.add(row)
    session.flush()
    return row


def place(session, chain: Chain, person, *, start: date, retained_6: bool | None = None) -> Placement:
    """A placement with its follow-ups, written directly; retained_6 records the 6-month outcome."""
    row = Placement(person_id=person.id, enterprise_id=chain.enterprise.id, job_title="维修电工", start_date=start,
                    contract_months=12, monthly_wage=5000, status="active", registration_due_on=start,
                    created_at=NOW)
    row.follow_ups = [FollowUp(months=m, due_on=add_months(start, m)) for m in (3, 6, 12)]
    session.add(row)
    session.flush()
    grant_person_access(session, actor=None, now=NOW, person_id=person.id, organisation_id=chain.enterprise.id,
                        reason="placement")
    if retained_6 is not None:
        follow = row.follow_ups[1]
        follow.outcome, follow.checked_on = ("retained" if retained_6 else "left"), follow.due_on
        session.flush()
    return row


def people(session, chain: Chain, count: int) -> list:
    """People registered by the institution."""
    names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"
    found = [trainee(session, chain.staff, name=f"学员{names[i % 20]}{names[i // 20]}") for i in range(count)]
    chain.people.extend(found)
    return found
