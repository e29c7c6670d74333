"""Apprenticeship subsidies: rates as data, total, 50 % advance, final after certificate, recovery."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.errors import NotAllowed, ValidationFailed
from app.people.levels import record_level_award
from app.training.apprenticeships import change_apprenticeship_status
from app.training.periods import add_months
from app.training.subsidies import (
    add_subsidy_rate,
    rate_for,
    record_subsidy_payment,
    seed_subsidy_rates,
    subsidy_position,
    subsidy_summary,
)
from tests.factories import NOW, make_user
from tests.training.factories import TODAY, file_apprenticeship, make_apprenticeship


@pytest.fixture
def admin(session):
    seed_subsidy_rates(session, now=NOW)
    return make_user(session, "admin")


@pytest.fixture
def hr(session):
    return make_user(session, "enterprise_hr")


def pay(session, admin, record, kind, amount):
    return record_subsidy_payment(session, actor=admin, now=NOW, apprenticeship_id=record.id, kind=kind,
                                  amount=amount, paid_on=TODAY)


def test_seeded_rates_follow_the_domain_values(session, admin):
    assert seed_subsidy_rates(session, now=NOW) == 0  # idempotent
    amounts = {d: rate_for(session, level_digit=d, city_code="2101", on=TODAY).amount_per_year for d in (4, 3, 2, 1)}
    assert amounts == {4: Decimal("5000.00"), 3: Decimal("6000.00"), 2: Decimal("6000.00"), 1: Decimal("6000.00")}
    assert "假设" in rate_for(session, level_digit=2, city_code=None, on=TODAY).note


def test_city_rate_wins_over_the_province_and_periods_do_not_overlap(session, admin):
    add_subsidy_rate(session, actor=admin, now=NOW, level_digit=4, city_code="2103", amount_per_year=Decimal(5500),
                     effective_from=date(2025, 1, 1))
    assert rate_for(session, level_digit=4, city_code="2103", on=TODAY).amount_per_year == Decimal("5500.00")
    assert rate_for(session, level_digit=4, city_code="2101", on=TODAY).amount_per_year == Decimal("5000.00")
    assert rate_for(session, level_digit=4, city_code="2103", on=date(2024, 6, 1)).city_code is None
    with pytest.raises(ValidationFailed, match="overlaps the existing rate"):
        add_subsidy_rate(session, actor=admin, now=NOW, level_digit=4, city_code="2103",
                         amount_per_year=Decimal(5800), effective_from=date(2026, 1, 1))
    with pytest.raises(NotAllowed):
        add_subsidy_rate(session, actor=make_user(session, "enterprise_hr"), now=NOW, level_digit=4,
                         amount_per_year=Decimal(1), effective_from=TODAY)


def test_total_is_rate_times_planned_years(session, admin, hr):
    record = make_apprenticeship(session, hr, target_level_digit=3,
                                 planned_end=add_months(TODAY, 18) - timedelta(days=1),
                                 contract_end=TODAY.replace(year=TODAY.year + 3))
    position = subsidy_position(session, record)
    # 18 whole months at 6,000 a year
    assert record.planned_months == 18 and position.total == Decimal("9000.00")
    assert position.advance_payable == 0  # not filed yet


def test_advance_up_to_half_after_filing(session, admin, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    position = subsidy_position(session, record)
    assert position.total == Decimal("10000.00") and position.advance_payable == Decimal("5000.00")
    pay(session, admin, record, "advance", "3000")
    with pytest.raises(ValidationFailed, match="The advance of 2500.00 yuan exceeds the 2000.00 yuan"):
        pay(session, admin, record, "advance", "2500")
    pay(session, admin, record, "advance", "2000")
    position = subsidy_position(session, record)
    assert position.advanced == Decimal("5000.00") and position.outstanding == Decimal("5000.00")
    with pytest.raises(ValidationFailed, match="holds a certificate at the target level"):
        pay(session, admin, record, "final", "5000")


def test_no_advance_before_filing(session, admin, hr):
    record = make_apprenticeship(session, hr)
    with pytest.raises(ValidationFailed, match="exceeds the 0.00 yuan that may be advanced"):
        pay(session, admin, record, "advance", "100")


def test_final_payment_after_completion_with_a_certificate_at_the_target_level(session, admin, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    pay(session, admin, record, "advance", "5000")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="in_training")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="completed",
                                 reason="提前结业")
    assert subsidy_position(session, record).final_payable == 0  # completed, no certificate yet
    evaluator = make_user(session, "admin")
    record_level_award(session, actor=evaluator, now=NOW, person_id=record.person_id, occupation_code="6-31-01-03",
                       occupation_name="电工", grade_key="junior", route="exam", awarded_on=TODAY, level_digit=5)
    assert subsidy_position(session, record).final_payable == 0  # 五级 is below the 四级 target
    record_level_award(session, actor=evaluator, now=NOW, person_id=record.person_id, occupation_code="6-31-01-03",
                       occupation_name="电工", grade_key="intermediate", route="exam", awarded_on=TODAY)
    position = subsidy_position(session, record)
    assert position.certified and position.final_payable == Decimal("5000.00") and position.advance_payable == 0
    pay(session, admin, record, "final", "5000")
    position = subsidy_position(session, record)
    assert position.outstanding == 0 and position.paid == Decimal("10000.00")


def test_terminated_after_an_advance_is_money_to_recover(session, admin, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    pay(session, admin, record, "advance", "4000")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=record.id, to_status="terminated",
                                 reason="学徒离职")
    position = subsidy_position(session, record)
    assert position.due == 0 and position.outstanding == 0 and position.to_recover == Decimal("4000.00")
    with pytest.raises(ValidationFailed, match="exceeds the 0.00 yuan that may be advanced"):
        pay(session, admin, record, "advance", "1000")
    pay(session, admin, record, "recovery", "1500")
    assert subsidy_position(session, record).to_recover == Decimal("2500.00")
    with pytest.raises(ValidationFailed, match="The recovery of 3000.00 yuan exceeds the 2500.00 yuan to recover"):
        pay(session, admin, record, "recovery", "3000")


def test_summary_per_enterprise_in_scope(session, admin, hr, tmp_path):
    kept = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    dropped = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    pay(session, admin, kept, "advance", "5000")
    pay(session, admin, dropped, "advance", "2000")
    change_apprenticeship_status(session, actor=hr, now=NOW, apprenticeship_id=dropped.id, to_status="terminated",
                                 reason="离职")
    other_hr = make_user(session, "enterprise_hr")
    make_apprenticeship(session, other_hr)
    (mine,) = subsidy_summary(session, actor=hr)
    assert mine.enterprise.id == hr.organisation_id
    assert (mine.due, mine.advanced, mine.outstanding, mine.to_recover) == (
        Decimal("10000.00"), Decimal("7000.00"), Decimal("5000.00"), Decimal("2000.00"))
    assert len(subsidy_summary(session, actor=admin)) == 2


def test_only_admins_record_payments(session, admin, hr, tmp_path):
    record = file_apprenticeship(session, hr, make_apprenticeship(session, hr), tmp_path)
    with pytest.raises(NotAllowed):
        pay(session, hr, record, "advance", "100")
