"""Uploaded documents: format by content (PDF, JPEG, PNG), size limit, content-addressed atomic storage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from app.errors import ValidationFailed
from app.filestore import store_once
from app.translation import N_

MAX_BYTES = 10 * 1024 * 1024
# Judged by the first bytes, never by the file name the browser sent.
_FORMATS = (
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
)


@dataclass(frozen=True)
class StoredFile:
    """Where an upload was kept and what it is."""

    path: str  # relative to the storage folder
    sha256: str
    size: int
    content_type: str


def check_document(data: bytes, *, field: str = "file") -> tuple[str, str]:
    """The extension and MIME type of an accepted document; refuses other formats and files over 10 MB."""
    if not data:
        raise ValidationFailed(N_("The uploaded file is empty."), field=field)
    if len(data) > MAX_BYTES:
        raise ValidationFailed(N_("A file may have at most 10 MB (this one has {size} MB).",
                                  size=format(len(data) / 1024 / 1024, ".1f")), field=field)
    for magic, extension, content_type in _FORMATS:
        if data.startswith(magic):
            return extension, content_type
    raise ValidationFailed(N_("The file must be a PDF, JPEG or PNG."), field=field)


def store_document(data: bytes, *, storage_dir: Path, folder: str, field: str = "file") -> StoredFile:
    """Check a document and keep it as <storage_dir>/<folder>/<sha256>.<ext> (same bytes, same file)."""
    extension, content_type = check_document(data, field=field)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{folder}/{digest}.{extension}"
    store_once(Path(storage_dir) / relative, data)
    return StoredFile(relative, digest, len(data), content_type)
