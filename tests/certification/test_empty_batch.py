"""A batch with nothing to issue is refused with the reasons counted; a finished empty batch offers no empty ZIP."""

import pytest
from sqlalchemy import func, select

from app.certification.batch_runs import start_batch
from app.certification.models import CertificateJob
from app.errors import InvalidTransition
from app.training.models import Enrolment
from tests.conftest import csrf_token_from, login
from tests.factories import NOW, bearer_headers, make_user
from tests.training.factories import completed_trainee, make_class, trainee


@pytest.fixture
def klass(session):
    """A class with two trainees still enrolled: nothing to issue yet."""
    staff = make_user(session, "institution_staff", username="owner")
    training_class = make_class(session, staff)
    for _ in range(2):
        session.add(Enrolment(class_id=training_class.id, person_id=trainee(session, staff).id, status="enrolled",
                              enrolled_at=NOW, status_changed_at=NOW, enrolled_by_id=staff.id))
    session.commit()
    return training_class, staff


def _jobs(session) -> int:
    return session.scalar(select(func.count()).select_from(CertificateJob))


def test_a_batch_with_nothing_to_issue_is_refused_with_counts(session, klass):
    training_class, staff = klass
    with pytest.raises(InvalidTransition) as refused:
        start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=training_class.id)
    assert str(refused.value) == ("Nothing to issue for this class: 0 already have a certificate, 2 trainees have "
                                  "not completed the class.")
    assert _jobs(session) == 0
    completed_trainee(session, staff, training_class)
    assert start_batch(session, actor=staff, now=NOW, scope_type="training_class",
                       scope_id=training_class.id).created


def test_the_web_says_why_and_starts_no_job(client, session, klass):
    training_class, staff = klass
    login(client, staff.username)
    client.set_cookie("jiangcai_lang", "en")
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    response = client.post("/certificates/jobs", data={"csrf_token": token, "scope_type": "training_class",
                                                        "scope_id": str(training_class.id)}, follow_redirects=True)
    assert "2 trainees have not completed the class" in response.get_data(as_text=True)
    assert _jobs(session) == 0


def test_the_api_refuses_with_the_reason(client, session, klass):
    training_class, staff = klass
    headers = bearer_headers(session, staff)
    response = client.post("/api/v1/certificate-jobs", headers={**headers, "Accept-Language": "en"},
                           json={"scope_type": "training_class", "scope_id": training_class.id})
    assert response.status_code == 422
    assert "2 trainees have not completed the class" in response.get_json()["error"]
    chinese = client.post("/api/v1/certificate-jobs", headers={**headers, "Accept-Language": "zh-CN"},
                          json={"scope_type": "training_class", "scope_id": training_class.id})
    assert "2 人尚未结业" in chinese.get_json()["error"]
    assert _jobs(session) == 0


def test_a_finished_empty_batch_says_why_instead_of_offering_an_empty_zip(client, session, klass):
    training_class, staff = klass
    job = CertificateJob(kind="training", scope_type="training_class", scope_id=str(training_class.id),
                         status="done", total=0, done=0, organisation_id=staff.organisation_id,
                         created_by_id=staff.id, created_at=NOW, started_at=NOW, finished_at=NOW)
    session.add(job)
    session.commit()
    login(client, staff.username)
    client.set_cookie("jiangcai_lang", "en")
    page = client.get(f"/certificates/jobs/{job.id}").get_data(as_text=True)
    assert 'id="job-empty"' in page and "2 trainees have not completed the class" in page
    assert "certificates.zip" not in page
    archive = client.get(f"/certificates/jobs/{job.id}/certificates.zip")
    assert archive.status_code == 302 and archive.headers["Location"].endswith(f"/certificates/jobs/{job.id}")
