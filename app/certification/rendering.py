"""Render certificate PDFs from frozen value objects of plain strings (house rule 8).

Flask-free and database-free: the certification services build a view, call
``render_pdf`` once at issue, store the bytes and record ``sha256_hex`` of them.
"""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
import os
import threading
import unicodedata
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import ClassVar
from urllib.parse import unquote, urlsplit

import zxingcpp
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from PIL import Image
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certification.fonts import ensure_font

CERTIFICATES_DIR = Path(__file__).resolve().parents[2] / "certificates"
_MAX_PHOTO_BYTES = 2 * 1024 * 1024
_MAX_QR_URL = 400  # longer URLs make a QR too dense to scan reliably at 30 mm

# Longest printable value per field, in characters.  The designs are tested with every field
# at its cap, so a value past it would be cut off or pushed off the page: refuse it instead.
FIELD_CAPS: dict[str, int] = {
    "holder_name": 30,
    "id_type": 12,
    "id_number": 20,
    "occupation_name": 24,
    "occupation_direction": 24,
    "level_label": 8,
    "target_level_label": 8,
    "certificate_number": 24,
    "issue_date": 12,
    "start_date": 12,
    "end_date": 12,
    "hours": 6,
    "tested": 3,  # "yes" or "no": not printed, it chooses the statement
    "print_serial": 20,
    "org_name": 40,
    "enterprise_name": 40,
    "institution_name": 40,
    "project_name": 40,
    "class_name": 40,
}


# --- value objects -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _PlainView:
    """What every certificate prints; checks that a view holds only strings (and photo bytes), never ORM objects."""

    design: ClassVar[str]

    holder_name: str
    id_type: str
    id_number: str
    certificate_number: str
    issue_date: str  # e.g. "2026年11月24日", see chinese_date()
    verification_url: str
    print_serial: str
    photo: bytes | None = None

    def __post_init__(self) -> None:
        for field in fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if field.name == "photo":
                if value is not None and not isinstance(value, bytes):
                    raise TypeError("photo must be bytes or None")
                continue
            if not isinstance(value, str):
                raise TypeError(f"{type(self).__name__}.{field.name} must be str, got {type(value).__name__}")
            cap = FIELD_CAPS.get(field.name)
            if cap is not None and len(value.strip()) > cap:
                raise ValueError(f"{field.name} is longer than {cap} characters")
        url = self.verification_url
        if not url.startswith(("https://", "http://")) or len(url) > _MAX_QR_URL:
            raise ValueError("verification_url must be an http(s) URL of at most 400 characters")


@dataclass(frozen=True, kw_only=True)
class SkillCertificateView(_PlainView):
    """职业技能等级证书: every field exactly as printed."""

    design: ClassVar[str] = "skill_level"

    occupation_name: str
    occupation_direction: str  # 工种/职业方向; empty prints "--"
    level_label: str  # e.g. "四级/中级工"
    org_name: str  # evaluation organisation, exactly as filed
    seal_svg: str


@dataclass(frozen=True, kw_only=True)
class TrainingCertificateView(_PlainView):
    """培训合格证书 for a completed training class."""

    design: ClassVar[str] = "training"

    project_name: str
    class_name: str
    occupation_name: str  # may be empty: "--"
    hours: str  # the hours the trainee attended
    start_date: str
    end_date: str
    institution_name: str
    seal_svg: str
    tested: str = "yes"  # "no" when no passed completion test is recorded: no 经考核成绩合格 then


@dataclass(frozen=True, kw_only=True)
class ApprenticeshipCertificateView(_PlainView):
    """学徒培训合格证书 for a completed 企业新型学徒制 apprenticeship (enterprise + institution)."""

    design: ClassVar[str] = "apprenticeship"

    enterprise_name: str
    institution_name: str
    occupation_name: str
    target_level_label: str  # e.g. "三级/高级工"
    start_date: str
    end_date: str
    enterprise_seal_svg: str
    institution_seal_svg: str


CertificateView = SkillCertificateView | TrainingCertificateView | ApprenticeshipCertificateView


def chinese_date(value: date) -> str:
    """Format a date as printed on certificates: 2026年11月24日."""
    return f"{value.year}年{value.month}月{value.day}日"


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 hex digest recorded for a stored PDF."""
    return hashlib.sha256(data).hexdigest()


# --- resource access -----------------------------------------------------------------------


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint URL fetcher that serves data: URIs and files inside certificates/ only."""

    def __init__(self, root: Path = CERTIFICATES_DIR) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = os.path.realpath(root)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Return the resource or raise ValueError for anything outside the allow-list."""
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"refused non-local URL: {url[:80]}")
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refused remote file URL: {url[:80]}")
        # realpath resolves "..", symlinks and percent-decoded tricks before the prefix check.
        path = os.path.realpath(unquote(parts.path))
        if os.path.commonpath([path, self.root]) != self.root or not os.path.isfile(path):
            raise ValueError(f"refused file outside certificates/: {url[:80]}")
        with open(path, "rb") as handle:
            body = handle.read()
        mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(Path(path).as_uri(), body, {"Content-Type": mime})


_FETCHER = LocalOnlyFetcher()
_FONT_CONFIG = FontConfiguration()
# WeasyPrint's font configuration and caches are not documented as thread-safe; renders share them.
_RENDER_LOCK = threading.Lock()


def _or_dash(value: str) -> str:
    """Print "--" for an empty field: certificates never show a blank."""
    return value.strip() or "--"


def _fit_class(value: str) -> str:
    """Pick a smaller type size for a long value so it fits its cell in at most two lines."""
    # Width in ems of the serif face: CJK and full-width glyphs are 1 em, Latin and digits ~0.55.
    width = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in value.strip())
    # A field cell is ~82 mm: 16.6 em at 14 pt, 19.4 em at 12 pt, 21 em per line at 11 pt.
    if width <= 16.5:
        return ""
    return "fit-1" if width <= 19.3 else "fit-2"


@lru_cache(maxsize=1)
def _jinja_env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(CERTIFICATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["or_dash"] = _or_dash
    env.filters["fit_class"] = _fit_class
    return env


@lru_cache(maxsize=8)
def _stylesheets(design: str) -> tuple[CSS, ...]:
    # Parsing CSS is a noticeable share of a one-page render, so each design parses once.
    ensure_font()  # base.css names the GB 2312 cut first; build it before the @font-face rule loads
    paths = (CERTIFICATES_DIR / "common" / "base.css", CERTIFICATES_DIR / design / "style.css")
    return tuple(
        CSS(filename=str(path), url_fetcher=_FETCHER, font_config=_FONT_CONFIG)
        for path in paths
        if path.is_file()
    )


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def photo_data_uri(photo: bytes | None) -> str | None:
    """Return a data URI for a JPEG/PNG photo, None if absent; reject other formats."""
    if photo is None or not photo:
        return None
    if len(photo) > _MAX_PHOTO_BYTES:
        raise ValueError("photo larger than 2 MB")
    if photo.startswith(b"\xff\xd8\xff"):
        return _data_uri("image/jpeg", photo)
    if photo.startswith(b"\x89PNG\r\n\x1a\n"):
        return _data_uri("image/png", photo)
    raise ValueError("photo must be JPEG or PNG")


def qr_png(url: str) -> bytes:
    """Return the QR code of ``url`` as a one-pixel-per-module PNG (medium ECC, no quiet zone)."""
    # zxing-cpp encodes (with the standard's best-mask choice) in ~1 ms; segno, pure Python, took
    # ~13 ms of a ~120 ms render.  The layout leaves the quiet zone around the code.
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    height, width = pixels.shape[:2]
    image = Image.frombuffer("L", (width, height), pixels.tobytes(), "raw", "L", 0, 1).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    return buffer.getvalue()


def qr_data_uri(url: str) -> str:
    """Return the QR code of ``url`` as a PNG data URI."""
    # A PNG is drawn far faster by WeasyPrint than an SVG path of a few hundred modules; CSS
    # ``image-rendering: pixelated`` keeps the modules sharp at any print resolution.
    return _data_uri("image/png", qr_png(url))


def svg_data_uri(svg: str) -> str:
    """Return SVG text as a data URI (used for seals)."""
    return _data_uri("image/svg+xml", svg.encode("utf-8"))


# --- rendering -----------------------------------------------------------------------------


def render_html(view: CertificateView) -> str:
    """Render the certificate's HTML (the input WeasyPrint lays out)."""
    context = {
        "v": view,
        "photo_uri": photo_data_uri(view.photo),
        "qr_uri": qr_data_uri(view.verification_url),
        "seal_uri": svg_data_uri,
    }
    return _jinja_env().get_template(f"{view.design}/certificate.html").render(context)


def render_document(view: CertificateView) -> Document:
    """Lay the certificate out (no PDF yet); tests inspect its boxes for overlaps."""
    html = render_html(view)
    base_url = (CERTIFICATES_DIR / view.design).as_uri() + "/"
    with _RENDER_LOCK:
        return HTML(string=html, base_url=base_url, url_fetcher=_FETCHER).render(
            stylesheets=list(_stylesheets(view.design)), font_config=_FONT_CONFIG
        )


def render_pdf(view: CertificateView) -> bytes:
    """Render one certificate to PDF bytes (A4, one page)."""
    document = render_document(view)
    with _RENDER_LOCK:
        pdf = document.write_pdf()
    if pdf is None:  # only happens when a target file is passed, which we never do
        raise RuntimeError("WeasyPrint returned no PDF bytes")
    return pdf


def harfbuzz_subsetter_available() -> bool:
    """True if WeasyPrint will subset fonts with HarfBuzz (fast) rather than fontTools (~10 s)."""
    # Same test as weasyprint.pdf.fonts.Font.subset in WeasyPrint 70.
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


def render_design_pdf(design: str, context: dict[str, object]) -> bytes:
    """Render another printed design under certificates/ (e.g. admission tickets) with the same safety.

    ``certificates/<design>/document.html`` renders with autoescape and StrictUndefined from plain values;
    only ``<design>/style.css`` applies, and the same local-only fetcher serves every resource.
    """
    html = _jinja_env().get_template(f"{design}/document.html").render(context)
    base_url = (CERTIFICATES_DIR / design).as_uri() + "/"
    style = CERTIFICATES_DIR / design / "style.css"
    ensure_font()
    with _RENDER_LOCK:
        sheets = [CSS(filename=str(style), url_fetcher=_FETCHER, font_config=_FONT_CONFIG)] if style.is_file() else []
        pdf = HTML(string=html, base_url=base_url, url_fetcher=_FETCHER).render(
            stylesheets=sheets, font_config=_FONT_CONFIG
        ).write_pdf()
    if pdf is None:
        raise RuntimeError("WeasyPrint returned no PDF bytes")
    return pdf
