"""Enterprise appointments: prerequisites per grade, the 特级技师 quota, notice, term and level award."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.assessment.appointments import (
    appoint,
    nominate,
    principal_quota,
    quota_summary,
    review_appointment,
)
from app.errors import InvalidTransition, ValidationFailed
from app.people.levels import current_levels, record_level_award
from app.people.models import LevelAward
from app.translation import in_chinese
from tests.assessment.factories import WELDER, snapshot
from tests.factories import NOW, make_org, make_user
from tests.people.factories import make_person

AFTER_NOTICE = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # the notice from Tue 11-24 ends Tue 12-01


def employee(session, hr, *, name="高建华", grade="senior_technician", digit=1):
    """An employee of the HR user's enterprise holding a level in welding."""
    person = make_person(session, hr, name=name, employer_org_id=hr.organisation_id)
    if grade:
        record_level_award(session, actor=None, now=NOW, person_id=person.id, occupation_code=WELDER,
                           occupation_name="焊工", grade_key=grade, level_digit=digit, route="exam",
                           awarded_on=date(2020, 6, 1))
    return person


@pytest.fixture
def hr(session, world):
    return make_user(session, "enterprise_hr", org=world.enterprise)


def _appoint(session, hr, world, person, grade="principal_technician"):
    row = nominate(session, actor=hr, now=NOW, person_id=person.id, grade_key=grade,
                   occupation_id=world.occupation(session).id)
    review_appointment(session, actor=hr, now=NOW, appointment_id=row.id, passed=True, note="答辩通过，评审委员会同意")
    return appoint(session, actor=hr, now=AFTER_NOTICE, appointment_id=row.id, term_start=date(2026, 12, 2),
                   term_end=date(2029, 12, 1))


def test_quota_is_floor_of_five_percent():
    assert principal_quota(19, Decimal("5")) == 0
    assert principal_quota(20, Decimal("5")) == 1
    assert principal_quota(59, Decimal("5")) == 2
    assert principal_quota(100, Decimal("3")) == 3


def test_principal_technician_needs_senior_technician_in_the_occupation(session, world, hr):
    person = employee(session, hr, grade="technician", digit=2)
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        nominate(session, actor=hr, now=NOW, person_id=person.id, grade_key="principal_technician",
                 occupation_id=world.occupation(session).id)
    assert refused.value.field == "person_id" and refused.value.message.params["name"] == "高建华"
    assert refused.value.message.template.endswith("only a senior technician may be nominated principal technician.")
    assert snapshot(session) == before


def test_appointment_after_notice_records_the_grade_with_a_term(session, world, hr):
    people = [employee(session, hr, name=f"员工{chr(0x4e00 + i)}") for i in range(20)]
    row = nominate(session, actor=hr, now=NOW, person_id=people[0].id, grade_key="principal_technician",
                   occupation_id=world.occupation(session).id, nomination="self")
    review_appointment(session, actor=hr, now=NOW, appointment_id=row.id, passed=True, note="答辩通过，评审委员会同意")
    assert (row.status, row.notice_ends_on) == ("under_notice", date(2026, 12, 1))
    with pytest.raises(InvalidTransition) as early:
        appoint(session, actor=hr, now=NOW, appointment_id=row.id, term_start=date(2026, 11, 24),
                term_end=date(2029, 11, 23))
    assert early.value.message.params["end"] == "2026-12-01"
    appoint(session, actor=hr, now=AFTER_NOTICE, appointment_id=row.id, term_start=date(2026, 12, 2),
            term_end=date(2029, 12, 1))
    award = session.get(LevelAward, row.level_award_id)
    assert (award.grade_key, award.route, award.term_until, award.source_type) == (
        "principal_technician", "enterprise_appointment", date(2029, 12, 1), "enterprise_appointment")
    assert current_levels(session, people[0].id, as_of=date(2027, 1, 1))[WELDER].grade_key == "principal_technician"


def test_quota_refuses_once_reached_giving_the_numbers(session, world, hr):
    people = [employee(session, hr, name=f"员工{chr(0x4e00 + i)}") for i in range(20)]
    _appoint(session, hr, world, people[0])
    before = snapshot(session)
    with pytest.raises(ValidationFailed) as refused:
        nominate(session, actor=hr, now=AFTER_NOTICE, person_id=people[1].id, grade_key="principal_technician",
                 occupation_id=world.occupation(session).id)
    assert refused.value.field == "grade_key"
    # The Chinese catalogue keeps the original wording.
    assert in_chinese(refused.value.message) == "特级技师名额已满：本企业高级技师 20 人，按 5% 可聘 1 人，在聘 1 人"
    assert snapshot(session) == before
    assert quota_summary(session, actor=hr, now=AFTER_NOTICE, percent=Decimal("5")) == {
        "holders": 20, "quota": 1, "used": 1, "chief": 0}


def test_chief_technician_needs_a_principal_technician_in_a_firm_running_them(session, world, hr):
    people = [employee(session, hr, name=f"员工{chr(0x4e00 + i)}") for i in range(20)]
    with pytest.raises(ValidationFailed) as refused:
        nominate(session, actor=hr, now=NOW, person_id=people[0].id, grade_key="chief_technician",
                 occupation_id=world.occupation(session).id)
    assert refused.value.field == "person_id" and "chief technician" in refused.value.message.template
    _appoint(session, hr, world, people[0])
    row = nominate(session, actor=hr, now=AFTER_NOTICE, person_id=people[0].id, grade_key="chief_technician",
                   occupation_id=world.occupation(session).id)
    assert row.eligibility_note.template == "Appointed principal technician in {occupation}"
    session.flush()
    session.expire(row)  # read back from the database: the note stays a translatable message
    assert in_chinese(row.eligibility_note) == "在聘焊工特级技师"


def test_chief_technician_refused_where_no_principal_technician_is_appointed(session, world):
    other_hr = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    person = employee(session, other_hr)
    record_level_award(session, actor=None, now=NOW, person_id=person.id, occupation_code=WELDER,
                       occupation_name="焊工", grade_key="principal_technician", route="enterprise_appointment",
                       awarded_on=date(2025, 1, 1), term_until=date(2028, 1, 1))
    with pytest.raises(ValidationFailed) as refused:
        nominate(session, actor=other_hr, now=NOW, person_id=person.id, grade_key="chief_technician",
                 occupation_id=world.occupation(session).id)
    assert refused.value.field == "grade_key" and "no appointed principal technician" in refused.value.message


def test_only_employees_are_nominated(session, world, hr):
    outsider = make_person(session, hr, name="外单位")
    with pytest.raises(ValidationFailed) as refused:
        nominate(session, actor=hr, now=NOW, person_id=outsider.id, grade_key="apprentice",
                 occupation_id=world.occupation(session).id)
    assert refused.value.field == "person_id"
    assert refused.value.message.template == "{name} is not an employee of the enterprise."
