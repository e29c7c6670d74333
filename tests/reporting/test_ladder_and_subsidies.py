"""Ladder counts, movement and targets; subsidy rules (each refusal named) and the claim states."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.reporting.ladder import ladder, movement, save_target, target_progress
from app.reporting.subsidies import claim_candidates, create_claim, create_scheme, move_claim
from app.reporting.subsidy_rules import PriorClaim, SchemeTerms, check_claim
from app.translation import in_chinese
from tests.factories import NOW, make_user
from tests.placement.factories import award, make_chain, people

TERMS = SchemeTerms("upgrade", frozenset({5, 4, 3}), 3, True, 12, date(2025, 1, 1), None, None)


def rules(**kw):
    values = {"occupation_code": "6-31-01-03", "level_digit": 4, "certificate_date": date(2026, 3, 1),
              "claimed_on": date(2026, 6, 1), "person_city": "2101", "prior": []}
    values.update(kw)
    return [r.rule for r in check_claim(TERMS, **values)]


def test_each_anti_duplication_rule_is_named():
    assert rules() == []
    three = [PriorClaim("upgrade", f"6-18-02-0{i}", 4, date(2026, 1, i + 1)) for i in range(3)]
    assert rules(prior=three) == ["per_person_cap"]
    last_year = [PriorClaim("upgrade", f"6-18-02-0{i}", 4, date(2025, 1, i + 1)) for i in range(3)]
    assert rules(prior=last_year) == []  # the upgrade cap counts per year
    assert rules(prior=[PriorClaim("upgrade", "6-31-01-03", 4, date(2026, 2, 1))]) == ["same_occupation_level"]
    assert rules(claimed_on=date(2027, 3, 2)) == ["claim_window"]
    assert rules(prior=[PriorClaim("upgrade", "6-31-01-03", 3, date(2026, 2, 1))]) == ["no_lower_after_higher"]
    assert rules(level_digit=1) == ["scheme_level"]
    assert rules(certificate_date=date(2024, 6, 1), claimed_on=date(2024, 7, 1)) == ["scheme_period"]
    evaluation = SchemeTerms("evaluation", frozenset({5, 4, 3}), 3, False, 12, date(2025, 1, 1), None, "2102")
    found = check_claim(evaluation, occupation_code="6-31-01-03", level_digit=3, certificate_date=date(2026, 3, 1),
                        claimed_on=date(2026, 4, 1), person_city="2101",
                        prior=[PriorClaim("evaluation", "6-31-01-03", 4, date(2025, 6, 1))])
    assert [r.rule for r in found] == ["scheme_region", "first_certificate"]
    assert found[1].text.params["rule"].template == "Evaluation subsidy for the first certificate only"
    assert in_chinese(found[1].text).startswith("【评价补贴限首次取证】")  # the catalogue's wording


@pytest.fixture
def chain(session):
    c = make_chain(session)
    people(session, c, 3)
    session.commit()
    return c


def test_ladder_counts_each_person_at_their_highest_grade(session, chain):
    a, b, c = chain.people
    award(session, a, on=date(2025, 11, 1), digit=5, grade="junior")
    award(session, a, on=date(2026, 5, 1), digit=4, grade="intermediate")
    award(session, b, on=date(2026, 2, 1), digit=2, grade="technician")
    award(session, c, on=date(2026, 8, 1), digit=1, grade="senior_technician")
    award(session, c, on=date(2026, 8, 1), digit=3, grade="senior", code="6-18-02-04", name="焊工")
    rows = ladder(session, actor=chain.admin, by="occupation", as_of=date(2026, 11, 24))
    electric = next(r for r in rows if r.key == "6-31-01-03")
    assert (electric.counts["intermediate"], electric.counts["technician"], electric.counts["senior_technician"],
            electric.counts["junior"], electric.total) == (1, 1, 1, 0, 3)
    earlier = ladder(session, actor=chain.admin, by="occupation", as_of=date(2026, 1, 1))
    assert [(r.key, r.counts["junior"]) for r in earlier] == [("6-31-01-03", 1)]
    (city,) = ladder(session, actor=chain.admin, by="city", as_of=date(2026, 11, 24))
    assert (in_chinese(city.label), city.total) == ("沈阳", 4)
    moves = movement(session, actor=chain.admin, quarters=["2025Q4", "2026Q1", "2026Q2", "2026Q3"])
    assert (moves["2025Q4"]["junior"], moves["2026Q1"]["technician"], moves["2026Q3"]["senior_technician"],
            moves["2026Q3"]["senior"]) == (1, 1, 1, 1)
    with pytest.raises(NotAllowed):
        ladder(session, actor=chain.staff, by="city", as_of=date(2026, 11, 24))
    assert ladder(session, actor=chain.hr, by="enterprise", as_of=date(2026, 11, 24)) == []
    target = save_target(session, actor=chain.admin, now=NOW, year=2026, name="技师和高级技师",
                         grade_keys=["technician", "senior_technician"], target=4)
    (progress,) = target_progress(session, year=2026)
    assert (progress.target.id, progress.achieved, progress.share) == (target.id, 2, 0.5)
    with pytest.raises(ValidationFailed) as clash:
        save_target(session, actor=chain.admin, now=NOW, year=2026, name="技师和高级技师", grade_keys=["technician"],
                    target=5)
    assert clash.value.field == "name"
    with pytest.raises(NotAllowed):
        save_target(session, actor=chain.hr, now=NOW, year=2026, name="x", grade_keys=["technician"], target=5)


def test_claims_are_computed_checked_and_move_through_audited_states(session, chain):
    a, b, _ = chain.people
    scheme = create_scheme(session, actor=chain.admin, now=NOW, name="技能提升补贴 2026", kind="upgrade",
                           amounts={5: Decimal(1000), 4: Decimal(1500), 3: Decimal(2000)},
                           effective_from=date(2026, 1, 1), cap_per_year=True, shortage_uplift_percent=30)
    high = award(session, a, on=date(2026, 6, 1), digit=3, grade="senior")
    low = award(session, a, on=date(2026, 7, 1), digit=4, grade="intermediate")
    stale = award(session, b, on=date(2025, 9, 1), digit=4, grade="intermediate")
    candidates = {c.award.id: c for c in claim_candidates(session, actor=chain.staff, scheme_id=scheme.id,
                                                          today=NOW.date())}
    assert candidates[high.id].base == Decimal("2000.00") and candidates[high.id].refusals == []
    assert [r.rule for r in candidates[stale.id].refusals] == ["scheme_period", "claim_window"]
    claim = create_claim(session, actor=chain.staff, now=NOW, scheme_id=scheme.id, level_award_id=high.id)
    assert (claim.amount, claim.status) == (Decimal("2000.00"), "draft")
    with pytest.raises(ValidationFailed) as refused:
        create_claim(session, actor=chain.staff, now=NOW, scheme_id=scheme.id, level_award_id=low.id)
    assert refused.value.field == "level_award_id"
    assert "不得在高等级后申领低等级" in in_chinese(refused.value.message)
    move_claim(session, actor=chain.staff, now=NOW, claim_id=claim.id, to_status="submitted")
    with pytest.raises(NotAllowed):
        move_claim(session, actor=chain.staff, now=NOW, claim_id=claim.id, to_status="notice")
    for step in ("notice", "approved", "paid"):
        move_claim(session, actor=chain.admin, now=NOW, claim_id=claim.id, to_status=step)
    with pytest.raises(InvalidTransition):
        move_claim(session, actor=chain.admin, now=NOW, claim_id=claim.id, to_status="draft")
    statuses = session.scalars(select(AuditEvent.new_value).where(AuditEvent.action == "subsidy_claim.status").order_by(AuditEvent.id)).all()
    assert [s["status"] for s in statuses] == ["submitted", "notice", "approved", "paid"]
    with pytest.raises(NotAllowed):
        create_scheme(session, actor=make_user(session, "institution_staff"), now=NOW, name="x", kind="training",
                      amounts={5: Decimal(1)}, effective_from=date(2026, 1, 1))
