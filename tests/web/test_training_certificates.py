"""Training and apprenticeship certificates from their own pages: one at a time and a whole class as a batch."""

import io
import re

import pypdf
import pytest
from sqlalchemy import select

from app.certification.models import Certificate
from app.training.apprenticeship_models import Apprenticeship
from app.training.models import Enrolment, TrainingClass
from tests.conftest import csrf_token_from, login


@pytest.fixture
def demo(app, session):
    result = app.test_cli_runner().invoke(args=["demo", "load", "--quiet"])
    assert result.exit_code == 0, result.output
    session.rollback()


def finished_class(session) -> TrainingClass:
    return session.scalars(select(TrainingClass).where(TrainingClass.name == "2026年第一期")).one()


def completed_enrolments(session, klass) -> list[Enrolment]:
    return list(session.scalars(select(Enrolment).where(
        Enrolment.class_id == klass.id, Enrolment.status == "completed").order_by(Enrolment.id)))


def pdf_text(client, certificate_id: int) -> str:
    with client.get(f"/certificates/{certificate_id}/pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        data = response.data
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).replace(" ", "")


def test_institution_issues_one_training_certificate_from_the_class_page(client, session, demo):
    klass = finished_class(session)
    first = completed_enrolments(session, klass)[0]
    name = first.person.name
    session.rollback()
    login(client, "inst_sy")
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert page.count('data-action="issue-certificate"') == len(completed_enrolments(session, klass))
    assert 'id="issue-class-certificates"' in page
    response = client.post("/certificates/issue/enrolment", data={
        "csrf_token": csrf_token_from(page), "source_id": str(first.id), "next": f"/classes/{klass.id}"})
    assert response.status_code == 302
    certificate_id = int(re.search(r"/certificates/(\d+)$", response.headers["Location"]).group(1))
    session.rollback()
    certificate = session.get(Certificate, certificate_id)
    assert (certificate.kind, certificate.source_type, certificate.source_id) == ("training", "enrolment", str(first.id))
    text = pdf_text(client, certificate_id)
    assert "培训合格证书" in text and name in text and certificate.number in text
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    row = re.search(rf'<tr id="enrolment-{first.id}">.*?</tr>', page, re.S).group(0)
    assert certificate.number in row and "issue-certificate" not in row


def test_issuing_twice_for_one_trainee_is_refused(client, session, demo):
    klass = finished_class(session)
    first = completed_enrolments(session, klass)[0].id
    session.rollback()
    login(client, "inst_sy")
    token = csrf_token_from(client.get(f"/classes/{klass.id}").get_data(as_text=True))
    data = {"csrf_token": token, "source_id": str(first), "next": f"/classes/{klass.id}"}
    assert client.post("/certificates/issue/enrolment", data=data).status_code == 302
    again = client.post("/certificates/issue/enrolment", data=data, follow_redirects=True)
    session.rollback()
    count = len(session.scalars(select(Certificate).where(Certificate.source_id == str(first),
                                                          Certificate.source_type == "enrolment")).all())
    assert count == 1 and "alert-danger" in again.get_data(as_text=True)


def test_batch_button_issues_every_completed_trainee(client, session, demo):
    klass = finished_class(session)
    expected = {e.id for e in completed_enrolments(session, klass)}
    session.rollback()
    assert expected
    login(client, "inst_sy")
    token = csrf_token_from(client.get(f"/classes/{klass.id}").get_data(as_text=True))
    response = client.post("/certificates/jobs", data={"csrf_token": token, "scope_type": "training_class",
                                                        "scope_id": str(klass.id)})
    assert response.status_code == 302 and "/certificates/jobs/" in response.headers["Location"]
    status = client.get(response.headers["Location"] + ".json").get_json()
    assert status["status"] == "done" and status["done"] == status["total"] == len(expected)
    session.rollback()
    issued = {int(c.source_id) for c in session.scalars(select(Certificate).where(
        Certificate.source_type == "enrolment", Certificate.kind == "training"))}
    assert issued == expected
    page = client.get(f"/classes/{klass.id}").get_data(as_text=True)
    assert 'data-action="issue-certificate"' not in page and 'id="issue-class-certificates"' not in page


def test_other_institution_sees_no_class_and_cannot_issue(client, session, demo):
    klass = finished_class(session)
    first = completed_enrolments(session, klass)[0].id
    session.rollback()
    login(client, "inst_dl")
    assert client.get(f"/classes/{klass.id}").status_code == 404
    token = csrf_token_from(client.get("/account/password").get_data(as_text=True))
    response = client.post("/certificates/issue/enrolment", data={"csrf_token": token, "source_id": str(first)},
                           follow_redirects=True)
    assert response.status_code == 403  # NotAllowed: the app-level handler answers
    session.rollback()
    assert session.scalars(select(Certificate).where(Certificate.source_type == "enrolment")).first() is None


def test_apprenticeship_completion_certificate_from_its_page(app, client, session, demo):
    record = session.scalars(select(Apprenticeship).where(Apprenticeship.status == "completed")).one()
    record_id, name = record.id, record.person.name
    session.rollback()
    login(client, "hr_as")  # the enterprise sees the record but the institution issues
    page = client.get(f"/apprenticeships/{record_id}").get_data(as_text=True)
    assert 'id="apprenticeship-certificate"' in page and 'id="issue-apprenticeship-certificate"' not in page
    client = app.test_client()
    login(client, "inst_sy")
    page = client.get(f"/apprenticeships/{record_id}").get_data(as_text=True)
    assert 'id="issue-apprenticeship-certificate"' in page
    response = client.post("/certificates/issue/apprenticeship", data={
        "csrf_token": csrf_token_from(page), "source_id": str(record_id), "next": f"/apprenticeships/{record_id}"})
    assert response.status_code == 302
    certificate_id = int(re.search(r"/certificates/(\d+)$", response.headers["Location"]).group(1))
    text = pdf_text(client, certificate_id)
    assert name in text and "鞍山恒钢金属制品有限公司" in text
    page = client.get(f"/apprenticeships/{record_id}").get_data(as_text=True)
    session.rollback()
    number = session.get(Certificate, certificate_id).number
    assert number in page and 'id="issue-apprenticeship-certificate"' not in page
