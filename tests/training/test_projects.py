"""Training projects and classes: levels from the standard, linked demands, timetable rules, scope."""

from datetime import time, timedelta
from decimal import Decimal

import pytest

from app.demand.services import change_demand_status
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.training.projects import add_session, get_class, get_project, list_projects, set_project_demands
from tests.factories import NOW, make_user
from tests.training.factories import (
    TODAY,
    institution_staff,
    make_class,
    make_demand,
    make_project,
    make_session,
)


def test_project_copies_reference_hours_from_the_standard_level(session):
    staff = institution_staff(session)
    project = make_project(session, staff, level=3)
    assert project.reference_hours == 300 and project.standard_edition == "2018年版"
    assert project.institution_id == staff.organisation_id


def test_target_level_must_exist_in_the_current_standard(session):
    staff = institution_staff(session)
    with pytest.raises(ValidationFailed, match="has no such level") as refused:
        make_project(session, staff, code="6-30-99-00", level=5)
    assert refused.value.field == "target_level_digit"


def test_only_institution_staff_start_projects(session):
    with pytest.raises(NotAllowed):
        make_project(session, make_user(session, "enterprise_hr"))


def test_projects_link_open_demands_of_the_same_occupation(session):
    hr = make_user(session, "enterprise_hr")
    staff = institution_staff(session)
    electrician = make_demand(session, hr)
    welder = make_demand(session, hr, code="6-18-02-04", min_level_digit=None, title="焊工")
    project = make_project(session, staff, demand_ids=[electrician.id])
    assert [d.id for d in project.demands] == [electrician.id]
    with pytest.raises(ValidationFailed, match="is for 焊工, not the project's occupation 电工"):
        set_project_demands(session, actor=staff, now=NOW, project_id=project.id, demand_ids=[welder.id])
    closed = make_demand(session, hr)
    change_demand_status(session, actor=hr, now=NOW, demand_id=closed.id, to_status="closed", reason="plan changed")
    with pytest.raises(NotFound):
        set_project_demands(session, actor=staff, now=NOW, project_id=project.id, demand_ids=[closed.id])


def test_a_link_survives_its_demand_closing(session):
    hr = make_user(session, "enterprise_hr")
    staff = institution_staff(session)
    first, second = make_demand(session, hr), make_demand(session, hr)
    project = make_project(session, staff, demand_ids=[first.id])
    change_demand_status(session, actor=hr, now=NOW, demand_id=first.id, to_status="filled")
    set_project_demands(session, actor=staff, now=NOW, project_id=project.id, demand_ids=[first.id, second.id])
    assert [d.id for d in project.demands] == [first.id, second.id]


def test_other_institution_gets_not_found(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    stranger = institution_staff(session)
    with pytest.raises(NotFound):
        get_project(session, actor=stranger, project_id=klass.project_id)
    with pytest.raises(NotFound):
        get_class(session, actor=stranger, class_id=klass.id)
    with pytest.raises(NotFound):
        make_class(session, stranger, project=klass.project)
    assert list_projects(session, actor=stranger) == []
    assert get_class(session, actor=make_user(session, "admin"), class_id=klass.id) is klass


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"end_date": TODAY - timedelta(days=1)}, "end_date", "is before the start date"),
    ({"capacity": 0}, "capacity", "class capacity"),
    ({"completion_threshold": "1.5"}, "completion_threshold", "between 1 and 100 per cent"),
    ({"max_age": 16}, "max_age", "age limit"),
    ({"venue": ""}, "venue", "Enter the venue"),
])
def test_class_rules(session, kwargs, field, message):
    staff = institution_staff(session)
    with pytest.raises(ValidationFailed, match=message) as refused:
        make_class(session, staff, **kwargs)
    assert refused.value.field == field


def test_class_teachers_must_be_staff_of_the_institution(session):
    staff = institution_staff(session)
    colleague = institution_staff(session, org=staff.organisation)
    klass = make_class(session, staff, teacher_ids=[colleague.id])
    assert klass.teachers == [colleague]
    with pytest.raises(ValidationFailed, match="staff of this institution"):
        make_class(session, staff, teacher_ids=[institution_staff(session).id])


def test_sessions_stay_inside_the_class_and_do_not_overlap(session):
    staff = institution_staff(session)
    klass = make_class(session, staff)
    make_session(session, staff, klass, start=(8, 0), end=(12, 0), hours="4")
    with pytest.raises(ValidationFailed, match="overlaps the session"):
        make_session(session, staff, klass, start=(11, 0), end=(13, 0), hours="2")
    with pytest.raises(ValidationFailed, match="5 hours exceed the session's length of 4 hours"):
        make_session(session, staff, klass, start=(13, 0), end=(17, 0), hours="5")
    with pytest.raises(ValidationFailed, match="within the class period"):
        make_session(session, staff, klass, on=klass.end_date + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="must end after it starts"):
        add_session(session, actor=staff, now=NOW, class_id=klass.id, session_date=TODAY, start_time=time(14),
                    end_time=time(13), hours=Decimal(1), topic="x")
    assert [s.hours for s in klass.sessions] == [Decimal("4.0")]
