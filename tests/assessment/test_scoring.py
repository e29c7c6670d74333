"""Score entry: who may enter what, versioned edits, corrections with reasons, sheets, supervisor sign-off."""

from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from app.assessment.models import SessionAssignment
from app.assessment.result_models import Score, ScoreEvent
from app.assessment.score_sheets import CellInput, save_sheet, score_sheet
from app.assessment.scoring import (
    panel_mean,
    parse_score,
    save_score,
    session_visible,
    sign_off_session,
)
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import in_chinese
from tests.assessment.factories import (
    AFTER_EXAMS,
    close,
    practical_session,
    registered_plan,
    snapshot,
    theory_session,
)


@pytest.fixture
def practical(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    return practical_session(session, world, plan), regs


def _cell(session, sitting, registration, marker):
    return session.scalar(select(Score).where(Score.session_id == sitting.id, Score.registration_id == registration.id,
                                              Score.marker_id == (marker.id if marker else None)))


def _refused(session, error, call, template, field=None):
    """The call is refused with this error class, message id and field, and changes nothing."""
    before = snapshot(session)
    with pytest.raises(error) as refused:
        call()
    assert snapshot(session) == before
    assert refused.value.message.template == template, refused.value.message.template
    assert refused.value.field == field
    return refused.value


def test_parse_score_takes_0_to_100_with_one_decimal():
    assert parse_score("88.5") == Decimal("88.5") and parse_score("100") == Decimal("100.0")
    range_, decimals, number = ("The score must be between 0 and 100, not {value}.",
                                "A score has at most one decimal place, not {value}.", 'The score "{value}" is not a number.')
    for bad, template in (("100.5", range_), ("-1", range_), ("60.25", decimals), ("abc", number), ("", number)):
        with pytest.raises(ValidationFailed) as refused:
            parse_score(bad)
        assert (refused.value.field, refused.value.message.template) == ("value", template)


def test_panel_mean_waits_for_every_member_and_rounds_half_up():
    assert panel_mean([Decimal("70"), None, Decimal("80")]) is None
    assert panel_mean([Decimal("70.0"), Decimal("75.5"), Decimal("80.0")]) == Decimal("75.2")
    assert panel_mean([Decimal("60.0"), Decimal("60.0"), Decimal("60.1")]) == Decimal("60.0")
    assert panel_mean([Decimal("60.1"), Decimal("60.1"), Decimal("60.0")]) == Decimal("60.1")


def test_examiner_enters_and_corrects_their_mark_with_events(session, world, practical):
    sitting, regs = practical
    examiner = world.assessors[1]
    cell = _cell(session, sitting, regs[0], examiner)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="72.5", expected_version=0)
    assert (cell.value, cell.version) == (Decimal("72.5"), 1)
    _refused(session, ValidationFailed,
             lambda: save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="75", expected_version=1),
             "Please give {what} (at least {count} characters).", field="reason")
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="75", expected_version=1,
               reason="复核焊缝外观评分，漏计一项")
    events = session.scalars(select(ScoreEvent).where(ScoreEvent.score_id == cell.id).order_by(ScoreEvent.id)).all()
    assert [(e.kind, e.old_value, e.new_value, e.version) for e in events] == [
        ("entry", None, Decimal("72.5"), 1), ("correction", Decimal("72.5"), Decimal("75.0"), 2)]
    assert events[1].reason == "复核焊缝外观评分，漏计一项" and events[1].actor_name == examiner.username


def test_stale_edit_is_refused_and_nothing_changes(session, world, practical):
    sitting, regs = practical
    leader, examiner = world.assessors[0], world.assessors[1]
    cell = _cell(session, sitting, regs[0], examiner)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0)
    error = _refused(session, Conflict,
                     lambda: save_score(session, actor=leader, now=AFTER_EXAMS, score_id=cell.id, value="85", expected_version=0),
                     "{who} changed this score meanwhile (now {value}, version {version}; you opened version "
                     "{expected}): check it and save again.", field="value")
    assert error.message.params == {"who": "周丽娜", "value": "80.0", "version": 1, "expected": 0}


def test_examiner_may_not_enter_another_examiners_mark_but_the_leader_may(session, world, practical):
    sitting, regs = practical
    leader, first, second = world.assessors[:3]
    cell = _cell(session, sitting, regs[0], second)
    _refused(session, NotAllowed,
             lambda: save_score(session, actor=first, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0),
             "You may not enter or change this score.")
    _refused(session, ValidationFailed,
             lambda: save_score(session, actor=leader, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0),
             "Please give {what} (at least {count} characters).", field="reason")
    save_score(session, actor=leader, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0,
               reason="按纸质评分表代为录入")
    assert cell.updated_by_id == leader.id
    event = session.scalars(select(ScoreEvent).where(ScoreEvent.score_id == cell.id)).one()
    assert (event.kind, event.reason) == ("entry", "按纸质评分表代为录入")


def test_an_unassigned_assessor_does_not_see_the_session(session, world, practical):
    sitting, regs = practical
    outsider = world.assessors[5]
    with pytest.raises(NotFound):
        session_visible(session, actor=outsider, sitting_id=sitting.id)
    cell = _cell(session, sitting, regs[0], world.assessors[1])
    _refused(session, NotFound,
             lambda: save_score(session, actor=outsider, now=AFTER_EXAMS, score_id=cell.id, value="80", expected_version=0),
             "The room does not exist or is not assigned to you.")


def test_theory_scores_are_entered_by_staff_not_invigilators(session, world):
    plan, regs = registered_plan(session, world, people=2)
    close(session, world, plan)
    sitting = theory_session(session, world, plan)
    cell = _cell(session, sitting, regs[0], None)
    _refused(session, NotAllowed,
             lambda: save_score(session, actor=world.assessors[4], now=AFTER_EXAMS, score_id=cell.id, value="66",
                                expected_version=0), "You may not enter or change this score.")
    save_score(session, actor=world.staff, now=AFTER_EXAMS, score_id=cell.id, value="66", expected_version=0)
    assert cell.value == Decimal("66.0")


def test_understaffed_session_refuses_scores(session, world, practical):
    sitting, regs = practical
    # Someone removed an examiner behind the services' back: the ratio check runs again at score entry.
    session.execute(delete(SessionAssignment).where(SessionAssignment.user_id == world.assessors[2].id))
    session.expire_all()
    cell = _cell(session, sitting, regs[0], world.assessors[1])
    _refused(session, ValidationFailed,
             lambda: save_score(session, actor=world.assessors[1], now=AFTER_EXAMS, score_id=cell.id, value="80",
                                expected_version=0),
             "The staffing does not meet the requirements: {problems}", field="staffing")


def _mark_all(session, world, sitting, regs, values):
    for reg, marks in zip(regs, values, strict=True):
        for examiner, value in zip(world.assessors[:3], marks, strict=True):
            if value is not None:
                cell = _cell(session, sitting, reg, examiner)
                save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value=value, expected_version=0)


def test_supervisor_sign_off_locks_the_sheet(session, world, practical):
    sitting, regs = practical
    _mark_all(session, world, sitting, regs, [("80", "82", "78"), ("55", "58", "57"), (None, None, None)])
    _refused(session, NotAllowed,
             lambda: sign_off_session(session, actor=world.assessors[0], now=AFTER_EXAMS, sitting_id=sitting.id),
             "Only this room's quality supervisor may sign its scores off.")
    sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=sitting.id)
    assert sitting.status == "signed_off"
    cell = _cell(session, sitting, regs[0], world.assessors[1])
    _refused(session, InvalidTransition,
             lambda: save_score(session, actor=world.assessors[1], now=AFTER_EXAMS, score_id=cell.id, value="90",
                                expected_version=1, reason="复核后更正评分"),
             "The quality supervisor has signed this room's scores off and locked them: they can no longer be "
             "changed.")


def test_partly_marked_candidates_block_sign_off(session, world, practical):
    sitting, regs = practical
    _mark_all(session, world, sitting, regs, [("80", None, "78"), (None, None, None), (None, None, None)])
    error = _refused(session, ValidationFailed,
                     lambda: sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=sitting.id),
                     "The marking is incomplete, so it cannot be signed off: {problems}", field="sign_off")
    assert error.message == "The marking is incomplete, so it cannot be signed off: 王伟 still lacks the marks of 周丽娜."
    # The Chinese catalogue keeps the original wording of the composed message.
    assert in_chinese(error.message) == "评分不完整，不能签字确认：王伟尚缺周丽娜的评分"


def test_sheet_applies_good_rows_and_reports_conflicts_keeping_typed_values(session, world, practical):
    sitting, regs = practical
    leader, examiner = world.assessors[0], world.assessors[1]
    sheet = score_sheet(session, actor=leader, sitting_id=sitting.id)
    assert [u.display_name for u in sheet.columns] == ["孙志刚", "周丽娜", "吴德明"]
    assert len(sheet.editable) == 3 and sheet.entering == leader  # one column open: the leader's own
    assert [u.display_name for u in sheet.choosable] == ["孙志刚", "周丽娜", "吴德明"]
    first = sheet.rows[0].cells
    # Meanwhile the examiner saves their own mark for the first candidate.
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=first[1].id, value="70", expected_version=0)
    outcomes = save_sheet(session, actor=leader, now=AFTER_EXAMS, sitting_id=sitting.id, cells=[
        CellInput(first[0].id, "81", 0), CellInput(first[1].id, "79", 0, "抄录纸质评分表"),
        CellInput(first[2].id, "101", 0, "抄录纸质评分表"),
        CellInput(sheet.rows[1].cells[0].id, "", 0),
    ])
    assert [(o.status, o.typed) for o in outcomes] == [("saved", "81"), ("conflict", "79"), ("invalid", "101"),
                                                        ("unchanged", "")]
    assert outcomes[1].message.params["value"] == "70.0"
    assert outcomes[2].message.template == "The score must be between 0 and 100, not {value}."
    assert (outcomes[1].current, outcomes[1].current_by) == ("70.0", "周丽娜")
    assert "0–100" in in_chinese(outcomes[2].message)
    assert _cell(session, sitting, regs[0], examiner).value == Decimal("70.0")
    own = score_sheet(session, actor=examiner, sitting_id=sitting.id)
    assert len(own.editable) == 3 and own.rows[0].mean is None


@pytest.mark.parametrize("reason", [None, "", "   ", "改"])
def test_correcting_a_score_needs_a_written_reason(session, world, practical, reason):
    sitting, regs = practical
    examiner = world.assessors[1]
    cell = _cell(session, sitting, regs[0], examiner)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="72.5", expected_version=0)
    _refused(session, ValidationFailed,
             lambda: save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="75", expected_version=1,
                                reason=reason),
             "Please give {what} (at least {count} characters).", field="reason")
    assert cell.value == Decimal("72.5")
