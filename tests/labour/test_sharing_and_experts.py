"""Shared employment (no lending for profit, consent, the lender keeps paying) and weekend engineers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.labour.experts import (
    add_allowance_rule,
    assign_expert,
    confirm_visit,
    record_visit,
    register_expert,
    request_expert,
    service_record,
)
from app.labour.sharing import AgreementTerms, LentWorker, create_agreement, post_staffing, suggest_pairs
from app.labour.sharing_models import ExpertRequest, ExpertVisit, SharedAgreement, SharedWorker
from tests.factories import NOW, make_org, make_user
from tests.labour.factories import counts
from tests.people.factories import make_person
from tests.training.factories import occupation

TODAY = NOW.date()


@pytest.fixture
def firms(session):
    lender = make_org(session, "enterprise", name="沈阳鼓风机厂", city_code="2101")
    borrower = make_org(session, "enterprise", name="沈阳新松装配厂", city_code="2101")
    lender_hr = make_user(session, "enterprise_hr", org=lender)
    people = [make_person(session, lender_hr, name=n, employer_org_id=lender.id) for n in ("赵铁军", "钱玉梅")]
    return lender, borrower, lender_hr, people


def terms(lender, borrower, people, **overrides) -> AgreementTerms:
    """30 days, two workers at 6,000 + 1,800 a month: cost 15,600."""
    workers = [LentWorker(p.id, "6000", "1800", TODAY - timedelta(days=2), "in_person") for p in people]
    values = dict(lender_id=lender.id, borrower_id=borrower.id, start_date=TODAY, end_date=TODAY + timedelta(days=29),
                  weekly_hours_cap=40, safety_duties="岗前安全培训，提供劳保用品", charge="15600", workers=workers)
    values.update(overrides)
    return AgreementTerms(**values)


def test_an_agreement_at_cost_is_recorded_and_a_markup_refused(session, firms):
    lender, borrower, hr, people = firms
    before = counts(session, SharedAgreement, SharedWorker)
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, actor=hr, now=NOW, terms=terms(lender, borrower, people, charge="15600.01"))
    assert refused.value.field == "charge" and "for profit" in refused.value.message
    assert counts(session, SharedAgreement, SharedWorker) == before
    agreement = create_agreement(session, actor=hr, now=NOW, terms=terms(lender, borrower, people))
    assert agreement.cost == Decimal("15600.00") and agreement.lender_pays_wages
    assert [w.consent_method for w in agreement.workers] == ["in_person", "in_person"]
    before = counts(session, SharedAgreement, SharedWorker)
    with pytest.raises(ValidationFailed) as refused:  # the same worker cannot be lent twice at once
        create_agreement(session, actor=hr, now=NOW, terms=terms(lender, borrower, people[:1], charge="100"))
    assert refused.value.field == "workers" and "already lent" in refused.value.message
    assert counts(session, SharedAgreement, SharedWorker) == before


@pytest.mark.parametrize(("change", "field"), [
    (lambda t, p: replace(t, workers=[replace(t.workers[0], consented_on=None)]), "workers"),
    (lambda t, p: replace(t, workers=[replace(t.workers[0], consent_method="nod")]), "workers"),
    (lambda t, p: replace(t, lender_pays_wages=False), "lender_pays_wages"),
    (lambda t, p: replace(t, weekly_hours_cap=50), "weekly_hours_cap"),
    (lambda t, p: replace(t, safety_duties=" "), "safety_duties"),
    (lambda t, p: replace(t, borrower_id=t.lender_id), "borrower_id"),
    (lambda t, p: replace(t, workers=[]), "workers"),
    (lambda t, p: replace(t, end_date=t.start_date - timedelta(days=1)), "end_date"),
    (lambda t, p: replace(t, workers=[replace(t.workers[0], person_id=p.id)]), "workers"),
])
def test_each_rule_of_shared_employment_refuses_with_nothing_changed(session, firms, change, field):
    lender, borrower, hr, people = firms
    outsider = make_person(session, hr, name="孙不借")  # not employed by the lender: that would be dispatch
    before = counts(session, SharedAgreement, SharedWorker)
    with pytest.raises(ValidationFailed) as refused:
        create_agreement(session, actor=hr, now=NOW, terms=change(terms(lender, borrower, people), outsider))
    assert refused.value.field == field
    assert counts(session, SharedAgreement, SharedWorker) == before


def test_a_third_firm_may_not_record_an_agreement(session, firms):
    lender, borrower, _hr, people = firms
    stranger = make_user(session, "enterprise_hr")
    with pytest.raises(NotAllowed):
        create_agreement(session, actor=stranger, now=NOW, terms=terms(lender, borrower, people))


def test_surplus_and_shortage_posts_are_paired_by_occupation_city_and_dates(session, firms):
    lender, borrower, lender_hr, _ = firms
    borrower_hr = make_user(session, "enterprise_hr", org=borrower)
    far = make_user(session, "enterprise_hr", org=make_org(session, "enterprise", city_code="2102"))
    code = "6-31-01-03"
    post_staffing(session, actor=lender_hr, now=NOW, kind="surplus", headcount=5, city_code="2101",
                  start_date=TODAY, end_date=TODAY + timedelta(days=60), occupation_code=code, skills=["电工"])
    near = post_staffing(session, actor=borrower_hr, now=NOW, kind="shortage", headcount=3, city_code="2101",
                         start_date=TODAY + timedelta(days=10), end_date=TODAY + timedelta(days=40),
                         occupation_code=code, skills=["电工"])
    post_staffing(session, actor=far, now=NOW, kind="shortage", headcount=3, city_code="2102",
                  start_date=TODAY, end_date=TODAY + timedelta(days=40), occupation_code=code)
    post_staffing(session, actor=far, now=NOW, kind="shortage", headcount=3, city_code="2101",
                  start_date=TODAY + timedelta(days=100), end_date=TODAY + timedelta(days=140), occupation_code=code)
    pairs = suggest_pairs(session, actor=lender_hr)
    assert [p.shortage.id for p in pairs][0] == near.id and len(pairs) == 2  # the post outside the dates is left out
    assert pairs[0].same_city and pairs[0].common_skills == ("电工",) and pairs[0].overlap_days == 31
    with pytest.raises(NotAllowed):
        post_staffing(session, actor=make_user(session, "admin"), now=NOW, kind="surplus", headcount=1,
                      city_code="2101", start_date=TODAY, end_date=TODAY)


@pytest.fixture
def expert_setup(session):
    staff = make_user(session, "admin")
    occupation(session)
    firm = make_org(session, "enterprise", name="朝阳重型机械厂", city_code="2113")
    hr = make_user(session, "enterprise_hr", org=firm)
    person = make_person(session, staff, name="沈工程")
    expert = register_expert(session, actor=staff, now=NOW, person_id=person.id, occupation_code="6-31-01-03",
                             level_digit=1, home_city_code="2101", cities=["2113", "2114"], availability="周末",
                             titles="高级工程师")
    return staff, hr, expert


def test_a_visit_confirmed_by_the_firm_earns_the_allowance_from_the_rules(session, expert_setup):
    staff, hr, expert = expert_setup
    request = request_expert(session, actor=hr, now=NOW, problem="数控机床主轴异响，停机两天", city_code="2113",
                             occupation_code="6-31-01-03")
    assign_expert(session, actor=staff, now=NOW, request_id=request.id, expert_id=expert.id)
    visit = record_visit(session, actor=staff, now=NOW, request_id=request.id, visited_on=TODAY - timedelta(days=1),
                         hours="6", outcome="更换轴承，恢复生产", solved=True)
    with pytest.raises(ValidationFailed):  # no rule yet
        confirm_visit(session, actor=hr, now=NOW, visit_id=visit.id)
    assert visit.confirmed_at is None and visit.allowance is None
    add_allowance_rule(session, actor=staff, now=NOW, name="技能人才 2026", max_level_digit=3, per_hour="150",
                       per_visit="200", solved_bonus="500", valid_from=date(2026, 1, 1))
    with pytest.raises(NotAllowed):
        confirm_visit(session, actor=make_user(session, "enterprise_hr"), now=NOW, visit_id=visit.id)
    confirm_visit(session, actor=hr, now=NOW, visit_id=visit.id)
    assert visit.allowance == Decimal("1600.00")
    with pytest.raises(InvalidTransition):
        confirm_visit(session, actor=hr, now=NOW, visit_id=visit.id)
    record = service_record(session, expert_id=expert.id)
    assert (record.visits, record.hours, record.solved, record.allowance) == (1, Decimal("6.0"), 1, Decimal("1600.00"))


def test_expert_rules_refuse_with_nothing_changed(session, expert_setup):
    staff, hr, expert = expert_setup
    before = counts(session, ExpertRequest)
    with pytest.raises(ValidationFailed):
        request_expert(session, actor=hr, now=NOW, problem="坏了", city_code="2113")
    with pytest.raises(NotAllowed):
        request_expert(session, actor=staff, now=NOW, problem="数控机床主轴异响，停机两天", city_code="2113")
    assert counts(session, ExpertRequest) == before
    request = request_expert(session, actor=hr, now=NOW, problem="辽西风电场齿轮箱检修", city_code="2112")
    with pytest.raises(ValidationFailed) as refused:  # the expert does not serve 铁岭
        assign_expert(session, actor=staff, now=NOW, request_id=request.id, expert_id=expert.id)
    assert refused.value.field == "expert_id" and request.status == "open"
    before = counts(session, ExpertVisit)
    with pytest.raises(InvalidTransition):
        record_visit(session, actor=staff, now=NOW, request_id=request.id, visited_on=TODAY, hours="4",
                     outcome="x", solved=False)
    assert counts(session, ExpertVisit) == before
