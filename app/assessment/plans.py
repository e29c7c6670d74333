"""Assessment plans: made within the organisation's filing scope, components copied from the standard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import EvaluationFiling, FilingScope, User
from app.assessment.models import AssessmentPlan, AssessmentSession, PlanComponent
from app.assessment.scope import (
    check_reason,
    is_admin,
    plan_for_staff,
    plan_visible,
    require_staff,
)
from app.assessment.vocabulary import PLAN_STATUSES, PLAN_TRANSITIONS
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS, Occupation
from app.clock import local_date
from app.errors import InvalidTransition, NotFound, ValidationFailed
from app.translation import N_, in_chinese, joined

EDITABLE = ("draft", "open", "closed")


def _in_filing_scope(session: Session, organisation_id: int, occupation_code: str, level_digit: int) -> bool:
    row = session.scalar(
        select(FilingScope.id).join(EvaluationFiling).where(
            EvaluationFiling.organisation_id == organisation_id,
            FilingScope.occupation_code == occupation_code,
            FilingScope.level_digit == level_digit,
        )
    )
    return row is not None


def _fee(value: Decimal | str | int | None) -> Decimal:
    try:
        fee = Decimal(str(value if value not in (None, "") else 0)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("The fee must be an amount in yuan."), field="fee_yuan") from exc
    if fee < 0 or fee > Decimal("99999999"):
        raise ValidationFailed(N_("The fee must be 0 yuan or more."), field="fee_yuan")
    return fee


def create_plan(
    session: Session,
    *,
    actor: User,
    now: datetime,
    occupation_id: int,
    level_digit: int,
    registration_deadline: date,
    venue: str,
    fee_yuan: Decimal | str | int = 0,
    variant_name: str | None = None,
    title: str | None = None,
    exam_dates: Mapping[str, date] | None = None,
    notice_working_days: int = 5,
    retake_months: int = 12,
) -> AssessmentPlan:
    """Plan an assessment; refused outside the organisation's filing scope, components from the current standard."""
    require_staff(actor)
    occupation = session.get(Occupation, occupation_id)
    if occupation is None:
        raise NotFound(N_("The occupation does not exist."), field="occupation_id")
    if isinstance(level_digit, bool) or level_digit not in (1, 2, 3, 4, 5):
        raise ValidationFailed(N_("The level must be 1 to 5, not {level}.", level=repr(level_digit)), field="level_digit")
    label = level_label(level_digit)
    if not _in_filing_scope(session, actor.organisation_id, occupation.code, level_digit):
        raise ValidationFailed(
            N_("Your organisation is not filed to assess {occupation} ({code}) at {level}, so it cannot plan this "
               "assessment.", occupation=occupation.name, code=occupation.code, level=label), field="level_digit"
        )
    standard = occupation.current_standard
    standard_level = standard.level(level_digit) if standard else None
    if standard_level is None:
        raise ValidationFailed(N_("The current skill standard of {occupation} has no {level}.", occupation=occupation.name,
                                  level=label), field="level_digit")
    variant = (variant_name or "").strip() or None
    if variant is not None and variant not in {v.name for v in occupation.variants}:
        raise ValidationFailed(N_('{occupation} has no type of work or specialisation named "{variant}".',
                                  occupation=occupation.name, variant=variant), field="variant_name")
    venue = (venue or "").strip()
    if not venue:
        raise ValidationFailed(N_("Please enter the assessment venue."), field="venue")
    if registration_deadline < local_date(now):
        raise ValidationFailed(N_("The registration deadline {deadline} is before today.",
                                  deadline=registration_deadline.isoformat()), field="registration_deadline")
    if not 1 <= notice_working_days <= 60 or not 0 <= retake_months <= 60:
        raise ValidationFailed(N_("The notice period (1 to 60 working days) or the score retention period (0 to 60 "
                                  "months) is out of range."), field="notice_working_days")
    # A plan's title is its official (Chinese) name, whatever the language of the person planning it.
    default_title = f"{occupation.name}{f'（{variant}）' if variant else ''}{in_chinese(label)}职业技能等级认定"
    plan = AssessmentPlan(
        organisation_id=actor.organisation_id, occupation_id=occupation.id, standard_id=standard.id,
        variant_name=variant, level_digit=level_digit, title=((title or "").strip() or default_title)[:200],
        status="draft", registration_deadline=registration_deadline, venue=venue[:200], fee_yuan=_fee(fee_yuan),
        notice_working_days=notice_working_days, retake_months=retake_months, created_by_id=actor.id,
        created_at=now,
    )
    dates = dict(exam_dates or {})
    plan.components = [
        PlanComponent(component=c.component, pass_mark=Decimal(c.pass_mark).quantize(Decimal("0.1")), required=c.required,
                      exam_on=dates.get(c.component))
        for c in standard_level.components
    ]
    _check_exam_dates(plan, local_date(now))
    session.add(plan)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="assessment_plan.create", object_type="assessment_plan",
        object_id=plan.id,
        new={"occupation": occupation.code, "variant": variant, "level_digit": level_digit, "title": plan.title,
             "registration_deadline": registration_deadline.isoformat(), "fee_yuan": str(plan.fee_yuan),
             "components": [(c.component, str(c.pass_mark), c.required) for c in plan.components]},
    )
    return plan


def _check_exam_dates(plan: AssessmentPlan, today: date | None = None) -> None:
    for component in plan.components:
        if today is not None and component.exam_on is not None and component.exam_on < today:
            raise ValidationFailed(N_("The exam date of {component}, {day}, is before today.",
                                      component=COMPONENT_LABELS[component.component],
                                      day=component.exam_on.isoformat()), field="exam_on")
        if component.exam_on is not None and component.exam_on <= plan.registration_deadline:
            raise ValidationFailed(
                N_("The exam date of {component}, {day}, must be after the registration deadline {deadline}.",
                   component=COMPONENT_LABELS[component.component], day=component.exam_on.isoformat(),
                   deadline=plan.registration_deadline.isoformat()), field="exam_on",
            )


def _check_rooms_on(session: Session, item: PlanComponent, exam_on: date | None) -> None:
    """Refuse moving a component's exam day away from rooms already arranged on another day."""
    if exam_on is None:
        return
    rooms = session.scalars(select(AssessmentSession).where(AssessmentSession.plan_component_id == item.id))
    away = [r for r in rooms if local_date(r.starts_at) != exam_on]
    if away:
        raise ValidationFailed(N_("Rooms of {component} are arranged on another day ({rooms}): move or delete them "
                                  "before changing the exam date.", component=COMPONENT_LABELS[item.component],
                                  rooms=joined(f"{r.room} {local_date(r.starts_at).isoformat()}" for r in away)),
                               field="exam_on")


def schedule_component(
    session: Session, *, actor: User, now: datetime, plan_id: int, component: str, exam_on: date | None,
    exam_time: str | None = None,
) -> PlanComponent:
    """Set when a component is held; only before exams begin."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status not in EDITABLE:
        raise InvalidTransition(N_('The assessment plan is "{status}": exam dates can no longer be changed.',
                                   status=PLAN_STATUSES[plan.status]))
    item = plan.component(component)
    if item is None:
        raise NotFound(N_("This plan has no such component."), field="component")
    old = {"exam_on": item.exam_on.isoformat() if item.exam_on else None, "exam_time": item.exam_time}
    moved = exam_on != item.exam_on
    _check_rooms_on(session, item, exam_on)
    item.exam_on, item.exam_time = exam_on, ((exam_time or "").strip() or None)
    _check_exam_dates(plan, local_date(now) if moved else None)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="assessment_plan.schedule", object_type="assessment_plan",
        object_id=plan.id, old=old,
        new={"component": component, "exam_on": exam_on.isoformat() if exam_on else None, "exam_time": item.exam_time},
    )
    return item


DEADLINE_EDITABLE = ("draft", "open")  # registrations are checked as of the deadline: fixed once registration closes


def change_registration_deadline(
    session: Session, *, actor: User, now: datetime, plan_id: int, registration_deadline: date | None,
) -> AssessmentPlan:
    """Move the registration deadline while registration is being prepared or open: not before today, and before
    every exam date of the plan (the milestones keep their order: deadline, exams, results notice)."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status not in DEADLINE_EDITABLE:
        raise InvalidTransition(N_('The assessment plan is "{status}": the registration deadline can no longer be '
                                   "changed.", status=PLAN_STATUSES[plan.status]), field="registration_deadline")
    if registration_deadline is None:
        raise ValidationFailed(N_("Please enter the registration deadline."), field="registration_deadline")
    if registration_deadline < local_date(now):
        raise ValidationFailed(N_("The registration deadline {deadline} is before today.",
                                  deadline=registration_deadline.isoformat()), field="registration_deadline")
    for component in plan.components:
        if component.exam_on is not None and component.exam_on <= registration_deadline:
            raise ValidationFailed(
                N_("The registration deadline {deadline} must be before the exam date of {component}, {day}: move "
                   "the exam date first, or choose an earlier deadline.", deadline=registration_deadline.isoformat(),
                   component=COMPONENT_LABELS[component.component], day=component.exam_on.isoformat()),
                field="registration_deadline")
    old = plan.registration_deadline
    if old == registration_deadline:
        return plan
    plan.registration_deadline = registration_deadline
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_plan.deadline", object_type="assessment_plan",
                 object_id=plan.id, old={"registration_deadline": old.isoformat()},
                 new={"registration_deadline": registration_deadline.isoformat()})
    return plan


def transition_plan(
    session: Session, *, actor: User, now: datetime, plan_id: int, action: str, reason: str | None = None
) -> AssessmentPlan:
    """Open or close registration, start the exams, or cancel (with a reason)."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if action not in PLAN_TRANSITIONS:
        raise ValidationFailed(N_("Unknown action: {action}.", action=action), field="action")
    sources, target = PLAN_TRANSITIONS[action]
    if plan.status not in sources:
        raise InvalidTransition(N_('The assessment plan is "{status}" and cannot become "{target}".',
                                   status=PLAN_STATUSES[plan.status], target=PLAN_STATUSES[target]))
    if action == "open" and plan.registration_deadline < local_date(now):
        raise InvalidTransition(N_("The registration deadline {deadline} has passed: change the deadline first.",
                                   deadline=plan.registration_deadline.isoformat()))
    if action == "start":
        missing = [COMPONENT_LABELS[c.component] for c in plan.components if c.exam_on is None]
        if missing:
            raise InvalidTransition(N_("These components have no exam date yet: {components}.",
                                       components=joined(missing)))
        if not any(r.admitted for r in plan.registrations):
            raise InvalidTransition(N_("The plan has no candidate admitted to the assessment."))
    if action == "cancel":
        plan.cancel_reason = check_reason(reason, what=N_("the reason for cancelling"))
    old = plan.status
    plan.status = target
    session.flush()
    record_event(
        session, actor=actor, now=now, action=f"assessment_plan.{action}", object_type="assessment_plan",
        object_id=plan.id, old={"status": old}, new={"status": target}, note=plan.cancel_reason if action == "cancel" else None,
    )
    return plan


def get_plan(session: Session, *, actor: User, plan_id: int) -> AssessmentPlan:
    """One plan in the actor's scope."""
    return plan_visible(session, actor=actor, plan_id=plan_id)


def list_plans(session: Session, *, actor: User, status: str | None = None) -> list[AssessmentPlan]:
    """Plans of the actor's organisation (every plan for administrators), newest first."""
    stmt = select(AssessmentPlan).order_by(AssessmentPlan.id.desc())
    if not is_admin(actor):
        stmt = stmt.where(AssessmentPlan.organisation_id == actor.organisation_id)
    if status:
        stmt = stmt.where(AssessmentPlan.status == status)
    return list(session.scalars(stmt))


def plannable_scopes(session: Session, *, actor: User) -> list[tuple[Occupation, int]]:
    """The (occupation, level) pairs the actor's organisation is filed to assess, for plan forms."""
    rows = session.execute(
        select(FilingScope.occupation_code, FilingScope.level_digit).join(EvaluationFiling)
        .where(EvaluationFiling.organisation_id == actor.organisation_id)
        .order_by(FilingScope.occupation_code, FilingScope.level_digit.desc())
    ).all()
    codes = {code for code, _ in rows}
    occupations = {o.code: o for o in session.scalars(
        select(Occupation).where(Occupation.code.in_(codes), Occupation.active.is_(True)).order_by(Occupation.edition)
    )}
    return [(occupations[code], digit) for code, digit in rows if code in occupations]
