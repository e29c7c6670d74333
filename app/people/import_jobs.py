"""People imports too large for one request (issue 16): recorded by the web or the API, run by the task queue.

`start_import_job` records the job; its upload is already a kept file (app/keptfiles.py, encrypted).
`run_import_job` is the runner a queue worker (app/tasks.py) hands the job to. It runs the same `import_people`
as an interactive import and owns its transactions: while the rows are checked it commits how many are done
(nothing is written yet), then it writes all rows or none in one transaction, with the outcome. A refused
sheet's problems are kept for the user, encrypted, for an hour (the marked workbook and the list); the upload
is deleted whatever the outcome. A worker killed mid-run has written nothing but progress, and a task lost
before any worker ran it left its job queued: `claim_stalled_import_jobs` finds both and queues them again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app import keptfiles
from app.accounts.mappings import save_mapping
from app.accounts.models import User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.database import utcnow
from app.errors import DomainError, NotFound
from app.people.access import require_editor
from app.people.import_columns import KIND, MAX_ROWS
from app.people.import_job_models import PeopleImportJob
from app.people.importing import ImportResult, import_people
from app.people.workbooks import error_workbook
from app.spreadsheets import CellError, read_table
from app.translation import N_, Message, Translate, chinese, english, render

log = logging.getLogger(__name__)
UNFINISHED = ("queued", "running")
FINISHED = ("done", "invalid", "failed")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_TYPE = "application/json"


def may_follow(actor: User | None, job: PeopleImportJob) -> bool:
    """True for the user who started the import and for administrators."""
    if actor is None:
        return False
    return actor.has_role(Role.ADMIN) or (job.created_by_id is not None and job.created_by_id == actor.id)


def start_import_job(session: Session, *, actor: User, now: datetime, upload_token: str, filename: str, total: int,
                     mapping: dict[str, str], ignore_unmapped: bool = False, remember_mapping: bool = False,
                     channel: str = "web", locale: str = "zh") -> PeopleImportJob:
    """Record a people import of a kept upload for the task queue to run; audited."""
    require_editor(actor)
    job = PeopleImportJob(status="queued", channel=channel, locale=locale, filename=filename[:255],
                          upload_token=upload_token, mapping=dict(mapping), ignore_unmapped=ignore_unmapped,
                          remember_mapping=remember_mapping, total=total, done=0,
                          organisation_id=actor.organisation_id, created_by_id=actor.id, created_at=now)
    session.add(job)
    session.flush()
    record_event(session, actor=actor, now=now, action="person_import_job.start", object_type="person_import_job",
                 object_id=job.id, new={"filename": job.filename, "rows": total, "channel": channel})
    return job


def get_import_job(session: Session, *, actor: User | None, job_id: int) -> PeopleImportJob:
    """An import job the actor may follow (NotFound for anyone else's)."""
    job = session.get(PeopleImportJob, job_id)
    if job is None or not may_follow(actor, job):
        raise NotFound(N_("There is no such import."))
    return job


def recent_import_jobs(session: Session, *, actor: User, limit: int = 5) -> list[PeopleImportJob]:
    """The actor's own latest long imports, newest first (so a page left while one ran can be found again)."""
    return list(session.scalars(select(PeopleImportJob).where(PeopleImportJob.created_by_id == actor.id)
                                .order_by(PeopleImportJob.id.desc()).limit(limit)))


def run_import_job(session: Session, *, job_id: int, storage_dir: Path,
                   clock: Callable[[], datetime] = utcnow) -> PeopleImportJob | None:
    """Run a queued (or resumed) import job to its outcome: done, invalid (nothing imported) or failed."""
    now = clock()
    # Claimed by compare-and-set: a task delivered twice (a lost task queued again) runs once.
    taken = session.execute(update(PeopleImportJob).where(
        PeopleImportJob.id == job_id, PeopleImportJob.status == "queued",
    ).values(status="running", done=0, started_at=now, heartbeat_at=now))
    session.commit()
    job = session.get(PeopleImportJob, job_id)
    if taken.rowcount != 1:
        return job  # running elsewhere, or already finished
    translate = translation_for(job.locale)
    try:
        _run(session, job, storage_dir, clock, translate)
    except Exception as exc:  # every outcome is recorded: a job is never left running
        session.rollback()
        if isinstance(exc, DomainError):
            reason = render(exc.message, translate)
        else:
            log.exception("people import job %s failed", job_id)
            reason = render(N_("The import stopped because of an unexpected error ({kind}); nothing was imported. "
                               "Upload the file again.", kind=type(exc).__name__), translate)
        _finish(session, job, clock(), "failed", {"error": reason}, error=reason)
    _drop_upload(storage_dir, job)
    session.commit()
    return job


def _run(session: Session, job: PeopleImportJob, storage_dir: Path, clock: Callable[[], datetime],
         translate: Translate) -> None:
    actor = session.get(User, job.created_by_id) if job.created_by_id is not None else None
    found = keptfiles.kept(storage_dir, keptfiles.PENDING_IMPORTS, job.upload_token or "")
    if actor is None or found is None:
        raise DomainError(N_("The uploaded file is no longer kept (after two hours it is deleted); upload it "
                             "again."))
    data, _meta = found
    total, filename, mapping, ignore_unmapped = job.total, job.filename, job.mapping, job.ignore_unmapped
    # No transaction stays open while the sheet is read and checked: on SQLite it would hold the write lock.
    session.commit()
    table = read_table(data, filename, max_rows=MAX_ROWS)

    def checked(rows: int) -> None:
        job.done, job.heartbeat_at = min(rows, total), clock()
        session.commit()  # only progress: the import writes nothing before every row is checked

    result = import_people(session, actor=actor, now=clock(), table=table, mapping=mapping,
                           ignore_unmapped=ignore_unmapped, progress=checked)
    if result.errors:
        session.rollback()
        _keep_problems(storage_dir, job, result, translate)
        _finish(session, job, clock(), "invalid", {"errors": len(result.errors)}, error_count=len(result.errors))
        return
    if job.remember_mapping and actor.organisation_id is not None:
        save_mapping(session, actor=actor, now=clock(), kind=KIND, mapping=result.layout.mapping())
    counts = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
              "work_records_added": result.work_records_added}
    job.done = job.total
    _finish(session, job, clock(), "done", counts, **counts)


def _finish(session: Session, job: PeopleImportJob, now: datetime, status: str, outcome: dict, **values: Any) -> None:
    job.status, job.finished_at, job.heartbeat_at = status, now, now
    for name, value in values.items():
        setattr(job, name, value)
    record_event(session, actor=None, now=now, action="person_import_job.finish", object_type="person_import_job",
                 object_id=job.id, old={"status": "running"}, new={"status": status, **outcome})


def _drop_upload(storage_dir: Path, job: PeopleImportJob) -> None:
    if job.upload_token:
        keptfiles.drop(storage_dir, keptfiles.PENDING_IMPORTS, job.upload_token)
        job.upload_token = None


def _keep_problems(storage_dir: Path, job: PeopleImportJob, result: ImportResult, translate: Translate) -> None:
    """Keep the marked workbook (in the job's language) and the list of problems for the user, for an hour."""
    owner = {"user_id": job.created_by_id}
    job.report_token = keptfiles.keep(storage_dir, keptfiles.DOWNLOADS, error_workbook(result, translate), {
        **owner, "filename": render(N_("people-import-errors.xlsx"), translate), "mimetype": XLSX})
    listed = [{"row": e.row, "column": e.column, "message": _message_json(e.message), "col": e.col}
              for e in result.errors]
    job.problems_token = keptfiles.keep(storage_dir, keptfiles.DOWNLOADS, json.dumps(listed).encode(), {
        **owner, "filename": "problems.json", "mimetype": JSON_TYPE})


def import_problems(storage_dir: Path, job: PeopleImportJob) -> list[CellError] | None:
    """The problems of a refused import while they are kept (an hour), messages ready to translate; else None."""
    found = keptfiles.kept(storage_dir, keptfiles.DOWNLOADS, job.problems_token or "")
    if found is None:
        return None
    return [CellError(p["row"], p["column"], _message_from(p["message"]), p["col"])
            for p in json.loads(found[0].decode())]


def _message_json(message: Any) -> Any:
    if isinstance(message, Message):
        return {"template": message.template, "params": {k: _message_json(v) for k, v in message.params.items()}}
    return message if isinstance(message, str | int | float | bool | None) else str(message)


def _message_from(value: Any) -> Any:
    if isinstance(value, dict):
        return Message(value["template"], {k: _message_from(v) for k, v in value["params"].items()})
    return value


def translation_for(locale: str) -> Translate:
    """The `translate` of a job's language (the language of the page or request that started it)."""
    return chinese if locale == "zh" else english


def claim_stalled_import_jobs(session: Session, *, now: datetime, lease: timedelta) -> list[int]:
    """Imports stuck for longer than `lease`: running ones whose worker stopped reporting (killed, its machine
    down) and queued ones no worker took (their task was lost). Each is claimed once (compare-and-set on the
    heartbeat), put back in the queue state and returned, to be queued again. Safe: a run writes people only in
    its last transaction, so a killed one left nothing but its progress, and a run starts only from "queued"."""
    cutoff = now - lease
    seen_at = func.coalesce(PeopleImportJob.heartbeat_at, PeopleImportJob.started_at, PeopleImportJob.created_at)
    claimed = []
    for job_id, status, seen in session.execute(select(
            PeopleImportJob.id, PeopleImportJob.status, PeopleImportJob.heartbeat_at).where(
            PeopleImportJob.status.in_(UNFINISHED), seen_at < cutoff).order_by(PeopleImportJob.id)).all():
        taken = session.execute(update(PeopleImportJob).where(
            PeopleImportJob.id == job_id, PeopleImportJob.status == status,
            PeopleImportJob.heartbeat_at.is_(None) if seen is None else PeopleImportJob.heartbeat_at == seen,
        ).values(heartbeat_at=now, status="queued"))
        if taken.rowcount == 1:
            claimed.append(job_id)
            record_event(session, actor=None, now=now, action="person_import_job.resume",
                         object_type="person_import_job", object_id=job_id,
                         new={"was": status, "last_heartbeat": seen.isoformat() if seen else None})
    return claimed
