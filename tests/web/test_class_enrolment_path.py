"""One enrolment path: registering a person from a class, the completion test on the roster, the person page."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from app.certification.models import Certificate
from app.database import utcnow
from app.people.access import add_access
from app.people.models import Person
from app.training.models import Attendance, Enrolment
from tests.conftest import csrf_token_from, post_form
from tests.factories import NOW
from tests.people.factories import resident_id
from tests.training.factories import completed_trainee, make_session
from tests.web.test_training_screens import as_user, project_with_class


def today():
    return utcnow().date()


def person_form(name, number, **extra):
    return {"name": name, "id_type": "resident_id", "id_number": number, "birth_date": "", "graduated_on": "",
            "phone": "", **extra}


def test_registering_from_a_class_enrols_and_returns_to_the_class(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    url = f"/classes/{klass.id}"
    number = resident_id()
    # The enrol box refuses an unregistered person and offers to register them with what was typed.
    refused = post_form(client, f"{url}/enrol", {"name": "孙新", "id_type": "resident_id", "id_number": number},
                        form_url=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="register-from-class"' in html
    button = re.search(r'<button [^>]*formaction="([^"]+)"[^>]*id="register-from-class"', html)
    assert button.group(1) == f"/people/new?class_id={klass.id}"
    # The enrol box's own fields go with it (the button submits the enrol form elsewhere).
    prefilled = client.post(button.group(1), data={"csrf_token": csrf_token_from(html), "prefill": "1", "name": "孙新",
                                                "id_type": "resident_id", "id_number": number})
    page = prefilled.get_data(as_text=True)
    assert prefilled.status_code == 200 and 'value="孙新"' in page and f'value="{number}"' in page
    assert 'id="enrol-into"' in page and klass.name in page
    # A refused form keeps what was typed and stays on the class's path.
    client.set_cookie("jiangcai_lang", "en")
    bad = client.post(f"/people/new?class_id={klass.id}",
                      data={"csrf_token": csrf_token_from(page), **person_form("孙新", number, phone="123")})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="孙新"' in text and f'action="/people/new?class_id={klass.id}"' in text
    assert "mobile" in text.lower()
    client.set_cookie("jiangcai_lang", "zh")
    saved = client.post(f"/people/new?class_id={klass.id}",
                        data={"csrf_token": csrf_token_from(page), **person_form("孙新", number)})
    assert saved.status_code == 302 and saved.location.endswith(f"/classes/{klass.id}#roster")
    landed = client.get(saved.location).get_data(as_text=True)
    assert f"孙新 已登记并报名{klass.name}" in landed
    session.rollback()
    person = session.scalar(select(Person).where(Person.name == "孙新"))
    assert session.scalar(select(Enrolment).where(Enrolment.person_id == person.id)).class_id == klass.id


def test_registration_refused_by_the_class_saves_nobody(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    page = client.get(f"/people/new?class_id={klass.id}").get_data(as_text=True)
    client.set_cookie("jiangcai_lang", "en")
    old = resident_id(born=today().replace(year=today().year - 70))
    response = client.post(f"/people/new?class_id={klass.id}",
                           data={"csrf_token": csrf_token_from(page), **person_form("老李", old)})
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "outside the working age" in text and 'value="老李"' in text
    session.rollback()
    assert session.scalar(select(Person).where(Person.name == "老李")) is None
    client.set_cookie("jiangcai_lang", "zh")
    response = client.post(f"/people/new?class_id={klass.id}",
                           data={"csrf_token": csrf_token_from(page), **person_form("老李", old)})
    assert "不在 16–" in response.get_data(as_text=True)


def test_completion_test_is_recorded_on_the_roster(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    session.commit()
    url = f"/classes/{klass.id}"
    client.set_cookie("jiangcai_lang", "en")
    refused = post_form(client, f"/classes/enrolments/{enrolment.id}/test",
                        {"test_score": "", "test_on": today().isoformat()}, form_url=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Enter the test score." in html
    client.set_cookie("jiangcai_lang", "zh")
    refused = post_form(client, f"/classes/enrolments/{enrolment.id}/test",
                        {"test_score": "88", "test_on": (today() + timedelta(days=1)).isoformat()}, form_url=url)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "晚于今天" in html and 'value="88"' in html
    saved = post_form(client, f"/classes/enrolments/{enrolment.id}/test",
                      {"test_score": "88", "test_on": today().isoformat()}, form_url=url)
    assert saved.status_code == 302
    session.rollback()
    assert session.get(Enrolment, enrolment.id).test_score == Decimal("88.0")


def test_person_page_lists_classes_and_certificates_in_scope(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    enrolment = completed_trainee(session, staff, klass)
    person = enrolment.person
    lesson = make_session(session, staff, klass, on=today(), hours="8")
    session.add(Attendance(session_id=lesson.id, enrolment_id=enrolment.id, status="present", hours=Decimal("6"),
                           recorded_at=utcnow(), recorded_by_id=staff.id))
    session.commit()
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    issued = client.post("/certificates/issue/enrolment", data={
        "csrf_token": csrf_token_from(page), "source_id": str(enrolment.id), "next": f"/classes/{klass.id}"})
    assert issued.status_code == 302
    session.rollback()
    certificate = session.scalar(select(Certificate).where(Certificate.person_id == person.id))
    html = client.get(f"/people/{person.id}").get_data(as_text=True)
    row = re.search(rf'<tr id="person-enrolment-{enrolment.id}">.*?</tr>', html, re.S).group(0)
    assert klass.name in row and klass.project.name in row and "6" in row and "已结业" in row
    assert certificate.number in html and "暂无记录" in html  # apprenticeships and assessments: none
    assert f'data-issued-certificate="{certificate.id}"' in html
    # Another institution that also trains the person sees the person, but not this institution's class.
    post_form(client, "/logout", {}, form_url="/dashboard")
    other = as_user(client, session, "institution_staff", "other")
    add_access(session, person_id=person.id, organisation_id=other.organisation_id, reason="enrolment", now=NOW)
    session.commit()
    response = client.get(f"/people/{person.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and person.name in html
    assert f"person-enrolment-{enrolment.id}" not in html and klass.name not in html
