"""Certificate batches as a whole: who may start one for a scope, and the runner that issues it.

`start_batch` is the one rule for starting a batch; the web, the API and the CLI call it and decide nothing
themselves. `run_batch` is the runner a queue worker (app/tasks.py) or the CLI hands a job to: it owns its
transactions, committing each step (reserve every number, then record chunk by chunk) so that a worker killed
at any moment leaves only whole certificates and a job that can be resumed (see batches.py).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.certification.batches import create_job, finish_job, pending_chunk, record_chunk, start_job
from app.certification.issuing import CertificateDraft, IssuingContext, PreparedCertificate, render_and_store
from app.certification.models import CertificateJob
from app.certification.sources import scope_organisation_id  # also registers the plan and class scopes
from app.database import utcnow
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.translation import N_

Progress = Callable[[int, int], None]
BATCH_RUNNERS = (Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF)  # staff of the issuing organisation; 人社 any
UNFINISHED = ("queued", "running")


class BatchStart(NamedTuple):
    """The job for a scope, and whether it was just created (False: one already under way is reused)."""

    job: CertificateJob
    created: bool


def may_run_batches(actor: User | None, organisation_id: int | None) -> bool:
    """True when the actor may start or follow batches issued by the organisation."""
    if actor is None:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(*BATCH_RUNNERS) and organisation_id is not None and actor.organisation_id == organisation_id


def start_batch(session: Session, *, actor: User | None, now: datetime, scope_type: str,
                scope_id: str | int) -> BatchStart:
    """Queue a batch for a plan or class the actor may issue for; reuse the job already under way for it."""
    scope_id = str(scope_id).strip()
    if not scope_id.isdigit():
        raise ValidationFailed(N_("Give the number of the plan or class to issue certificates for."),
                               field="scope_id")
    organisation_id = scope_organisation_id(session, scope_type, scope_id)
    if not may_run_batches(actor, organisation_id):
        raise NotAllowed(N_("Only the issuing organisation may issue certificates for these records."))
    running = session.scalar(select(CertificateJob).where(
        CertificateJob.scope_type == scope_type, CertificateJob.scope_id == scope_id,
        CertificateJob.status.in_(UNFINISHED)).order_by(CertificateJob.id))
    if running is not None:
        return BatchStart(running, False)
    job = create_job(session, actor=actor, now=now, scope_type=scope_type, scope_id=scope_id,
                     organisation_id=organisation_id)
    return BatchStart(job, True)


def get_batch(session: Session, *, actor: User | None, job_id: int) -> CertificateJob:
    """A batch job the actor may follow (NotFound for anyone else's)."""
    job = session.get(CertificateJob, job_id)
    if job is None or not may_run_batches(actor, job.organisation_id):
        raise NotFound(N_("There is no such certificate batch."))
    return job


class _InlineExecutor(Executor):
    """Renders at submit time in this process (tests, one rendering process)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller by future.result(), as a pool would
            future.set_exception(exc)
        return future


def _pool(processes: int) -> Executor:
    if processes <= 1:
        return _InlineExecutor()
    # spawn: a fresh interpreter per worker, never a fork of a process holding database connections
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"))


def run_batch(session: Session, *, job_id: int, ctx: IssuingContext, processes: int, chunk_size: int = 16,
              window_size: int = 128, progress: Progress | None = None,
              clock: Callable[[], datetime] = utcnow) -> tuple[int, int]:
    """Reserve, render (in parallel processes) and record a job's certificates; returns (done, total).

    The runner keeps up to two windows of certificates with the renderers: it prepares the next window
    (numbers, signatures, views) and records finished certificates while the renderers work, so they
    never wait for it. Memory stays flat whatever the size of the batch.
    """
    job, _total = start_job(session, job_id=job_id, now=clock())
    session.commit()
    pool = _pool(processes)
    in_flight: deque[tuple[CertificateDraft, PreparedCertificate, Future]] = deque()
    exhausted = False
    try:
        while True:
            if not exhausted and len(in_flight) <= window_size // 2:
                busy = {(draft.source_type, draft.source_id) for draft, _p, _f in in_flight}
                window = pending_chunk(session, job=job, ctx=ctx, size=window_size, exclude=busy)
                session.commit()
                exhausted = not window
                in_flight.extend((draft, prepared, pool.submit(render_and_store, prepared, ctx.storage_dir))
                                 for draft, prepared in window)
            if not in_flight:
                break
            rendered = []
            while in_flight and len(rendered) < chunk_size:
                draft, prepared, future = in_flight.popleft()
                path, digest = future.result()
                rendered.append((draft, prepared, path, digest))
            record_chunk(session, actor=None, now=clock(), job=job, rendered=rendered)
            session.commit()
            if progress:
                progress(job.done, job.total)
        finish_job(session, job=job, now=clock())
        session.commit()
        return job.done, job.total
    except Exception as exc:
        for _draft, _prepared, future in in_flight:
            future.cancel()
        session.rollback()
        finish_job(session, job=job, now=clock(), error=f"{type(exc).__name__}: {exc}")
        session.commit()
        raise
    finally:
        pool.shutdown(cancel_futures=True)
