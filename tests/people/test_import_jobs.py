"""Long people imports on the task queue (issue 16): the runner checks the rows with committed progress, then
writes all rows or none; the outcome is recorded and audited, the upload purged, and a dead worker's job rerun."""

import io
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import create_app, keptfiles
from app.audit.models import AuditEvent
from app.database import utcnow
from app.errors import NotAllowed
from app.extensions import db
from app.people import import_jobs, import_rows
from app.people.import_columns import MAX_ROWS
from app.people.import_job_models import PeopleImportJob
from app.people.import_jobs import import_problems, start_import_job
from app.people.models import Person
from app.spreadsheets import read_table
from app.tasks import run_import_recovery, run_people_import_job, start_people_import
from tests.conftest import IS_POSTGRES, make_config
from tests.factories import NOW, make_user
from tests.people.factories import phone, resident_id

HEADERS = ["姓名", "证件类型", "证件号码", "手机号", "文化程度", "工作单位", "职业（工种）", "从业年限"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛"
BAD_ID = "110105194912310029"  # the check character should be X


def sheet(rows) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def good_rows(count):
    return [["张" + GIVEN[n % len(GIVEN)], "居民身份证", resident_id(born=date(1980 + n % 20, 3, 7)), phone(), "高中", "沈阳机床厂", "电工", 3]
            for n in range(count)]


def storage(app) -> Path:
    return Path(app.config["FILE_STORAGE_DIR"])


def queue_job(app, session, data: bytes, *, user=None) -> tuple[int, str]:
    """Keep an upload and record its job as the web would; returns (job id, upload token)."""
    user = user or make_user(session, "institution_staff")
    with app.app_context():
        token = keptfiles.keep(storage(app), keptfiles.PENDING_IMPORTS, data,
                               {"user_id": user.id, "filename": "名单.xlsx", "kind": "people", "fields": {}})
    job = start_import_job(session, actor=user, now=NOW, upload_token=token, filename="名单.xlsx",
                           total=len(read_table(data, "名单.xlsx", max_rows=MAX_ROWS).rows) - 1, mapping={},
                           channel="web", locale="en")
    session.commit()
    return job.id, token


def events(session, action):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_job_runs_to_completion_with_progress_committed_as_rows_are_checked(app, session, engine, monkeypatch):
    job_id, token = queue_job(app, session, sheet(good_rows(7)))
    monkeypatch.setattr(import_rows, "PROGRESS_EVERY", 2)
    seen = []
    real = import_jobs.import_people

    def watched(session_, **kwargs):
        report = kwargs.pop("progress")

        def progress(rows):
            report(rows)
            with Session(engine) as other:  # what the job page, on another connection, reads meanwhile
                seen.append(other.scalar(select(PeopleImportJob.done).where(PeopleImportJob.id == job_id)))
                assert other.scalar(select(func.count(Person.id))) == 0  # nothing written while checking

        return real(session_, progress=progress, **kwargs)

    monkeypatch.setattr(import_jobs, "import_people", watched)
    real_read = import_jobs.read_table

    def read_while_others_write(data, filename, **bounds):
        if not IS_POSTGRES:  # the runner holds no SQLite write lock while it reads the sheet
            other = sqlite3.connect(engine.url.database, timeout=0)
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            other.close()
        return real_read(data, filename, **bounds)

    monkeypatch.setattr(import_jobs, "read_table", read_while_others_write)
    run_people_import_job(app, job_id)
    assert seen == [2, 4, 6, 7]
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert (job.status, job.done, job.total, job.created, job.updated, job.work_records_added) == (
        "done", 7, 7, 7, 0, 7)
    assert job.started_at is not None and job.finished_at >= job.started_at and job.upload_token is None
    assert session.scalar(select(func.count(Person.id))) == 7
    with app.app_context():  # the upload is purged once imported
        assert keptfiles.kept(storage(app), keptfiles.PENDING_IMPORTS, token) is None
    assert [e.new_value["rows"] for e in events(session, "person_import_job.start")] == [7]
    finish = events(session, "person_import_job.finish")
    assert [(e.object_id, e.new_value["status"], e.new_value["created"]) for e in finish] == [(str(job_id), "done", 7)]
    assert len(events(session, "person.import")) == 1


def test_bad_rows_import_nothing_and_every_problem_is_kept_for_the_user(app, session):
    rows = good_rows(5)
    rows[1][2] = BAD_ID
    rows[3][0] = ""
    job_id, token = queue_job(app, session, sheet(rows))
    run_people_import_job(app, job_id)
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert (job.status, job.error_count, job.created) == ("invalid", 2, None)
    assert session.scalar(select(func.count(Person.id))) == 0
    with app.app_context():
        problems = import_problems(storage(app), job)
        assert [p.row for p in problems] == [3, 5]
        assert problems[0].column == "证件号码" and problems[1].column == "姓名"
        report = keptfiles.kept(storage(app), keptfiles.DOWNLOADS, job.report_token)
        assert report is not None and report[1]["user_id"] == job.created_by_id
        assert report[0][:2] == b"PK"  # the marked workbook
        assert keptfiles.kept(storage(app), keptfiles.PENDING_IMPORTS, token) is None
    assert [e.new_value for e in events(session, "person_import_job.finish")] == [{"status": "invalid", "errors": 2}]


def test_a_job_whose_upload_is_gone_fails_with_a_reason_instead_of_waiting(app, session):
    job_id, token = queue_job(app, session, sheet(good_rows(4)))
    with app.app_context():
        keptfiles.drop(storage(app), keptfiles.PENDING_IMPORTS, token)
    run_people_import_job(app, job_id)
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert job.status == "failed" and "upload it again" in job.error  # in the job's language (English here)
    assert session.scalar(select(func.count(Person.id))) == 0


def test_a_job_whose_worker_died_is_claimed_once_and_run_again(app, session):
    job_id, _token = queue_job(app, session, sheet(good_rows(4)))
    job = session.get(PeopleImportJob, job_id)
    job.status, job.done = "running", 2  # a worker died while checking: nothing but progress was written
    job.started_at = job.heartbeat_at = utcnow() - timedelta(hours=1)
    session.commit()
    assert run_import_recovery(app) == [job_id]
    assert run_import_recovery(app) == []  # claimed: the next check leaves it alone
    session.rollback()
    assert session.get(PeopleImportJob, job_id).status == "queued"
    run_people_import_job(app, job_id)
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert (job.status, job.created, job.done) == ("done", 4, 4)
    assert len(events(session, "person_import_job.resume")) == 1


def test_a_job_whose_task_was_lost_is_queued_again_and_runs_once(app, session):
    job_id, _token = queue_job(app, session, sheet(good_rows(4)))
    job = session.get(PeopleImportJob, job_id)
    job.created_at = utcnow() - timedelta(hours=1)  # queued an hour ago, never taken by a worker
    session.commit()
    assert run_import_recovery(app) == [job_id]
    assert run_import_recovery(app) == []
    run_people_import_job(app, job_id)  # the task queued again…
    run_people_import_job(app, job_id)  # …and the original one, delivered late after all
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert (job.status, job.created) == ("done", 4)
    assert len(events(session, "person_import_job.finish")) == 1
    assert [e.new_value["was"] for e in events(session, "person_import_job.resume")] == ["queued"]


def test_a_finished_job_delivered_again_changes_nothing(app, session):
    job_id, _token = queue_job(app, session, sheet(good_rows(4)))
    run_people_import_job(app, job_id)
    run_people_import_job(app, job_id)
    session.rollback()
    assert session.scalar(select(func.count(Person.id))) == 4
    assert len(events(session, "person_import_job.finish")) == 1


def test_only_editors_may_start_a_job(app, session):
    user = make_user(session, "assessor")
    with pytest.raises(NotAllowed):
        start_import_job(session, actor=user, now=NOW, upload_token="x" * 24, filename="a.xlsx", total=5, mapping={})


def test_with_redis_unreachable_starting_a_job_runs_it_at_once(app, session, tmp_path):
    config = type("RedisDown", (make_config(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),), {
        "REDIS_URL": "redis://127.0.0.1:1/0", "HUEY_IMMEDIATE": False})
    redis_down = create_app(config)
    job_id, _token = queue_job(redis_down, session, sheet(good_rows(4)))
    assert start_people_import(redis_down, job_id) is False  # not queued: it ran here
    session.rollback()
    job = session.get(PeopleImportJob, job_id)
    assert (job.status, job.created) == ("done", 4)
    with redis_down.app_context():
        db.engine.dispose()
