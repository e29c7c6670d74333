"""Training edge: withdrawal, completion and termination behind the confirmation step; refusals once, 422, 404."""

from datetime import timedelta

from sqlalchemy import select

from app.database import utcnow
from app.training.apprenticeship_models import Apprenticeship
from app.training.enrolments import enrol_person
from app.training.models import Enrolment
from tests.conftest import post_form
from tests.training.factories import make_apprenticeship, make_session, trainee
from tests.web.test_training_screens import as_user, project_with_class, today


def enrolled(client, session):
    staff = as_user(client, session, "institution_staff", "teacher")
    klass = project_with_class(session, staff)
    person = trainee(session, staff, name="赵退出")
    make_session(session, staff, klass, on=today(), hours="8")
    enrolment = enrol_person(session, actor=staff, now=utcnow(), class_id=klass.id, person_id=person.id)
    session.commit()
    return klass, enrolment


def test_withdrawal_is_confirmed_and_needs_a_reason(client, session):
    klass, enrolment = enrolled(client, session)
    url = f"/classes/{klass.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'id="withdraw-{enrolment.id}"' in page and "赵退出" in page.split(f'id="withdraw-{enrolment.id}"')[1][:600]
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "withdrawn", "reason": "  "}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="withdraw-{enrolment.id}" open' in html and html.count("请填写学员退出的原因") == 1
    session.rollback()
    assert session.get(Enrolment, enrolment.id).status == "enrolled"
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "withdrawn", "reason": "外出务工"}, form_url=url)
    assert response.status_code == 302
    session.rollback()
    assert session.get(Enrolment, enrolment.id).withdrawal_reason == "外出务工"


def test_status_of_an_enrolment_outside_the_actors_scope_is_404(app, client, session):
    _klass, enrolment = enrolled(client, session)
    other = app.test_client()
    as_user(other, session, "institution_staff", "other")
    response = post_form(other, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "withdrawn", "reason": "试探"}, form_url="/training/projects")
    assert response.status_code == 404


def test_termination_is_confirmed_and_needs_a_reason(client, session):
    hr = as_user(client, session, "enterprise_hr", "hr1")
    record = make_apprenticeship(session, hr, planned_start=today(),
                                 planned_end=today().replace(year=today().year + 2) - timedelta(days=1),
                                 contract_start=today() - timedelta(days=10),
                                 contract_end=today().replace(year=today().year + 3))
    session.commit()
    url = f"/apprenticeships/{record.id}"
    assert 'id="confirm-terminate"' in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/status", {"to_status": "terminated", "reason": ""}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="confirm-terminate" open' in html and "is-invalid" in html
    session.rollback()
    assert session.get(Apprenticeship, record.id).status == "planned"
    response = post_form(client, f"{url}/status", {"to_status": "terminated", "reason": "学徒离职"}, form_url=url)
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(Apprenticeship.status).where(Apprenticeship.id == record.id)) == "terminated"


def test_a_missing_project_or_document_is_the_apps_404(client, session):
    as_user(client, session, "institution_staff", "teacher")
    assert client.get("/training/projects/999999").status_code == 404
    assert client.get("/classes/999999").status_code == 404
    assert client.get("/classes/sessions/999999/attendance").status_code == 404


def test_expulsion_is_confirmed_and_needs_its_reason_in_the_users_language(client, session):
    klass, enrolment = enrolled(client, session)
    url = f"/classes/{klass.id}"
    page = client.get(url).get_data(as_text=True)
    box = page.split(f'id="expel-{enrolment.id}"')[1][:1500]
    assert "赵退出 将被除名" in box and "除名原因（必填）" in box and 'value="expelled"' in box
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "expelled", "reason": ""}, form_url=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="expel-{enrolment.id}" open' in html and f'id="withdraw-{enrolment.id}" open' not in html
    assert html.count("请填写除名原因") == 1
    session.rollback()
    assert session.get(Enrolment, enrolment.id).status == "enrolled"
    client.set_cookie("jiangcai_lang", "en")
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "expelled", "reason": " "}, form_url=url)
    assert "Give the reason the trainee is expelled" in response.get_data(as_text=True)
    response = post_form(client, f"/classes/enrolments/{enrolment.id}/status",
                         {"to_status": "expelled", "reason": "严重违反培训纪律"}, form_url=url)
    assert response.status_code == 302
    session.rollback()
    expelled = session.get(Enrolment, enrolment.id)
    assert (expelled.status, expelled.withdrawal_reason) == ("expelled", "严重违反培训纪律")
    page = client.get(url).get_data(as_text=True)
    assert "Expelled" in page and f'id="expel-{enrolment.id}"' not in page and f'id="withdraw-{enrolment.id}"' not in page
