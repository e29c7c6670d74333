"""Follow-ups (稳岗) 3, 6 and 12 months after a start: recording outcomes with evidence, and due lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.placement.models import FollowUp, Placement
from app.placement.placements import add_evidence
from app.placement.scope import get_placement_to_maintain, scope_clause
from app.placement.vocabulary import FOLLOW_UP_OUTCOMES
from app.translation import N_

RETENTION_EVIDENCE = ("social_insurance", "wage_record", "labour_contract")
UPCOMING_DAYS = 30


def record_follow_up(
    session: Session, *, actor: User, now: datetime, placement_id: int, months: int, outcome: str,
    checked_on: date, evidence_kind: str | None = None, reference: str | None = None, data: bytes | None = None,
    filename: str | None = None, storage_dir: Path | None = None, note: str | None = None,
) -> FollowUp:
    """Record a follow-up's outcome; "retained" needs social-insurance, wage or contract evidence, "left" ends it."""
    placement = get_placement_to_maintain(session, actor=actor, placement_id=placement_id)
    follow_up = next((f for f in placement.follow_ups if f.months == months), None)
    if follow_up is None:
        raise NotFound(N_("There is no {months}-month follow-up.", months=months))
    if follow_up.outcome is not None:
        raise InvalidTransition(N_("The {months}-month follow-up was recorded on {day}.", months=months,
                                   day=follow_up.checked_on.isoformat()), field="outcome")
    if placement.status == "cancelled":
        raise InvalidTransition(N_("The placement has been cancelled."), field="outcome")
    if outcome not in FOLLOW_UP_OUTCOMES:
        raise ValidationFailed(N_("Choose the follow-up outcome: {first}, {second} or {third}.",
                                  first=FOLLOW_UP_OUTCOMES["retained"], second=FOLLOW_UP_OUTCOMES["left"],
                                  third=FOLLOW_UP_OUTCOMES["unknown"]), field="outcome")
    if checked_on > local_date(now) or checked_on < placement.start_date:
        raise ValidationFailed(N_("The follow-up date must lie between the start date and today."),
                               field="checked_on")
    has_evidence = bool((reference or "").strip() or data)
    if outcome == "retained":
        if evidence_kind not in RETENTION_EVIDENCE:
            raise ValidationFailed(N_("Retention needs social-insurance, wage or labour-contract evidence."),
                                   field="evidence_kind")
        if not has_evidence:
            raise ValidationFailed(N_("Retention needs an uploaded document or the document's number."),
                                   field="reference")
    follow_up.outcome, follow_up.checked_on = outcome, checked_on
    follow_up.note = (note or "").strip()[:500] or None
    follow_up.recorded_by_id, follow_up.recorded_at = actor.id, now
    session.flush()
    if has_evidence:
        add_evidence(session, actor=actor, now=now, placement_id=placement.id, kind=evidence_kind or "wage_record",
                     dated_on=checked_on, reference=reference, data=data, filename=filename,
                     storage_dir=storage_dir, follow_up_id=follow_up.id)
    record_event(session, actor=actor, now=now, action="placement.follow_up", object_type="placement",
                 object_id=placement.id, new={"months": months, "outcome": outcome, "checked_on": checked_on.isoformat()})
    if outcome == "left" and placement.status == "active":
        placement.status, placement.left_on = "left", checked_on
        session.flush()
    return follow_up


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up waiting for its outcome."""

    follow_up: FollowUp
    placement: Placement
    overdue: bool
    days: int  # days until due (negative when overdue)


def due_follow_ups(session: Session, *, actor: User, today: date, enterprise_id: int | None = None,
                   limit: int = 500) -> list[DueFollowUp]:
    """Follow-ups without an outcome, due within the next 30 days or overdue, of active placements in scope."""
    stmt = (select(FollowUp, Placement).join(Placement, FollowUp.placement_id == Placement.id)
            .where(scope_clause(actor), Placement.status == "active", FollowUp.outcome.is_(None),
                   FollowUp.due_on <= today + timedelta(days=UPCOMING_DAYS))
            .order_by(FollowUp.due_on, FollowUp.id).limit(limit))
    if enterprise_id:
        stmt = stmt.where(Placement.enterprise_id == enterprise_id)
    return [DueFollowUp(f, p, f.due_on < today, (f.due_on - today).days) for f, p in session.execute(stmt)]
