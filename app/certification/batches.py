"""Batch issuance: the steps of a job, each a short transaction run by the runner (batch_runs.py).

A job first reserves every number (one transaction), then renders in parallel outside any transaction and
records chunk by chunk. A worker killed at any moment leaves only committed certificates (each with its
stored PDF) and committed reservations; running the job again finishes the reserved numbers, so no number
is used twice and none is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.certification.issuing import (
    CertificateDraft,
    IssuingContext,
    PreparedCertificate,
    existing_certificate,
    prepare_certificate,
    record_certificate,
    reserve_number,
)
from app.certification.models import CertificateJob, NumberReservation
from app.database import get_or_not_found
from app.errors import InvalidTransition, NotFound
from app.translation import N_

# scope type -> function giving the drafts of that scope (registered by sources.py)
DraftSource = Callable[[Session, str], Sequence[CertificateDraft]]
SOURCES: dict[str, tuple[str, DraftSource]] = {}


def register_source(scope_type: str, kind: str, source: DraftSource) -> None:
    """Make a kind of batch scope (e.g. an assessment plan) known to jobs."""
    SOURCES[scope_type] = (kind, source)


def create_job(session: Session, *, actor: User, now: datetime, scope_type: str, scope_id: str,
               organisation_id: int) -> CertificateJob:
    """Queue a batch for a scope; refuses a second unfinished job for the same scope."""
    if scope_type not in SOURCES:
        raise NotFound(N_("Unknown kind of certificate batch: {scope_type}.", scope_type=scope_type))
    running = session.scalar(select(CertificateJob).where(
        CertificateJob.scope_type == scope_type, CertificateJob.scope_id == str(scope_id),
        CertificateJob.status.in_(("queued", "running"))))
    if running is not None:
        raise InvalidTransition(N_("A certificate batch for these records is already under way (#{job}).",
                                   job=running.id))
    job = CertificateJob(kind=SOURCES[scope_type][0], scope_type=scope_type, scope_id=str(scope_id),
                         status="queued", total=0, done=0, organisation_id=organisation_id,
                         created_by_id=actor.id if actor else None, created_at=now)
    session.add(job)
    session.flush()
    record_event(session, actor=actor, now=now, action="certificate_job.create", object_type="certificate_job",
                 object_id=job.id, new={"scope": f"{scope_type}:{scope_id}"})
    return job


def job_drafts(session: Session, job: CertificateJob) -> list[CertificateDraft]:
    """The drafts of the job's scope."""
    return list(SOURCES[job.scope_type][1](session, job.scope_id))


def start_job(session: Session, *, job_id: int, now: datetime) -> tuple[CertificateJob, int]:
    """Mark the job running and reserve numbers for every draft not yet issued; returns (job, total)."""
    job = get_or_not_found(session, CertificateJob, job_id, N_("There is no such certificate batch."))
    if job.status == "done":
        return job, job.total
    drafts = job_drafts(session, job)
    for draft in drafts:
        if existing_certificate(session, kind=draft.kind, source_type=draft.source_type,
                                source_id=draft.source_id) is None:
            reserve_number(session, draft=draft, now=now, job_id=job.id)
    job.status, job.started_at, job.error, job.heartbeat_at = "running", job.started_at or now, None, now
    job.total = len(drafts)
    job.done = _issued_count(session, drafts)
    session.flush()
    return job, job.total


def _issued_count(session: Session, drafts: Sequence[CertificateDraft]) -> int:
    return sum(1 for d in drafts if existing_certificate(session, kind=d.kind, source_type=d.source_type,
                                                          source_id=d.source_id) is not None)


def pending_chunk(session: Session, *, job: CertificateJob, ctx: IssuingContext, size: int,
                  exclude: Collection[tuple[str, int]] = ()) -> list[tuple[CertificateDraft, PreparedCertificate]]:
    """Up to `size` reserved, unissued drafts of the job, prepared for rendering.

    ``exclude`` holds (source_type, source_id) keys already handed to a renderer and not yet recorded.
    """
    reserved = {(r.source_type, r.source_id): r for r in session.scalars(
        select(NumberReservation).where(NumberReservation.kind == job.kind).order_by(NumberReservation.number))}
    chunk = []
    for draft in job_drafts(session, job):
        key = (draft.source_type, draft.source_id)
        reservation = reserved.get(key)
        if reservation is not None and key not in exclude:
            chunk.append((draft, prepare_certificate(draft, reservation, ctx)))
            if len(chunk) == size:
                break
    return chunk


def record_chunk(session: Session, *, actor: User | None, now: datetime, job: CertificateJob,
                 rendered: Sequence[tuple[CertificateDraft, PreparedCertificate, str, str]]) -> int:
    """Record rendered certificates of a chunk and advance the job's progress."""
    for draft, prepared, path, digest in rendered:
        record_certificate(session, actor=actor, now=now, draft=draft, prepared=prepared, pdf_path=path,
                           pdf_sha256=digest)
    job.done = min(job.total, job.done + len(rendered))
    job.heartbeat_at = now
    session.flush()
    return job.done


def finish_job(session: Session, *, job: CertificateJob, now: datetime, error: str | None = None) -> None:
    """Close the job as done, or failed with the error."""
    job.status, job.finished_at, job.error = ("failed", now, error[:2000]) if error else ("done", now, None)
    session.flush()


def reservations_left(session: Session, *, job: CertificateJob) -> int:
    """How many numbers of the job's kind are reserved but not yet issued."""
    return session.scalar(select(func.count()).select_from(NumberReservation).where(
        NumberReservation.kind == job.kind, NumberReservation.job_id == job.id)) or 0
