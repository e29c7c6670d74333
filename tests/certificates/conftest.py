"""Factories for certificate views, keys and rendered PDFs (no app, no database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from app.certification.rendering import (
    ApprenticeshipCertificateView,
    SkillCertificateView,
    TrainingCertificateView,
    chinese_date,
)
from app.certification.seal import make_seal_svg
from app.certification.signing import KeyRing, generate_key

from .helpers import make_photo, signed_url


@pytest.fixture(scope="session")
def key_ring() -> KeyRing:
    key_id, seed = generate_key()
    return KeyRing({key_id: seed}, key_id)


@pytest.fixture(scope="session")
def skill_view_factory(key_ring: KeyRing) -> Callable[..., SkillCertificateView]:
    def build(**overrides: object) -> SkillCertificateView:
        issued = date(2026, 11, 24)
        number = "S000021000123264000017"
        org = "沈阳市职业技能鉴定中心"
        fields: dict[str, object] = dict(
            holder_name="张伟",
            id_type="居民身份证",
            id_number="210102199003071234",
            occupation_name="焊工",
            occupation_direction="",
            level_label="四级/中级工",
            certificate_number=number,
            issue_date=chinese_date(issued),
            org_name=org,
            seal_svg=make_seal_svg(org, "评价专用章"),
            verification_url=signed_url(key_ring, number, 4, "6-18-02-04", issued),
            print_serial="LN2026A0004521",
            photo=make_photo(),
        )
        fields.update(overrides)
        return SkillCertificateView(**fields)  # type: ignore[arg-type]

    return build


@pytest.fixture(scope="session")
def training_view(key_ring: KeyRing) -> TrainingCertificateView:
    institution = "沈阳市铁西区阳光职业培训学校"
    return TrainingCertificateView(
        holder_name="李秀英",
        id_type="居民身份证",
        id_number="210102199003071234",
        project_name="技能照亮前程·匠才助推振兴项目制培训",
        class_name="2026年第3期焊工（中级）培训班",
        occupation_name="",
        hours="120",
        start_date="2026年9月1日",
        end_date="2026年10月30日",
        institution_name=institution,
        certificate_number="PX2026210100003",
        issue_date="2026年11月24日",
        seal_svg=make_seal_svg(institution, "培训专用章"),
        verification_url=signed_url(key_ring, "PX2026210100003", 0, "6-18-02-04", date(2026, 11, 24)),
        print_serial="LN2026T0000871",
        photo=None,
    )


@pytest.fixture(scope="session")
def apprenticeship_view(key_ring: KeyRing) -> ApprenticeshipCertificateView:
    enterprise, institution = "鞍钢集团鞍山钢铁有限责任公司", "鞍山技师学院"
    return ApprenticeshipCertificateView(
        holder_name="王建国",
        id_type="居民身份证",
        id_number="210302199812120019",
        enterprise_name=enterprise,
        institution_name=institution,
        occupation_name="电工",
        target_level_label="三级/高级工",
        start_date="2025年3月1日",
        end_date="2026年2月28日",
        certificate_number="XT2026210300012",
        issue_date="2026年3月15日",
        enterprise_seal_svg=make_seal_svg(enterprise),
        institution_seal_svg=make_seal_svg(institution),
        verification_url=signed_url(key_ring, "XT2026210300012", 0, "6-31-01-03", date(2026, 3, 15)),
        print_serial="LN2026X0000102",
        photo=make_photo("PNG"),
    )
