"""The local-only URL fetcher, plain-string views, the seal, and worst-case layouts."""

from __future__ import annotations

import dataclasses
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from weasyprint.formatting_structure.boxes import PageBox

from app.certification.rendering import (
    CERTIFICATES_DIR,
    FIELD_CAPS,
    ApprenticeshipCertificateView,
    LocalOnlyFetcher,
    SkillCertificateView,
    TrainingCertificateView,
    photo_data_uri,
    render_document,
    render_pdf,
)
from app.certification.seal import make_seal_svg

from .helpers import at_caps, pdf_text, squeeze

# --- URL fetcher ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://evil.example/etc/passwd",
        f"{CERTIFICATES_DIR.as_uri()}/../pyproject.toml",
        f"{CERTIFICATES_DIR.as_uri()}/common/../../pyproject.toml",
        f"{CERTIFICATES_DIR.as_uri()}/%2e%2e/pyproject.toml",
        f"{CERTIFICATES_DIR.as_uri()}/common/missing.svg",
        f"{CERTIFICATES_DIR.as_uri()}",
        f"{CERTIFICATES_DIR.as_uri()}-evil/x.css",  # a sibling whose name merely starts alike
        "javascript:alert(1)",
    ],
)
def test_fetcher_refuses_anything_outside_certificates(url: str) -> None:
    with pytest.raises(ValueError):
        LocalOnlyFetcher().fetch(url)


def test_fetcher_refuses_a_symlink_that_leaves_the_root(tmp_path: Path) -> None:
    root = tmp_path / "certificates"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("root:x:0:0")
    os.symlink(tmp_path / "secret.txt", root / "innocent.css")
    with pytest.raises(ValueError):
        LocalOnlyFetcher(root).fetch((root / "innocent.css").as_uri())


def test_fetcher_serves_design_files_and_data_uris() -> None:
    response = LocalOnlyFetcher().fetch((CERTIFICATES_DIR / "common" / "border.svg").as_uri())
    assert response.content_type == "image/svg+xml" and b"<svg" in response.read()
    assert LocalOnlyFetcher().fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_certificates_folder_holds_design_files_only() -> None:
    suffixes = {path.suffix for path in CERTIFICATES_DIR.rglob("*") if path.is_file()}
    assert suffixes <= {".html", ".css", ".svg", ".png", ".jpg", ".otf"}  # .otf: the built certificate face


# --- value objects -------------------------------------------------------------------------


def test_views_refuse_non_strings(skill_view_factory: Callable[..., SkillCertificateView]) -> None:
    with pytest.raises(TypeError):
        skill_view_factory(holder_name=object())
    with pytest.raises(TypeError):
        skill_view_factory(issue_date=__import__("datetime").date(2026, 11, 24))
    with pytest.raises(TypeError):
        skill_view_factory(photo="not bytes")


def test_views_refuse_values_past_their_cap(skill_view_factory: Callable[..., SkillCertificateView]) -> None:
    with pytest.raises(ValueError, match="holder_name"):
        skill_view_factory(holder_name="长" * (FIELD_CAPS["holder_name"] + 1))


@pytest.mark.parametrize("url", ["", "javascript:alert(1)", "https://x.example/" + "a" * 400])
def test_views_refuse_unusable_qr_urls(
    skill_view_factory: Callable[..., SkillCertificateView], url: str
) -> None:
    with pytest.raises(ValueError, match="verification_url"):
        skill_view_factory(verification_url=url)


def test_views_are_frozen(skill_view_factory: Callable[..., SkillCertificateView]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        skill_view_factory().holder_name = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "view_type", [SkillCertificateView, TrainingCertificateView, ApprenticeshipCertificateView]
)
def test_every_printed_field_has_a_cap(view_type: type) -> None:
    images = {"seal_svg", "enterprise_seal_svg", "institution_seal_svg", "verification_url", "photo"}
    assert {f.name for f in dataclasses.fields(view_type)} - images <= set(FIELD_CAPS)


def test_photo_must_be_jpeg_or_png() -> None:
    assert photo_data_uri(None) is None
    with pytest.raises(ValueError):
        photo_data_uri(b"GIF89a....")
    with pytest.raises(ValueError):
        photo_data_uri(b"<svg xmlns='http://www.w3.org/2000/svg'/>")


# --- seal ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["沈阳市职业技能鉴定中心", "A&B <公司>", "长" * 40, ""])
def test_seal_is_well_formed_svg_carrying_the_name(name: str) -> None:
    svg = make_seal_svg(name, "评价专用章")
    root = ElementTree.fromstring(svg)
    texts = "".join(node.text or "" for node in root.iter("{http://www.w3.org/2000/svg}text"))
    assert texts == "".join(name.split()) + "评价专用章"


# --- worst-case layout ---------------------------------------------------------------------


def _boxes(box: object) -> Iterator[object]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _extent(page: PageBox, css_class: str) -> tuple[float, float]:
    """Top and bottom of the text and images inside elements of ``css_class`` (seals excluded)."""
    tops, bottoms = [], []
    for box in _boxes(page):
        element = getattr(box, "element", None)
        if element is None or css_class not in (element.get("class") or "").split():
            continue
        for inner in _boxes(box):
            inner_element = getattr(inner, "element", None)
            if inner_element is not None and "seal" in (inner_element.get("class") or "").split():
                continue
            if type(inner).__name__ in ("TextBox", "InlineReplacedBox", "BlockReplacedBox"):
                tops.append(inner.position_y)
                bottoms.append(inner.position_y + inner.height)
    assert tops, f"no content found in .{css_class}"
    return min(tops), max(bottoms)


def _capped_views(
    skill_view_factory: Callable[..., SkillCertificateView],
    training_view: TrainingCertificateView,
    apprenticeship_view: ApprenticeshipCertificateView,
) -> list[object]:
    return [at_caps(skill_view_factory()), at_caps(training_view), at_caps(apprenticeship_view)]


@pytest.mark.parametrize("which", [0, 1, 2], ids=["skill_level", "training", "apprenticeship"])
def test_every_field_at_its_cap_still_fits_one_page_without_overlap(
    which: int,
    skill_view_factory: Callable[..., SkillCertificateView],
    training_view: TrainingCertificateView,
    apprenticeship_view: ApprenticeshipCertificateView,
) -> None:
    view = _capped_views(skill_view_factory, training_view, apprenticeship_view)[which]
    document = render_document(view)  # type: ignore[arg-type]
    assert len(document.pages) == 1
    page = document.pages[0]._page_box
    upper_top, upper_bottom = _extent(page, "upper")
    if which:  # training and apprenticeship print a statement under the fields
        upper_bottom = _extent(page, "statement")[1]
    lower_top, lower_bottom = _extent(page, "lower")
    footer_top, footer_bottom = _extent(page, "footer")
    assert upper_top < upper_bottom < lower_top < lower_bottom < footer_top < footer_bottom < page.height

    # And nothing was cut: the longest value comes out of the PDF whole.
    text = squeeze(pdf_text(render_pdf(view)))  # type: ignore[arg-type]
    assert view.certificate_number in text  # type: ignore[attr-defined]
    assert view.holder_name in text  # type: ignore[attr-defined]
    assert len(pypdf.PdfReader(io.BytesIO(render_pdf(view))).pages) == 1  # type: ignore[arg-type]
