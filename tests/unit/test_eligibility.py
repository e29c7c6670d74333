"""Eligibility rules: every route of templates A and B, exact reasons, boundaries, scope and JSON."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.catalog.durations import add_months, format_span, merge_periods, whole_months, worked_months
from app.catalog.eligibility import (
    Applicant,
    CompletedApprenticeship,
    DeclaredWork,
    Education,
    EligibilityResult,
    HeldCertificate,
    ProfessionalTitle,
    RouteFailure,
    SchoolGraduation,
    WorkPeriod,
    evaluate,
    evaluate_level,
)
from app.catalog.eligibility_rules import (
    EDUCATION_LEVELS,
    OCCUPATION,
    RELATED,
    SCHOOL_TYPES,
    TITLE_LEVELS,
    Apprenticed,
    MinAge,
    MinCertificate,
    MinEducation,
    MinTitle,
    MinWork,
    Route,
    RuleFormatError,
    SchoolGraduate,
    routes_from_json,
    routes_to_json,
    rules_from_json,
    rules_to_json,
)
from app.catalog.eligibility_templates import TEMPLATE_A, TEMPLATE_B, only_levels, template_a, template_b
from app.catalog.ladder import LEVEL_DIGITS
from app.translation import in_chinese

OCC = "6-31-01-03"  # 电工, the occupation applied for
REL = "6-31-01-10"  # declared related to it by the standard
OTHER = "4-10-01-05"  # unrelated
AS_OF = date(2025, 6, 30)
A = template_a()
B = template_b()


def person(**records: object) -> Applicant:
    """Return an adult applicant with the given records and nothing else."""
    return Applicant(birth_date=date(1990, 5, 1), **records)  # type: ignore[arg-type]


def check(
    rules: Mapping[int, Sequence[Route]], level: int, applicant: Applicant, as_of: date = AS_OF
) -> EligibilityResult:
    return evaluate_level(rules, level, applicant, as_of=as_of, occupation_code=OCC, related_codes={REL})


def zh(value: object) -> object:
    """Reasons and labels in Chinese (the catalogue's wording), for comparing with the texts offices know."""
    if isinstance(value, EligibilityResult):
        return dataclasses.replace(value, route_label=zh(value.route_label), failures=zh(value.failures))
    if isinstance(value, RouteFailure):
        return RouteFailure(value.route_id, in_chinese(value.route_label), zh(value.reasons))
    if isinstance(value, tuple):
        return tuple(zh(item) for item in value)
    return in_chinese(value)


def reasons_for(result: EligibilityResult, route_id: str) -> tuple[str, ...]:
    (failure,) = [f for f in result.failures if f.route_id == route_id]
    return zh(failure.reasons)


def work(start: date, end: date | None = None, code: str | None = OCC, related: bool = False) -> WorkPeriod:
    return WorkPeriod(start=start, end=end, occupation_code=code, related=related)


def cert(level: int, issued_on: date, code: str | None = OCC, related: bool = False) -> HeldCertificate:
    return HeldCertificate(occupation_code=code, level=level, issued_on=issued_on, related=related)


def school(kind: str, graduated_on: date = date(2020, 7, 1), in_speciality: bool = True) -> SchoolGraduation:
    return SchoolGraduation(school_type=kind, in_speciality=in_speciality, graduated_on=graduated_on)


def title(level: str, obtained_on: date, in_speciality: bool = True) -> ProfessionalTitle:
    return ProfessionalTitle(level=level, obtained_on=obtained_on, in_speciality=in_speciality)


# ---------------------------------------------------------------- template A, 五级


def test_a5_one_year_of_work_qualifies() -> None:
    result = check(A, 5, person(work=[work(date(2024, 6, 30))]))
    assert (result.eligible, result.route) == (True, "A-5-1")
    assert zh(result.route_label) == "累计从事本职业或相关职业工作满 1 年"
    assert result.qualifying_routes == ("A-5-1",)
    assert zh(result.failures) == (
        RouteFailure("A-5-2", "本职业或相关职业学徒期满", ("未完成本职业或相关职业学徒期",)),
    )


def test_a5_fails_with_a_reason_per_route() -> None:
    result = check(A, 5, person(work=[work(date(2024, 7, 15))]))
    assert result.eligible is False
    assert (result.route, result.route_label) == (None, None)
    assert zh(result.failures) == (
        RouteFailure("A-5-1", "累计从事本职业或相关职业工作满 1 年", ("相关工作年限 11 个月，需满 1 年",)),
        RouteFailure("A-5-2", "本职业或相关职业学徒期满", ("未完成本职业或相关职业学徒期",)),
    )
    assert zh(result.reasons) == ("相关工作年限 11 个月，需满 1 年", "未完成本职业或相关职业学徒期")
    # The reasons are marked messages: English by default, Chinese through the catalogue.
    assert result.reasons[0].template == "Related work {span}; needs {needed}"
    assert result.reasons == ("Related work 11 month(s); needs 1 year(s)",
                              "Has not completed an apprenticeship in this or a related occupation")


def test_a5_completed_apprenticeship_qualifies_without_work() -> None:
    apprenticeship = CompletedApprenticeship(occupation_code=OCC, completed_on=date(2025, 1, 10))
    result = check(A, 5, person(apprenticeships=[apprenticeship]))
    assert (result.eligible, result.route) == (True, "A-5-2")
    assert reasons_for(result, "A-5-1") == ("相关工作年限 0 个月，需满 1 年",)


@pytest.mark.parametrize(
    ("code", "flagged", "completed_on", "eligible"),
    [
        (REL, False, date(2025, 1, 10), True),  # related through the standard's list
        (None, True, date(2025, 1, 10), True),  # related by a reviewer's flag
        (OTHER, False, date(2025, 1, 10), False),
        (OCC, False, date(2025, 7, 1), False),  # not yet completed on as_of
    ],
)
def test_a5_apprenticeship_scope_and_date(
    code: str | None, flagged: bool, completed_on: date, eligible: bool
) -> None:
    apprenticeship = CompletedApprenticeship(occupation_code=code, completed_on=completed_on, related=flagged)
    assert check(A, 5, person(apprenticeships=[apprenticeship])).eligible is eligible


# ---------------------------------------------------------------- template A, 四级


def test_a4_junior_certificate_held_exactly_four_years_qualifies() -> None:
    result = check(A, 4, person(certificates=[cert(5, date(2021, 6, 30))]))
    assert (result.eligible, result.route) == (True, "A-4-1")


def test_a4_junior_certificate_one_day_short_fails_with_every_reason() -> None:
    result = check(A, 4, person(certificates=[cert(5, date(2021, 7, 1))], work=[work(date(2020, 7, 1))]))
    assert result.eligible is False
    assert zh(result.failures) == (
        RouteFailure(
            "A-4-1", "取得本职业或相关职业五级及以上证书满 4 年", ("持五级证书 3 年 11 个月，需满 4 年",)
        ),
        RouteFailure(
            "A-4-2", "累计从事本职业或相关职业工作满 6 年", ("相关工作年限 4 年 11 个月，需满 6 年",)
        ),
        RouteFailure(
            "A-4-3",
            "具有技工学校、高级技工学校、技师学院、中等职业学校或高等职业学校本专业或相关专业毕业证书",
            ("无技工学校、高级技工学校、技师学院、中等职业学校或高等职业学校本专业或相关专业毕业证书",),
        ),
    )


def test_a4_a_higher_certificate_counts_for_the_junior_one() -> None:
    result = check(A, 4, person(certificates=[cert(3, date(2020, 1, 1))]))
    assert result.route == "A-4-1"


def test_a4_six_years_of_work_qualifies() -> None:
    result = check(A, 4, person(work=[work(date(2019, 6, 30))]))
    assert (result.eligible, result.route) == (True, "A-4-2")
    assert reasons_for(result, "A-4-1") == ("未持有五级及以上证书",)


@pytest.mark.parametrize(
    "kind", ["technical_school", "technician_college", "vocational_school", "higher_vocational"]
)
def test_a4_technical_or_vocational_graduate_in_the_speciality_qualifies(kind: str) -> None:
    assert check(A, 4, person(schools=[school(kind)])).route == "A-4-3"


def test_a4_graduate_outside_the_speciality_is_told_so() -> None:
    result = check(A, 4, person(schools=[school("technical_school", in_speciality=False)]))
    assert result.eligible is False
    assert reasons_for(result, "A-4-3") == ("技工学校所学专业非本专业或相关专业",)


def test_a4_graduation_after_as_of_does_not_count_yet() -> None:
    result = check(A, 4, person(schools=[school("technical_school", graduated_on=date(2025, 7, 1))]))
    assert result.eligible is False


# ---------------------------------------------------------------- template A, 三级


def test_a3_intermediate_certificate_five_years_qualifies() -> None:
    assert check(A, 3, person(certificates=[cert(4, date(2020, 6, 30))])).route == "A-3-1"


def test_a3_intermediate_certificate_four_years_eleven_months_fails() -> None:
    result = check(A, 3, person(certificates=[cert(4, date(2020, 7, 1))]))
    assert result.eligible is False
    assert reasons_for(result, "A-3-1") == ("持四级证书 4 年 11 个月，需满 5 年",)
    assert reasons_for(result, "A-3-2") == ("无高级技工学校或技师学院本专业或相关专业毕业证书",)
    assert reasons_for(result, "A-3-3") == ("无学历记录，需大专及以上学历",)
    assert reasons_for(result, "A-3-4") == ("无学历记录，需本科及以上学历",)


@pytest.mark.parametrize("kind", ["senior_technical_school", "technician_college"])
def test_a3_intermediate_certificate_plus_senior_school_qualifies_at_once(kind: str) -> None:
    result = check(A, 3, person(certificates=[cert(4, date(2025, 6, 1))], schools=[school(kind)]))
    assert result.route == "A-3-2"


def test_a3_technical_school_is_not_a_senior_school() -> None:
    result = check(
        A, 3, person(certificates=[cert(4, date(2025, 6, 1))], schools=[school("technical_school")])
    )
    assert result.eligible is False
    assert reasons_for(result, "A-3-2") == ("无高级技工学校或技师学院本专业或相关专业毕业证书",)


def test_a3_without_any_certificate_every_route_says_so() -> None:
    result = check(A, 3, person(schools=[school("technician_college")]))
    assert reasons_for(result, "A-3-1") == ("未持有四级及以上证书",)
    assert reasons_for(result, "A-3-2") == ("未持有四级及以上证书",)


def test_a3_associate_degree_and_two_years_qualifies() -> None:
    applicant = person(education=[Education("associate", True)], certificates=[cert(4, date(2023, 6, 30))])
    result = check(A, 3, applicant)
    assert result.route == "A-3-3"
    assert result.qualifying_routes == ("A-3-3",)


def test_a3_associate_degree_with_eighteen_months_fails() -> None:
    applicant = person(education=[Education("associate", True)], certificates=[cert(4, date(2023, 12, 30))])
    result = check(A, 3, applicant)
    assert result.eligible is False
    assert reasons_for(result, "A-3-3") == ("持四级证书 1 年 6 个月，需满 2 年",)
    assert reasons_for(result, "A-3-4") == ("最高学历大专，需本科及以上",)


def test_a3_bachelor_needs_only_one_year() -> None:
    applicant = person(education=[Education("bachelor", True)], certificates=[cert(4, date(2024, 6, 30))])
    result = check(A, 3, applicant)
    assert (result.eligible, result.route) == (True, "A-3-4")
    assert reasons_for(result, "A-3-3") == ("持四级证书 1 年，需满 2 年",)


def test_a3_a_higher_degree_satisfies_the_associate_route() -> None:
    applicant = person(education=[Education("master", True)], certificates=[cert(4, date(2023, 6, 1))])
    assert check(A, 3, applicant).qualifying_routes == ("A-3-3", "A-3-4")


def test_a3_degree_outside_the_speciality_is_told_so() -> None:
    applicant = person(
        education=[Education("bachelor", False), Education("senior_secondary", True)],
        certificates=[cert(4, date(2022, 1, 1))],
    )
    result = check(A, 3, applicant)
    assert result.eligible is False
    assert reasons_for(result, "A-3-3") == ("大专及以上学历非本专业或相关专业",)
    assert reasons_for(result, "A-3-4") == ("本科及以上学历非本专业或相关专业",)


def test_a3_lists_all_unmet_requirements_of_a_route() -> None:
    result = check(A, 3, person(education=[Education("senior_secondary", True)]))
    assert reasons_for(result, "A-3-3") == ("最高学历高中/中专，需大专及以上", "未持有四级及以上证书")


# ---------------------------------------------------------------- template A, 二级 and 一级


def test_a2_senior_certificate_four_years_qualifies() -> None:
    assert check(A, 2, person(certificates=[cert(3, date(2021, 6, 30))])).route == "A-2-1"


def test_a2_technician_college_graduate_needs_three_years() -> None:
    applicant = person(certificates=[cert(3, date(2022, 6, 30))], schools=[school("technician_college")])
    result = check(A, 2, applicant)
    assert (result.route, result.qualifying_routes) == ("A-2-2", ("A-2-2",))
    assert reasons_for(result, "A-2-1") == ("持三级证书 3 年，需满 4 年",)


def test_a2_three_years_without_technician_college_fails() -> None:
    result = check(
        A, 2, person(certificates=[cert(3, date(2022, 6, 30))], schools=[school("technical_school")])
    )
    assert zh(result.failures) == (
        RouteFailure("A-2-1", "取得本职业或相关职业三级及以上证书满 4 年", ("持三级证书 3 年，需满 4 年",)),
        RouteFailure(
            "A-2-2",
            "取得本职业或相关职业三级及以上证书满 3 年，且具有技师学院本专业或相关专业毕业证书",
            ("无技师学院本专业或相关专业毕业证书",),
        ),
    )


def test_a1_technician_certificate_four_years_qualifies_and_short_fails() -> None:
    assert check(A, 1, person(certificates=[cert(2, date(2021, 6, 30))])).route == "A-1-1"
    result = check(A, 1, person(certificates=[cert(2, date(2022, 2, 1))]))
    assert zh(result.reasons) == ("持二级证书 3 年 4 个月，需满 4 年",)
    assert zh(check(A, 1, person()).reasons) == ("未持有二级及以上证书",)


# ---------------------------------------------------------------- template B


def test_b5_sixteenth_birthday_qualifies_and_the_day_before_does_not() -> None:
    applicant = Applicant(birth_date=date(2009, 6, 30))
    assert check(B, 5, applicant).route == "B-5-1"
    result = check(B, 5, applicant, as_of=date(2025, 6, 29))
    assert zh(result.failures) == (RouteFailure("B-5-1", "年满 16 周岁", ("年龄 15 周岁，需年满 16 周岁",)),)


def test_b4_five_years_of_work_and_one_month_short() -> None:
    assert check(B, 4, person(work=[work(date(2020, 6, 30))])).route == "B-4-1"
    result = check(B, 4, person(work=[work(date(2020, 7, 30))]))
    assert result.eligible is False
    assert zh(result.failures) == (
        RouteFailure(
            "B-4-1", "累计从事本职业或相关职业工作满 5 年", ("相关工作年限 4 年 11 个月，需满 5 年",)
        ),
        RouteFailure("B-4-2", "取得本职业或相关职业五级及以上证书满 3 年", ("未持有五级及以上证书",)),
        RouteFailure(
            "B-4-3",
            "具有技工学校、高级技工学校、技师学院、中等职业学校或高等职业学校本专业或相关专业毕业证书",
            ("无技工学校、高级技工学校、技师学院、中等职业学校或高等职业学校本专业或相关专业毕业证书",),
        ),
        RouteFailure("B-4-4", "具有大专及以上本专业或相关专业学历", ("无学历记录，需大专及以上学历",)),
    )


def test_b4_junior_certificate_three_years() -> None:
    assert check(B, 4, person(certificates=[cert(5, date(2022, 6, 30))])).route == "B-4-2"
    # June has no 31st, so a certificate issued on 31 July completes a month on 30 June (民法典 art. 203).
    result = check(B, 4, person(certificates=[cert(5, date(2022, 7, 31))]))
    assert reasons_for(result, "B-4-2") == ("持五级证书 2 年 11 个月，需满 3 年",)
    result = check(B, 4, person(certificates=[cert(5, date(2022, 8, 31))]))
    assert reasons_for(result, "B-4-2") == ("持五级证书 2 年 10 个月，需满 3 年",)


def test_b4_relevant_graduates_qualify() -> None:
    assert check(B, 4, person(schools=[school("vocational_school")])).route == "B-4-3"
    assert check(B, 4, person(education=[Education("associate", True)])).route == "B-4-4"
    assert check(B, 4, person(education=[Education("doctorate", True)])).route == "B-4-4"
    result = check(B, 4, person(education=[Education("associate", False)]))
    assert reasons_for(result, "B-4-4") == ("大专及以上学历非本专业或相关专业",)


def test_b3_ten_years_of_work() -> None:
    assert check(B, 3, person(work=[work(date(2015, 6, 30))])).route == "B-3-1"
    result = check(B, 3, person(work=[work(date(2015, 7, 1))]))
    assert reasons_for(result, "B-3-1") == ("相关工作年限 9 年 11 个月，需满 10 年",)


def test_b3_intermediate_certificate_four_years() -> None:
    assert check(B, 3, person(certificates=[cert(4, date(2021, 6, 30))])).route == "B-3-2"
    result = check(B, 3, person(certificates=[cert(4, date(2021, 7, 1))]))
    assert reasons_for(result, "B-3-2") == ("持四级证书 3 年 11 个月，需满 4 年",)


def test_b3_junior_title_one_year() -> None:
    assert check(B, 3, person(titles=[title("junior", date(2024, 6, 30))])).route == "B-3-3"
    assert check(B, 3, person(titles=[title("intermediate", date(2024, 1, 1))])).route == "B-3-3"
    short = check(B, 3, person(titles=[title("junior", date(2024, 7, 1))]))
    assert reasons_for(short, "B-3-3") == ("取得初级职称 11 个月，需满 1 年",)
    wrong_field = check(B, 3, person(titles=[title("junior", date(2020, 1, 1), in_speciality=False)]))
    assert reasons_for(wrong_field, "B-3-3") == ("初级及以上职称非本专业或相关专业",)
    assert reasons_for(check(B, 3, person()), "B-3-3") == ("未取得初级及以上专业技术职称",)


def test_b2_senior_certificate_five_years_or_intermediate_title() -> None:
    assert check(B, 2, person(certificates=[cert(3, date(2020, 6, 30))])).route == "B-2-1"
    assert check(B, 2, person(titles=[title("intermediate", date(2024, 6, 30))])).route == "B-2-2"
    result = check(
        B, 2, person(certificates=[cert(3, date(2021, 1, 1))], titles=[title("junior", date(2010, 1, 1))])
    )
    assert zh(result.failures) == (
        RouteFailure(
            "B-2-1", "取得本职业或相关职业三级及以上证书满 5 年", ("持三级证书 4 年 5 个月，需满 5 年",)
        ),
        RouteFailure(
            "B-2-2", "取得本专业或相关专业中级及以上专业技术职称满 1 年", ("未取得中级及以上专业技术职称",)
        ),
    )


def test_b1_technician_certificate_four_years() -> None:
    assert check(B, 1, person(certificates=[cert(2, date(2021, 6, 30))])).route == "B-1-1"
    assert check(B, 1, person(certificates=[cert(1, date(2019, 1, 1))])).route == "B-1-1"
    assert zh(check(B, 1, person(certificates=[cert(2, date(2021, 7, 1))])).reasons) == (
        "持二级证书 3 年 11 个月，需满 4 年",
    )


# ---------------------------------------------------------------- boundaries and counting


def test_closed_period_includes_its_last_day() -> None:
    # 1 March 2019 to 29 February 2024 inclusive is exactly five years of work.
    assert check(B, 4, person(work=[work(date(2019, 3, 1), date(2024, 2, 29))])).route == "B-4-1"
    result = check(B, 4, person(work=[work(date(2019, 3, 1), date(2024, 2, 28))]))
    assert reasons_for(result, "B-4-1") == ("相关工作年限 4 年 11 个月，需满 5 年",)


def test_ongoing_work_counts_up_to_as_of() -> None:
    applicant = person(work=[work(date(2019, 3, 1))])
    assert check(B, 4, applicant, as_of=date(2024, 3, 1)).eligible is True
    assert (
        zh(check(B, 4, applicant, as_of=date(2024, 2, 29)).reasons[0]) == "相关工作年限 4 年 11 个月，需满 5 年"
    )


def test_work_after_as_of_is_ignored() -> None:
    applicant = person(work=[work(date(2018, 1, 1), date(2030, 12, 31)), work(date(2026, 1, 1))])
    assert zh(check(B, 3, applicant).reasons[0]) == "相关工作年限 7 年 5 个月，需满 10 年"


def test_overlapping_periods_are_counted_once() -> None:
    periods = [
        work(date(2015, 1, 1), date(2020, 12, 31)),
        work(date(2018, 1, 1), date(2022, 12, 31), code=REL),  # moonlighting in a related trade
        work(date(2016, 5, 1), date(2016, 8, 31)),  # nested inside the first
        work(date(2015, 1, 1), date(2020, 12, 31)),  # entered twice
    ]
    result = check(B, 3, person(work=periods))
    assert reasons_for(result, "B-3-1") == ("相关工作年限 8 年，需满 10 年",)


def test_separate_stints_pool_their_leftover_days() -> None:
    periods = [work(date(2024, 1, 1), date(2024, 1, 15)), work(date(2024, 3, 1), date(2024, 3, 15))]
    assert zh(check(A, 5, person(work=periods)).reasons[0]) == "相关工作年限 1 个月，需满 1 年"


def test_leap_day_certificate_reaches_its_anniversary_on_28_february() -> None:
    applicant = person(certificates=[cert(4, date(2020, 2, 29))], titles=[])
    custom = {3: (Route("X-1", (MinCertificate(4, years=1),)),)}
    assert check(custom, 3, applicant, as_of=date(2021, 2, 28)).eligible is True
    assert zh(check(custom, 3, applicant, as_of=date(2021, 2, 27)).reasons) == ("持四级证书 11 个月，需满 1 年",)
    assert check(B, 3, applicant, as_of=date(2024, 2, 29)).route == "B-3-2"
    assert reasons_for(check(B, 3, applicant, as_of=date(2024, 2, 28)), "B-3-2") == (
        "持四级证书 3 年 11 个月，需满 4 年",
    )


def test_leap_day_birthday() -> None:
    applicant = Applicant(birth_date=date(2008, 2, 29))
    assert zh(check(B, 5, applicant, as_of=date(2024, 2, 28)).reasons) == ("年龄 15 周岁，需年满 16 周岁",)
    assert check(B, 5, applicant, as_of=date(2024, 2, 29)).eligible is True


def test_the_longest_held_qualifying_certificate_is_measured() -> None:
    applicant = person(
        certificates=[cert(3, date(2024, 1, 1)), cert(4, date(2021, 3, 1)), cert(5, date(2010, 1, 1))]
    )
    # The 五级 is too junior for 三级; of 三级 and 四级 the 四级 has been held longer.
    assert reasons_for(check(A, 3, applicant), "A-3-1") == ("持四级证书 4 年 3 个月，需满 5 年",)


def test_certificate_issued_after_as_of_does_not_count() -> None:
    assert zh(check(A, 3, person(certificates=[cert(4, date(2025, 7, 1))])).reasons[0]) == "未持有四级及以上证书"


# ---------------------------------------------------------------- occupation scope


def test_work_scope_related_unrelated_and_flagged() -> None:
    start = date(2019, 1, 1)
    assert check(A, 4, person(work=[work(start, code=REL)])).route == "A-4-2"
    assert check(A, 4, person(work=[work(start, code=None, related=True)])).route == "A-4-2"
    unrelated = check(A, 4, person(work=[work(start, code=OTHER)]))
    assert reasons_for(unrelated, "A-4-2") == ("相关工作年限 0 个月，需满 6 年",)


def test_certificate_in_an_unrelated_occupation_does_not_count() -> None:
    result = check(A, 3, person(certificates=[cert(4, date(2010, 1, 1), code=OTHER)]))
    assert reasons_for(result, "A-3-1") == ("未持有四级及以上证书",)
    assert check(A, 3, person(certificates=[cert(4, date(2010, 1, 1), code=REL)])).route == "A-3-1"


def test_occupation_scope_excludes_related_records() -> None:
    rules = {
        4: (
            Route("O-1", (MinWork(2, scope=OCCUPATION),)),
            Route("O-2", (MinCertificate(5, years=1, scope=OCCUPATION),)),
        ),
        1: (Route("O-3", (MinCertificate(1),)),),
    }
    applicant = person(
        work=[work(date(2010, 1, 1), code=REL)], certificates=[cert(5, date(2010, 1, 1), code=REL)]
    )
    result = check(rules, 4, applicant)
    assert zh(result.reasons) == ("本职业工作年限 0 个月，需满 2 年", "未持有本职业五级及以上证书")
    assert zh(check(rules, 1, applicant).reasons) == ("未持有一级证书",)


def test_declared_work_years_count_as_declared_and_add_to_dated_work() -> None:
    rules = {4: (Route("O-1", (MinWork(2, scope=OCCUPATION),)),), 1: (Route("O-3", (MinCertificate(1),)),)}
    declared = DeclaredWork(months=18, declared_on=date(2025, 1, 1), occupation_code=OCC)
    assert zh(check(rules, 4, person(declared=[declared])).reasons) == ("本职业工作年限 1 年 6 个月，需满 2 年",)
    dated = work(date(2024, 12, 1), date(2025, 5, 31))  # six months with dates
    assert check(rules, 4, person(declared=[declared], work=[dated])).route == "O-1"
    # Declared after the day of the check, or in another occupation: not counted.
    assert not check(rules, 4, person(declared=[declared]), as_of=date(2024, 12, 31)).eligible
    other = DeclaredWork(months=60, declared_on=date(2025, 1, 1), occupation_code=OTHER)
    assert not check(rules, 4, person(declared=[other])).eligible


# ---------------------------------------------------------------- levels a standard lacks


def test_a_standard_starting_at_intermediate_has_no_junior_level() -> None:
    robot_operator = only_levels(B, (4, 3, 2, 1))
    assert list(robot_operator) == [4, 3, 2, 1]
    result = check(robot_operator, 5, Applicant(birth_date=date(1990, 1, 1)))
    assert zh(result) == EligibilityResult(
        False, None, None, (RouteFailure("", "该职业标准无五级", ("该职业标准无五级",)),)
    )
    assert check(robot_operator, 4, person(work=[work(date(2018, 1, 1))])).route == "B-4-1"


def test_only_levels_rejects_a_level_the_rules_lack() -> None:
    with pytest.raises(ValueError, match="the rules have no Level 5 to keep"):
        only_levels(only_levels(A, (4, 3)), (5,))
    with pytest.raises(ValueError, match="unknown level digit 6"):
        only_levels(A, (6,))


def test_unknown_level_and_empty_routes_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="unknown level digit 6"):
        check(A, 6, person())
    with pytest.raises(ValueError, match="no routes to evaluate"):
        evaluate([], person(), as_of=AS_OF, occupation_code=OCC)


def test_first_qualifying_route_wins_and_others_are_listed() -> None:
    applicant = person(work=[work(date(2010, 1, 1))], certificates=[cert(5, date(2015, 1, 1))])
    result = check(A, 4, applicant)
    assert (result.route, result.qualifying_routes) == ("A-4-1", ("A-4-1", "A-4-2"))
    assert [f.route_id for f in result.failures] == ["A-4-3"]


# ---------------------------------------------------------------- records


def test_applicant_records_reject_nonsense() -> None:
    with pytest.raises(ValueError, match="ends 2020-01-01 before it starts"):
        WorkPeriod(start=date(2021, 1, 1), end=date(2020, 1, 1))
    with pytest.raises(ValueError, match="unknown certificate level 6"):
        cert(6, date(2020, 1, 1))
    with pytest.raises(ValueError, match="unknown certificate level True"):
        cert(True, date(2020, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown education level 'phd'"):
        Education("phd", True)
    with pytest.raises(ValueError, match="unknown school type 'university'"):
        school("university")
    with pytest.raises(ValueError, match="unknown title level 'senior_engineer'"):
        title("senior_engineer", date(2020, 1, 1))


def test_applicant_lists_become_tuples_so_it_stays_hashable() -> None:
    applicant = person(work=[work(date(2020, 1, 1))])
    assert isinstance(applicant.work, tuple)
    assert hash(applicant) == hash(person(work=(work(date(2020, 1, 1)),)))


# ---------------------------------------------------------------- JSON


def test_templates_are_their_own_canonical_json() -> None:
    assert rules_to_json(A) == TEMPLATE_A
    assert rules_to_json(B) == TEMPLATE_B
    assert rules_from_json(json.loads(json.dumps(TEMPLATE_A))) == A
    assert list(A) == [5, 4, 3, 2, 1]
    assert [r.id for r in A[3]] == ["A-3-1", "A-3-2", "A-3-3", "A-3-4"]


def test_route_json_shape() -> None:
    assert routes_to_json(A[2])[1] == {
        "id": "A-2-2",
        "requires": [
            {"kind": "certificate", "level": 3, "years": 3, "scope": "related"},
            {"kind": "school", "types": ["technician_college"]},
        ],
    }


def test_custom_labels_survive_and_default_labels_are_omitted() -> None:
    data = [
        {"id": "c-1", "label": "持证满两年", "requires": [{"kind": "certificate", "level": 4, "years": 2}]},
        {"id": "c-2", "requires": [{"kind": "work", "years": 1, "months": 6}]},
    ]
    routes = routes_from_json(data)
    assert in_chinese(routes[0].label) == "持证满两年"
    assert in_chinese(routes[1].label) == "累计从事本职业或相关职业工作满 1 年 6 个月"
    # Missing defaults (scope) are written out, so stored rules say exactly what they check.
    assert routes_to_json(routes) == [
        {**data[0], "requires": [{"kind": "certificate", "level": 4, "years": 2, "scope": "related"}]},
        {**data[1], "requires": [{"kind": "work", "years": 1, "months": 6, "scope": "related"}]},
    ]


def test_rules_accept_integer_keys_and_emit_string_keys_in_level_order() -> None:
    data = {1: TEMPLATE_A["1"], "4": TEMPLATE_A["4"]}
    assert list(rules_to_json(rules_from_json(data))) == ["4", "1"]


def _rules_with(requirement: object) -> dict[str, object]:
    return {"4": [{"id": "r", "requires": [requirement]}]}


REQ = "rules.4[0].requires[0]"


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        (_rules_with({"kind": "work", "years": -1}), f"{REQ}.years", "integer from 0 to 80, got -1"),
        (_rules_with({"kind": "work", "years": True}), f"{REQ}.years", "got True"),
        (_rules_with({"kind": "work", "years": "5"}), f"{REQ}.years", "got '5'"),
        (_rules_with({"kind": "work", "years": 1, "months": 12}), f"{REQ}.months", "from 0 to 11"),
        (_rules_with({"kind": "work", "years": 1, "scope": "any"}), f"{REQ}.scope", "occupation, related"),
        (_rules_with({"kind": "work", "yaers": 5}), f"{REQ}.yaers", "not a field of kind 'work'"),
        (_rules_with({"kind": "work"}), f"{REQ}.years", "is required for kind 'work'"),
        (_rules_with({"kind": "salary"}), f"{REQ}.kind", "got 'salary'"),
        (_rules_with({"kind": ["work"]}), f"{REQ}.kind", "got ['work']"),
        (_rules_with({"years": 5}), f"{REQ}.kind", "got None"),
        (_rules_with("work 5 years"), REQ, "must be an object"),
        (_rules_with({"kind": "certificate", "level": 6}), f"{REQ}.level", "level digit 1 to 5, got 6"),
        (_rules_with({"kind": "school", "types": []}), f"{REQ}.types", "non-empty list"),
        (_rules_with({"kind": "school", "types": "technician_college"}), f"{REQ}.types", "non-empty list"),
        (_rules_with({"kind": "school", "types": ["university"]}), f"{REQ}.types[0]", "got 'university'"),
        (_rules_with({"kind": "school", "types": ["technical_school"] * 2}), f"{REQ}.types", "repeat"),
        (_rules_with({"kind": "education", "level": "phd"}), f"{REQ}.level", "got 'phd'"),
        (_rules_with({"kind": "title", "level": "expert", "years": 1}), f"{REQ}.level", "got 'expert'"),
        (_rules_with({"kind": "min_age", "years": 200}), f"{REQ}.years", "from 0 to 80"),
        ({"4": [{"requires": [{"kind": "min_age", "years": 16}]}]}, "rules.4[0].id", "is required"),
        ({"4": [{"id": " ", "requires": [{"kind": "min_age", "years": 16}]}]}, "rules.4[0].id", "non-empty"),
        (
            {"4": [{"id": "r", "label": 5, "requires": [{"kind": "min_age", "years": 16}]}]},
            "rules.4[0].label",
            "",
        ),
        ({"4": [{"id": "r", "requires": []}]}, "rules.4[0].requires", "non-empty list"),
        ({"4": [{"id": "r", "name": "x", "requires": []}]}, "rules.4[0].name", "not a route field"),
        ({"4": ["r"]}, "rules.4[0]", "must be an object"),
        ({"4": []}, "rules.4", "non-empty list of routes"),
        ({"6": TEMPLATE_A["4"]}, "rules.6", "level digit"),
        ({"五": TEMPLATE_A["4"]}, "rules.五", "level digit"),
        ({4: TEMPLATE_A["4"], "4": TEMPLATE_A["4"]}, "rules.4", "level given twice"),
        ({"4": TEMPLATE_A["4"] + TEMPLATE_A["4"][:1]}, "rules.4", "route id 'A-4-1' is used twice"),
        ({"4": TEMPLATE_A["4"], "3": [{**TEMPLATE_A["3"][0], "id": "A-4-1"}]}, "rules", "used twice"),
        ([], "rules", "non-empty object"),
        ({}, "rules", "non-empty object"),
    ],
)
def test_invalid_json_is_rejected_with_the_field_named(data: object, field: str, problem: str) -> None:
    with pytest.raises(RuleFormatError) as caught:
        rules_from_json(data)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{field}: ")
    assert isinstance(caught.value, ValueError)


def test_routes_from_json_names_fields_under_routes() -> None:
    with pytest.raises(RuleFormatError, match=r"^routes\[1\]\.requires\[0\]\.years: is required"):
        routes_from_json([TEMPLATE_B["5"][0], {"id": "x", "requires": [{"kind": "min_age"}]}])
    with pytest.raises(RuleFormatError, match=r"^routes: must be a non-empty list"):
        routes_from_json({"id": "x"})


def test_requirements_built_in_python_are_checked_too() -> None:
    with pytest.raises(RuleFormatError, match="^years: must be an integer"):
        MinWork(years=-1)
    with pytest.raises(RuleFormatError, match="^id: must be a non-empty string"):
        Route("", (MinWork(1),))
    with pytest.raises(RuleFormatError, match=r"^requires\[0\]: is not a requirement"):
        Route("x", ({"kind": "work"},))  # type: ignore[arg-type]


# ---------------------------------------------------------------- calendar arithmetic


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2020, 1, 31), date(2020, 2, 29), 1),
        (date(2021, 1, 31), date(2021, 2, 27), 0),
        (date(2021, 1, 31), date(2021, 2, 28), 1),
        (date(2021, 2, 28), date(2021, 3, 27), 0),
        (date(2020, 2, 29), date(2021, 2, 28), 12),
        (date(2020, 3, 1), date(2020, 3, 1), 0),
        (date(2020, 3, 1), date(2019, 3, 1), 0),
    ],
)
def test_whole_months_clamps_to_month_ends(start: date, end: date, months: int) -> None:
    assert whole_months(start, end) == months


@pytest.mark.parametrize(
    ("months", "text"), [(0, "0 个月"), (7, "7 个月"), (12, "1 年"), (38, "3 年 2 个月"), (60, "5 年")]
)
def test_format_span(months: int, text: str) -> None:
    assert in_chinese(format_span(months)) == text


def test_merge_periods_joins_touching_and_overlapping_ranges() -> None:
    ranges = [
        (date(2020, 3, 1), date(2020, 4, 1)),
        (date(2020, 1, 1), date(2020, 3, 1)),
        (date(2021, 1, 1),) * 2,
    ]
    assert merge_periods(ranges) == [(date(2020, 1, 1), date(2020, 4, 1))]


# ---------------------------------------------------------------- properties

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 12, 31))
CODES = st.sampled_from([OCC, REL, OTHER, None])


def _period(start: date, length: int | None, code: str | None, related: bool) -> WorkPeriod:
    return WorkPeriod(start, None if length is None else start + timedelta(days=length), code, related)


WORK = st.builds(_period, DAYS, st.none() | st.integers(0, 5000), CODES, st.booleans())


def _few(strategy: st.SearchStrategy, size: int) -> st.SearchStrategy:
    return st.lists(strategy, max_size=size).map(tuple)


APPLICANTS = st.builds(
    Applicant,
    birth_date=st.dates(min_value=date(1960, 1, 1), max_value=date(2012, 12, 31)),
    work=_few(WORK, 4),
    education=_few(st.builds(Education, st.sampled_from(list(EDUCATION_LEVELS)), st.booleans()), 2),
    schools=_few(st.builds(SchoolGraduation, st.sampled_from(list(SCHOOL_TYPES)), st.booleans(), DAYS), 2),
    certificates=_few(
        st.builds(HeldCertificate, CODES, st.sampled_from(LEVEL_DIGITS), DAYS, st.booleans()), 3
    ),
    apprenticeships=_few(st.builds(CompletedApprenticeship, CODES, DAYS, st.booleans()), 1),
    titles=_few(st.builds(ProfessionalTitle, st.sampled_from(list(TITLE_LEVELS)), DAYS, st.booleans()), 2),
)


def _qualifying(applicant: Applicant, as_of: date) -> set[str]:
    return {
        route
        for rules in (A, B)
        for level in rules
        for route in check(rules, level, applicant, as_of).qualifying_routes
    }


@settings(max_examples=150)
@given(APPLICANTS, WORK, DAYS)
def test_more_work_never_turns_eligible_into_ineligible(
    applicant: Applicant, extra: WorkPeriod, as_of: date
) -> None:
    more = dataclasses.replace(applicant, work=(*applicant.work, extra))
    assert _qualifying(applicant, as_of) <= _qualifying(more, as_of)


@settings(max_examples=150)
@given(APPLICANTS, DAYS, st.integers(1, 4000))
def test_time_passing_never_turns_eligible_into_ineligible(
    applicant: Applicant, as_of: date, days: int
) -> None:
    assert _qualifying(applicant, as_of) <= _qualifying(applicant, as_of + timedelta(days=days))


@given(APPLICANTS, DAYS, st.data())
def test_a_more_senior_certificate_never_hurts(
    applicant: Applicant, as_of: date, data: st.DataObject
) -> None:
    assume(applicant.certificates)
    index = data.draw(st.integers(0, len(applicant.certificates) - 1))
    old = applicant.certificates[index]
    new_level = data.draw(st.integers(1, old.level))
    certificates = list(applicant.certificates)
    certificates[index] = dataclasses.replace(old, level=new_level)
    upgraded = dataclasses.replace(applicant, certificates=tuple(certificates))
    assert _qualifying(applicant, as_of) <= _qualifying(upgraded, as_of)


# Short ranges packed around month ends, where calendar clamping could bite.
RANGES = st.builds(
    lambda start, length: (start, start + timedelta(days=length)),
    st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
    st.integers(0, 120),
)


@settings(max_examples=300)
@given(st.lists(RANGES, max_size=5), RANGES, st.randoms())
def test_worked_months_counts_overlaps_once_and_only_grows(ranges: list, extra: tuple, rng: object) -> None:
    total = worked_months(ranges)
    shuffled = list(ranges) + list(ranges)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert worked_months(shuffled) == total
    assert worked_months([*ranges, extra]) >= total


@given(DAYS, DAYS)
def test_whole_months_is_the_last_anniversary_reached(start: date, end: date) -> None:
    months = whole_months(start, end)
    assert worked_months([(start, end)]) == months
    if end > start:
        assert add_months(start, months) <= end < add_months(start, months + 1)


SCOPES = st.sampled_from([OCCUPATION, RELATED])
YEARS = st.integers(0, 80)
MONTHS = st.integers(0, 11)
REQUIREMENTS = st.one_of(
    st.builds(MinAge, YEARS),
    st.builds(MinWork, YEARS, MONTHS, SCOPES),
    st.builds(MinCertificate, st.sampled_from(LEVEL_DIGITS), YEARS, MONTHS, SCOPES),
    st.builds(Apprenticed, SCOPES),
    st.builds(
        SchoolGraduate, st.lists(st.sampled_from(list(SCHOOL_TYPES)), min_size=1, unique=True).map(tuple)
    ),
    st.builds(MinEducation, st.sampled_from(list(EDUCATION_LEVELS))),
    st.builds(MinTitle, st.sampled_from(list(TITLE_LEVELS)), YEARS, MONTHS),
)
ROUTES = st.builds(
    Route,
    id=st.text(min_size=1, max_size=12).filter(str.strip),
    requires=st.lists(REQUIREMENTS, min_size=1, max_size=4).map(tuple),
    label=st.text(max_size=20),
)
ROUTE_LISTS = st.lists(ROUTES, min_size=1, max_size=5, unique_by=lambda route: route.id)


@given(ROUTE_LISTS)
def test_routes_json_round_trip_is_identity(routes: list[Route]) -> None:
    data = json.loads(json.dumps(routes_to_json(routes), ensure_ascii=False))
    assert routes_from_json(data) == tuple(routes)
    assert routes_to_json(routes_from_json(data)) == data


@given(st.dictionaries(st.sampled_from(LEVEL_DIGITS), ROUTE_LISTS, min_size=1))
def test_rules_json_round_trip_is_identity(raw: dict[int, list[Route]]) -> None:
    # Route ids must be unique across levels, so prefix them with the level.
    rules = {
        level: tuple(dataclasses.replace(r, id=f"{level}-{r.id}") for r in routes)
        for level, routes in raw.items()
    }
    data = json.loads(json.dumps(rules_to_json(rules)))
    assert rules_from_json(data) == rules
