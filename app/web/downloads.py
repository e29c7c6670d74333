"""Files a page hands out: stored files (photos, evidence, PDFs), workbooks made for the request, and one-off
downloads (error sheets of imports, list exports) kept encrypted for an hour for the user who made them
(app/keptfiles.py)."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, send_file, url_for

from app import keptfiles
from app.web.access import authenticated, current_actor

bp = Blueprint("downloads", __name__)
TOKEN_RE = keptfiles.TOKEN_RE
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


def stash_download(data: bytes, filename: str, mimetype: str) -> str:
    """Keep bytes (encrypted, for an hour) for the current user and return the URL that serves them."""
    token = keptfiles.keep(storage_dir(), keptfiles.DOWNLOADS, data,
                           {"user_id": current_actor().id, "filename": filename, "mimetype": mimetype})
    return url_for("downloads.fetch", token=token)


@bp.get("/downloads/<token>")
@authenticated
def fetch(token: str):
    """Serve a stashed file to the user it was made for, while it is kept."""
    found = keptfiles.kept(storage_dir(), keptfiles.DOWNLOADS, token)
    if found is None or found[1]["user_id"] != current_actor().id:
        abort(404)
    data, meta = found
    response = send_file(io.BytesIO(data), mimetype=meta["mimetype"], as_attachment=True,
                         download_name=meta["filename"])
    response.headers["Cache-Control"] = "no-store"
    return response
