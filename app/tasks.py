"""Background jobs on huey (SQLite storage by default, Redis when REDIS_URL is set) and their runners.

Run a worker with: `.venv/bin/huey_consumer app.worker.huey -w 2` (see app/worker.py). With
HUEY_IMMEDIATE=1 tasks run inline in the calling process (tests, quick local use).
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab

import app.certification.sources  # noqa: F401  (registers the batch scopes)
from app.certification.batches import finish_job, pending_chunk, record_chunk, start_job
from app.certification.issuing import CertificateDraft, IssuingContext, PreparedCertificate, render_and_store
from app.certification.signing import keyring_from_config
from app.database import utcnow, write_intent
from app.demand.services import expire_demands
from app.extensions import db
from app.reporting.facts import refresh_funnel_facts

Progress = Callable[[int, int], None]


def make_huey(config: dict) -> Huey:
    """The task queue for this configuration."""
    immediate = bool(config.get("HUEY_IMMEDIATE"))
    if config.get("REDIS_URL"):
        return RedisHuey("jiangcai", url=config["REDIS_URL"], immediate=immediate)
    path = Path(config["INSTANCE_DIR"]) / "huey.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("jiangcai", filename=str(path), immediate=immediate)


def issuing_context(app: Flask) -> IssuingContext:
    """Storage, signing keys and the public address from the app's configuration."""
    return IssuingContext(
        storage_dir=Path(app.config["FILE_STORAGE_DIR"]),
        keyring=keyring_from_config(app.config["CERT_SIGNING_KEYS"], app.config.get("CERT_VERIFY_ONLY_KEYS", "")),
        base_url=app.config["PUBLIC_BASE_URL"],
    )


class _InlineExecutor(Executor):
    """Renders at submit time in this process (tests, CERT_RENDER_PROCESSES <= 1)."""

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


def run_certificate_job(app: Flask, job_id: int, *, processes: int | None = None, chunk_size: int = 16,
                        window_size: int = 128, progress: Progress | None = None) -> tuple[int, int]:
    """Reserve, render (in parallel processes) and record a job's certificates; returns (done, total).

    The parent keeps up to two windows of certificates with the renderers: it prepares the next window
    (numbers, signatures, views) and records finished certificates while the renderers work, so they
    never wait for it.  Memory stays flat whatever the size of the batch.
    """
    ctx = issuing_context(app)
    processes = app.config.get("CERT_RENDER_PROCESSES", 2) if processes is None else processes
    with app.app_context(), write_intent():
        session = db.session
        job, _total = start_job(session, job_id=job_id, now=utcnow())
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
                _record(session, job, rendered, progress)
            finish_job(session, job=job, now=utcnow())
            session.commit()
            return job.done, job.total
        except Exception as exc:
            for _draft, _prepared, future in in_flight:
                future.cancel()
            session.rollback()
            finish_job(session, job=job, now=utcnow(), error=f"{type(exc).__name__}: {exc}")
            session.commit()
            raise
        finally:
            pool.shutdown(cancel_futures=True)


def _record(session, job, rendered, progress: Progress | None) -> None:
    record_chunk(session, actor=None, now=utcnow(), job=job, rendered=rendered)
    session.commit()
    if progress:
        progress(job.done, job.total)


def register_tasks(app: Flask, huey: Huey) -> None:
    """Attach the app's tasks to its queue."""

    @huey.task(name="certificates.issue_batch")
    def issue_batch(job_id: int) -> None:
        run_certificate_job(_task_app(app), job_id)

    @huey.periodic_task(crontab(minute=f"*/{app.config['FUNNEL_FACTS_REFRESH_MINUTES']}"),
                        name="reporting.refresh_funnel_facts")
    def refresh_funnel() -> None:
        run_funnel_refresh(_task_app(app))

    @huey.periodic_task(crontab(minute="5", hour="*"), name="demand.expire_demands")
    def expire_stale_demands() -> None:
        run_demand_expiry(_task_app(app))

    app.extensions["huey_tasks"] = {"issue_batch": issue_batch, "refresh_funnel_facts": refresh_funnel,
                                    "expire_demands": expire_stale_demands}


def run_demand_expiry(app: Flask) -> int:
    """Close open job demands past their valid-until date (hourly, so lists and matching stay honest)."""
    with app.app_context(), write_intent():
        expired = expire_demands(db.session, now=utcnow())
        db.session.commit()
        return expired


def run_funnel_refresh(app: Flask) -> tuple[datetime, int, int]:
    """Rebuild the funnel report's per-class figures; returns (as of, classes, milliseconds)."""
    with app.app_context(), write_intent():
        state = refresh_funnel_facts(db.session, now=utcnow())
        figures = (state.refreshed_at, state.row_count, state.duration_ms)
        db.session.commit()
        return figures


def _task_app(default: Flask) -> Flask:
    try:
        return current_app._get_current_object()
    except RuntimeError:
        return default


def init_tasks(app: Flask) -> None:
    """Create the app's queue and register its tasks."""
    huey = make_huey(app.config)
    app.extensions["huey"] = huey
    register_tasks(app, huey)


def enqueue(app: Flask, name: str, *args) -> None:
    """Queue a task by name (runs inline when HUEY_IMMEDIATE is set)."""
    app.extensions["huey_tasks"][name](*args)
