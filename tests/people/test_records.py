"""Work history, certificates held, titles, the level ladder history, and the eligibility input built from them."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.catalog.eligibility import evaluate_level
from app.catalog.eligibility_templates import template_a
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.idnumbers import format_certificate_number
from app.people.levels import current_levels, level_history, record_level_award
from app.people.records import add_held_certificate, add_professional_title, add_work_record, applicant_for
from app.translation import in_chinese
from tests.factories import NOW, make_user
from tests.people.factories import make_person, resident_id

ELECTRICIAN = "6-31-01-03"


@pytest.fixture
def staff(session):
    return make_user(session, "evaluation_staff")


@pytest.fixture
def person(session, staff):
    return make_person(session, staff, id_number=resident_id(date(1985, 6, 1)))


def national(level: int, year: int, serial: int = 1) -> str:
    return format_certificate_number("S", "0000", "21", "210001", year, level, serial)


def certificate(session, staff, person, **overrides):
    values = dict(number=national(4, 2021), occupation_name="电工", occupation_code=ELECTRICIAN, level_digit=4,
                  issue_date=date(2021, 6, 30), issuer_name="沈阳市职业技能鉴定中心")
    values.update(overrides)
    return add_held_certificate(session, actor=staff, now=NOW, person_id=person.id, **values)


def test_work_record_is_added_and_audited(session, staff, person):
    record = add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name=" 沈阳机床厂 ",
                             occupation_name="电工", occupation_code=ELECTRICIAN, start_date=date(2010, 3, 1),
                             end_date=date(2015, 2, 28))
    assert record.employer_name == "沈阳机床厂" and person.work_records == [record]
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "person.add_work")).one()


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"occupation_code": "6310103"}, "occupation_code", "D-DD-DD-DD"),
        ({"start_date": date(1999, 1, 1)}, "start_date", "未满 16 周岁（当时 13 周岁）"),
        ({"end_date": date(2009, 1, 1)}, "end_date", "早于开始日期"),
        ({"start_date": date(2027, 1, 1)}, "start_date", "晚于今天"),
        ({"employer_name": "  "}, "employer_name", "请填写工作单位"),
    ],
)
def test_bad_work_records_are_refused(session, staff, person, kwargs, field, fragment):
    values = dict(employer_name="沈阳机床厂", occupation_name="电工", start_date=date(2010, 3, 1))
    values.update(kwargs)
    with pytest.raises(ValidationFailed) as error:
        add_work_record(session, actor=staff, now=NOW, person_id=person.id, **values)
    assert error.value.field == field and fragment in in_chinese(error.value.message)


def test_national_and_legacy_certificates_are_accepted(session, staff, person):
    cert = certificate(session, staff, person)
    assert cert.number_format == "national" and cert.source == "declared"
    legacy = certificate(session, staff, person, number="1621010123500123", level_digit=5,
                         issue_date=date(2016, 5, 1))
    assert legacy.number_format == "legacy"


def test_certificate_level_digit_must_match_the_number(session, staff, person):
    with pytest.raises(ValidationFailed) as error:
        certificate(session, staff, person, level_digit=3)
    assert error.value.field == "level_digit"
    assert "等级代码为 4（四级），与所填等级 三级 不一致" in in_chinese(error.value.message)


def test_certificate_year_must_match_the_issue_date(session, staff, person):
    with pytest.raises(ValidationFailed) as error:
        certificate(session, staff, person, issue_date=date(2022, 1, 5))
    assert error.value.field == "issue_date"
    assert "发证年份为 21，与发证日期 2022-01-05 的年份（22）不一致" in in_chinese(error.value.message)


def test_bad_and_duplicate_certificate_numbers_are_refused(session, staff, person):
    with pytest.raises(ValidationFailed) as error:
        certificate(session, staff, person, number="X00002121000121400001")
    assert error.value.field == "number"
    certificate(session, staff, person)
    with pytest.raises(ValidationFailed, match="already recorded for this person"):
        certificate(session, staff, person)
    other = make_person(session, staff)
    with pytest.raises(ValidationFailed, match="already recorded for another person"):
        certificate(session, staff, other)


def test_title_vocabulary_is_checked(session, staff, person):
    title = add_professional_title(session, actor=staff, now=NOW, person_id=person.id, name="工程师",
                                   level="intermediate", obtained_on=date(2018, 1, 1), in_speciality=True)
    assert title.level == "intermediate"
    with pytest.raises(ValidationFailed) as error:
        add_professional_title(session, actor=staff, now=NOW, person_id=person.id, name="工程师", level="chief",
                               obtained_on=date(2018, 1, 1))
    assert error.value.field == "level"


def award(session, actor, person, grade, route, on, **kwargs):
    return record_level_award(session, actor=actor, now=NOW, person_id=person.id, occupation_code=ELECTRICIAN,
                              occupation_name="电工", grade_key=grade, route=route, awarded_on=on, **kwargs)


def test_level_history_and_current_levels(session, staff, person):
    award(session, staff, person, "junior", "exam", date(2012, 1, 1), source_type="assessment_result", source_id=12)
    award(session, staff, person, "intermediate", "exam", date(2016, 1, 1))
    senior = award(session, staff, person, "senior", "competition", date(2020, 1, 1))
    record_level_award(session, actor=staff, now=NOW, person_id=person.id, occupation_code="6-18-02-04",
                       occupation_name="焊工", grade_key="junior", route="direct_recognition",
                       awarded_on=date(2019, 1, 1))
    history = level_history(session, person.id)
    assert [a.grade_key for a in history] == ["junior", "intermediate", "junior", "senior"]
    assert history[0].source_id == "12" and history[0].level_digit == 5
    current = current_levels(session, person.id)
    assert current[ELECTRICIAN] is senior and current["6-18-02-04"].grade_key == "junior"
    assert senior.level_digit == 3


def test_appointment_grades_need_the_appointment_route_and_terms_expire(session, person):
    hr = make_user(session, "enterprise_hr")
    admin = make_user(session, "admin")
    award(session, admin, person, "technician", "exam", date(2018, 1, 1))
    principal = award(session, admin, person, "principal_technician", "enterprise_appointment",
                      date(2022, 1, 1), term_until=date(2025, 12, 31), awarded_by_org_id=hr.organisation_id)
    assert principal.level_digit is None
    assert current_levels(session, person.id)[ELECTRICIAN] is principal
    assert current_levels(session, person.id, as_of=date(2026, 6, 1))[ELECTRICIAN].grade_key == "technician"
    with pytest.raises(ValidationFailed) as error:
        award(session, admin, person, "chief_technician", "exam", date(2023, 1, 1))
    assert error.value.field == "route" and "企业评聘" in in_chinese(error.value.message)
    with pytest.raises(ValidationFailed) as error:
        award(session, admin, person, "senior", "enterprise_appointment", date(2023, 1, 1))
    assert error.value.field == "route"
    with pytest.raises(ValidationFailed) as error:
        award(session, admin, person, "senior", "exam", date(2023, 1, 1), term_until=date(2026, 1, 1))
    assert error.value.field == "term_until"
    with pytest.raises(ValidationFailed) as error:
        award(session, admin, person, "senior", "exam", date(2023, 1, 1), level_digit=4)
    assert error.value.field == "level_digit" and "高级工对应等级代码 3" in in_chinese(error.value.message)


def test_level_awards_need_a_fitting_role_and_scope(session, person):
    with pytest.raises(NotAllowed):
        award(session, make_user(session, "institution_staff"), person, "junior", "exam", date(2020, 1, 1))
    with pytest.raises(NotFound):
        award(session, make_user(session, "evaluation_staff"), person, "junior", "exam", date(2020, 1, 1))


def test_applicant_for_feeds_the_eligibility_rules(session, staff, person):
    add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name="沈阳机床厂",
                    occupation_name="电工", occupation_code=ELECTRICIAN, start_date=date(2016, 1, 1))
    add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name="大连船厂",
                    occupation_name="维修电工", occupation_code="6-31-01-05", start_date=date(2008, 1, 1),
                    end_date=date(2015, 12, 31))
    certificate(session, staff, person, number=national(4, 2017), issue_date=date(2017, 3, 1))
    applicant = applicant_for(session, person, occupation_code=ELECTRICIAN, related_codes={"6-31-01-05"})
    assert applicant.birth_date == date(1985, 6, 1)
    assert {(w.occupation_code, w.related) for w in applicant.work} == {(ELECTRICIAN, False), ("6-31-01-05", True)}
    assert [(c.level, c.issued_on) for c in applicant.certificates] == [(4, date(2017, 3, 1))]
    result = evaluate_level(template_a(), 3, applicant, as_of=NOW.date(), occupation_code=ELECTRICIAN,
                            related_codes={"6-31-01-05"})
    assert result.eligible, result.reasons


def test_declared_work_years_are_kept_as_declared_and_counted(session, staff, person):
    from decimal import Decimal

    record = add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name="沈阳机床厂",
                             occupation_name="电工", occupation_code=ELECTRICIAN, declared_years=Decimal("6.5"))
    assert (record.start_date, record.declared_years, record.declared_on) == (None, Decimal("6.5"), NOW.date())
    applicant = applicant_for(session, person, occupation_code=ELECTRICIAN)
    assert applicant.work == () and [(d.months, d.occupation_code) for d in applicant.declared] == [(78, ELECTRICIAN)]
    for values, field in (({}, "start_date"), ({"end_date": date(2020, 1, 1), "declared_years": Decimal(2)}, "end_date"),
                          ({"declared_years": Decimal("2.25")}, "declared_years"),
                          ({"declared_years": Decimal(40)}, "declared_years")):
        with pytest.raises(ValidationFailed) as refused:
            add_work_record(session, actor=staff, now=NOW, person_id=person.id, employer_name="x",
                            occupation_name="电工", **values)
        assert refused.value.field == field


def test_applicant_for_uses_education_school_titles_and_level_awards(session, staff, person):
    from app.people.services import update_person

    update_person(session, actor=staff, now=NOW, person_id=person.id, education="primary")
    assert applicant_for(session, person, occupation_code=ELECTRICIAN).education == ()
    update_person(session, actor=staff, now=NOW, person_id=person.id, education="associate",
                  school_type="technician_college", graduated_on=date(2006, 7, 1))
    add_professional_title(session, actor=staff, now=NOW, person_id=person.id, name="工程师", level="junior",
                           obtained_on=date(2015, 1, 1), in_speciality=True)
    award(session, staff, person, "senior", "exam", date(2020, 1, 1))
    applicant = applicant_for(session, person, occupation_code=ELECTRICIAN, speciality_matches=True)
    assert [(e.level, e.in_speciality) for e in applicant.education] == [("associate", True)]
    assert [(s.school_type, s.graduated_on) for s in applicant.schools] == [("technician_college", date(2006, 7, 1))]
    assert [t.level for t in applicant.titles] == ["junior"]
    assert [(c.level, c.issued_on) for c in applicant.certificates] == [(3, date(2020, 1, 1))]


def test_today_is_the_date_in_beijing_between_16_and_24_utc(session, staff, person):
    """At 18:33 UTC it is already the next day in Liaoning: that local date is not 'after today', the day after is."""
    evening = datetime(2026, 10, 7, 18, 33, tzinfo=UTC)
    kept = record_level_award(session, actor=staff, now=evening, person_id=person.id, occupation_code=ELECTRICIAN,
                              occupation_name="电工", grade_key="junior", route="exam", awarded_on=date(2026, 10, 8))
    assert kept.awarded_on == date(2026, 10, 8)
    with pytest.raises(ValidationFailed) as error:
        record_level_award(session, actor=staff, now=evening, person_id=person.id, occupation_code=ELECTRICIAN,
                           occupation_name="电工", grade_key="intermediate", route="exam",
                           awarded_on=date(2026, 10, 9))
    assert error.value.field == "awarded_on"
    with pytest.raises(ValidationFailed) as error:
        add_work_record(session, actor=staff, now=evening, person_id=person.id, employer_name="沈阳机床厂",
                        occupation_name="电工", start_date=date(2026, 10, 9))
    assert error.value.field == "start_date"
