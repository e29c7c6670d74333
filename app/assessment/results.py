"""Results: pass rules (no averaging), publication with a notice of working days, objections, finalising.

A candidate passes only if every required component reaches its own pass mark; a missing score is
absent (缺考) and not passed. Finalising records the level in the person's history and makes passing
results ready for certificates (see final_passing_results / result_for_certificate).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import (
    AssessmentPlan,
    AssessmentSession,
    PlanComponent,
    Registration,
    SessionCandidate,
)
from app.assessment.result_models import AssessmentResult, Objection, ResultComponent, Score
from app.assessment.room_times import ends_at, local_text
from app.assessment.scope import check_reason, plan_for_staff, plan_visible
from app.assessment.scoring import panel_mean, parse_score
from app.assessment.staffing import mode_of
from app.assessment.vocabulary import PLAN_STATUSES
from app.assessment.workdays import notice_end_for
from app.audit.services import record_event
from app.catalog.ladder import grade_for_digit
from app.catalog.models import COMPONENT_LABELS
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.people.levels import record_level_award
from app.translation import N_, joined


@dataclass(frozen=True)
class ComponentOutcome:
    """One component's score against its pass mark."""

    component: str
    score: Decimal | None
    pass_mark: Decimal
    required: bool
    carried_from_plan_id: int | None = None

    @property
    def absent(self) -> bool:
        """No score: the candidate did not sit it (缺考)."""
        return self.score is None

    @property
    def passed(self) -> bool:
        """The score reaches the pass mark."""
        return self.score is not None and self.score >= self.pass_mark


def overall_passed(outcomes: Sequence[ComponentOutcome]) -> bool:
    """Passed only if there is a required component and every required one is passed on its own."""
    required = [o for o in outcomes if o.required]
    return bool(required) and all(o.passed for o in required)


def _component_score(session: Session, registration: Registration, item: PlanComponent) -> Decimal | None:
    placed = session.scalar(select(SessionCandidate).where(SessionCandidate.registration_id == registration.id,
                                                           SessionCandidate.plan_component_id == item.id))
    if placed is None:
        raise ValidationFailed(N_("Candidate {name} has no {component} room, so results cannot be computed.",
                                  name=registration.person.name, component=COMPONENT_LABELS[item.component]),
                               field="plan")
    scores = list(session.scalars(select(Score).where(Score.session_id == placed.session_id,
                                                      Score.registration_id == registration.id)))
    if mode_of(placed.session) == "invigilated":
        return scores[0].value if scores else None
    return panel_mean([s.value for s in scores])


def outcomes_for(session: Session, registration: Registration) -> list[ComponentOutcome]:
    """Each component of the plan for one candidate: carried over, or scored in their session."""
    carried = {c.component: c for c in registration.carried}
    outcomes = []
    for item in registration.plan.components:
        kept = carried.get(item.component)
        if kept is not None:
            outcomes.append(ComponentOutcome(item.component, kept.score, item.pass_mark, item.required,
                                             kept.source_plan_id))
        else:
            outcomes.append(ComponentOutcome(item.component, _component_score(session, registration, item),
                                             item.pass_mark, item.required))
    return outcomes


def compute_results(session: Session, *, actor: User, now: datetime, plan_id: int) -> list[AssessmentResult]:
    """(Re)compute provisional results once every session of the plan is signed off."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status != "in_progress":
        raise InvalidTransition(N_('The assessment plan is "{status}": results cannot be computed.',
                                   status=PLAN_STATUSES[plan.status]))
    sessions = list(session.scalars(select(AssessmentSession).where(AssessmentSession.plan_id == plan.id)))
    pending = [N_("{room} ({component})", room=s.room, component=COMPONENT_LABELS[s.component])
               for s in sessions if s.status != "signed_off" and s.candidates]  # an empty room has nothing to sign
    if pending:
        raise InvalidTransition(N_("The quality supervisor has not yet signed off the scores of these rooms: {rooms}.",
                                   rooms=joined(pending)))
    # Every outcome is worked out before anything is written, so a refusal leaves nothing half-done.
    admitted = [(r, outcomes_for(session, r)) for r in plan.registrations if r.admitted]
    results = []
    for registration, outcomes in admitted:
        result = session.scalar(select(AssessmentResult).where(AssessmentResult.registration_id == registration.id))
        if result is None:
            result = AssessmentResult(registration_id=registration.id, plan_id=plan.id,
                                      person_id=registration.person_id, status="provisional")
            session.add(result)
        result.passed, result.computed_at = overall_passed(outcomes), now
        by_component = {c.component: c for c in result.components}
        for outcome, item in zip(outcomes, plan.components, strict=True):
            row = by_component.get(outcome.component) or ResultComponent(plan_component_id=item.id,
                                                                         component=outcome.component)
            row.score, row.pass_mark, row.required = outcome.score, outcome.pass_mark, outcome.required
            row.passed, row.absent = outcome.passed, outcome.absent
            row.carried, row.carried_from_plan_id = outcome.carried_from_plan_id is not None, outcome.carried_from_plan_id
            if outcome.component not in by_component:
                result.components.append(row)
        results.append(result)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.compute_results", object_type="assessment_plan",
                 object_id=plan.id, new={"results": len(results), "passed": sum(r.passed for r in results)})
    return results


def publish_results(session: Session, *, actor: User, now: datetime, plan_id: int) -> AssessmentPlan:
    """Compute and publish results for a notice (公示) of the plan's working days, skipping holidays; only once
    the plan's exams are over (its last room has ended, its last exam date is past or today)."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status == "in_progress":
        require_exams_over(session, plan, now)
    results = compute_results(session, actor=actor, now=now, plan_id=plan_id)
    today = local_date(now)
    for result in results:
        result.status, result.published_at = "published", now
    plan.status, plan.published_on = "results_published", today
    plan.notice_ends_on = notice_end_for(session, published_on=today, working_days=plan.notice_working_days)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.publish", object_type="assessment_plan",
                 object_id=plan.id, old={"status": "in_progress"},
                 new={"status": "results_published", "published_on": today.isoformat(),
                      "notice_ends_on": plan.notice_ends_on.isoformat(), "passed": sum(r.passed for r in results)})
    return plan


def require_exams_over(session: Session, plan: AssessmentPlan, now: datetime) -> None:
    """Refuse publication before the plan's last exam has ended: every room (even one left without candidates)
    and every component's exam date."""
    rooms = session.scalars(select(AssessmentSession).where(AssessmentSession.plan_id == plan.id))
    last = max(rooms, key=ends_at, default=None)
    if last is not None and now < ends_at(last):
        raise InvalidTransition(N_("The plan's last exam, in room {room}, ends at {end}: results can be published "
                                   "once it has ended.", room=last.room, end=local_text(ends_at(last))))
    days = [c.exam_on for c in plan.components if c.exam_on is not None]
    if days and local_date(now) < max(days):
        raise InvalidTransition(N_("The plan's last exam date is {day}: results can be published once the exams are "
                                   "over.", day=max(days).isoformat()))


def _in_notice(plan: AssessmentPlan, now: datetime) -> None:
    if plan.status != "results_published":
        raise InvalidTransition(N_('The assessment plan is "{status}": it is not in its notice period.',
                                   status=PLAN_STATUSES[plan.status]))
    today = local_date(now)
    if not plan.published_on <= today <= plan.notice_ends_on:
        raise InvalidTransition(N_("The notice period runs from {start} to {end}; today ({today}) is outside it.",
                                   start=plan.published_on.isoformat(), end=plan.notice_ends_on.isoformat(),
                                   today=today.isoformat()))


def lodge_objection(
    session: Session, *, actor: User, now: datetime, plan_id: int, result_id: int, lodged_by_name: str, content: str
) -> Objection:
    """Record an objection to a published result, during the notice period."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    _in_notice(plan, now)
    result = session.get(AssessmentResult, result_id)
    if result is None or result.plan_id != plan.id:
        raise NotFound(N_("This result does not belong to this plan."), field="result_id")
    name = (lodged_by_name or "").strip()
    if not name:
        raise ValidationFailed(N_("Please enter the name of the person objecting."), field="lodged_by_name")
    objection = Objection(plan_id=plan.id, result_id=result.id, lodged_by_name=name[:50], lodged_on=local_date(now),
                          content=check_reason(content, field="content", what=N_("the content of the objection")), status="open",
                          recorded_by_id=actor.id, created_at=now)
    session.add(objection)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.objection", object_type="assessment_objection",
                 object_id=objection.id, new={"plan_id": plan.id, "result_id": result.id, "by": objection.lodged_by_name})
    return objection


def resolve_objection(
    session: Session, *, actor: User, now: datetime, objection_id: int, upheld: bool, resolution: str,
    corrections: Mapping[str, str | Decimal] | None = None,
) -> Objection:
    """Dismiss an objection, or uphold it by correcting component scores (the result is recomputed)."""
    objection = get_or_not_found(session, Objection, objection_id, N_("The objection does not exist."))
    plan = plan_for_staff(session, actor=actor, plan_id=objection.plan_id)
    if objection.status != "open" or plan.status != "results_published":
        raise InvalidTransition(N_("The objection has already been dealt with."))
    text = check_reason(resolution, field="resolution", what=N_("the resolution"))
    result = objection.result
    old = {"passed": result.passed, "scores": {c.component: _text(c.score) for c in result.components}}
    if upheld:
        _apply_corrections(result, corrections or {}, text)
        result.change_reason = text
    objection.status = "upheld" if upheld else "dismissed"
    objection.resolution, objection.resolved_by_id, objection.resolved_at = text, actor.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action=f"assessment.objection_{objection.status}",
                 object_type="assessment_result", object_id=result.id, old=old,
                 new={"passed": result.passed, "scores": {c.component: _text(c.score) for c in result.components}},
                 note=text)
    return objection


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _apply_corrections(result: AssessmentResult, corrections: Mapping[str, str | Decimal], reason: str) -> None:
    by_component = {c.component: c for c in result.components}
    parsed = {}
    for component, raw in corrections.items():
        if component not in by_component:
            raise ValidationFailed(N_("The result has no component {component}.", component=component), field="corrections")
        parsed[component] = parse_score(raw)
    changed = {c: score for c, score in parsed.items() if score != by_component[c].score}
    if not changed:
        raise ValidationFailed(N_("Upholding an objection means correcting the score of at least one component."),
                               field="corrections")
    for component, score in changed.items():
        row = by_component[component]
        row.score, row.absent, row.passed = score, False, score >= row.pass_mark
        row.corrected_reason = reason[:500]
    outcomes = [ComponentOutcome(c.component, c.score, c.pass_mark, c.required) for c in result.components]
    result.passed = overall_passed(outcomes)


def finalise_plan(session: Session, *, actor: User, now: datetime, plan_id: int) -> AssessmentPlan:
    """After the notice, with no open objection: results become final and passing ones enter the level history."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status != "results_published":
        raise InvalidTransition(N_('The assessment plan is "{status}": its results cannot be confirmed.',
                                   status=PLAN_STATUSES[plan.status]))
    today = local_date(now)
    if today <= plan.notice_ends_on:
        first = plan.notice_ends_on + timedelta(days=1)
        raise InvalidTransition(N_("The notice period ends on {end}: results can be confirmed from {first}.",
                                   end=plan.notice_ends_on.isoformat(), first=first.isoformat()))
    open_count = session.scalar(select(func.count(Objection.id)).where(Objection.plan_id == plan.id,
                                                                       Objection.status == "open"))
    if open_count:
        raise InvalidTransition(N_("There are still {count} open objections: results cannot be confirmed.",
                                   count=open_count))
    results = list(session.scalars(select(AssessmentResult).where(AssessmentResult.plan_id == plan.id)))
    grade = grade_for_digit(plan.level_digit)
    for result in results:
        result.status, result.finalised_at = "final", now
        if result.passed:
            award = record_level_award(
                session, actor=actor, now=now, person_id=result.person_id, occupation_code=plan.occupation.code,
                occupation_name=plan.occupation.name, grade_key=grade.key, level_digit=plan.level_digit,
                route="exam", awarded_on=today, awarded_by_org_id=plan.organisation_id,
                source_type="assessment_result", source_id=result.id, note=plan.title[:500],
            )
            result.level_award_id, result.ready_for_certificate = award.id, True
    plan.status, plan.finalised_at = "finalised", now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.finalise", object_type="assessment_plan",
                 object_id=plan.id, old={"status": "results_published"},
                 new={"status": "finalised", "final": len(results), "passed": sum(r.passed for r in results)})
    return plan


def list_results(session: Session, *, actor: User, plan_id: int) -> list[AssessmentResult]:
    """A plan's results in ticket order (plan in the actor's scope)."""
    plan = plan_visible(session, actor=actor, plan_id=plan_id)
    stmt = (select(AssessmentResult).join(Registration).where(AssessmentResult.plan_id == plan.id)
            .order_by(Registration.ticket_number, AssessmentResult.id))
    return list(session.scalars(stmt))


def list_objections(session: Session, *, plan_id: int) -> list[Objection]:
    """A plan's objections, newest first (callers check scope)."""
    return list(session.scalars(select(Objection).where(Objection.plan_id == plan_id).order_by(Objection.id.desc())))


# --- interface for certificates (issue 6) ------------------------------------------------------------


def final_passing_results(session: Session, *, plan_id: int) -> list[AssessmentResult]:
    """A plan's results that are final and passed, ready for certificates, in ticket order."""
    stmt = (select(AssessmentResult).join(Registration)
            .where(AssessmentResult.plan_id == plan_id, AssessmentResult.status == "final",
                   AssessmentResult.passed.is_(True), AssessmentResult.ready_for_certificate.is_(True))
            .order_by(Registration.ticket_number, AssessmentResult.id))
    return list(session.scalars(stmt))


def result_for_certificate(session: Session, *, result_id: int) -> AssessmentResult:
    """One result to issue a certificate from; refused unless it is final and passed."""
    result = get_or_not_found(
        session, AssessmentResult, result_id, N_("The assessment result does not exist.")
    )
    if result.status != "final":
        raise InvalidTransition(N_("The assessment result has not been confirmed after its notice period: no certificate "
                                   "can be issued yet."))
    if not result.passed or not result.ready_for_certificate:
        raise InvalidTransition(N_("The candidate did not pass the assessment: no certificate can be issued."))
    return result
