"""Every hard rule of competitions refuses, and nothing changes when it does."""

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import select

from app.assessment.qualifications import declare_relation
from app.competitions.entries import enter_competitor
from app.competitions.events import create_event
from app.competitions.judges import assign_judge, open_marking
from app.competitions.marking import (
    CellInput,
    decide_flag,
    judge_sheet,
    open_flags,
    save_sheet,
    sign_off,
)
from app.competitions.models import Promotion
from app.competitions.results import decide_objection, finalise_results, publish_results, raise_objection
from app.competitions.scheme import AspectRow, set_scheme
from app.errors import Conflict, DomainError, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.levels import record_level_award
from app.translation import from_json
from tests.competitions.factories import (
    AFTER_NOTICE,
    NOW,
    SCHEME,
    WELDER,
    competitor,
    entered_event,
    later,
    make_event,
    mark_all,
    marking_event,
    signed_off,
    snapshot,
)
from tests.factories import make_org, make_user


@contextmanager
def refused(session, error: type[DomainError], match: str, field: str | None = None):
    """The block must raise `error` (message matching, on `field`) and leave every relevant table unchanged."""
    session.flush()
    before = snapshot(session)
    with pytest.raises(error, match=match) as caught:
        yield
    if field is not None:
        assert caught.value.field == field
    assert snapshot(session) == before


def test_only_the_organiser_creates_events(session, world):
    event = make_event(session, world)
    other_admin = make_user(session, "admin")
    with refused(session, NotAllowed, "organiser"):
        create_event(session, actor=other_admin, now=NOW, competition_id=event.competition_id, name="电工",
                     occupation_code=WELDER, band_low=3, band_high=2, track="worker")
    with refused(session, ValidationFailed, "band", field="band_high"):
        create_event(session, actor=world.admin, now=NOW, competition_id=event.competition_id, name="电工",
                     occupation_code=WELDER, band_low=2, band_high=3, track="worker")


def test_a_bad_scheme_reports_every_bad_row_and_keeps_the_old_one(session, world):
    event = make_event(session, world)
    rows = [AspectRow(2, "实操", "70", "A1", "尺寸", "measurement", "10"),
            AspectRow(3, "实操", "70", "A2", "外观", "judgement", "3", descriptors="0:差;3:好;x:?"),
            AspectRow(4, "安全", "20", "A1", "安全", "estimate", "3")]
    with refused(session, ValidationFailed, "Row 2.*deduction steps.*Row 3.*score levels.*Row 4.*neither",
                 field="scheme"):
        set_scheme(session, actor=world.admin, now=NOW, event_id=event.id, rows=rows)
    weights = [AspectRow(2, "实操", "70", "A1", "尺寸", "measurement", "10", steps="1"),
               AspectRow(3, "安全", "20", "B1", "安全", "measurement", "5", steps="1")]
    with refused(session, ValidationFailed, "add up to 90.00, not 100"):
        set_scheme(session, actor=world.admin, now=NOW, event_id=event.id, rows=weights)


def test_the_scheme_locks_when_marking_opens(session, world):
    event = marking_event(session, world)
    with refused(session, InvalidTransition, "fixed", field="scheme"):
        set_scheme(session, actor=world.admin, now=NOW, event_id=event.id, rows=SCHEME)


def test_ineligible_competitors_are_refused_with_every_reason(session, world):
    event = make_event(session, world, min_age=18, max_age=35)
    old = competitor(session, world, world.hr, world.enterprise, name="赵磊", grade="senior_technician",
                     born=date(1980, 1, 1))
    with refused(session, ValidationFailed, "aged 46.*above 35.*already holds Level 1 / Senior technician, above this event's band", field="person_id"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=old.id)
    novice = competitor(session, world, world.hr, world.enterprise, name="黄敏", grade="")
    with refused(session, ValidationFailed, "holds no level in"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=novice.id)
    student_event = make_event(session, world, track="student")
    with refused(session, ValidationFailed, "students' track"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=student_event.id, person_id=world.people[0].id)
    with refused(session, NotFound, "outside your data scope"):
        enter_competitor(session, actor=world.other_hr, now=NOW, event_id=event.id, person_id=world.people[0].id)
    enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=world.people[0].id)
    with refused(session, Conflict, "already entered"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=world.people[0].id)


def test_entries_and_judges_are_fixed_once_marking_opens(session, world):
    event = marking_event(session, world)
    late = competitor(session, world, world.hr, world.enterprise, name="周杰")
    with refused(session, InvalidTransition, "fixed", field="person_id"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=late.id)
    with refused(session, InvalidTransition, "fixed", field="user_id"):
        assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.judges[3].id)


def test_a_judge_from_an_entering_firm_or_with_a_declared_relation_is_refused(session, world):
    event = entered_event(session, world)
    with refused(session, ValidationFailed, "韩雪松 must recuse themselves from competitor .*沈阳重型机械有限公司",
                 field="user_id"):
        assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.conflicted.id)
    declare_relation(session, actor=world.judges[3], now=NOW, assessor_id=world.judges[3].id,
                     person_id=world.people[1].id, kind="relative")
    with refused(session, ValidationFailed, "郑春生 must recuse themselves from competitor 李娜.*Relative"):
        assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.judges[3].id)
    with refused(session, Conflict, "already has a chief judge", field="role"):
        assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.judges[3].id,
                     role="chief")


def test_a_competitor_linked_to_a_judge_cannot_be_entered(session, world):
    event = entered_event(session, world)
    cousin = competitor(session, world, world.hr, world.enterprise, name="吴琳")
    declare_relation(session, actor=world.judges[0], now=NOW, assessor_id=world.judges[0].id, person_id=cousin.id,
                     kind="relative")
    with refused(session, ValidationFailed, "吴琳 cannot be entered while 孙志刚 judges"):
        enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=cousin.id)


def test_marking_needs_a_chief_and_three_judges(session, world):
    event = make_event(session, world)
    enter_competitor(session, actor=world.hr, now=NOW, event_id=event.id, person_id=world.people[0].id)
    assign_judge(session, actor=world.admin, now=NOW, event_id=event.id, user_id=world.judges[0].id)
    with refused(session, InvalidTransition, "no chief judge.*1 judges are assigned; at least 3"):
        open_marking(session, actor=world.admin, now=later(8), event_id=event.id)


def _cells(session, event, judge, value):
    return [CellInput(c.mark_id, value, c.version) for c in judge_sheet(session, actor=judge, event_id=event.id)]


def test_marks_outside_the_scheme_refuse_the_whole_sheet(session, world):
    event = marking_event(session, world)
    judge = world.judges[0]
    cells = _cells(session, event, judge, "2")
    codes = {a.id: a.code for s in event.sections for a in s.aspects}
    by_cell = {c.mark_id: c for c in judge_sheet(session, actor=judge, event_id=event.id)}
    typed = [CellInput(c.mark_id, "9.3" if codes[by_cell[c.mark_id].aspect_id] == "A1" else "2.5",
                       c.expected_version) for c in cells]
    with refused(session, ValidationFailed, "A1: 9.3 is not the maximum 10 less allowed deductions.*"
                                            "A2: 2.5 is not one of the score levels", field="marks"):
        save_sheet(session, actor=judge, now=later(8), event_id=event.id, cells=typed)


def test_a_judge_may_not_enter_another_judges_marks(session, world):
    event = marking_event(session, world)
    theirs = _cells(session, event, world.judges[1], "2")
    with refused(session, NotAllowed, "your own marks"):
        save_sheet(session, actor=world.judges[0], now=later(8), event_id=event.id, cells=theirs[:1])
    with refused(session, NotFound, "do not judge"):
        save_sheet(session, actor=world.judges[3], now=later(8), event_id=event.id, cells=theirs[:1])


def test_stale_edits_and_unexplained_corrections_are_refused(session, world):
    event = marking_event(session, world)
    judge = world.judges[0]
    seen = judge_sheet(session, actor=judge, event_id=event.id)
    mark_all(session, event, judge, lambda c, code: "10" if code == "A1" else "2")
    stale = [CellInput(c.mark_id, "1", c.version) for c in seen if c.value is None][:1]
    with refused(session, Conflict, "changed meanwhile.*version 1; you opened version 0"):
        save_sheet(session, actor=judge, now=later(8), event_id=event.id, cells=stale)
    fresh = [CellInput(c.mark_id, "1", c.version) for c in judge_sheet(session, actor=judge, event_id=event.id)
             if c.value == 2][:1]
    with refused(session, ValidationFailed, "reason for the correction", field="reason"):
        save_sheet(session, actor=judge, now=later(8), event_id=event.id, cells=fresh)
    assert save_sheet(session, actor=judge, now=later(8), event_id=event.id, cells=fresh, reason="看错了评分等级") == 1


def test_sign_off_only_by_the_chief_and_only_when_complete(session, world):
    event = marking_event(session, world)
    mark_all(session, event, world.judges[0], lambda c, code: "10" if code == "A1" else "2")
    with refused(session, NotAllowed, "Only the chief judge"):
        sign_off(session, actor=world.judges[0], now=later(9), event_id=event.id)
    with refused(session, InvalidTransition, "marks are missing", field="sign_off"):
        sign_off(session, actor=world.chief, now=later(9), event_id=event.id)


def test_a_chief_decision_needs_a_valid_mark_and_a_reason(session, world):
    event = marking_event(session, world)
    for judge, level in zip(world.judges[:3], ("3", "3", "0"), strict=True):
        mark_all(session, event, judge, lambda c, code, level=level: "10" if code == "A1" else level)
    flag = open_flags(session, event_id=event.id)[0]
    with refused(session, NotAllowed, "Only the chief judge"):
        decide_flag(session, actor=world.judges[0], now=later(8), flag_id=flag.id, value="2", reason="多数意见")
    with refused(session, ValidationFailed, "reason for the decision", field="reason"):
        decide_flag(session, actor=world.chief, now=later(8), flag_id=flag.id, value="2", reason="")
    with refused(session, ValidationFailed, "not one of the score levels", field="value"):
        decide_flag(session, actor=world.chief, now=later(8), flag_id=flag.id, value="2.5", reason="多数意见为良好")
    decided = decide_flag(session, actor=world.chief, now=later(8), flag_id=flag.id, value="2",
                          reason="多数意见为良好")
    assert decided.status == "decided"


def test_signed_off_marks_are_locked(session, world):
    event = signed_off(session, world)
    judge = world.judges[0]
    cells = [CellInput(c.mark_id, "1", c.version) for c in judge_sheet(session, actor=judge, event_id=event.id)][:1]
    with refused(session, InvalidTransition, "signed .* off"):
        save_sheet(session, actor=judge, now=later(10), event_id=event.id, cells=cells, reason="想再改一下")


def test_notice_objections_and_finalising_follow_their_dates(session, world):
    event = signed_off(session, world)
    with refused(session, InvalidTransition, "under public notice", field="text"):
        raise_objection(session, actor=world.hr, now=later(10), event_id=event.id, text="成绩有误，请复核一下。")
    publish_results(session, actor=world.admin, now=later(10), event_id=event.id)
    with refused(session, InvalidTransition, "public notice runs until", field="finalise"):
        finalise_results(session, actor=world.admin, now=later(11), event_id=event.id)
    outsider = make_user(session, "enterprise_hr", org=make_org(session, "enterprise"))
    with refused(session, NotAllowed, "competitors in this event"):
        raise_objection(session, actor=outsider, now=later(11), event_id=event.id, text="成绩有误，请复核一下。")
    with refused(session, InvalidTransition, "under public notice"):
        raise_objection(session, actor=world.hr, now=AFTER_NOTICE, event_id=event.id, text="成绩有误，请复核一下。")


def test_an_upheld_objection_withdraws_the_results_for_correction(session, world):
    event = signed_off(session, world)
    publish_results(session, actor=world.admin, now=later(10), event_id=event.id)
    objection = raise_objection(session, actor=world.hr, now=later(11), event_id=event.id,
                                text="第一名选手的安全文明分数录入错误。")
    with refused(session, ValidationFailed, "reason for the decision"):
        decide_objection(session, actor=world.admin, now=later(12), objection_id=objection.id, upheld=True,
                         reason="")
    decide_objection(session, actor=world.admin, now=later(12), objection_id=objection.id, upheld=True,
                     reason="核实录入错误，退回更正。")
    assert event.status == "marking" and event.notice_ends_on is None
    mark_all(session, event, world.judges[0], lambda c, code: "9.5" if code == "A1" else "", reason="异议核实后更正")
    sign_off(session, actor=world.chief, now=later(13), event_id=event.id)
    assert event.status == "signed_off"


def test_at_most_one_promotion_a_year_and_never_above_the_band(session, world):
    event = signed_off(session, world)
    # 王伟 was already promoted through a competition this year; 李娜 holds 技师, so the rule would give 高级技师.
    record_level_award(session, actor=world.admin, now=NOW, person_id=world.people[0].id, occupation_code=WELDER,
                       occupation_name="焊工", grade_key="technician", route="competition", awarded_on=date(2026, 5, 1))
    record_level_award(session, actor=world.admin, now=NOW, person_id=world.people[1].id, occupation_code=WELDER,
                       occupation_name="焊工", grade_key="technician", route="exam", awarded_on=date(2025, 5, 1))
    publish_results(session, actor=world.admin, now=later(10), event_id=event.id)
    finalise_results(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id)
    by_person = {p.person_id: p for p in session.scalars(select(Promotion))}
    first, second = by_person[world.people[0].id], by_person[world.people[1].id]
    assert first.status == "withheld" and "at most one promotion a year" in str(from_json(first.reason))
    assert second.status == "withheld" and "above this event's band" in str(from_json(second.reason))
    assert by_person[world.people[2].id].status == "awarded"


def test_finalising_needs_an_issuer(session, world):
    event = signed_off(session, world)
    event.competition.issuer_org_id = None
    session.flush()
    session.expire(event.competition)
    publish_results(session, actor=world.admin, now=later(10), event_id=event.id)
    with refused(session, ValidationFailed, "no certificate issuer", field="issuer_org_id"):
        finalise_results(session, actor=world.admin, now=AFTER_NOTICE, event_id=event.id)

