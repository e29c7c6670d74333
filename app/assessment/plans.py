"""Assessment plans: made within the organisation's filing scope, components copied from the standard."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import EvaluationFiling, FilingScope, User
from app.assessment.models import AssessmentPlan, PlanComponent
from app.assessment.scope import (
    check_reason,
    is_admin,
    local_date,
    plan_for_staff,
    plan_visible,
    require_staff,
)
from app.assessment.vocabulary import PLAN_STATUSES, PLAN_TRANSITIONS
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS, Occupation
from app.errors import InvalidTransition, NotFound, ValidationFailed

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
        raise ValidationFailed("收费标准应为金额（元）", field="fee_yuan") from exc
    if fee < 0 or fee > Decimal("99999999"):
        raise ValidationFailed("收费标准应在 0 元及以上", field="fee_yuan")
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
        raise NotFound("职业不存在", field="occupation_id")
    if isinstance(level_digit, bool) or level_digit not in (1, 2, 3, 4, 5):
        raise ValidationFailed(f"等级应为 1–5，实际为 {level_digit!r}", field="level_digit")
    label = level_label(level_digit)
    if not _in_filing_scope(session, actor.organisation_id, occupation.code, level_digit):
        raise ValidationFailed(
            f"本机构未备案评价{occupation.name}（{occupation.code}）{label}，不能制定该评价计划", field="level_digit"
        )
    standard = occupation.current_standard
    standard_level = standard.level(level_digit) if standard else None
    if standard_level is None:
        raise ValidationFailed(f"{occupation.name}现行职业技能标准中没有{label}", field="level_digit")
    variant = (variant_name or "").strip() or None
    if variant is not None and variant not in {v.name for v in occupation.variants}:
        raise ValidationFailed(f"{occupation.name}没有名为“{variant}”的工种或职业方向", field="variant_name")
    venue = (venue or "").strip()
    if not venue:
        raise ValidationFailed("请填写考核地点", field="venue")
    if registration_deadline < local_date(now):
        raise ValidationFailed(f"报名截止日期 {registration_deadline.isoformat()} 早于今天", field="registration_deadline")
    if not 1 <= notice_working_days <= 60 or not 0 <= retake_months <= 60:
        raise ValidationFailed("公示天数或成绩保留期设置超出范围", field="notice_working_days")
    default_title = f"{occupation.name}{f'（{variant}）' if variant else ''}{label}职业技能等级认定"
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
    _check_exam_dates(plan)
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


def _check_exam_dates(plan: AssessmentPlan) -> None:
    for component in plan.components:
        if component.exam_on is not None and component.exam_on <= plan.registration_deadline:
            raise ValidationFailed(
                f"{COMPONENT_LABELS[component.component]}考试日期 {component.exam_on.isoformat()} "
                f"应晚于报名截止日期 {plan.registration_deadline.isoformat()}", field="exam_on",
            )


def schedule_component(
    session: Session, *, actor: User, now: datetime, plan_id: int, component: str, exam_on: date | None,
    exam_time: str | None = None,
) -> PlanComponent:
    """Set when a component is held; only before exams begin."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    _require_status(plan, EDITABLE, "调整考试日期")
    item = plan.component(component)
    if item is None:
        raise NotFound("该计划没有此考核项目", field="component")
    old = {"exam_on": item.exam_on.isoformat() if item.exam_on else None, "exam_time": item.exam_time}
    item.exam_on, item.exam_time = exam_on, ((exam_time or "").strip() or None)
    _check_exam_dates(plan)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="assessment_plan.schedule", object_type="assessment_plan",
        object_id=plan.id, old=old,
        new={"component": component, "exam_on": exam_on.isoformat() if exam_on else None, "exam_time": item.exam_time},
    )
    return item


def _require_status(plan: AssessmentPlan, allowed: tuple[str, ...], doing: str) -> None:
    if plan.status not in allowed:
        raise InvalidTransition(f"评价计划当前状态为“{PLAN_STATUSES[plan.status]}”，不能{doing}")


def transition_plan(
    session: Session, *, actor: User, now: datetime, plan_id: int, action: str, reason: str | None = None
) -> AssessmentPlan:
    """Open or close registration, start the exams, or cancel (with a reason)."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if action not in PLAN_TRANSITIONS:
        raise ValidationFailed(f"未知的操作：{action}", field="action")
    sources, target = PLAN_TRANSITIONS[action]
    if plan.status not in sources:
        raise InvalidTransition(
            f"评价计划当前状态为“{PLAN_STATUSES[plan.status]}”，不能变为“{PLAN_STATUSES[target]}”"
        )
    if action == "open" and plan.registration_deadline < local_date(now):
        raise InvalidTransition(f"报名截止日期 {plan.registration_deadline.isoformat()} 已过，请先修改截止日期")
    if action == "start":
        missing = [COMPONENT_LABELS[c.component] for c in plan.components if c.exam_on is None]
        if missing:
            raise InvalidTransition(f"以下考核项目尚未确定考试日期：{'、'.join(missing)}")
        if not any(r.admitted for r in plan.registrations):
            raise InvalidTransition("该计划没有可参加考核的考生")
    if action == "cancel":
        plan.cancel_reason = check_reason(reason, what="取消原因")
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
