"""Writing stored files (PDFs, photos, documents, screenshots, fonts) so a reader never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(target: Path, data: bytes, *, durable: bool = False) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder and a rename.

    ``durable`` also fsyncs before the rename, for files whose record is committed right after (certificates).
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            if durable:
                out.flush()
                os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # mkstemp makes 0600; the web server may run as another user
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def store_once(target: Path, data: bytes) -> None:
    """Keep content-addressed bytes: an existing file of that name already holds them."""
    if not Path(target).exists():
        write_atomically(target, data)
