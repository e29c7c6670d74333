"""Batch issuance: reserve all numbers, render (in parallel processes), record chunk by chunk, resume."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.catalog.seed import seed_catalog
from app.certification.batches import create_job, register_source
from app.certification.issuing import CertificateDraft
from app.certification.models import Certificate, CertificateJob, NumberReservation
from app.database import write_intent
from app.people.models import Person
from app.tasks import run_certificate_job
from tests.factories import make_evaluation_org, make_user
from tests.people.factories import make_person

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)


def drafts_of_org(session, scope_id):
    """Test source: one 焊工 四级 draft per person registered by the organisation."""
    from app.accounts.models import Organisation

    org = session.get(Organisation, int(scope_id))
    people = session.scalars(select(Person).where(Person.registered_by_org_id == org.id).order_by(Person.id))
    return [CertificateDraft(kind="skill_level", person=p, issuer=org, occupation_code="6-18-02-04",
                             occupation_name="焊工", variant_name=None, level_digit=4,
                             source_type="test_person", source_id=str(p.id)) for p in people]


register_source("test_org_people", "skill_level", drafts_of_org)


@pytest.fixture
def job_setup(app, session):
    seed_catalog(session, now=NOW)
    org = make_evaluation_org(session, site_code="210001", scopes=[("6-18-02-04", 4)])
    staff = make_user(session, "evaluation_staff", org=org)
    for _ in range(6):
        make_person(session, staff)
    job = create_job(session, actor=staff, now=NOW, scope_type="test_org_people", scope_id=str(org.id),
                     organisation_id=org.id)
    session.commit()
    return org, job.id


@pytest.mark.parametrize("processes", [0, 2])
def test_batch_issues_every_certificate_with_contiguous_numbers(app, session, job_setup, processes):
    _org, job_id = job_setup
    progress = []
    done, total = run_certificate_job(app, job_id, processes=processes, chunk_size=4,
                                      progress=lambda d, t: progress.append((d, t)))
    assert (done, total) == (6, 6) and progress == [(4, 6), (6, 6)]
    session.rollback()
    numbers = sorted(session.scalars(select(Certificate.number)))
    assert [int(n[-6:]) for n in numbers] == [1, 2, 3, 4, 5, 6]
    assert session.scalar(select(NumberReservation)) is None
    assert session.get(CertificateJob, job_id).status == "done"


def test_resuming_a_job_after_a_crash_finishes_the_reserved_numbers(app, session, job_setup, tmp_path):
    _org, job_id = job_setup
    with app.app_context(), write_intent():
        from app.certification.batches import pending_chunk, record_chunk, start_job
        from app.certification.issuing import render_and_store
        from app.extensions import db
        from app.tasks import issuing_context

        ctx = issuing_context(app)
        job, _ = start_job(db.session, job_id=job_id, now=NOW)
        db.session.commit()
        chunk = pending_chunk(db.session, job=job, ctx=ctx, size=2)
        rendered = [(d, p, *render_and_store(p, ctx.storage_dir)) for d, p in chunk]
        record_chunk(db.session, actor=None, now=NOW, job=job, rendered=rendered)
        db.session.commit()  # ... and the worker dies here
    session.rollback()
    assert len(session.scalars(select(Certificate)).all()) == 2
    assert len(session.scalars(select(NumberReservation)).all()) == 4
    assert run_certificate_job(app, job_id, processes=0) == (6, 6)
    session.rollback()
    assert [int(n[-6:]) for n in sorted(session.scalars(select(Certificate.number)))] == [1, 2, 3, 4, 5, 6]
