"""One-off downloads and pending uploads: encrypted at rest, refused past their lifetime, purged on schedule."""

import io
import os
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app import keptfiles, pii
from app.ops.backups import _stored_files
from app.tasks import run_kept_files_purge
from tests.conftest import login
from tests.people.factories import resident_id
from tests.web.test_people_screens import staff, upload


def _age(folder: Path, token: str, seconds: float) -> None:
    then = time.time() - seconds
    for suffix in (".bin", ".json"):
        os.utime(folder / f"{token}{suffix}", (then, then))


def test_an_import_error_sheet_is_kept_encrypted_and_served_decrypted(app, client, session):
    staff(session)
    login(client, "teacher")
    id_number = resident_id()
    rows = f"姓名,证件类型,证件号码,手机号码\n王五,居民身份证,{id_number},12345\n"
    html = upload(client, rows.encode("gbk"), "people.csv").get_data(as_text=True)
    token = html.split('href="/downloads/')[1].split('"')[0]
    sealed = (Path(app.config["FILE_STORAGE_DIR"]) / "downloads" / f"{token}.bin").read_bytes()
    assert id_number.encode() not in sealed and "王五".encode() not in sealed
    with pytest.raises(zipfile.BadZipFile):  # not a workbook anyone can open from the disk
        zipfile.ZipFile(io.BytesIO(sealed))
    opened = load_workbook(io.BytesIO(pii.decrypt_bytes(sealed))).worksheets[0]
    assert id_number in {str(c.value) for row in opened.iter_rows() for c in row}
    with client.get(f"/downloads/{token}") as download:
        assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
        served = load_workbook(io.BytesIO(download.data)).worksheets[0]
    assert id_number in {str(c.value) for row in served.iter_rows() for c in row}


def test_plain_bytes_never_reach_the_disk(app):
    secret = f"{resident_id()},13812345678".encode()
    token = keptfiles.keep(Path(app.config["FILE_STORAGE_DIR"]), keptfiles.DOWNLOADS, secret, {"user_id": 1})
    folder = Path(app.config["FILE_STORAGE_DIR"]) / "downloads"
    assert secret not in (folder / f"{token}.bin").read_bytes()
    assert keptfiles.kept(Path(app.config["FILE_STORAGE_DIR"]), keptfiles.DOWNLOADS, token) == (secret, {"user_id": 1})


def test_a_download_past_its_hour_is_refused_and_deleted(app, client, session):
    staff(session)
    login(client, "teacher")
    html = upload(client, "姓名,证件类型,证件号码\n王五,居民身份证,123\n".encode(), "people.csv").get_data(as_text=True)
    token = html.split('href="/downloads/')[1].split('"')[0]
    folder = Path(app.config["FILE_STORAGE_DIR"]) / "downloads"
    _age(folder, token, keptfiles.LIFETIMES["downloads"] + 60)
    assert client.get(f"/downloads/{token}").status_code == 404
    assert not (folder / f"{token}.bin").exists() and not (folder / f"{token}.json").exists()


def test_the_periodic_purge_removes_expired_downloads_and_pending_uploads(app):
    storage = Path(app.config["FILE_STORAGE_DIR"])
    tokens = {(kind, age): keptfiles.keep(storage, kind, b"210102199003071233", {"user_id": 1})
              for kind in keptfiles.LIFETIMES for age in ("old", "fresh")}
    for kind, lifetime in keptfiles.LIFETIMES.items():
        _age(storage / kind, tokens[kind, "old"], lifetime + 60)
    stray = storage / "pending-imports" / "stray-left-by-a-crash-0001.bin"  # a .bin whose .json was never written
    stray.write_bytes(b"x")
    os.utime(stray, (time.time() - 3 * 3600,) * 2)
    task = app.extensions["huey_tasks"]["purge_kept_files"]
    assert any(type(t) is task.task_class for t in app.extensions["huey"]._registry.periodic_tasks)
    assert task.task_class().validate_datetime(datetime(2026, 11, 24, 10, 20))  # every 10 minutes
    task()
    for (kind, age), token in tokens.items():
        assert (storage / kind / f"{token}.bin").exists() == (age == "fresh"), (kind, age)
        assert (storage / kind / f"{token}.json").exists() == (age == "fresh"), (kind, age)
    assert not stray.exists()
    assert run_kept_files_purge(app, now=time.time() + 3 * 3600) == 2  # the fresh ones, once they are old too


def test_backups_leave_kept_files_and_masked_copies_out(app):
    storage = Path(app.config["FILE_STORAGE_DIR"])
    keptfiles.keep(storage, keptfiles.DOWNLOADS, b"x", {"user_id": 1})
    keptfiles.keep(storage, keptfiles.PENDING_IMPORTS, b"x", {"user_id": 1})
    (storage / "certificate-copies" / "2026").mkdir(parents=True)
    (storage / "certificate-copies" / "2026" / "a-masked.pdf").write_bytes(b"%PDF")
    (storage / "certificates").mkdir(exist_ok=True)
    (storage / "certificates" / "kept.pdf").write_bytes(b"%PDF")
    assert [relative for relative, _path in _stored_files(storage)] == ["certificates/kept.pdf"]
