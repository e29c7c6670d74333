"""Completing trainees in bulk: who qualifies and who does not (and why), then all of them or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.errors import ValidationFailed
from app.training.enrolments import change_enrolment_status
from app.training.models import Attendance, Enrolment
from app.training.progress import ZERO, completion_shortfall, required_hours
from app.training.projects import class_for_change, get_class
from app.training.vocabulary import ENROLMENT_STATUSES
from app.translation import N_, Message


@dataclass(frozen=True)
class CompletionCheck:
    """A trainee considered for completion: hours attended of required, and why not when they do not qualify."""

    enrolment: Enrolment
    attended: Decimal
    required: Decimal
    reason: Message | None  # None: qualifies

    @property
    def qualifies(self) -> bool:
        """Whether the trainee may be completed now."""
        return self.reason is None


def _reason(enrolment: Enrolment, attended: Decimal, reference: int, threshold: Decimal) -> Message | None:
    if enrolment.status != "in_training":
        if enrolment.status == "enrolled":
            return N_("Not in training yet: no attendance recorded.")
        return N_("Already {status}.", status=ENROLMENT_STATUSES[enrolment.status])
    return completion_shortfall(attended, reference, threshold)


def completion_review(session: Session, *, actor: User, class_id: int,
                      enrolment_ids: Sequence[int] | None = None) -> list[CompletionCheck]:
    """The chosen trainees (None: everyone still in the class) with hours and whether they qualify."""
    klass = get_class(session, actor=actor, class_id=class_id)
    chosen = set(enrolment_ids) if enrolment_ids is not None else None
    enrolments = [e for e in klass.enrolments if (e.id in chosen if chosen is not None
                                                  else e.status in ("enrolled", "in_training"))]
    totals = dict(session.execute(
        select(Attendance.enrolment_id, func.sum(Attendance.hours)).join(Enrolment)
        .where(Enrolment.class_id == klass.id).group_by(Attendance.enrolment_id)).all())
    reference, threshold = klass.project.reference_hours, klass.completion_threshold
    checks = []
    for e in enrolments:
        attended = Decimal(str(totals.get(e.id) or ZERO)).quantize(Decimal("0.1"))
        checks.append(CompletionCheck(e, attended, required_hours(reference, threshold),
                                      _reason(e, attended, reference, threshold)))
    return checks


def complete_in_bulk(session: Session, *, actor: User, now: datetime, class_id: int,
                     enrolment_ids: Sequence[int]) -> list[Enrolment]:
    """Complete every listed trainee of the class, or none when one of them does not qualify."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    ids = list(dict.fromkeys(enrolment_ids))
    if not ids:
        raise ValidationFailed(N_("Nobody was chosen to complete."), field="enrolments")
    mine = {e.id for e in klass.enrolments}
    if any(i not in mine for i in ids):
        raise ValidationFailed(N_("The list names a trainee who is not in this class."), field="enrolments")
    return [change_enrolment_status(session, actor=actor, now=now, enrolment_id=i, to_status="completed")
            for i in ids]
