"""`flask ops backup` / `flask ops restore`: a consistent archive taken while the app writes, restored and checked."""

from __future__ import annotations

import hashlib
import io
import tarfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text

from app import create_app
from app.audit.models import AuditEvent
from app.certification.models import Certificate
from app.extensions import db
from app.ops.backups import (
    BackupError,
    backup,
    holds_data,
    read_manifest,
    restore,
    table_counts,
)
from app.ops.pgtools import libpq_environment
from app.tasks import run_certificate_job
from tests.certification.test_batches import job_setup  # noqa: F401  (fixture: six people, one job)
from tests.conftest import IS_POSTGRES, make_config
from tests.ops.cluster import drop_database, recreate_database

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


class Writer(threading.Thread):
    """Inserts audit events, one per transaction, until stopped (the application at work)."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = create_engine(url)
        self.written = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.engine.begin() as conn:
                    conn.execute(insert(AuditEvent.__table__).values(
                        at=datetime.now(UTC), actor_name="writer", action="test.write", object_type="test"))
                self.written += 1
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.engine.dispose()

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while self.written < count and time.monotonic() < deadline and self.error is None:
            time.sleep(0.005)
        assert self.written >= count, self.error


@pytest.fixture
def issued(app, session, job_setup):  # noqa: F811
    """Six issued certificates with stored PDFs and one stored photo."""
    _org, job_id = job_setup
    assert run_certificate_job(app, job_id, processes=0) == (6, 6)
    photo = Path(app.config["FILE_STORAGE_DIR"]) / "photos" / "ab" / "photo.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8\xff not really a jpeg")
    session.rollback()
    return app


@pytest.fixture
def target(tmp_path):
    """URL of a fresh, empty database to restore into (a scratch PostgreSQL database on PostgreSQL)."""
    if not IS_POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored' / 'jiangcai.db'}"
        return
    from tests.conftest import DATABASE_URL

    name = f"{db_name(DATABASE_URL)}_restore"
    yield recreate_database(DATABASE_URL, name)
    drop_database(DATABASE_URL, name)


def db_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database


def counts_of(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return table_counts(conn)
    finally:
        engine.dispose()


def test_backup_while_writing_then_restore_into_a_fresh_database(issued, session, target, tmp_path):
    app = issued
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    storage = Path(app.config["FILE_STORAGE_DIR"])
    baseline = counts_of(url)["audit_events"]
    writer = Writer(url)
    writer.start()
    try:
        writer.wait_for(20)
        before = writer.written
        manifest = backup(database_url=url, storage_dir=storage, dest=tmp_path / "out" / "backup.tar", now=NOW)
        after = writer.written
        writer.wait_for(after + 20)
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None
    assert after > before, "no write happened while the backup ran"
    # One snapshot, taken while the writer ran: every row committed before the backup started, none after it ended.
    assert before <= manifest.counts["audit_events"] - baseline <= after
    assert counts_of(url)["audit_events"] == baseline + writer.written > manifest.counts["audit_events"]
    assert manifest.counts["certificates"] == 6
    assert manifest.alembic_head and manifest.alembic_head == session.execute(
        text("SELECT version_num FROM alembic_version")).scalar()
    session.rollback()
    assert manifest.database_kind == ("postgresql" if IS_POSTGRES else "sqlite")
    assert "photos/ab/photo.jpg" in manifest.files and len(manifest.files) == 7

    restored_storage = tmp_path / "restored-files"
    result = restore(archive_path=tmp_path / "out" / "backup.tar", database_url=target,
                     storage_dir=restored_storage)
    assert result.counts == manifest.counts
    assert counts_of(target) == manifest.counts  # every table, exactly the snapshot
    engine = create_engine(target)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == manifest.alembic_head
            certificates = conn.execute(select(Certificate.pdf_path, Certificate.pdf_sha256)).all()
    finally:
        engine.dispose()
    assert len(certificates) == 6
    for pdf_path, sha in certificates[::2]:  # a sample of the PDFs, byte for byte
        data = (restored_storage / pdf_path).read_bytes()
        assert data.startswith(b"%PDF") and hashlib.sha256(data).hexdigest() == sha
    assert (restored_storage / "photos/ab/photo.jpg").read_bytes() == b"\xff\xd8\xff not really a jpeg"


def test_restore_refuses_a_database_with_data_unless_forced(issued, tmp_path):
    app = issued
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    storage = Path(app.config["FILE_STORAGE_DIR"])
    archive = tmp_path / "backup.tar.gz"
    manifest = backup(database_url=url, storage_dir=storage, dest=archive, now=NOW)
    with app.app_context():
        db.session.execute(insert(AuditEvent.__table__).values(
            at=NOW, actor_name="later", action="test.write", object_type="test"))
        db.session.commit()
    with pytest.raises(BackupError, match="already holds data"):
        restore(archive_path=archive, database_url=url, storage_dir=storage)
    assert counts_of(url)["audit_events"] == manifest.counts["audit_events"] + 1  # untouched
    with app.app_context():
        db.engine.dispose()
    restore(archive_path=archive, database_url=url, storage_dir=storage, force=True)
    assert counts_of(url) == manifest.counts


def test_a_damaged_archive_is_refused_before_the_database_is_touched(issued, target, tmp_path):
    app = issued
    archive = tmp_path / "backup.tar"
    backup(database_url=app.config["SQLALCHEMY_DATABASE_URI"], storage_dir=Path(app.config["FILE_STORAGE_DIR"]),
           dest=archive, now=NOW)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.endswith(".pdf") and not damaged.with_suffix(".done").exists():
                data = data.replace(b"%PDF", b"%PDX", 1)
                damaged.with_suffix(".done").touch()
            out.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="do not match the manifest"):
        restore(archive_path=damaged, database_url=target, storage_dir=tmp_path / "restore-files")
    assert not holds_data(target)
    assert not any((tmp_path / "restore-files").rglob("*"))


def test_cli_backup_and_restore(issued, target, tmp_path):
    app = issued
    out = tmp_path / "backups"
    out.mkdir()
    result = app.test_cli_runner().invoke(args=["ops", "backup", str(out)])
    assert result.exit_code == 0, result.output
    (archive,) = out.glob("jiangcai-*.tar")
    assert "6 stored files" not in result.output and "7 stored files" in result.output
    assert read_manifest(archive).counts["certificates"] == 6

    other = create_app(make_config(target, tmp_path / "other"))
    runner = other.test_cli_runner()
    result = runner.invoke(args=["ops", "restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "row counts checked" in result.output
    result = runner.invoke(args=["ops", "restore", str(archive)])
    assert result.exit_code == 1 and "already holds data" in result.output
    with other.app_context():
        assert db.session.scalar(select(text("count(*)")).select_from(Certificate)) == 6
        db.session.remove()
        db.engine.dispose()


def test_client_tools_get_the_connection_from_the_environment_not_the_command_line():
    env = libpq_environment("postgresql+psycopg://jc:s3cret@db.internal:5433/jiangcai?sslmode=require")
    assert env == {"PGHOST": "db.internal", "PGPORT": "5433", "PGUSER": "jc", "PGPASSWORD": "s3cret",
                   "PGDATABASE": "jiangcai", "PGSSLMODE": "require"}


def test_unusable_sources_and_targets_give_a_clear_error(tmp_path):
    with pytest.raises(BackupError, match="does not exist"):
        backup(database_url=f"sqlite:///{tmp_path / 'none.db'}", storage_dir=tmp_path, dest=tmp_path / "b.tar",
               now=NOW)
    with pytest.raises(BackupError, match="cannot use the database"):
        backup(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", storage_dir=tmp_path,
               dest=tmp_path / "b.tar", now=NOW)
    with pytest.raises(BackupError, match="is not a file"):
        restore(archive_path=tmp_path / "missing.tar", database_url=f"sqlite:///{tmp_path / 'x.db'}",
                storage_dir=tmp_path / "files")
