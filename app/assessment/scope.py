"""Who may see and change what in the assessment stage: plans belong to one evaluation organisation.

An evaluation organisation sees only its own plans, an assessor only sessions assigned to them, and
anything outside the actor's scope "does not exist" (NotFound), so probing ids reveals nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.models import AssessmentPlan
from app.clock import LOCAL_ZONE
from app.errors import NotAllowed, NotFound, ValidationFailed
from app.translation import N_, Message

MIN_REASON = 5  # characters a written reason (override, correction, cancellation) needs at least
PLAN_NOT_FOUND = N_("The assessment plan does not exist or is outside your data scope.")


def local_datetime(day: date, at: time) -> datetime:
    """A local (China) date and time as an aware datetime, for sessions entered on forms."""
    return datetime.combine(day, at, tzinfo=LOCAL_ZONE)


def is_admin(actor: User) -> bool:
    """True for 人社 administrators, who see every plan."""
    return actor.has_role(Role.ADMIN)


def require_staff(actor: User) -> None:
    """Refuse anyone but evaluation-organisation staff."""
    if not actor.has_role(Role.EVALUATION_STAFF):
        raise NotAllowed(N_("Only evaluation organisation staff may do this."))


def plan_visible(session: Session, *, actor: User, plan_id: int) -> AssessmentPlan:
    """A plan the actor may see: its own organisation's, or any for administrators."""
    plan = session.get(AssessmentPlan, plan_id)
    if plan is None or not (is_admin(actor) or plan.organisation_id == actor.organisation_id):
        raise NotFound(PLAN_NOT_FOUND)
    return plan


def plan_for_staff(session: Session, *, actor: User, plan_id: int) -> AssessmentPlan:
    """A plan of the actor's own organisation, for its staff to change."""
    require_staff(actor)
    plan = session.get(AssessmentPlan, plan_id)
    if plan is None or plan.organisation_id != actor.organisation_id:
        raise NotFound(PLAN_NOT_FOUND)
    return plan


def check_reason(reason: str | None, *, field: str = "reason", what: Message | None = None) -> str:
    """A written reason of at least MIN_REASON characters, trimmed; `what` names it in the refusal."""
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise ValidationFailed(N_("Please give {what} (at least {count} characters).", what=what or N_("a reason"),
                                  count=MIN_REASON), field=field)
    return text[:500]
