"""Assessment rounds: annual assessment and end-of-cycle review, panel scores, grades under the 优秀 cap,
and closing a round (不合格 → de-listing with the date from which the host may apply again)."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import Conflict, InvalidTransition, ValidationFailed
from app.placement.scope import add_months
from app.studios.models import AssessmentRound, Studio, StudioAssessment
from app.studios.rubric import DEFAULT_RUBRIC, measure, panel_keys, score
from app.studios.scope import require_admin
from app.studios.vocabulary import CYCLE_YEARS, GRADES, REAPPLY_YEARS, ROUND_KINDS
from app.translation import N_


def excellent_allowed(entries: int, cap_percent: int) -> int:
    """How many entries of a round may be graded excellent: the cap's share, rounded down."""
    return entries * cap_percent // 100


def _due(session: Session, year: int, round_kind: str) -> list[Studio]:
    # Approved studios still under their public notice take part too: they hold the title from approval.
    stmt = select(Studio).where(Studio.status.in_(("notice", "listed")), Studio.approved_on <= date(year, 12, 31))
    if round_kind == "cycle":
        stmt = stmt.where(Studio.cycle_end <= date(year, 12, 31))
    return list(session.scalars(stmt.order_by(Studio.id)))


def open_round(session: Session, *, actor: User, now: datetime, year: int, round_kind: str = "annual",
               cap_percent: int = 20) -> AssessmentRound:
    """Open a round for every approved studio and base (for a cycle review: those whose cycle ends by the year's
    end), measuring each from its records."""
    require_admin(actor)
    if round_kind not in ROUND_KINDS:
        raise ValidationFailed(N_("Choose an annual assessment or an end-of-cycle review."), field="round_kind")
    if not 2000 <= year <= local_date(now).year:
        raise ValidationFailed(N_("The year must be this year or earlier."), field="year")
    if not 0 <= cap_percent <= 100:
        raise ValidationFailed(N_("The cap on excellent grades is a percentage from 0 to 100."), field="cap_percent")
    if session.scalar(select(AssessmentRound.id).where(AssessmentRound.year == year,
                                                       AssessmentRound.round_kind == round_kind)) is not None:
        raise Conflict(N_("There is already a {kind} for {year}.", kind=ROUND_KINDS[round_kind], year=year),
                       field="year")
    studios = _due(session, year, round_kind)
    if not studios:
        raise ValidationFailed(N_("No approved studio or base is due for this round."), field="year")
    round_ = AssessmentRound(year=year, round_kind=round_kind, rubric=copy.deepcopy(DEFAULT_RUBRIC),
                             excellent_cap_percent=cap_percent, status="open", opened_by_id=actor.id, opened_at=now)
    round_.entries = [StudioAssessment(studio_id=s.id, measured=measure(session, s.id, year), panel_scores={})
                      for s in studios]
    session.add(round_)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio_round.open", object_type="studio_round",
                 object_id=round_.id, new={"year": year, "kind": round_kind, "cap_percent": cap_percent,
                                           "studio_ids": [s.id for s in studios]})
    return round_


def get_round(session: Session, *, actor: User, round_id: int) -> AssessmentRound:
    """One round (administrators only)."""
    require_admin(actor)
    return get_or_not_found(session, AssessmentRound, round_id, N_("The assessment round does not exist."))


def _open_entry(session: Session, actor: User, assessment_id: int) -> StudioAssessment:
    require_admin(actor)
    entry = get_or_not_found(session, StudioAssessment, assessment_id, N_("The assessment does not exist."))
    if entry.round.status != "open":
        raise InvalidTransition(N_("The round is closed; its scores and grades are final."))
    return entry


def refresh_measures(session: Session, *, actor: User, now: datetime, assessment_id: int) -> StudioAssessment:
    """Measure the studio again from its records (after late entries), clearing a grade already given."""
    entry = _open_entry(session, actor, assessment_id)
    old = dict(entry.measured)
    entry.measured = measure(session, entry.studio_id, entry.round.year)
    entry.grade, entry.total = None, None
    session.flush()
    record_event(session, actor=actor, now=now, action="studio_assessment.measure", object_type="studio_assessment",
                 object_id=entry.id, old=old, new=dict(entry.measured))
    return entry


def _points(value, key: str) -> Decimal:
    if value is None or isinstance(value, bool):
        raise ValidationFailed(N_("Enter the panel's points for every item."), field=key)
    try:
        points = Decimal(str(value))
    except (InvalidOperation, ValueError):
        points = None
    if points is None or not points.is_finite() or abs(points) > 1000:
        raise ValidationFailed(N_("Enter the panel's points for every item."), field=key)
    return points.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def score_panel(session: Session, *, actor: User, now: datetime, assessment_id: int,
                scores: dict[str, Decimal]) -> StudioAssessment:
    """Record the expert panel's points for the items it scores (each from 0 to the item's weight)."""
    entry = _open_entry(session, actor, assessment_id)
    rubric = entry.round.rubric
    weights = {item["key"]: item["weight"] for item in rubric["items"]}
    cleaned = {}
    for key in panel_keys(rubric):
        value = _points(scores.get(key), key)
        if not 0 <= value <= weights[key]:
            raise ValidationFailed(N_("The points must lie between 0 and {weight}.", weight=weights[key]), field=key)
        cleaned[key] = str(value)
    old = dict(entry.panel_scores)
    entry.panel_scores = cleaned
    entry.total = score(rubric, entry.measured, cleaned).total
    entry.grade = None
    session.flush()
    record_event(session, actor=actor, now=now, action="studio_assessment.panel", object_type="studio_assessment",
                 object_id=entry.id, old=old, new={**cleaned, "total": str(entry.total)})
    return entry


def grade_assessment(session: Session, *, actor: User, now: datetime, assessment_id: int,
                     grade: str) -> StudioAssessment:
    """Grade an assessment: no better than its total allows, and 优秀 only within the round's cap."""
    entry = _open_entry(session, actor, assessment_id)
    if grade not in GRADES:
        raise ValidationFailed(N_("Choose excellent, pass or fail."), field="grade")
    rubric, round_ = entry.round.rubric, entry.round
    if not entry.panel_scores:
        raise ValidationFailed(N_("Record the expert panel's points first."), field="grade")
    result = score(rubric, entry.measured, entry.panel_scores)
    if grade == "excellent":
        allowed = excellent_allowed(len(round_.entries), round_.excellent_cap_percent)
        others = sum(1 for e in round_.entries if e.grade == "excellent" and e.id != entry.id)
        if others + 1 > allowed:
            raise ValidationFailed(N_("At most {allowed} of the {count} studios and bases in this round may be "
                                      "excellent ({cap} %); {others} already are.", allowed=allowed,
                                      count=len(round_.entries), cap=round_.excellent_cap_percent, others=others),
                                   field="grade")
    order = ("fail", "pass", "excellent")
    if order.index(grade) > order.index(result.band(rubric)):
        raise ValidationFailed(N_("A total of {total} allows at most {grade}.", total=str(result.total),
                                  grade=GRADES[result.band(rubric)]), field="grade")
    old = entry.grade
    entry.grade, entry.total, entry.graded_by_id, entry.graded_at = grade, result.total, actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="studio_assessment.grade", object_type="studio_assessment",
                 object_id=entry.id, old={"grade": old}, new={"grade": grade, "total": str(result.total)})
    return entry


def close_round(session: Session, *, actor: User, now: datetime, round_id: int) -> AssessmentRound:
    """Close a fully graded round: a fail de-lists the studio; a passed cycle review starts the next cycle."""
    round_ = get_round(session, actor=actor, round_id=round_id)
    if round_.status != "open":
        raise InvalidTransition(N_("The round is already closed."))
    ungraded = [e.studio.name for e in round_.entries if e.grade is None]
    if ungraded:
        raise ValidationFailed(N_("Grade every studio and base first ({count} left, e.g. {name}).",
                                  count=len(ungraded), name=ungraded[0]), field="grade")
    today = local_date(now)
    for entry in round_.entries:
        studio = entry.studio
        if entry.grade == "fail" and studio.status in ("notice", "listed"):
            old_status = studio.status
            studio.status, studio.delisted_on = "delisted", today
            studio.reapply_from = add_months(today, 12 * REAPPLY_YEARS)
            record_event(session, actor=actor, now=now, action="studio.delisted", object_type="studio",
                         object_id=studio.id, old={"status": old_status},
                         new={"status": "delisted", "round_id": round_.id, "delisted_on": today.isoformat(),
                              "reapply_from": studio.reapply_from.isoformat()})
        elif round_.round_kind == "cycle" and entry.grade != "fail" and studio.cycle_end:
            old_end = studio.cycle_end
            studio.cycle_end = add_months(old_end + timedelta(days=1), 12 * CYCLE_YEARS) - timedelta(days=1)
            record_event(session, actor=actor, now=now, action="studio.cycle_renewed", object_type="studio",
                         object_id=studio.id, old={"cycle_end": old_end.isoformat()},
                         new={"cycle_end": studio.cycle_end.isoformat(), "round_id": round_.id})
    round_.status, round_.closed_at = "closed", now
    session.flush()
    record_event(session, actor=actor, now=now, action="studio_round.close", object_type="studio_round",
                 object_id=round_.id, old={"status": "open"},
                 new={"status": "closed", "grades": {str(e.studio_id): e.grade for e in round_.entries}})
    return round_


def list_rounds(session: Session, *, actor: User) -> list[AssessmentRound]:
    """Every round, newest first."""
    require_admin(actor)
    return list(session.scalars(select(AssessmentRound).order_by(AssessmentRound.year.desc(),
                                                                 AssessmentRound.id.desc())))


def assessments_of(session: Session, studio_id: int) -> list[StudioAssessment]:
    """A studio's assessments, newest round first."""
    return list(session.scalars(select(StudioAssessment).join(AssessmentRound).where(
        StudioAssessment.studio_id == studio_id).order_by(AssessmentRound.year.desc(), AssessmentRound.id.desc())))
