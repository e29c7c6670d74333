"""Certificate PDFs: printed fields, page geometry, QR round trip, speed, and safety."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from app.certification.fonts import FONT_PATH, gb2312_characters
from app.certification.rendering import (
    ApprenticeshipCertificateView,
    SkillCertificateView,
    TrainingCertificateView,
    chinese_date,
    harfbuzz_subsetter_available,
    render_html,
    render_pdf,
    sha256_hex,
)
from app.certification.signing import KeyRing, parse_verification_url

from .helpers import decode_qr_codes, make_photo, pdf_text, squeeze

INJECTION = '<img src="file:///etc/passwd">'


@pytest.fixture(scope="module")
def skill_view(skill_view_factory: Callable[..., SkillCertificateView]) -> SkillCertificateView:
    return skill_view_factory()


@pytest.fixture(scope="module")
def skill_pdf(skill_view: SkillCertificateView) -> bytes:
    return render_pdf(skill_view)


def test_skill_certificate_prints_every_field(skill_pdf: bytes, skill_view: SkillCertificateView) -> None:
    text = squeeze(pdf_text(skill_pdf))
    assert "职业技能等级证书" in squeeze(text)
    for expected in (
        "张伟",
        "居民身份证",
        "210102199003071234",  # the full ID number: it is the holder's own certificate
        "焊工",
        "四级/中级工",
        "S000021000123264000017",
        "2026年11月24日",
        "沈阳市职业技能鉴定中心",
        "证书查询：jndj.osta.org.cn",
        "机构查询：pjjg.osta.org.cn",
        "扫码验证",
        "印制编号：LN2026A0004521",
    ):
        assert expected in text, expected
    assert "工种/职业方向：--" in text  # an empty 工种 prints "--", never a blank


def test_skill_certificate_is_one_a4_page(skill_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(skill_pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595) <= 1 and abs(float(box.height) - 842) <= 1


def test_qr_decodes_to_the_signed_verification_url(
    skill_pdf: bytes, skill_view: SkillCertificateView, key_ring: KeyRing, tmp_path: Path
) -> None:
    assert decode_qr_codes(skill_pdf, tmp_path) == [skill_view.verification_url]
    _, payload, signature = parse_verification_url(skill_view.verification_url)
    assert payload.number == skill_view.certificate_number and payload.level_digit == 4
    assert key_ring.verify(payload, signature)


def test_rendering_is_deterministic(skill_pdf: bytes, skill_view: SkillCertificateView) -> None:
    # Lets a stored PDF be re-derived and matched against its recorded SHA-256.
    assert sha256_hex(render_pdf(skill_view)) == sha256_hex(skill_pdf)
    assert len(sha256_hex(skill_pdf)) == 64


def test_markup_in_a_name_prints_as_text(
    skill_view_factory: Callable[..., SkillCertificateView], tmp_path: Path
) -> None:
    view = skill_view_factory(holder_name=INJECTION, org_name=INJECTION)
    assert "&lt;img" in render_html(view) and INJECTION not in render_html(view)
    text = pdf_text(render_pdf(view))
    assert squeeze(INJECTION) in squeeze(text)
    assert "root:x:0:0" not in text and "/bin/" not in text


def test_missing_photo_prints_a_placeholder(skill_view_factory: Callable[..., SkillCertificateView]) -> None:
    with_photo = render_pdf(skill_view_factory(photo=make_photo("PNG")))
    without = render_pdf(skill_view_factory(photo=None))
    assert "照片" in squeeze(pdf_text(without)) and "照片" not in squeeze(pdf_text(with_photo))
    assert len(_images(with_photo)) == len(_images(without)) + 1


def _images(pdf: bytes) -> list[object]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].images)


def test_render_logs_no_warnings(skill_view: SkillCertificateView, caplog: pytest.LogCaptureFixture) -> None:
    # WeasyPrint reports unloadable images, refused URLs and the slow font fallback by logging.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(skill_view)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_harfbuzz_subsetter_is_available() -> None:
    # Without libharfbuzz-subset0 WeasyPrint falls back to fontTools: ~10 s per CJK certificate.
    assert harfbuzz_subsetter_available()


def _embedded_fonts(pdf: bytes) -> set[str]:
    fonts = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]).split("+", 1)[1] for font in fonts.values()}


def test_certificate_embeds_only_the_gb2312_cut_of_the_face(skill_pdf: bytes) -> None:
    # Subsetting the full 65,000-glyph face costs ~25 ms more per certificate (see fonts.py).
    assert FONT_PATH.is_file()
    assert _embedded_fonts(skill_pdf) == {"Jiangcai-Serif"}


def test_built_face_covers_gb2312() -> None:
    with TTFont(FONT_PATH, lazy=True) as face:
        cmap = face.getBestCmap()
    assert gb2312_characters() <= set(cmap)
    assert {ord(c) for c in "0123456789SY-/：--"} <= set(cmap)


def test_a_name_outside_gb2312_prints_from_the_full_face(
    skill_view_factory: Callable[..., SkillCertificateView],
) -> None:
    pdf = render_pdf(skill_view_factory(holder_name="李龑"))  # 龑 (U+9F91) is not in GB 2312
    assert "李龑" in squeeze(pdf_text(pdf))
    assert _embedded_fonts(pdf) == {"Jiangcai-Serif", "Noto-Serif-CJK-SC"}


def test_training_certificate_prints_its_fields(
    training_view: TrainingCertificateView, tmp_path: Path
) -> None:
    pdf = render_pdf(training_view)
    text = squeeze(pdf_text(pdf))
    for expected in (
        "培训合格证书",
        "李秀英",
        "技能照亮前程·匠才助推振兴项目制培训",
        "2026年第3期焊工（中级）培训班",
        "120学时",
        "2026年9月1日至2026年10月30日",
        "沈阳市铁西区阳光职业培训学校",
        "PX2026210100003",
        "印制编号：LN2026T0000871",
    ):
        assert expected in text, expected
    assert "职业（工种）：--" in text
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert decode_qr_codes(pdf, tmp_path) == [training_view.verification_url]


def test_apprenticeship_certificate_prints_its_fields(
    apprenticeship_view: ApprenticeshipCertificateView,
) -> None:
    pdf = render_pdf(apprenticeship_view)
    text = squeeze(pdf_text(pdf))
    for expected in (
        "学徒培训合格证书",
        "企业新型学徒制",
        "王建国",
        "鞍钢集团鞍山钢铁有限责任公司",
        "鞍山技师学院",
        "电工",
        "三级/高级工",
        "2025年3月1日至2026年2月28日",
        "XT2026210300012",
        "培养企业（盖章）",
        "培训机构（盖章）",
        "发证日期：2026年3月15日",
    ):
        assert expected in text, expected
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1


def test_chinese_date() -> None:
    from datetime import date

    assert chinese_date(date(2026, 11, 24)) == "2026年11月24日"
    assert chinese_date(date(2026, 3, 5)) == "2026年3月5日"
