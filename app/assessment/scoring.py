"""Score entry: who may enter which cell, versioned edits refused when stale, clearing, absence, sign-off.

Who enters what: theory (and other invigilated components) is entered by the evaluation organisation's
staff from the marked papers; practical and review components are marked by each assigned examiner or
panel member, and the 考评组长 may also enter the marks of their team from its paper marking sheets, with a
recorded reason. Until sign-off a mark can be cleared or a cell marked absent (缺考), each audited.
A component's score is the mean of its panel's marks, rounded to one decimal, once every member has marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.models import AssessmentSession, SessionAssignment
from app.assessment.result_models import Score, ScoreEvent
from app.assessment.room_times import require_ended, require_started
from app.assessment.scope import check_reason, is_admin
from app.assessment.staffing import mode_of, require_staffed
from app.audit.services import record_event
from app.database import get_or_not_found
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.translation import CLAUSE_SEPARATOR, N_, Message, joined

TENTH = Decimal("0.1")


def parse_score(text: str | Decimal | int | float | None) -> Decimal:
    """A score from 0 to 100 with at most one decimal."""
    raw = str(text).strip() if text is not None else ""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed(N_('The score "{value}" is not a number.', value=raw), field="value") from None
    if not value.is_finite() or value < 0 or value > 100:
        raise ValidationFailed(N_("The score must be between 0 and 100, not {value}.", value=raw), field="value")
    if value != value.quantize(TENTH):
        raise ValidationFailed(N_("A score has at most one decimal place, not {value}.", value=raw), field="value")
    return value.quantize(TENTH)


def panel_mean(marks: Sequence[Decimal | None]) -> Decimal | None:
    """The mean of a panel's marks to one decimal (half up), or None until every member has marked."""
    if not marks or any(m is None for m in marks):
        return None
    return (sum(marks, Decimal(0)) / len(marks)).quantize(TENTH, rounding=ROUND_HALF_UP)


def assignment_of(sitting: AssessmentSession, user: User) -> SessionAssignment | None:
    """The user's assignment to the session, if any."""
    return next((a for a in sitting.assignments if a.user_id == user.id), None)


def is_plan_staff(sitting: AssessmentSession, actor: User) -> bool:
    """True for the evaluation staff of the organisation running the session's plan."""
    return actor.has_role(Role.EVALUATION_STAFF) and sitting.plan.organisation_id == actor.organisation_id


def session_visible(session: Session, *, actor: User, sitting_id: int) -> AssessmentSession:
    """A session the actor may see: plan staff, administrators, or an assessor assigned to it (else NotFound)."""
    sitting = session.get(AssessmentSession, sitting_id)
    if sitting is None or not (is_admin(actor) or is_plan_staff(sitting, actor) or assignment_of(sitting, actor)):
        raise NotFound(N_("The room does not exist or is not assigned to you."))
    return sitting


def can_edit(sitting: AssessmentSession, score: Score, actor: User) -> bool:
    """Staff enter invigilated scores; markers their own marks; the 考评组长 any mark of their team."""
    if mode_of(sitting) == "invigilated":
        return score.marker_id is None and is_plan_staff(sitting, actor)
    if score.marker_id == actor.id:
        return True
    held = assignment_of(sitting, actor)
    return held is not None and held.role == "leader"


def require_open_for_scores(sitting: AssessmentSession) -> None:
    """Refuse score changes unless the room is confirmed and not yet signed off."""
    if sitting.status == "signed_off":
        raise InvalidTransition(N_("The quality supervisor has signed this room's scores off and locked them: they can "
                                   "no longer be changed."))
    if sitting.status != "confirmed":
        raise InvalidTransition(N_("The room is not confirmed yet: scores cannot be entered."))


def save_score(
    session: Session, *, actor: User, now: datetime, score_id: int, value: str | Decimal, expected_version: int,
    reason: str | None = None,
) -> Score:
    """Enter or correct one score from the version the user saw; a stale version is refused (Conflict)."""
    score, _sitting = _cell_to_change(session, actor=actor, now=now, score_id=score_id)
    new = parse_score(value)
    if score.version != expected_version:
        raise _stale(score, expected_version)
    old = score.value
    if old is not None and old == new:
        return score
    kind = "entry" if old is None else "correction"
    why = _reason_needed(score, actor, kind, reason)
    _compare_and_set(session, score, expected_version, actor=actor, now=now, value=new, absent=False)
    session.add(ScoreEvent(score_id=score.id, kind=kind, old_value=old, new_value=new, version=expected_version + 1,
                           reason=why, actor_id=actor.id, actor_name=actor.username, at=now))
    session.flush()
    session.refresh(score)
    record_event(session, actor=actor, now=now, action=f"assessment.score_{kind}", object_type="assessment_score",
                 object_id=score.id, old={"value": None if old is None else str(old)},
                 new={"value": str(new), "version": score.version}, note=why)
    return score


def _cell_to_change(session: Session, *, actor: User, now: datetime, score_id: int,
                    expected_version: int | None = None) -> tuple[Score, AssessmentSession]:
    """The score cell and its room, once the actor may change it: room open for scores, started and staffed; with
    `expected_version`, also still at the version the user saw (Conflict otherwise)."""
    score = get_or_not_found(session, Score, score_id, N_("The score does not exist."))
    sitting = session_visible(session, actor=actor, sitting_id=score.session_id)
    if not can_edit(sitting, score, actor):
        raise NotAllowed(N_("You may not enter or change this score."))
    require_open_for_scores(sitting)
    require_started(sitting, now)
    require_staffed(sitting)
    if expected_version is not None and score.version != expected_version:
        raise _stale(score, expected_version)
    return score, sitting


def _compare_and_set(session: Session, score: Score, expected_version: int, *, actor: User, now: datetime,
                     value: Decimal | None, absent: bool) -> None:
    """Write the cell in one statement from the version the user saw: of two edits from the same version exactly
    one matches a row; the other is refused as stale (Conflict)."""
    outcome = session.execute(
        update(Score).where(Score.id == score.id, Score.version == expected_version)
        .values(value=value, absent=absent, version=Score.version + 1, updated_at=now, updated_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    if outcome.rowcount != 1:
        session.refresh(score)
        raise _stale(score, expected_version)


def _reason_needed(score: Score, actor: User, kind: str, reason: str | None) -> str | None:
    """A correction needs a reason, and so does the 考评组长 entering a panel member's mark for them."""
    if score.marker_id is not None and score.marker_id != actor.id:
        return check_reason(reason, what=N_("the reason for entering another examiner's mark"))
    if kind != "entry":
        return check_reason(reason, what=N_("the reason for the correction"))
    return None


def _stale(score: Score, expected: int) -> Conflict:
    shown = N_("absent") if score.absent else N_("not entered") if score.value is None else str(score.value)
    who = score.updated_by.display_name if score.updated_by else N_("someone else")
    return Conflict(N_("{who} changed this score meanwhile (now {value}, version {version}; you opened version "
                       "{expected}): check it and save again.", who=who, value=shown, version=score.version,
                       expected=expected), field="value")


def clear_score(
    session: Session, *, actor: User, now: datetime, score_id: int, expected_version: int, reason: str | None = None,
) -> Score:
    """Clear a mark entered by mistake before sign-off (audited); a stale version is refused (Conflict)."""
    score, _sitting = _cell_to_change(session, actor=actor, now=now, score_id=score_id,
                                      expected_version=expected_version)
    old = score.value
    if old is None and not score.absent:
        return score
    why = _reason_needed(score, actor, "clear", reason)
    was = ABSENT if score.absent else str(old)
    _compare_and_set(session, score, expected_version, actor=actor, now=now, value=None, absent=False)
    session.flush()
    session.refresh(score)
    record_event(session, actor=actor, now=now, action="assessment.score_cleared", object_type="assessment_score",
                 object_id=score.id, old={"value": was}, new={"value": None, "version": score.version}, note=why)
    return score


ABSENT = "absent"
ABSENT_WORDS = frozenset({"absent", "abs", "缺考", "缺"})  # what may be typed in a cell to mark 缺考


def is_absent_word(text: str) -> bool:
    """True when the typed text marks the candidate absent (缺考) rather than giving a score."""
    return text.strip().lower() in ABSENT_WORDS


def mark_absent(
    session: Session, *, actor: User, now: datetime, score_id: int, expected_version: int, reason: str | None = None,
) -> Score:
    """Mark a cell's candidate absent (缺考) on purpose, before sign-off (audited); a mark there is cleared."""
    score, _sitting = _cell_to_change(session, actor=actor, now=now, score_id=score_id,
                                      expected_version=expected_version)
    if score.absent:
        return score
    old = score.value
    why = _reason_needed(score, actor, "entry" if old is None else "absence", reason)
    _compare_and_set(session, score, expected_version, actor=actor, now=now, value=None, absent=True)
    session.flush()
    session.refresh(score)
    record_event(session, actor=actor, now=now, action="assessment.score_absent", object_type="assessment_score",
                 object_id=score.id, old={"value": None if old is None else str(old)},
                 new={"value": ABSENT, "version": score.version}, note=why)
    return score


def incomplete_marks(sitting: AssessmentSession, scores: Sequence[Score]) -> list[Message]:
    """Candidates marked by some but not all of the panel (wholly unmarked candidates are absent, 缺考)."""
    by_reg: dict[int, list[Score]] = {}
    for score in scores:
        by_reg.setdefault(score.registration_id, []).append(score)
    problems = []
    for candidate in sitting.candidates:
        cells = by_reg.get(candidate.registration_id, [])
        missing = [c for c in cells if c.value is None]
        if missing and len(missing) < len(cells):
            problems.append(N_("{name} still lacks the marks of {markers}.", name=candidate.registration.person.name,
                               markers=joined(c.marker.display_name for c in missing if c.marker)))
    return problems


def sign_off_session(session: Session, *, actor: User, now: datetime, sitting_id: int) -> AssessmentSession:
    """The session's quality supervisor signs its scores off; they are locked from then on."""
    sitting = session_visible(session, actor=actor, sitting_id=sitting_id)
    held = assignment_of(sitting, actor)
    if held is None or held.role != "supervisor":
        raise NotAllowed(N_("Only this room's quality supervisor may sign its scores off."))
    require_open_for_scores(sitting)
    require_ended(sitting, now, field="sign_off")
    require_staffed(sitting)
    scores = list(session.scalars(select(Score).where(Score.session_id == sitting.id)))
    problems = incomplete_marks(sitting, scores)
    if problems:
        raise ValidationFailed(N_("The marking is incomplete, so it cannot be signed off: {problems}",
                                  problems=joined(problems, CLAUSE_SEPARATOR)), field="sign_off")
    sitting.status, sitting.signed_off_at, sitting.signed_off_by_id = "signed_off", now, actor.id
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.sign_off", object_type="assessment_session",
                 object_id=sitting.id, old={"status": "confirmed"},
                 new={"status": "signed_off", "entered": sum(1 for s in scores if s.value is not None),
                      "cells": len(scores)})
    return sitting


def score_events(session: Session, *, score_id: int) -> list[ScoreEvent]:
    """The entry and corrections of one score, oldest first."""
    return list(session.scalars(select(ScoreEvent).where(ScoreEvent.score_id == score_id).order_by(ScoreEvent.id)))

