"""The whole way through: scheme, entries, judges, blind marking, spread flags, sign-off, ranking, notice,
objection, final results with promotions (竞赛晋级) and the winner's certificate."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.certification.competition_sources import issue_for_event
from app.certification.issuing import IssuingContext
from app.certification.signing import keyring_from_config
from app.competitions.marking import judge_sheet, open_flags, request_remark, sign_off
from app.competitions.models import Mark, MarkEvent, Promotion, SpreadFlag
from app.competitions.results import (
    Scored,
    aspect_mark,
    decide_objection,
    finalise_results,
    medal_for,
    publish_results,
    raise_objection,
    rank,
    results_of,
)
from app.people.levels import current_levels
from config import TestConfig
from tests.competitions.factories import (
    AFTER_NOTICE,
    WELDER,
    fully_marked,
    later,
    mark_all,
    marking_event,
    signed_off,
)


@pytest.fixture
def ctx(tmp_path) -> IssuingContext:
    return IssuingContext(storage_dir=tmp_path / "files", keyring=keyring_from_config(TestConfig.CERT_SIGNING_KEYS),
                          base_url="https://jc.example.cn")


def test_marks_are_blind_until_every_judge_has_marked(session, world):
    event = marking_event(session, world)
    first, second, third = world.judges[:3]
    mark_all(session, event, first, lambda c, code: "10" if code == "A1" else "2")
    assert all(c.others is None for c in judge_sheet(session, actor=first, event_id=event.id))
    mark_all(session, event, second, lambda c, code: "10" if code == "A1" else "2")
    assert all(c.others is None for c in judge_sheet(session, actor=second, event_id=event.id))
    mark_all(session, event, third, lambda c, code: "9.5" if code == "A1" else "2")
    cells = judge_sheet(session, actor=first, event_id=event.id)
    assert all(c.others is not None and len(c.others) == 2 for c in cells)
    assert {c.value for c in cells} == {Decimal("10"), Decimal("2")}


def test_spread_flag_resolved_by_remarking_then_results_rank_with_medals(session, world):
    event = marking_event(session, world)
    first, second, third = world.judges[:3]
    mark_all(session, event, first, lambda c, code: "10" if code == "A1" else "3")
    mark_all(session, event, second, lambda c, code: "10" if code == "A1" else "3")
    mark_all(session, event, third, lambda c, code: "10" if code == "A1" else "1")
    flags = open_flags(session, event_id=event.id)
    assert len(flags) == 2 * len(world.people)  # A2 and B1 of every competitor: 3 − 1 > 1
    with pytest.raises(Exception, match="spread flags"):
        sign_off(session, actor=world.chief, now=later(9), event_id=event.id)
    for flag in flags:
        request_remark(session, actor=world.chief, now=later(8), flag_id=flag.id)
    mark_all(session, event, third, lambda c, code: "10" if code == "A1" else "2", reason="复核后重新评分")
    assert open_flags(session, event_id=event.id) == []
    assert {f.status for f in session.scalars(select(SpreadFlag))} == {"resolved_remark"}
    corrections = session.scalars(select(MarkEvent).where(MarkEvent.kind == "correction")).all()
    assert len(corrections) == 2 * len(world.people) and {c.reason for c in corrections} == {"复核后重新评分"}
    sign_off(session, actor=world.chief, now=later(9), event_id=event.id)
    results = results_of(session, event.id)
    assert [r.place for r in results] == [1, 1, 1, 1]  # everyone equal: shared place
    assert results[0].total == Decimal("94.872")  # 70 × (10 + 8/3) / 13 + 30 × (8/3) / 3


def test_final_results_promote_winners_and_issue_certificates(session, world, ctx):
    event = signed_off(session, world)
    results = results_of(session, event.id)
    assert [r.place for r in results] == [1, 2, 3, 4]
    assert [r.medal for r in results] == ["gold", "silver", "bronze", "merit"]
    publish_results(session, actor=world.admin, now=later(10), event_id=event.id)
    objection = raise_objection(session, actor=world.other_hr, now=later(11), event_id=event.id,
                                entry_id=results[1].entry_id, text="我单位选手焊缝尺寸评分有误，请复核。")
    with pytest.raises(Exception, match="objections are not decided"):
        finalise_results(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id)
    decide_objection(session, actor=world.admin, now=later(12), objection_id=objection.id, upheld=False,
                     reason="经复核评分无误，维持原成绩。")
    finalise_results(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id)
    promotions = session.scalars(select(Promotion).order_by(Promotion.entry_id)).all()
    assert [p.status for p in promotions] == ["awarded"] * 4  # top 10 of a provincial class I event
    assert {p.to_grade for p in promotions} == {"technician"}
    award = current_levels(session, world.people[0].id)[WELDER]
    assert (award.grade_key, award.route, award.awarded_by_org_id) == ("technician", "competition", world.issuer.id)
    certificates = issue_for_event(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id, ctx=ctx)
    assert len(certificates) == 4
    assert {c.issuer_org_id for c in certificates} == {world.issuer.id}
    assert all(c.number[15] == "2" and c.number.startswith("S0000") for c in certificates)
    assert issue_for_event(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id, ctx=ctx) == []


def test_ties_are_broken_by_the_event_rule_or_shared():
    d = Decimal
    scored = [Scored(1, d("90"), d("60"), d("30"), d("55")), Scored(2, d("90"), d("50"), d("40"), d("65")),
              Scored(3, d("95"), d("60"), d("35"), d("60")), Scored(4, d("80"), d("40"), d("40"), d("50"))]
    by_section = [(s.entry_id, place) for s, place in rank(scored, tie_break="first_section")]
    assert by_section == [(3, 1), (2, 2), (1, 3), (4, 4)]
    by_measurement = [(s.entry_id, place) for s, place in rank(scored, tie_break="measurement")]
    assert by_measurement == [(3, 1), (1, 2), (2, 3), (4, 4)]
    shared = [(s.entry_id, place) for s, place in rank(scored, tie_break="shared")]
    assert shared == [(3, 1), (1, 2), (2, 2), (4, 4)]
    assert [medal_for(p, 5) for p in (1, 2, 3, 5, 6)] == ["gold", "silver", "bronze", "merit", None]


def test_drop_highest_and_lowest_needs_four_marks():
    d = Decimal
    assert aspect_mark([d(1), d(2), d(3), d(10)], drop_extremes=True) == d("2.5")
    assert aspect_mark([d(1), d(2), d(3)], drop_extremes=True) == d(2)
    assert aspect_mark([d(1), d(2), d(3), d(10)], drop_extremes=False) == d(4)


def test_fully_marked_has_no_flags(session, world):
    event = fully_marked(session, world)
    assert open_flags(session, event_id=event.id) == []
    assert session.scalar(select(Mark.id).where(Mark.event_id == event.id, Mark.value.is_(None))) is None
