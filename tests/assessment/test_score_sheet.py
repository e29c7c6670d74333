"""Saving a score sheet changes only what the user edited; clearing before sign-off; entering for a panel member."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.assessment.result_models import Score, ScoreEvent
from app.assessment.score_sheets import CellInput, save_sheet, score_sheet
from app.assessment.scoring import clear_score, save_score, sign_off_session
from app.audit.models import AuditEvent
from app.errors import InvalidTransition
from tests.assessment.factories import AFTER_EXAMS, close, practical_session, registered_plan

REASON = "按纸质评分表代为录入"


@pytest.fixture
def practical(session, world):
    plan, regs = registered_plan(session, world, people=3)
    close(session, world, plan)
    return practical_session(session, world, plan), regs


def _column(session, sitting, marker):
    return session.scalars(select(Score).where(Score.session_id == sitting.id, Score.marker_id == marker.id)
                           .order_by(Score.registration_id)).all()


def test_untouched_cells_are_ignored_even_when_another_examiner_changed_them(session, world, practical):
    sitting, _regs = practical
    leader, examiner = world.assessors[0], world.assessors[1]
    shown = score_sheet(session, actor=leader, sitting_id=sitting.id, column=examiner.id)
    assert shown.entering == examiner and shown.on_behalf and len(shown.editable) == 3
    cells = _column(session, sitting, examiner)
    # Meanwhile the examiner enters two of their own marks.
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cells[0].id, value="70", expected_version=0)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cells[1].id, value="75", expected_version=0)
    outcomes = save_sheet(session, actor=leader, now=AFTER_EXAMS, sitting_id=sitting.id, cells=[
        CellInput(cells[0].id, "", 0, REASON, original=""),       # untouched, now 70 in the database
        CellInput(cells[1].id, "", 0, REASON, original=""),       # untouched, now 75
        CellInput(cells[2].id, "66.5", 0, REASON, original=""),   # the one cell the leader typed
    ])
    assert [o.status for o in outcomes] == ["unchanged", "unchanged", "saved"]
    assert [str(c.value) for c in cells] == ["70.0", "75.0", "66.5"]
    events = session.scalars(select(ScoreEvent).where(ScoreEvent.score_id == cells[2].id)).all()
    assert [(e.kind, e.actor_id, e.reason) for e in events] == [("entry", leader.id, REASON)]


def test_a_real_conflict_reports_the_other_value_and_its_author(session, world, practical):
    sitting, _regs = practical
    leader, examiner = world.assessors[0], world.assessors[1]
    cells = _column(session, sitting, examiner)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cells[0].id, value="70", expected_version=0)
    outcomes = save_sheet(session, actor=leader, now=AFTER_EXAMS, sitting_id=sitting.id, cells=[
        CellInput(cells[0].id, "79", 0, REASON, original=""), CellInput(cells[1].id, "88", 0, REASON, original=""),
    ])
    assert [(o.status, o.typed) for o in outcomes] == [("conflict", "79"), ("saved", "88")]
    assert (outcomes[0].current, outcomes[0].current_by) == ("70.0", "周丽娜")
    assert outcomes[0].message.params["who"] == "周丽娜"
    assert [c.value for c in cells[:2]] == [Decimal("70.0"), Decimal("88.0")]


def test_an_examiner_opens_only_their_own_column(session, world, practical):
    sitting, _regs = practical
    examiner, other = world.assessors[1], world.assessors[2]
    sheet = score_sheet(session, actor=examiner, sitting_id=sitting.id, column=other.id)
    assert sheet.entering == examiner and not sheet.on_behalf and sheet.choosable == ()
    assert sheet.editable == {c.id for c in _column(session, sitting, examiner)}
    supervisor = score_sheet(session, actor=world.assessors[3], sitting_id=sitting.id)
    assert supervisor.editable == frozenset() and supervisor.entering_index is None


def test_the_leader_needs_a_reason_to_enter_for_a_panel_member(session, world, practical):
    sitting, _regs = practical
    leader, examiner = world.assessors[0], world.assessors[1]
    cell = _column(session, sitting, examiner)[0]
    outcome, = save_sheet(session, actor=leader, now=AFTER_EXAMS, sitting_id=sitting.id,
                          cells=[CellInput(cell.id, "80", 0, "", original="")])
    assert outcome.status == "invalid" and outcome.message.template == "Please give {what} (at least {count} characters)."
    assert outcome.message.params["what"].template == "the reason for entering another examiner's mark"
    assert cell.value is None
    own = _column(session, sitting, leader)[0]
    outcome, = save_sheet(session, actor=leader, now=AFTER_EXAMS, sitting_id=sitting.id,
                          cells=[CellInput(own.id, "80", 0, "", original="")])
    assert outcome.status == "saved"  # their own first mark needs no reason


def test_a_mark_can_be_cleared_before_sign_off_and_the_clearing_is_audited(session, world, practical):
    sitting, _regs = practical
    examiner = world.assessors[1]
    cell = _column(session, sitting, examiner)[0]
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cell.id, value="85", expected_version=0)
    refused, = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id,
                          cells=[CellInput(cell.id, "", 1, "", original="85.0")])
    assert refused.status == "invalid" and cell.value == Decimal("85.0")  # clearing an entered mark needs a reason
    cleared, = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id,
                          cells=[CellInput(cell.id, "", 1, "录入到了错误的考生", original="85.0")])
    assert cleared.status == "cleared" and cell.value is None and cell.version == 2
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.score_cleared")).one()
    assert (event.actor_id, event.object_id, event.old_value, event.note) == (
        examiner.id, str(cell.id), {"value": "85.0"}, "录入到了错误的考生")
    assert event.new_value == {"value": None, "version": 2}


def test_nothing_can_be_cleared_after_sign_off(session, world, practical):
    sitting, regs = practical
    markers = world.assessors[:3]
    for marker in markers:
        for index, cell in enumerate(_column(session, sitting, marker)):
            save_score(session, actor=marker, now=AFTER_EXAMS, score_id=cell.id, value=str(80 + index), expected_version=0)
    sign_off_session(session, actor=world.assessors[3], now=AFTER_EXAMS, sitting_id=sitting.id)
    cell = _column(session, sitting, markers[1])[0]
    with pytest.raises(InvalidTransition):
        clear_score(session, actor=markers[1], now=AFTER_EXAMS, score_id=cell.id, expected_version=1, reason="录入到了错误的考生")
    assert cell.value == Decimal("80.0")


@pytest.mark.parametrize("word", ["缺考", "absent"])
def test_absence_is_marked_explicitly_and_audited(session, world, practical, word):
    sitting, _regs = practical
    examiner = world.assessors[1]
    cells = _column(session, sitting, examiner)
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cells[1].id, value="60", expected_version=0)
    outcomes = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id, cells=[
        CellInput(cells[0].id, word, 0, "", original=""),
        CellInput(cells[1].id, word, 1, "", original="60.0"),  # a mark turned into absence is a correction
    ])
    assert [o.status for o in outcomes] == ["absent", "invalid"]
    assert (cells[0].absent, cells[0].value, cells[0].version) == (True, None, 1)
    assert (cells[1].absent, cells[1].value) == (False, Decimal("60.0"))
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.score_absent")).one()
    assert (event.object_id, event.old_value, event.new_value) == (str(cells[0].id), {"value": None},
                                                                    {"value": "absent", "version": 1})
    # Shown again as absent, the untouched cell stays so; a score typed over it lifts the absence.
    again = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id,
                       cells=[CellInput(cells[0].id, word, 0, "", original=word)])
    assert again[0].status == "unchanged" and cells[0].absent
    save_score(session, actor=examiner, now=AFTER_EXAMS, score_id=cells[0].id, value="55", expected_version=1)
    assert (cells[0].absent, cells[0].value) == (False, Decimal("55.0"))


def test_the_absent_box_marks_absence_and_excludes_a_score(session, world, practical):
    """The sheet's 缺考 box (a phone's number pad cannot type the word): ticked on an empty cell it marks the
    candidate absent; ticked with a score typed too it is refused, as the two exclude each other."""
    sitting, _regs = practical
    examiner = world.assessors[1]
    cells = _column(session, sitting, examiner)
    outcomes = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id, cells=[
        CellInput(cells[0].id, "", 0, "", original="", absent=True),
        CellInput(cells[1].id, "72", 0, "", original="", absent=True),
        CellInput(cells[2].id, "81", 0, "", original=""),
    ])
    assert [o.status for o in outcomes] == ["absent", "invalid", "saved"]
    assert "exclude each other" in outcomes[1].message.render()
    assert [(c.absent, c.value) for c in cells] == [(True, None), (False, None), (False, Decimal("81.0"))]
    # Shown again ticked and untouched, the absent cell stays as it is.
    again = save_sheet(session, actor=examiner, now=AFTER_EXAMS, sitting_id=sitting.id,
                       cells=[CellInput(cells[0].id, "缺考", 1, "", original="缺考", absent=True)])
    assert again[0].status == "unchanged" and cells[0].version == 1
