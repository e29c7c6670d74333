"""One-off downloads made by a request (error sheets of imports), kept for a day for the user who made them."""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, send_file, url_for

from app.web.access import authenticated, current_actor

bp = Blueprint("downloads", __name__)
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
LIFETIME = 24 * 3600


def _folder() -> Path:
    folder = Path(current_app.config["FILE_STORAGE_DIR"]) / "downloads"
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
