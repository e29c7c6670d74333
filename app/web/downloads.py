"""Files a page hands out: stored files (photos, evidence, PDFs), workbooks made for the request, and one-off
downloads (error sheets of imports, list exports) kept for a day for the user who made them."""

from __future__ import annotations

import io
import json
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, send_file, url_for

from app.web.access import authenticated, current_actor

bp = Blueprint("downloads", __name__)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
LIFETIME = 24 * 3600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def storage_dir() -> Path:
    """The folder of the file store (FILE_STORAGE_DIR)."""
    return Path(current_app.config["FILE_STORAGE_DIR"])


def stored_file(relative: str) -> Path:
    """A file kept in the store; 404 when it is gone (e.g. demo rows loaded without their files)."""
    path = storage_dir() / relative
    if not path.is_file():
        abort(404)
    return path


def send_workbook(data: bytes, filename: str):
    """An Excel workbook made for this request, as an attachment."""
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=filename)


def workbook_download(data: bytes, filename: str):
    """Redirect to a workbook kept for the user (a list page's `?export=xlsx`)."""
    return redirect(stash_download(data, filename, XLSX))


def _folder() -> Path:
    folder = storage_dir() / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stash_download(data: bytes, filename: str, mimetype: str) -> str:
    """Keep bytes for the current user and return the URL that serves them."""
    folder = _folder()
    now = time.time()
    for old in folder.glob("*.json"):
        if now - old.stat().st_mtime > LIFETIME:
            old.unlink(missing_ok=True)
            old.with_suffix(".bin").unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.bin").write_bytes(data)
    meta = {"user_id": current_actor().id, "filename": filename, "mimetype": mimetype}
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return url_for("downloads.fetch", token=token)


@bp.get("/downloads/<token>")
@authenticated
def fetch(token: str):
    """Serve a stashed file to the user it was made for."""
    if not TOKEN_RE.fullmatch(token):
        abort(404)
    folder = _folder()
    meta_path = folder / f"{token}.json"
    if not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["user_id"] != current_actor().id:
        abort(404)
    return send_file(folder / f"{token}.bin", mimetype=meta["mimetype"], as_attachment=True,
                     download_name=meta["filename"])
