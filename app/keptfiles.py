"""Files kept for one user for a short while: one-off downloads and uploads between an import's two steps.

They hold personal data (an import's error sheet repeats the ID and phone numbers of its rows), so the bytes
are encrypted at rest (app.pii.encrypt_bytes) and every file is purged when its lifetime is over: on access,
and by the periodic task `files.purge_kept_files` (app/tasks.py) for files nobody comes back for. Backups
leave these folders out (app/ops/backups.py).
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from app import pii

DOWNLOADS = "downloads"
PENDING_IMPORTS = "pending-imports"
# An error sheet or export is fetched right after it is made; an upload waits while its mapping is checked.
LIFETIMES = {DOWNLOADS: 3600, PENDING_IMPORTS: 2 * 3600}
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def folder_of(storage_dir: Path, kind: str) -> Path:
    """The folder of one kind of kept file under the storage folder (created when missing)."""
    if kind not in LIFETIMES:
        raise ValueError(f"unknown kind of kept file {kind!r}")
    folder = Path(storage_dir) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(storage_dir: Path, kind: str, data: bytes, meta: dict) -> str:
    """Keep bytes (encrypted) with their metadata; returns the token that finds them again."""
    purge_expired(storage_dir)  # also without a worker running the periodic purge, nothing outlives its lifetime
    folder = folder_of(storage_dir, kind)
    token = secrets.token_urlsafe(18)
    (folder / f"{token}.bin").write_bytes(pii.encrypt_bytes(data))
    # Written last: a .json names a complete file, and its age is the file's age.
    (folder / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def kept(storage_dir: Path, kind: str, token: str, *, now: float | None = None) -> tuple[bytes, dict] | None:
    """The bytes and metadata kept under a token; None when there are none or they are past their lifetime."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None
    folder = folder_of(storage_dir, kind)
    meta_path = folder / f"{token}.json"
    try:
        age = (time.time() if now is None else now) - meta_path.stat().st_mtime
        if age > LIFETIMES[kind]:
            drop(storage_dir, kind, token)
            return None
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        return pii.decrypt_bytes((folder / f"{token}.bin").read_bytes()), meta
    except FileNotFoundError:  # never kept, or purged meanwhile
        return None


def drop(storage_dir: Path, kind: str, token: str) -> None:
    """Delete a kept file (e.g. an upload once imported)."""
    if TOKEN_RE.fullmatch(token or ""):
        folder = folder_of(storage_dir, kind)
        (folder / f"{token}.bin").unlink(missing_ok=True)
        (folder / f"{token}.json").unlink(missing_ok=True)


def purge_expired(storage_dir: Path, *, now: float | None = None) -> int:
    """Delete every kept file past its lifetime, and stray halves (a .bin without its .json); how many went."""
    now = time.time() if now is None else now
    removed = 0
    for kind, lifetime in LIFETIMES.items():
        folder = Path(storage_dir) / kind
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                expired = now - path.stat().st_mtime > lifetime
            except FileNotFoundError:
                continue
            # Each half goes by its own age, so a .bin left without its .json by a crash goes too.
            if expired and path.suffix in (".bin", ".json"):
                path.unlink(missing_ok=True)
                removed += path.suffix == ".bin"
    return removed
