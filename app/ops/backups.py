"""Backups of the database and the stored files (certificate PDFs, photos) in one tar archive, and their restore.

SQLite is copied with the online backup API and PostgreSQL with pg_dump, both from one consistent snapshot while
the application keeps writing. Table counts and the migration head in the manifest are read from that same
snapshot. Stored files are copied after the snapshot: a PDF is written before the row that names it commits, and
files are never changed once written, so every file the snapshot refers to is in the archive.

Archive layout: database/<dump>, files/<path under FILE_STORAGE_DIR>, and manifest.json last (it carries the
SHA-256 of everything before it, so a restore checks every byte).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import OperationalError

from app.keptfiles import LIFETIMES
from app.ops.pgtools import ClientToolError, check_client_version, run_tool

FORMAT = 1
MANIFEST_NAME = "manifest.json"
DUMP_NAMES = {"sqlite": "database/jiangcai.sqlite3", "postgresql": "database/jiangcai.pgdump"}
FILES_PREFIX = "files/"
STAGING_PREFIX = ".restore-"
CHUNK = 1024 * 1024
# Under FILE_STORAGE_DIR but never archived: kept files purged within hours, and the masked copies of
# certificates that app/certification/copies.py renders again on demand.
TRANSIENT_FOLDERS = frozenset({*LIFETIMES, "certificate-copies"})


class BackupError(RuntimeError):
    """A backup or restore that cannot be done safely; the message says why and what to do."""


@dataclass
class Manifest:
    """What an archive holds, with the figures a restore is checked against."""

    created_at: str
    database_kind: str
    alembic_head: str | None
    counts: dict[str, int]
    database_file: str
    database_sha256: str
    files: dict[str, str] = field(default_factory=dict)  # path under FILE_STORAGE_DIR -> SHA-256
    format: int = FORMAT

    def to_json(self) -> bytes:
        """The manifest as UTF-8 JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Read a manifest; refuses formats this version does not know."""
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise BackupError(f"unknown backup format {raw.get('format')!r}; expected {FORMAT}")
        return cls(**raw)


def database_kind(database_url: str) -> str:
    """'sqlite' or 'postgresql'."""
    backend = make_url(database_url).get_backend_name()
    if backend not in DUMP_NAMES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the database (as one snapshot when the transaction is repeatable-read)."""
    quote = conn.dialect.identifier_preparer.quote
    names = sorted(inspect(conn).get_table_names())
    return {name: conn.execute(text(f"SELECT count(*) FROM {quote(name)}")).scalar_one() for name in names}


def migration_head(conn: Connection) -> str | None:
    """The Alembic revision the database is at, or None if it was never migrated."""
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def holds_data(database_url: str) -> bool:
    """True when any table other than alembic_version has a row (an empty, migrated database holds none)."""
    if database_kind(database_url) == "sqlite":
        path = _sqlite_path(database_url)
        if not path.exists() or path.stat().st_size == 0:
            return False
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            counts = table_counts(conn)
    finally:
        engine.dispose()
    return any(n for name, n in counts.items() if name != "alembic_version")


# --- backup -------------------------------------------------------------------------------------------------

def backup(*, database_url: str, storage_dir: Path, dest: Path, now: datetime) -> Manifest:
    """Write one archive of the database and every stored file to dest (written aside, then renamed)."""
    with _reporting_connection_errors():
        return _backup(database_url, storage_dir, dest, now)


@contextmanager
def _reporting_connection_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise BackupError(f"cannot use the database: {str(exc.orig).strip()}") from exc
    except ClientToolError as exc:
        raise BackupError(str(exc)) from exc


def _backup(database_url: str, storage_dir: Path, dest: Path, now: datetime) -> Manifest:
    kind = database_kind(database_url)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=".backup-") as work:
        dump = Path(work) / "dump"
        if kind == "sqlite":
            counts, head = _dump_sqlite(database_url, dump)
        else:
            counts, head = _dump_postgres(database_url, dump)
        manifest = Manifest(created_at=now.isoformat(), database_kind=kind, alembic_head=head, counts=counts,
                            database_file=DUMP_NAMES[kind], database_sha256=_sha256_of(dump))
        partial = Path(work) / "archive"
        with tarfile.open(partial, _write_mode(dest)) as archive:
            archive.add(dump, DUMP_NAMES[kind], recursive=False)
            for relative, path in _stored_files(storage_dir):
                manifest.files[relative] = _add_hashed(archive, path, FILES_PREFIX + relative)
            info = tarfile.TarInfo(MANIFEST_NAME)
            data = manifest.to_json()
            info.size, info.mtime = len(data), int(now.timestamp())
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, dest)
    return manifest


def _write_mode(dest: Path) -> str:
    return "w:gz" if dest.name.endswith((".tar.gz", ".tgz")) else "w"


def _sqlite_path(database_url: str) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(name)


def _dump_sqlite(database_url: str, dump: Path) -> tuple[dict[str, int], str | None]:
    source = _sqlite_path(database_url)
    if not source.exists():
        raise BackupError(f"database file {source} does not exist")
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(dump)) as dst:
        src.backup(dst)  # one step: a consistent snapshot, while WAL lets writers go on
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    engine = create_engine(f"sqlite:///{dump}")
    try:
        with engine.connect() as conn:
            return table_counts(conn), migration_head(conn)
    finally:
        engine.dispose()


def _dump_postgres(database_url: str, dump: Path) -> tuple[dict[str, int], str | None]:
    engine = create_engine(database_url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            check_client_version("pg_dump", conn)
            # pg_dump reads the snapshot this transaction exported, so the dump and the counts agree.
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            counts, head = table_counts(conn), migration_head(conn)
            run_tool(["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dump}"],
                 database_url)
            conn.rollback()
    finally:
        engine.dispose()
    return counts, head


def _stored_files(storage_dir: Path) -> Iterator[tuple[str, Path]]:
    if not storage_dir.is_dir():
        return
    for path in sorted(storage_dir.rglob("*")):
        relative = path.relative_to(storage_dir)
        if relative.parts[0].startswith(STAGING_PREFIX) or path.name.endswith(".tmp"):
            continue  # a restore in progress, or a PDF being written
        if relative.parts[0] in TRANSIENT_FOLDERS:
            continue  # personal data kept for an hour or two (app/keptfiles.py) must not outlive it in an archive
        if path.is_file() and not path.is_symlink():
            yield relative.as_posix(), path


class _HashingReader:
    def __init__(self, raw) -> None:
        self.raw, self.digest = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def _add_hashed(archive: tarfile.TarFile, path: Path, name: str) -> str:
    info = archive.gettarinfo(path, name)
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        archive.addfile(info, reader)
    return reader.digest.hexdigest()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- restore ------------------------------------------------------------------------------------------------

def read_manifest(archive_path: Path) -> Manifest:
    """The manifest of an archive (without restoring anything)."""
    with tarfile.open(archive_path, "r:*") as archive:
        member = archive.getmember(MANIFEST_NAME)
        return Manifest.from_json(archive.extractfile(member).read())


def restore(*, archive_path: Path, database_url: str, storage_dir: Path, force: bool = False) -> Manifest:
    """Restore an archive into the database and storage folder, then check counts and the migration head.

    Refuses a database that holds data unless force is set. Every byte is checked against the manifest
    before the database is touched.
    """
    with _reporting_connection_errors():
        return _restore(archive_path, database_url, storage_dir, force)


def _restore(archive_path: Path, database_url: str, storage_dir: Path, force: bool) -> Manifest:
    kind = database_kind(database_url)
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} is not a file")
    if holds_data(database_url) and not force:
        raise BackupError("the target database already holds data; restoring would overwrite it "
                          "(use --force to replace it)")
    storage_dir.mkdir(parents=True, exist_ok=True)
    # Staged inside the storage folder: the same file system (often a network mount), so files move by rename.
    with tempfile.TemporaryDirectory(dir=storage_dir, prefix=STAGING_PREFIX) as work:
        staging = Path(work)
        manifest, dump, staged = _unpack(archive_path, staging)
        if manifest.database_kind != kind:
            raise BackupError(f"this archive holds a {manifest.database_kind} database; the target is {kind}")
        if kind == "sqlite":
            _restore_sqlite(dump, database_url)
        else:
            _restore_postgres(dump, database_url)
        for relative, path in staged.items():
            target = storage_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    _check_restored(database_url, manifest)
    return manifest


def _unpack(archive_path: Path, staging: Path) -> tuple[Manifest, Path, dict[str, Path]]:
    """Stream the archive into staging, hashing as it goes; check everything against the manifest."""
    hashes: dict[str, str] = {}
    staged: dict[str, Path] = {}
    dump: Path | None = None
    manifest: Manifest | None = None
    with tarfile.open(archive_path, "r|*") as archive:
        for member in archive:
            if member.name == MANIFEST_NAME:
                manifest = Manifest.from_json(archive.extractfile(member).read())
                continue
            if not member.isfile():
                raise BackupError(f"unexpected entry {member.name!r} in the archive")
            if member.name in DUMP_NAMES.values():
                dump = staging / "dump"
                hashes[member.name] = _extract_hashed(archive, member, dump)
            elif member.name.startswith(FILES_PREFIX):
                relative = _safe_relative(member.name[len(FILES_PREFIX):])
                path = staging / "files" / relative
                hashes[relative] = _extract_hashed(archive, member, path)
                staged[relative] = path
            else:
                raise BackupError(f"unexpected entry {member.name!r} in the archive")
    if manifest is None:
        raise BackupError("the archive has no manifest.json; it is not a Jiangcai backup or it is truncated")
    if dump is None or hashes.get(manifest.database_file) != manifest.database_sha256:
        raise BackupError("the database dump is missing or does not match its SHA-256 in the manifest")
    file_hashes = {k: v for k, v in hashes.items() if k != manifest.database_file}
    if file_hashes != manifest.files:
        bad = sorted(set(file_hashes.items()) ^ set(manifest.files.items()))
        raise BackupError(f"stored files do not match the manifest (first: {bad[0][0]})")
    return manifest, dump, staged


def _safe_relative(name: str) -> str:
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"unsafe path {name!r} in the archive")
    return path.as_posix()


def _extract_hashed(archive: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    source = archive.extractfile(member)
    with target.open("wb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _restore_sqlite(dump: Path, database_url: str) -> None:
    target = _sqlite_path(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = target.with_name(target.name + ".restoring")
    shutil.copyfile(dump, aside)
    with open(aside, "rb+") as fh:
        os.fsync(fh.fileno())
    for suffix in ("-wal", "-shm", "-journal"):  # left by the replaced database; they belong to it
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(aside, target)


def _restore_postgres(dump: Path, database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            check_client_version("pg_restore", conn)
    finally:
        engine.dispose()
    database = make_url(database_url).database
    run_tool(["pg_restore", "--no-password", "--no-owner", "--no-privileges", "--clean", "--if-exists",
          "--single-transaction", "--exit-on-error", f"--dbname={database}", str(dump)], database_url)


def _check_restored(database_url: str, manifest: Manifest) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            counts, head = table_counts(conn), migration_head(conn)
    finally:
        engine.dispose()
    if head != manifest.alembic_head:
        raise BackupError(f"restored database is at revision {head}, the backup at {manifest.alembic_head}")
    wrong = {t: (counts.get(t), n) for t, n in manifest.counts.items() if counts.get(t) != n}
    if wrong:
        raise BackupError(f"restored row counts differ from the backup: {wrong}")
