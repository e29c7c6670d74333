"""Certificate batches as a whole: who may start one for a scope, and the runner that issues it.

`start_batch` is the one rule for starting a batch; the web, the API and the CLI call it and decide nothing
themselves. `run_batch` is the runner a queue worker (app/tasks.py) or the CLI hands a job to: it owns its
transactions, committing each step (reserve every number, then record chunk by chunk) so that a worker killed
at any moment leaves only whole certificates and a job that can be resumed (see batches.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import re
import signal
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.certification.batches import create_job, finish_job, pending_chunk, record_chunk, start_job
from app.certification.issuing import CertificateDraft, IssuingContext, PreparedCertificate, render_and_store
from app.certification.models import CertificateJob
from app.certification.sources import (  # also registers the plan and class scopes
    nothing_to_issue,
    scope_organisation_id,
)
from app.database import utcnow
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import N_, Message

Progress = Callable[[int, int], None]
BATCH_RUNNERS = (Role.EVALUATION_STAFF, Role.INSTITUTION_STAFF)  # staff of the issuing organisation; 人社 any
UNFINISHED = ("queued", "running")
SCOPE_ID = re.compile(r"[0-9]{1,18}", re.ASCII)
PR_SET_PDEATHSIG = 1


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
    if not SCOPE_ID.fullmatch(scope_id):  # ASCII digits that fit a database id (as the `<int:…>` converter)
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
    shortfall = nothing_to_issue(session, scope_type, scope_id)
    if shortfall is not None:  # refused with the reasons, rather than a job that ends "0 / 0" with an empty ZIP
        raise InvalidTransition(shortfall)
    job = create_job(session, actor=actor, now=now, scope_type=scope_type, scope_id=scope_id,
                     organisation_id=organisation_id)
    return BatchStart(job, True)


def get_batch(session: Session, *, actor: User | None, job_id: int) -> CertificateJob:
    """A batch job the actor may follow (NotFound for anyone else's)."""
    job = session.get(CertificateJob, job_id)
    if job is None or not may_run_batches(actor, job.organisation_id):
        raise NotFound(N_("There is no such certificate batch."))
    return job


def empty_batch_reason(session: Session, *, job: CertificateJob) -> Message | None:
    """Why a finished batch issued nothing (counts of its scope now), or None when it has certificates."""
    if job.status != "done" or job.total:
        return None
    return nothing_to_issue(session, job.scope_type, job.scope_id) or N_(
        "This batch found nothing to issue when it ran; start a new batch to issue what is ready now.")


class _InlineExecutor(Executor):
    """Renders at submit time in this process (tests, one rendering process)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to the caller by future.result(), as a pool would
            future.set_exception(exc)
        return future


def _die_with_parent() -> None:
    """In a render process: be killed when the worker that started it dies (Linux), never left running."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown is all there is
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os._exit(1)


def _pool(processes: int) -> Executor:
    if processes <= 1:
        return _InlineExecutor()
    # spawn: a fresh interpreter per worker, never a fork of a process holding database connections
    return ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with_parent)


def claim_job(session: Session, *, job_id: int, now: datetime) -> bool:
    """Take a waiting job for this worker (waiting → running, compare-and-set): False when another has it."""
    taken = session.execute(update(CertificateJob).where(
        CertificateJob.id == job_id, CertificateJob.status == "queued",
    ).values(status="running", heartbeat_at=now).execution_options(synchronize_session=False))
    return taken.rowcount == 1


def run_batch(session: Session, *, job_id: int, ctx: IssuingContext, processes: int, chunk_size: int = 16,
              window_size: int = 128, progress: Progress | None = None,
              clock: Callable[[], datetime] = utcnow, claim: bool = False) -> tuple[int, int]:
    """Reserve, render (in parallel processes) and record a job's certificates; returns (done, total).

    The runner keeps up to two windows of certificates with the renderers: it prepares the next window
    (numbers, signatures, views) and records finished certificates while the renderers work, so they
    never wait for it. Memory stays flat whatever the size of the batch.

    With `claim` (a task from the queue) the job runs only if this call takes it from waiting; a duplicate
    task (the batch was queued again while its first task was still waiting) returns without touching it.
    """
    if claim:
        taken = claim_job(session, job_id=job_id, now=clock())
        session.commit()
        if not taken:
            job = session.get(CertificateJob, job_id)
            return (job.done, job.total) if job is not None else (0, 0)
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
                job.heartbeat_at = clock()
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


def claim_stalled_jobs(session: Session, *, now: datetime, lease: timedelta,
                       requeue: timedelta | None = None) -> list[int]:
    """Jobs to queue again: running jobs whose worker stopped writing its heartbeat for longer than `lease` (it
    was killed, or its machine went down), and, with `requeue`, jobs still waiting that long (the queue was
    unreachable when they were started, or their task was lost). Each is claimed by compare-and-set on its
    heartbeat, so only one recovering worker gets it; a stalled job goes back to waiting, and the task that
    claims it from there (claim_job) is the only one to run it. Resuming is safe at any point: numbers stay
    reserved, certificates already recorded are skipped, and a PDF rendered but not recorded is rendered again
    to the same path (adopted)."""
    cutoff = now - lease
    stale = or_(CertificateJob.heartbeat_at < cutoff,
                CertificateJob.heartbeat_at.is_(None) & (CertificateJob.started_at < cutoff))
    candidates = [(job_id, seen, "running") for job_id, seen in session.execute(
        select(CertificateJob.id, CertificateJob.heartbeat_at).where(CertificateJob.status == "running", stale))]
    if requeue is not None:
        waited = func.coalesce(CertificateJob.heartbeat_at, CertificateJob.created_at) < now - requeue
        candidates += [(job_id, seen, "queued") for job_id, seen in session.execute(
            select(CertificateJob.id, CertificateJob.heartbeat_at).where(CertificateJob.status == "queued", waited))]
    claimed = []
    for job_id, seen, status in sorted(candidates):
        taken = session.execute(update(CertificateJob).where(
            CertificateJob.id == job_id, CertificateJob.status == status,
            CertificateJob.heartbeat_at.is_(None) if seen is None else CertificateJob.heartbeat_at == seen,
        ).values(status="queued", heartbeat_at=now).execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            claimed.append(job_id)
            action = "certificate_job.resume" if status == "running" else "certificate_job.requeue"
            record_event(session, actor=None, now=now, action=action, object_type="certificate_job",
                         object_id=job_id, new={"last_heartbeat": seen.isoformat() if seen else None})
    return claimed
