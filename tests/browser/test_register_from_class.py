"""Institution staff type an unregistered trainee into a class's enrol box, register them and land back on the class."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.clock import local_date
from app.database import utcnow
from app.people.models import Person
from app.training.models import Enrolment, TrainingClass, TrainingProject
from tests.browser.conftest import log_in
from tests.people.factories import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_register_a_new_trainee_from_the_class(live_server, page, session):
    staff = session.scalar(select(User).where(User.username == "inst_sy"))
    klass = session.scalar(select(TrainingClass).join(TrainingProject).where(
        TrainingProject.institution_id == staff.organisation_id, TrainingClass.end_date >= local_date(utcnow()))
        .order_by(TrainingClass.id))
    assert klass is not None, "the demo has a running class"
    class_id, name, number = klass.id, klass.name, resident_id()
    session.rollback()
    log_in(page, live_server, "inst_sy")
    page.goto(f"{live_server}/classes/{class_id}")
    page.fill("#enrol-form #name", "韩新生")
    page.fill("#enrol-form #id_number", number)
    page.click("#register-from-class")
    page.wait_for_load_state()
    assert page.input_value("#name") == "韩新生" and page.input_value("#id_number") == number
    assert name in page.inner_text("#enrol-into")
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/classes/{class_id}#roster")
    assert "韩新生 已登记并报名" in page.content()
    person = session.scalar(select(Person).where(Person.name == "韩新生"))
    assert session.scalar(select(Enrolment).where(Enrolment.person_id == person.id)).class_id == class_id
