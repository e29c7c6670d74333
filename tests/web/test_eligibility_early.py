"""Issue 17: the class page and the project page say who would meet the target level's conditions, and why not."""

from datetime import date, timedelta

from app.assessment.registration import register_candidate
from app.clock import local_date
from app.database import utcnow
from app.training.enrolments import enrol_person
from tests.assessment.factories import make_plan, make_world
from tests.assessment.training_rows import completed_enrolment
from tests.conftest import login
from tests.factories import NOW, make_user
from tests.people.factories import make_person
from tests.training.factories import make_class, make_project, occupation, trainee


def _staff(client, session):
    session.commit()
    staff = make_user(session, "institution_staff", username="inst17")
    occupation(session)
    session.commit()
    login(client, "inst17")
    client.get("/lang/en?next=/")
    return staff


def test_class_page_shows_each_trainees_eligibility_and_why_not(client, session):
    staff = _staff(client, session)
    today = local_date(utcnow())
    klass = make_class(session, staff, make_project(session, staff, level=4), start_date=today,
                       end_date=today + timedelta(days=20))
    people = [trainee(session, staff, born=date(1991 + i, 2, 2)) for i in range(5)]
    for person in people:
        enrol_person(session, actor=staff, now=NOW, class_id=klass.id, person_id=person.id)
    session.commit()
    html = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert 'id="eligibility-warning"' in html
    assert "0 of 5 trainees would meet the" in html
    for person in people:
        assert f'data-eligible="{person.id}"' in html
    assert html.count("Holds no certificate of") >= 5


def test_project_page_warns_when_trainees_cannot_reach_the_level(client, session):
    staff = _staff(client, session)
    project = make_project(session, staff, level=4)
    session.commit()
    html = client.get(f"/training/projects/{project.id}").get_data(as_text=True)
    assert 'id="eligibility-warning"' in html
    assert "No trainees yet. To apply for Level 4 a trainee needs one of:" in html


def test_class_registered_for_a_plan_is_checked_at_the_plans_level(client, session):
    world = make_world(session)
    plan = make_plan(session, world, level=4)
    person = make_person(session, world.staff, name="赵铁柱")
    enrolment = completed_enrolment(session, person, world.occupation(session))
    enrolment.training_class.project.target_level_digit = 3  # the project aimed higher than the plan
    register_candidate(session, actor=world.staff, now=NOW, plan=plan, person=person, source="enrolment",
                       source_id=enrolment.id)
    session.commit()
    login(client, world.admin.username)
    client.get("/lang/en?next=/")
    html = client.get(f"/classes/{enrolment.class_id}").get_data(as_text=True)
    assert 'id="eligibility-plan"' in html and "Eligible for Level 4" in html
    assert f'data-eligible="{person.id}"' in html
