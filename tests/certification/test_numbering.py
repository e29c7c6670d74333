"""Certificate serial numbers: format, separate sequences, rollback reuse and overflow."""

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.catalog.ladder import level_label
from app.certification.numbering import (
    MAX_SERIAL,
    CertificateSerialCounter,
    allocate_serial,
    next_local_number,
    next_print_serial,
    next_value,
    peek_next_serial,
)
from app.database import write_intent
from app.errors import DomainError, ValidationFailed
from app.idnumbers import parse_certificate_number
from tests.factories import make_evaluation_org


@pytest.fixture
def filing(session):
    filing = make_evaluation_org(session, site_code="210001").filing
    session.commit()
    return filing


def issue(session, filing, year=2026, level_digit=4) -> tuple[int, str]:
    """Allocate and commit, as an issuing view or command would."""
    with write_intent():
        result = allocate_serial(session, filing=filing, year=year, level_digit=level_digit)
        session.commit()
    return result


def last_serial(session, filing, year=2026, level_digit=4) -> int | None:
    return session.scalar(
        select(CertificateSerialCounter.last_serial).where(
            CertificateSerialCounter.filing_id == filing.id,
            CertificateSerialCounter.year == year,
            CertificateSerialCounter.level_digit == level_digit,
        )
    )


def set_counter(session, filing, last: int, year=2026, level_digit=4) -> None:
    session.add(
        CertificateSerialCounter(filing_id=filing.id, year=year, level_digit=level_digit, last_serial=last)
    )
    session.commit()


def test_first_serial_is_one_and_number_is_formatted(session, filing):
    serial, number = issue(session, filing)
    assert serial == 1
    assert number == "S000021210001" + "26" + "4" + "000001"
    parsed = parse_certificate_number(number)
    assert (parsed.year2, parsed.level_digit, parsed.serial) == ("26", 4, 1)
    assert last_serial(session, filing) == 1


def test_serials_follow_each_other(session, filing):
    numbers = [issue(session, filing) for _ in range(3)]
    assert numbers == [(n, f"S0000212100012640{n:05d}") for n in (1, 2, 3)]
    assert last_serial(session, filing) == 3


def test_each_level_has_its_own_sequence(session, filing):
    issue(session, filing, level_digit=4)
    issue(session, filing, level_digit=4)
    assert issue(session, filing, level_digit=3) == (1, "S000021210001263000001")
    assert issue(session, filing, level_digit=4)[0] == 3


def test_each_year_has_its_own_sequence(session, filing):
    issue(session, filing, year=2026)
    assert issue(session, filing, year=2027) == (1, "S000021210001274000001")
    assert issue(session, filing, year=2026)[0] == 2


def test_each_filed_site_has_its_own_sequence(session, filing):
    other = make_evaluation_org(session, site_code="210002").filing
    session.commit()
    issue(session, filing)
    issue(session, filing)
    assert issue(session, other) == (1, "S000021210002264000001")
    assert issue(session, filing)[0] == 3


def test_rollback_releases_the_number(session, filing):
    issue(session, filing)
    with write_intent():
        assert allocate_serial(session, filing=filing, year=2026, level_digit=4)[0] == 2
        session.rollback()
    assert issue(session, filing)[0] == 2
    assert last_serial(session, filing) == 2


def test_rollback_of_the_first_issue_releases_the_counter_row(session, filing):
    with write_intent():
        allocate_serial(session, filing=filing, year=2026, level_digit=4)
        session.rollback()
    assert session.scalar(select(func.count()).select_from(CertificateSerialCounter)) == 0
    assert issue(session, filing)[0] == 1


def test_last_serial_is_allocated_then_refused(session, filing):
    set_counter(session, filing, MAX_SERIAL - 1)
    assert issue(session, filing) == (MAX_SERIAL, "S000021210001264999999")
    with write_intent(), pytest.raises(DomainError) as raised:
        allocate_serial(session, filing=filing, year=2026, level_digit=4)
    assert raised.value.code == "exhausted"
    session.rollback()
    assert last_serial(session, filing) == MAX_SERIAL


def test_overflow_message_names_year_and_level(session, filing):
    set_counter(session, filing, MAX_SERIAL, level_digit=2)
    with write_intent(), pytest.raises(DomainError) as raised:
        allocate_serial(session, filing=filing, year=2026, level_digit=2)
    assert raised.value.message.params["year"] == 2026
    assert raised.value.message.params["level"] == level_label(2)


@pytest.mark.parametrize(
    ("year", "level_digit", "field"),
    [
        (1999, 4, "year"),
        (2100, 4, "year"),
        (2026, 0, "level_digit"),
        (2026, 6, "level_digit"),
        (2026, True, "level_digit"),
    ],
)
def test_impossible_year_or_level_is_refused(session, filing, year, level_digit, field):
    with pytest.raises(ValidationFailed) as raised:
        allocate_serial(session, filing=filing, year=year, level_digit=level_digit)
    assert raised.value.field == field


@pytest.mark.parametrize(
    "values", [{"level_digit": 6}, {"last_serial": MAX_SERIAL + 1}, {"last_serial": -1}, {"year": 1999}]
)
def test_database_refuses_impossible_counters(session, filing, values):
    row = {"filing_id": filing.id, "year": 2026, "level_digit": 4, "last_serial": 0} | values
    session.add(CertificateSerialCounter(**row))
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_counter_per_site_year_and_level(session, filing):
    set_counter(session, filing, 5)
    session.add(CertificateSerialCounter(filing_id=filing.id, year=2026, level_digit=4, last_serial=0))
    with pytest.raises(IntegrityError):
        session.flush()


def test_peek_shows_the_next_number_without_taking_it(session, filing):
    assert peek_next_serial(session, filing=filing, year=2026, level_digit=4) == (1, "S000021210001264000001")
    assert session.scalar(select(func.count()).select_from(CertificateSerialCounter)) == 0
    issue(session, filing)
    assert peek_next_serial(session, filing=filing, year=2026, level_digit=4) == (2, "S000021210001264000002")
    assert peek_next_serial(session, filing=filing, year=2026, level_digit=4)[0] == 2
    assert issue(session, filing)[0] == 2


def test_peek_says_none_when_all_serials_are_used(session, filing):
    set_counter(session, filing, MAX_SERIAL)
    assert peek_next_serial(session, filing=filing, year=2026, level_digit=4) is None


def test_named_counters_share_the_gap_free_mechanism(session):
    with write_intent():
        assert next_value(session, "print:2026") == 1
        session.rollback()
    with write_intent():
        assert next_print_serial(session, year=2026) == "LN2026A0000001"  # the rolled-back value is reused
        assert next_print_serial(session, year=2026) == "LN2026A0000002"
        assert next_local_number(session, prefix="PX", organisation_id=7, year=2026) == "PX0000726000001"
        assert next_print_serial(session, year=2027) == "LN2027A0000001"
        session.commit()
