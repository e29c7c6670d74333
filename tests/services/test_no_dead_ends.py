"""No dead ends: every state that is not final offers a legal next action, built from the vocabularies, the
models' CHECK constraints, the transition tables and the services that move records between states."""

from __future__ import annotations

import inspect
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.assessment import plans, registration, results, scoring, staffing
from app.assessment.models import AssessmentPlan, AssessmentSession, Registration
from app.assessment.vocabulary import PLAN_STATUSES, PLAN_TRANSITIONS, REGISTRATION_STATUSES, SESSION_STATUSES
from app.certification import batch_runs
from app.certification.models import CertificateJob
from tests.factories import NOW, make_user
from tests.training.factories import completed_trainee, make_class


def _check_states(model, name: str = "status") -> set[str]:
    """The states a model's CHECK constraint on `status` allows (as the database enforces them)."""
    for constraint in model.__table__.constraints:
        sql = str(getattr(constraint, "sqltext", ""))
        if "status" in sql and " IN " in sql.upper():
            return set(re.findall(r"'([a-z_]+)'", sql))
    raise AssertionError(f"{model.__name__} has no CHECK on {name}")


# machine: (states, final states, [(from states, to state, service that makes the move)])
MACHINES = {
    "assessment plan": (set(PLAN_STATUSES), {"finalised", "cancelled"}, [
        *((sources, target, plans.transition_plan) for sources, target in PLAN_TRANSITIONS.values()),
        (("in_progress",), "results_published", results.publish_results),
        (("results_published",), "finalised", results.finalise_plan),
    ]),
    "registration": (set(REGISTRATION_STATUSES), {"withdrawn"}, [
        (("eligible", "overridden"), "withdrawn", registration.withdraw_registration),
        (("ineligible",), "overridden", registration.override_registration),
    ]),
    "room": (set(SESSION_STATUSES), {"signed_off"}, [
        (("planning",), "confirmed", staffing.confirm_session),
        (("confirmed",), "signed_off", scoring.sign_off_session),
    ]),
    "certificate job": (_check_states(CertificateJob), {"done"}, [
        (("queued",), "running", batch_runs.claim_job),
        (("running",), "done", batch_runs.run_batch),
        (("running", "queued"), "queued", batch_runs.claim_stalled_jobs),  # a dead worker, a lost task
        (("failed",), "queued", batch_runs.start_batch),  # a new job for the same scope picks it up
    ]),
}
TABLE_DRIVEN = {plans.transition_plan}


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_state_that_is_not_final_has_a_way_on(machine):
    states, finals, edges = MACHINES[machine]
    assert finals <= states
    leaving = {source for sources, _target, _service in edges for source in sources}
    assert leaving <= states, f"{machine}: moves from unknown states {leaving - states}"
    dead_ends = states - finals - leaving
    assert not dead_ends, f"{machine}: no legal next action from {sorted(dead_ends)}"
    assert not finals & leaving, f"{machine}: a final state is left again: {sorted(finals & leaving)}"


@pytest.mark.parametrize("machine", sorted(MACHINES))
def test_every_move_is_made_by_its_service(machine):
    """The service named for a move really sets that state (it is not just listed here)."""
    states, _finals, edges = MACHINES[machine]
    for _sources, target, service in edges:
        assert target in states
        if service in TABLE_DRIVEN:
            continue
        source = inspect.getsource(service)
        if service is batch_runs.run_batch or service is batch_runs.start_batch:
            source += inspect.getsource(batch_runs.finish_job if target == "done" else batch_runs.create_job)
        assert f'"{target}"' in source, f"{service.__name__} never sets {target!r}"


def test_model_checks_agree_with_the_vocabularies():
    assert _check_states(CertificateJob) == {"queued", "running", "done", "failed"}
    for model in (AssessmentPlan, AssessmentSession, Registration):
        assert model.__table__.c.status is not None


@pytest.fixture
def scope(session):
    staff = make_user(session, "institution_staff")
    klass = make_class(session, staff)
    completed_trainee(session, staff, klass)
    session.commit()
    return klass, staff


def _job(session, job_id):
    session.expire_all()
    return session.get(CertificateJob, job_id)


def test_a_job_left_waiting_is_queued_again_and_a_stalled_one_resumes(session, scope):
    klass, staff = scope
    job = batch_runs.start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=klass.id).job
    session.commit()
    later = NOW + timedelta(hours=1)
    assert batch_runs.claim_stalled_jobs(session, now=later, lease=timedelta(minutes=5),
                                         requeue=timedelta(minutes=10)) == [job.id]
    assert batch_runs.claim_job(session, job_id=job.id, now=later)
    assert _job(session, job.id).status == "running"
    much_later = later + timedelta(hours=1)
    assert batch_runs.claim_stalled_jobs(session, now=much_later, lease=timedelta(minutes=5)) == [job.id]
    assert _job(session, job.id).status == "queued"


def test_a_failed_job_does_not_block_its_scope(session, scope):
    klass, staff = scope
    job = batch_runs.start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=klass.id).job
    job.status, job.error, job.finished_at = "failed", "RuntimeError: boom", NOW
    session.commit()
    again = batch_runs.start_batch(session, actor=staff, now=NOW, scope_type="training_class", scope_id=klass.id)
    assert again.created and again.job.id != job.id and again.job.status == "queued"
    assert session.scalars(select(CertificateJob.status).order_by(CertificateJob.id)).all() == ["failed", "queued"]
