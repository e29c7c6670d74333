"""Queue wiring: background jobs on huey (SQLite storage by default, Redis when REDIS_URL is set).

Each task opens the app's context and hands over to the feature that does the work (certificate batches:
app/certification/batch_runs.py; people imports larger than the interactive size: app/people/import_jobs.py).

Run a worker with: `.venv/bin/huey_consumer app.worker.huey -w 2` (see app/worker.py). With
HUEY_IMMEDIATE=1 tasks run inline in the calling process (tests, quick local use).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from redis import ConnectionPool
from redis.exceptions import RedisError

from app.certification.batch_runs import Progress, claim_stalled_jobs, run_batch
from app.certification.issuing import IssuingContext
from app.certification.signing import keyring_from_config
from app.database import utcnow, write_intent
from app.demand.services import expire_demands
from app.extensions import db
from app.keptfiles import purge_expired
from app.labour.runs import begin_run, execute_run, fail_run
from app.people.import_jobs import claim_stalled_import_jobs, run_import_job
from app.reporting.facts import refresh_funnel_facts

log = logging.getLogger(__name__)
REDIS_CONNECT_TIMEOUT = 3  # seconds


def make_huey(config: dict) -> Huey:
    """The task queue for this configuration."""
    immediate = bool(config.get("HUEY_IMMEDIATE"))
    if config.get("REDIS_URL"):
        # A bounded connect: with the Redis host unreachable, starting a batch or a scrape waits seconds, not the
        # system's TCP timeout (minutes). Reads keep no timeout: the worker's blocking pop waits by design.
        pool = ConnectionPool.from_url(config["REDIS_URL"], socket_connect_timeout=REDIS_CONNECT_TIMEOUT)
        return RedisHuey("jiangcai", connection_pool=pool, immediate=immediate)
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


def run_certificate_job(app: Flask, job_id: int, *, processes: int | None = None, chunk_size: int = 16,
                        window_size: int = 128, progress: Progress | None = None,
                        claim: bool = False) -> tuple[int, int]:
    """Run a certificate batch (app/certification/batch_runs.py) with this app's storage, keys and database.

    `claim`: a queued task only runs a job it claims (waiting → running); a second task for it stops at once.
    """
    processes = app.config.get("CERT_RENDER_PROCESSES", 2) if processes is None else processes
    with app.app_context(), write_intent():
        return run_batch(db.session, job_id=job_id, ctx=issuing_context(app), processes=processes,
                         chunk_size=chunk_size, window_size=window_size, progress=progress, claim=claim)


def register_tasks(app: Flask, huey: Huey) -> None:
    """Attach the app's tasks to its queue."""

    @huey.task(name="certificates.issue_batch")
    def issue_batch(job_id: int) -> None:
        run_certificate_job(_task_app(app), job_id, claim=True)

    @huey.periodic_task(crontab(minute="*"), name="certificates.recover_batches")
    def recover_batches() -> None:
        for job_id in run_batch_recovery(_task_app(app)):
            enqueue(_task_app(app), "issue_batch", job_id)

    @huey.periodic_task(crontab(minute=f"*/{app.config['FUNNEL_FACTS_REFRESH_MINUTES']}"),
                        name="reporting.refresh_funnel_facts")
    def refresh_funnel() -> None:
        run_funnel_refresh(_task_app(app))

    @huey.periodic_task(crontab(minute="5", hour="*"), name="demand.expire_demands")
    def expire_stale_demands() -> None:
        run_demand_expiry(_task_app(app))

    @huey.periodic_task(crontab(minute="*/10"), name="files.purge_kept_files")
    def purge_kept_files() -> None:
        run_kept_files_purge(_task_app(app))

    @huey.task(name="people.import_sheet")
    def import_people_sheet(job_id: int) -> None:
        run_people_import_job(_task_app(app), job_id)

    @huey.periodic_task(crontab(minute="*"), name="people.recover_imports")
    def recover_imports() -> None:
        for job_id in run_import_recovery(_task_app(app)):
            import_people_sheet(job_id)

    @huey.task(name="labour.solve_schedule")
    def solve_schedule(run_id: int) -> None:
        run_schedule_job(_task_app(app), run_id)

    app.extensions["huey_tasks"] = {"issue_batch": issue_batch, "refresh_funnel_facts": refresh_funnel,
                                    "expire_demands": expire_stale_demands, "recover_batches": recover_batches,
                                    "purge_kept_files": purge_kept_files, "import_people": import_people_sheet,
                                    "recover_imports": recover_imports}
    app.extensions["huey_tasks"]["solve_schedule"] = solve_schedule


def run_schedule_job(app: Flask, run_id: int) -> None:
    """Solve a queued seasonal schedule run (app/labour/runs.py); pages show its progress against the time limit."""
    with app.app_context(), write_intent():
        begin_run(db.session, run_id=run_id, now=utcnow())
        db.session.commit()
        try:
            execute_run(db.session, run_id=run_id, now=utcnow())
            db.session.commit()
        except Exception as exc:
            db.session.rollback()
            log.exception("schedule run %s failed", run_id)
            fail_run(db.session, run_id=run_id, now=utcnow(), error=type(exc).__name__)
            db.session.commit()


def start_schedule_run(app: Flask, run_id: int) -> bool:
    """Queue a recorded schedule run; run it here when the queue cannot be reached. True when queued."""
    if enqueue(app, "solve_schedule", run_id):
        return True
    log.warning("task queue unreachable; solving schedule run %s inline", run_id)
    run_schedule_job(app, run_id)
    return False


def run_people_import_job(app: Flask, job_id: int) -> None:
    """Run a people import job (app/people/import_jobs.py) with this app's database and file store."""
    with app.app_context(), write_intent():
        run_import_job(db.session, job_id=job_id, storage_dir=Path(app.config["FILE_STORAGE_DIR"]))


def run_import_recovery(app: Flask, *, now: datetime | None = None) -> list[int]:
    """Claim the people imports whose worker died (silent past PEOPLE_IMPORT_LEASE_SECONDS); their ids, to rerun."""
    with app.app_context(), write_intent():
        claimed = claim_stalled_import_jobs(db.session, now=now or utcnow(),
                                            lease=timedelta(seconds=app.config["PEOPLE_IMPORT_LEASE_SECONDS"]))
        db.session.commit()
        return claimed


def start_people_import(app: Flask, job_id: int) -> bool:
    """Queue a recorded people import; when the queue cannot be reached, run it here and now instead (so no
    job waits for a queue that is down). True when it was queued, False when it ran inline."""
    try:
        if enqueue(app, "import_people", job_id):
            return True
        log.warning("task queue unreachable; running people import job %s inline", job_id)
    except Exception:  # the queue's storage failed in a way enqueue() does not expect: run it here all the same
        log.warning("task queue failed; running people import job %s inline", job_id, exc_info=True)
    run_people_import_job(app, job_id)
    return False


def run_kept_files_purge(app: Flask, *, now: float | None = None) -> int:
    """Delete one-off downloads and pending uploads past their lifetime (app/keptfiles.py); how many went."""
    return purge_expired(Path(app.config["FILE_STORAGE_DIR"]), now=now)


def run_batch_recovery(app: Flask, *, now: datetime | None = None) -> list[int]:
    """Claim the batches whose worker died (no heartbeat within CERT_JOB_LEASE_SECONDS) and those never picked
    up (waiting longer than CERT_JOB_REQUEUE_SECONDS); their ids, to queue again."""
    with app.app_context(), write_intent():
        claimed = claim_stalled_jobs(db.session, now=now or utcnow(),
                                     lease=timedelta(seconds=app.config["CERT_JOB_LEASE_SECONDS"]),
                                     requeue=timedelta(seconds=app.config["CERT_JOB_REQUEUE_SECONDS"]))
        db.session.commit()
        return claimed


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


def enqueue(app: Flask, name: str, *args) -> bool:
    """Queue a task by name (runs inline when HUEY_IMMEDIATE is set); False when the queue is unreachable.

    Callers record their work before queueing it, so a task that could not be queued is not lost: certificate
    batches left waiting are queued again by the recovery check (run_batch_recovery) once the queue is back.
    """
    try:
        app.extensions["huey_tasks"][name](*args)
    except (RedisError, OSError) as exc:
        log.warning("task queue unreachable, %s%r not queued now: %s", name, args, type(exc).__name__)
        return False
    return True


def queue_reachable(app: Flask) -> bool:
    """True when the task queue's storage answers."""
    try:
        app.extensions["huey"].pending_count()
    except (RedisError, OSError):
        return False
    return True
