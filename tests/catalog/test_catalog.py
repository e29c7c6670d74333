"""Occupations, standards, eligibility through stored rules, and the seeded catalogue."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.catalog.eligibility import Applicant, HeldCertificate, WorkPeriod
from app.catalog.eligibility_templates import TEMPLATE_A
from app.catalog.models import Occupation
from app.catalog.occupations import add_variant, create_occupation, list_occupations, validate_occupation_code
from app.catalog.seed import OCCUPATIONS, seed_catalog
from app.catalog.standards import (
    ComponentSpec,
    LevelSpec,
    check_eligibility,
    create_standard,
    current_standard_for,
    update_component,
    update_standard_rules,
)
from app.errors import NotAllowed, ValidationFailed
from app.translation import in_chinese
from tests.factories import NOW, make_user


@pytest.mark.parametrize("code", ["6-31-01-03", " 4-99-00-00 ", "6－31－01－03"])
def test_valid_occupation_codes(code):
    assert len(validate_occupation_code(code)) == 10


@pytest.mark.parametrize("code", ["63101-03", "6-31-1-03", "9-31-01-03", "0-31-01-03", "6-31-01-0a", ""])
def test_invalid_occupation_codes_are_explained(code):
    with pytest.raises(ValidationFailed, match="D-DD-DD-DD"):
        validate_occupation_code(code)


def test_seed_creates_every_domain_occupation_once(session):
    assert seed_catalog(session, now=NOW) == len(OCCUPATIONS)
    assert seed_catalog(session, now=NOW) == 0
    assert session.scalar(select(func.count()).select_from(Occupation)) == len(OCCUPATIONS) == 14


def test_seeded_robot_operator_starts_at_level_four(session):
    seed_catalog(session, now=NOW)
    standard = current_standard_for(session, occupation_code="6-30-99-00")
    assert standard.level_digits == [4, 3, 2, 1]
    assert standard.occupation.digital and standard.occupation.flags == "S"
    assert set(standard.eligibility_rules) == {"4", "3", "2", "1"}


def test_seeded_components_add_review_for_levels_two_and_one(session):
    seed_catalog(session, now=NOW)
    standard = current_standard_for(session, occupation_code="6-31-01-03")
    components = {lv.level_digit: [c.component for c in lv.components] for lv in standard.levels}
    assert components[5] == ["theory", "practical"]
    assert components[2] == ["theory", "practical", "review"]
    assert all(c.pass_mark == Decimal("60.0") for lv in standard.levels for c in lv.components)
    assert standard.practical_min_examiners == 3 and standard.theory_candidates_per_invigilator == 15


def test_variants_of_seeded_occupations(session):
    seed_catalog(session, now=NOW)
    uav = next(o for o in list_occupations(session, search="无人机"))
    assert [v.name for v in uav.variants if v.kind == "direction"] == ["植保", "安防", "航拍", "巡检", "物流"]
    lathe = next(o for o in list_occupations(session, search="6-18-01-01"))
    assert "数控车工" in [v.name for v in lathe.variants]


def test_duplicate_edition_and_code_is_refused(session):
    create_occupation(session, actor=None, now=NOW, edition="2022", code="6-31-01-03", name="电工")
    with pytest.raises(ValidationFailed, match="already has occupation code"):
        create_occupation(session, actor=None, now=NOW, edition="2022", code="6-31-01-03", name="电工")
    other = create_occupation(session, actor=None, now=NOW, edition="2015", code="6-31-01-03", name="电工")
    assert other.id


def test_only_admins_maintain_the_catalogue(session):
    staff = make_user(session, "institution_staff")
    with pytest.raises(NotAllowed):
        create_occupation(session, actor=staff, now=NOW, edition="2022", code="6-31-01-03", name="电工")


def test_duplicate_variant_refused(session):
    occupation = create_occupation(session, actor=None, now=NOW, edition="2022", code="6-18-01-01", name="车工")
    add_variant(session, actor=None, now=NOW, occupation_id=occupation.id, kind="trade", name="数控车工")
    with pytest.raises(ValidationFailed, match="already has"):
        add_variant(session, actor=None, now=NOW, occupation_id=occupation.id, kind="trade", name="数控车工")


def make_standard(session, levels=(5, 4), rules=None, **kwargs):
    occupation = create_occupation(session, actor=None, now=NOW, edition="2022", code="6-31-01-03", name="电工")
    rules = rules if rules is not None else {str(d): copy.deepcopy(TEMPLATE_A[str(d)]) for d in levels}
    return create_standard(session, actor=None, now=NOW, occupation_id=occupation.id, edition="2018年版",
                           levels=[LevelSpec(d, 100, kwargs.pop("components", ())) for d in levels],
                           eligibility_rules=rules, **kwargs)


def test_standard_rules_must_cover_exactly_its_levels(session):
    with pytest.raises(ValidationFailed, match="have no eligibility rules: Level 4"):
        make_standard(session, levels=(5, 4), rules={"5": TEMPLATE_A["5"]})


def test_standard_rule_format_errors_name_the_path(session):
    bad = {"5": [{"id": "X", "requires": [{"kind": "work", "yaers": 1}]}]}
    with pytest.raises(ValidationFailed) as error:
        make_standard(session, levels=(5,), rules=bad)
    assert error.value.field == "eligibility_rules" and "requires" in error.value.message


def test_level_two_needs_a_review_component(session):
    with pytest.raises(ValidationFailed, match="review"):
        make_standard(session, levels=(2,), components=(ComponentSpec("theory"), ComponentSpec("practical")))


def test_even_practical_panel_is_refused(session):
    with pytest.raises(ValidationFailed, match="odd number"):
        make_standard(session, levels=(5,), staffing={"practical_min_examiners": 4})


def test_eligibility_uses_the_stored_rules_and_names_the_route(session):
    standard = make_standard(session, levels=(5, 4))
    applicant = Applicant(
        birth_date=date(1990, 1, 1),
        work=(WorkPeriod(date(2021, 1, 1), None, "6-31-01-03"),),
        certificates=(HeldCertificate("6-31-01-03", 5, date(2022, 9, 1)),),
    )
    four = check_eligibility(standard, level_digit=4, applicant=applicant, as_of=date(2026, 11, 24))
    assert four.eligible and four.route == "A-4-1"
    early = check_eligibility(standard, level_digit=4, applicant=applicant, as_of=date(2026, 6, 1))
    assert not early.eligible
    assert any("持五级证书 3 年 9 个月，需满 4 年" in in_chinese(r) for r in early.reasons)
    missing = check_eligibility(standard, level_digit=3, applicant=applicant, as_of=date(2026, 11, 24))
    assert not missing.eligible and [in_chinese(r) for r in missing.reasons] == ["该职业标准无三级"]


def test_admin_updates_rules_and_pass_marks_with_audit(session):
    admin = make_user(session, "admin")
    standard = make_standard(session, levels=(5,))
    rules = {"5": [{"id": "X-5-1", "requires": [{"kind": "min_age", "years": 16}]}]}
    update_standard_rules(session, actor=admin, now=NOW, standard_id=standard.id, eligibility_rules=rules)
    assert standard.eligibility_rules["5"][0]["id"] == "X-5-1"
    component = standard.levels[0].components[0]
    update_component(session, actor=admin, now=NOW, component_id=component.id, pass_mark="65.5", required=True)
    assert component.pass_mark == Decimal("65.5")
    with pytest.raises(ValidationFailed, match="between 0 and 100"):
        update_component(session, actor=admin, now=NOW, component_id=component.id, pass_mark="101", required=True)


def test_new_standard_edition_supersedes_the_current_one(session):
    standard = make_standard(session, levels=(5,))
    newer = create_standard(session, actor=None, now=NOW, occupation_id=standard.occupation_id, edition="2025年版",
                            levels=[LevelSpec(5, 80)], eligibility_rules={"5": TEMPLATE_A["5"]})
    assert newer.is_current and not standard.is_current
    assert current_standard_for(session, occupation_code="6-31-01-03") is newer
