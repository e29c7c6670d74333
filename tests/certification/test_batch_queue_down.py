"""With the task queue's Redis unreachable a batch is recorded and started later, never left queued or a 500.

The queue is pointed at a closed port (redis://127.0.0.1:1): enqueueing fails at once, as when Redis is down.
"""

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.certification.models import CertificateJob
from app.database import utcnow
from app.ops.metrics import make_counter
from app.tasks import enqueue, make_huey, register_tasks, run_batch_recovery
from tests.conftest import csrf_token_from, login
from tests.factories import bearer_headers, make_user
from tests.training.factories import completed_trainee, make_class

CLOSED = "redis://127.0.0.1:1/0"
WARNING = "the task queue is unreachable; the batch will start automatically when it is back"


def point_queue_at(app, url: str | None, *, immediate: bool = False) -> None:
    """Rewire the app's queue (and request counter) as create_app would for this REDIS_URL."""
    app.config.update(REDIS_URL=url, HUEY_IMMEDIATE=immediate)
    huey = make_huey(app.config)
    app.extensions["huey"] = huey
    register_tasks(app, huey)
    app.extensions["request_counter"] = make_counter(url)


@pytest.fixture
def queue_down(app):
    point_queue_at(app, CLOSED)
    return app


@pytest.fixture
def klass(session):
    staff = make_user(session, "institution_staff")
    training_class = make_class(session, staff)
    completed_trainee(session, staff, training_class)
    session.commit()
    return training_class, staff


def _jobs(session):
    session.rollback()
    return session.scalars(select(CertificateJob)).all()


def test_enqueue_reports_an_unreachable_queue_instead_of_raising(queue_down):
    assert enqueue(queue_down, "issue_batch", 1) is False


def test_starting_a_batch_on_the_web_records_it_and_says_it_will_start_later(queue_down, client, session, klass):
    training_class, staff = klass
    login(client, staff.username)
    client.set_cookie("jiangcai_lang", "en")
    token = csrf_token_from(client.get("/dashboard").get_data(as_text=True))
    response = client.post("/certificates/jobs", data={"csrf_token": token, "scope_type": "training_class",
                                                        "scope_id": str(training_class.id)})
    assert response.status_code == 302 and "/certificates/jobs/" in response.headers["Location"]
    [job] = _jobs(session)
    assert job.status == "queued"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and WARNING in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers


def test_the_api_answers_202_queued(queue_down, client, session, klass):
    training_class, staff = klass
    response = client.post("/api/v1/certificate-jobs", headers=bearer_headers(session, staff),
                           json={"scope_type": "training_class", "scope_id": training_class.id})
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.get_json()["status"] == "queued"
    assert [j.status for j in _jobs(session)] == ["queued"]


def test_metrics_answer_with_redis_marked_down(queue_down, client):
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'jiangcai_metrics_source_up{source="redis"} 0' in body
    assert "jiangcai_certificate_jobs" in body  # the database's figures are still there


def test_metrics_mark_redis_up_when_it_answers(app, client):
    point_queue_at(app, app.config["TEST_REDIS_URL"])
    try:
        import redis

        redis.Redis.from_url(app.config["TEST_REDIS_URL"], socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip("no Redis on this machine")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'jiangcai_metrics_source_up{source="redis"} 1' in body


def test_a_batch_left_waiting_is_started_by_the_recovery_once_the_queue_is_back(queue_down, client, session, klass):
    training_class, staff = klass
    client.post("/api/v1/certificate-jobs", headers=bearer_headers(session, staff),
                json={"scope_type": "training_class", "scope_id": training_class.id})
    [job] = _jobs(session)
    requeue = timedelta(seconds=queue_down.config["CERT_JOB_REQUEUE_SECONDS"])
    assert run_batch_recovery(queue_down, now=job.created_at + requeue / 2) == []  # may just be waiting its turn
    job.created_at = utcnow() - requeue - timedelta(seconds=1)  # started while the queue was down, long ago
    session.commit()
    now = utcnow()
    assert run_batch_recovery(queue_down, now=now) == [job.id]
    assert run_batch_recovery(queue_down, now=now) == []  # claimed once, whoever asks again
    session.rollback()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate_job.requeue")).one()
    assert event.object_id == str(job.id) and event.actor_id is None
    # The queue is back: the minutely recovery claims the waiting job again and it runs to the end.
    point_queue_at(queue_down, None, immediate=True)
    queue_down.config["CERT_JOB_REQUEUE_SECONDS"] = 0
    time.sleep(0.01)
    queue_down.extensions["huey_tasks"]["recover_batches"]()
    [job] = _jobs(session)
    assert job.status == "done" and job.total == job.done


def test_two_workers_never_run_one_job(app, session, klass):
    training_class, staff = klass
    from app.certification.batch_runs import claim_job, claim_stalled_jobs, start_batch

    job = start_batch(session, actor=staff, now=utcnow(), scope_type="training_class", scope_id=training_class.id).job
    session.commit()
    now = utcnow()
    assert claim_job(session, job_id=job.id, now=now) is True
    assert claim_job(session, job_id=job.id, now=now) is False  # the second task for it finds it taken
    session.commit()
    assert session.get(CertificateJob, job.id).status == "running"
    # A running job is not "waiting": the requeue leaves it to the heartbeat lease.
    assert claim_stalled_jobs(session, now=now + timedelta(seconds=1), lease=timedelta(hours=1),
                              requeue=timedelta(seconds=0)) == []


def test_connecting_to_the_queue_gives_up_within_seconds(queue_down):
    # An unreachable Redis host (no refusal, packets dropped) must not hold a request for the TCP timeout.
    assert queue_down.extensions["huey"].storage.pool.connection_kwargs["socket_connect_timeout"] <= 5
