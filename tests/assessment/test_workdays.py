"""Notice periods (公示) count working days: weekends and holidays skipped, make-up working days counted."""

from datetime import date, timedelta

import pytest

from app.assessment.workdays import add_holiday, is_working_day, notice_end_date, notice_end_for
from tests.factories import NOW

NATIONAL_DAY = {date(2026, 10, 1) + timedelta(days=i) for i in range(8)}  # 10-01 .. 10-08


def test_five_working_days_from_a_monday_end_on_the_next_monday():
    # Published Monday 2026-11-23: Tue, Wed, Thu, Fri, Mon.
    assert notice_end_date(date(2026, 11, 23), 5) == date(2026, 11, 30)


def test_publication_on_a_friday_skips_the_weekend():
    assert notice_end_date(date(2026, 11, 27), 1) == date(2026, 11, 30)
    assert notice_end_date(date(2026, 11, 27), 5) == date(2026, 12, 4)


def test_national_day_holidays_are_skipped():
    # Published Friday 09-25: Mon 28, Tue 29, Wed 30, (10-01..10-08 off), Fri 10-09, then Mon 10-12.
    assert notice_end_date(date(2026, 9, 25), 5, NATIONAL_DAY) == date(2026, 10, 12)


def test_a_make_up_working_day_on_a_saturday_counts():
    makeup = {date(2026, 10, 10)}
    assert notice_end_date(date(2026, 9, 25), 5, NATIONAL_DAY, makeup) == date(2026, 10, 10)
    assert is_working_day(date(2026, 10, 10), NATIONAL_DAY, makeup)
    assert not is_working_day(date(2026, 10, 11), NATIONAL_DAY, makeup)


def test_publication_day_itself_never_counts():
    assert notice_end_date(date(2026, 11, 24), 1) == date(2026, 11, 25)


def test_zero_days_is_refused():
    with pytest.raises(ValueError):
        notice_end_date(date(2026, 11, 24), 0)


def test_recorded_holidays_feed_the_notice(session, world):
    for day in sorted(NATIONAL_DAY):
        add_holiday(session, actor=world.admin, now=NOW, day=day, name="国庆节")
    add_holiday(session, actor=world.admin, now=NOW, day=date(2026, 10, 10), name="国庆调休", is_makeup_workday=True)
    assert notice_end_for(session, published_on=date(2026, 9, 25), working_days=5) == date(2026, 10, 10)


def test_a_weekday_cannot_be_a_make_up_working_day(session, world):
    from app.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        add_holiday(session, actor=world.admin, now=NOW, day=date(2026, 10, 9), name="调休", is_makeup_workday=True)
    assert refused.value.field == "day" and refused.value.message.params == {"day": "2026-10-09"}


def test_only_administrators_keep_the_holiday_calendar(session, world):
    from app.errors import NotAllowed

    with pytest.raises(NotAllowed):
        add_holiday(session, actor=world.staff, now=NOW, day=date(2027, 1, 1), name="元旦")
