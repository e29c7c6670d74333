"""Helpers shared by the certificate tests: signing, photos, PDF text and QR decoding."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from datetime import date
from pathlib import Path
from typing import TypeVar

import pypdf
import zxingcpp
from PIL import Image, ImageDraw

from app.certification.rendering import FIELD_CAPS
from app.certification.signing import KeyRing, SignedPayload, new_token, verification_url

BASE_URL = "https://jiangcai.example.cn"
V = TypeVar("V")


def signed_url(ring: KeyRing, number: str, level_digit: int, occupation_code: str, issued: date) -> str:
    """Sign a payload with the ring's active key and build its QR URL."""
    payload = SignedPayload(number, level_digit, occupation_code, issued, ring.active_key_id)
    return verification_url(BASE_URL, new_token(), payload, ring.sign(payload))


def make_photo(fmt: str = "JPEG") -> bytes:
    """A small synthetic 1-inch portrait."""
    image = Image.new("RGB", (295, 413), "#4a7bd0")
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 80, 205, 215), fill="#f1d0b5")
    draw.rectangle((50, 250, 245, 413), fill="#222222")
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def at_caps(view: V) -> V:
    """The same view with every capped field stretched to its cap (worst-case layout)."""
    changes = {}
    for field in dataclasses.fields(view):  # type: ignore[arg-type]
        cap = FIELD_CAPS.get(field.name)
        value = getattr(view, field.name)
        if cap is not None:
            changes[field.name] = ((value or "长") * cap)[:cap]
    return dataclasses.replace(view, **changes)  # type: ignore[type-var,no-any-return]


def pdf_text(pdf: bytes) -> str:
    """All text of all pages, as pypdf extracts it."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """Drop all whitespace: extraction inserts spaces in letter-spaced and wrapped text."""
    return "".join(text.split())


def decode_qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    """Rasterise page 1 at 150 dpi with poppler and decode every QR code on it."""
    pdf_path = tmp_path / "certificate.pdf"
    pdf_path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    with Image.open(tmp_path / "page.png") as page:
        return [barcode.text for barcode in zxingcpp.read_barcodes(page)]
