"""Seasonal contracts confirmed by both parties, the daily hours the worker confirms, and wage payments.

The employer (enterprise HR) confirms online; a worker has no account yet, so they confirm before township staff
(in person or with an SMS code), and the staff member who took the confirmation is recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role, scope_by_role
from app.audit.services import record_event
from app.certification.rendering import chinese_date, render_design_pdf
from app.clock import LOCAL_ZONE, local_date
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.labour.models import Assignment, DemandSlot, LabourDemand, SeasonalContract, WagePayment, WorkLog
from app.labour.seasonal import parse_money, require_staff
from app.labour.vocabulary import COVER_KINDS_ZH, PAY_KINDS_ZH, TASKS_ZH
from app.translation import N_

STANDARD_DAY_HOURS = Decimal(8)  # a day's pay is for eight hours
WORKER_METHODS = ("in_person", "sms_code")
CENT = Decimal("0.01")


def contract_scope(actor: User) -> ColumnElement[bool]:
    """Contracts the actor may see: their enterprise's, or every one for staff."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: SeasonalContract.demand_id.in_(
        select(LabourDemand.id).where(LabourDemand.enterprise_id == actor.organisation_id))})


def get_contract(session: Session, *, actor: User, contract_id: int) -> SeasonalContract:
    """A contract in the actor's scope."""
    contract = session.scalar(select(SeasonalContract).where(SeasonalContract.id == contract_id,
                                                             contract_scope(actor)))
    if contract is None:
        raise NotFound(N_("The seasonal contract does not exist or is outside your data scope."))
    return contract


def list_contracts(session: Session, *, actor: User, worker_id: int | None = None,
                   limit: int = 500) -> list[SeasonalContract]:
    """Contracts in scope, newest first."""
    stmt = select(SeasonalContract).where(contract_scope(actor)).order_by(SeasonalContract.id.desc()).limit(limit)
    if worker_id:
        stmt = stmt.where(SeasonalContract.worker_id == worker_id)
    return list(session.scalars(stmt))


def _employer(actor: User, contract: SeasonalContract) -> None:
    if not (actor.has_role(Role.ENTERPRISE_HR) and actor.organisation_id == contract.demand.enterprise_id):
        raise NotAllowed(N_("Only HR of the employing enterprise may do this for the employer."))


def _finish(session: Session, contract: SeasonalContract) -> None:
    if contract.employer_confirmed_at and contract.worker_confirmed_at:
        contract.status = "confirmed"
        slot_ids = select(DemandSlot.id).where(DemandSlot.demand_id == contract.demand_id)
        for a in session.scalars(select(Assignment).where(Assignment.worker_id == contract.worker_id,
                                                          Assignment.slot_id.in_(slot_ids))):
            a.status = "confirmed"


def confirm_as_employer(session: Session, *, actor: User, now: datetime, contract_id: int) -> SeasonalContract:
    """The employer confirms the contract online."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    _employer(actor, contract)
    if contract.employer_confirmed_at is not None:
        raise InvalidTransition(N_("The employer has already confirmed this contract."))
    contract.employer_confirmed_at, contract.employer_confirmed_by_id = now, actor.id
    contract.employer_method = "online"
    _finish(session, contract)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_contract.employer_confirm",
                 object_type="labour_contract", object_id=contract.id, new={"method": "online"})
    return contract


def confirm_as_worker(session: Session, *, actor: User, now: datetime, contract_id: int,
                      method: str) -> SeasonalContract:
    """The worker confirms the contract before township staff, in person or with an SMS code."""
    require_staff(actor)
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    if method not in WORKER_METHODS:
        raise ValidationFailed(N_("Choose how the worker confirmed: in person or with an SMS code."), field="method")
    if contract.worker_confirmed_at is not None:
        raise InvalidTransition(N_("The worker has already confirmed this contract."))
    contract.worker_confirmed_at, contract.worker_confirmed_by_id, contract.worker_method = now, actor.id, method
    _finish(session, contract)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_contract.worker_confirm",
                 object_type="labour_contract", object_id=contract.id, new={"method": method})
    return contract


def contract_pdf(session: Session, *, actor: User, contract_id: int) -> bytes:
    """The contract as a Chinese PDF (parties, period, task, pay, cover and both confirmations)."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    demand, worker, cover = contract.demand, contract.worker, contract.cover
    unit = "元/天" if demand.pay_kind == "day" else "元/件"

    def confirmed(at: datetime | None, method: str | None) -> str:
        if at is None:
            return "尚未确认"
        labels = {"online": "网上确认", "in_person": "在工作人员面前当面确认", "sms_code": "短信验证码确认"}
        return f"{at.astimezone(LOCAL_ZONE).strftime('%Y-%m-%d %H:%M')}（{labels[method]}）"

    context = {
        "number": f"JC-SL-{contract.id:06d}", "employer": demand.enterprise.name, "uscc": demand.enterprise.uscc,
        "worker": worker.person.name, "id_masked": worker.person.id_masked,
        "place": f"{demand.county}{demand.township}", "task": TASKS_ZH[demand.task],
        "title": demand.title, "start": chinese_date(contract.start_date), "end": chinese_date(contract.end_date),
        "half_days": str(contract.half_days), "hours": str(demand.hours_per_half_day),
        "pay": f"{demand.pay_rate:.2f}{unit}", "pay_kind": PAY_KINDS_ZH[demand.pay_kind],
        "cover_kind": COVER_KINDS_ZH[cover.kind], "insurer": cover.insurer,
        "policy": cover.policy_number, "cover_period": f"{cover.start_date.isoformat()}至{cover.end_date.isoformat()}",
        "employer_confirmed": confirmed(contract.employer_confirmed_at, contract.employer_method),
        "worker_confirmed": confirmed(contract.worker_confirmed_at, contract.worker_method),
    }
    return render_design_pdf("labour_contract", context)


def record_hours(session: Session, *, actor: User, now: datetime, contract_id: int, day: date, hours: Decimal | str,
                 pieces: int | None = None) -> WorkLog:
    """The employer records a day's hours (and pieces, for piece pay) under a confirmed contract."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    _employer(actor, contract)
    if contract.status != "confirmed":
        raise InvalidTransition(N_("Hours can be recorded only once both parties have confirmed the contract."))
    if not contract.start_date <= day <= contract.end_date or day > local_date(now):
        raise ValidationFailed(N_("The day must lie within the contract and not after today."), field="day")
    try:
        hours = Decimal(str(hours))
    except ArithmeticError:
        raise ValidationFailed(N_("Enter the hours worked, e.g. 7.5."), field="hours") from None
    if not hours.is_finite() or not Decimal(0) < hours <= Decimal(10) or hours != hours.quantize(Decimal("0.1")):
        raise ValidationFailed(N_("A day's hours are more than 0 and at most 10 (one decimal)."), field="hours")
    if contract.demand.pay_kind == "piece" and (pieces is None or pieces < 0):
        raise ValidationFailed(N_("Piece pay: enter the number of pieces."), field="pieces")
    if session.scalar(select(WorkLog.id).where(WorkLog.contract_id == contract.id, WorkLog.day == day)):
        raise Conflict(N_("Hours for {day} are already recorded.", day=day.isoformat()), field="day")
    log = WorkLog(contract_id=contract.id, day=day, hours=hours, pieces=pieces, recorded_by_id=actor.id,
                  recorded_at=now)
    contract.work_logs.append(log)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_hours.record", object_type="labour_contract",
                 object_id=contract.id, new={"day": day.isoformat(), "hours": str(hours), "pieces": pieces})
    return log


def confirm_hours(session: Session, *, actor: User, now: datetime, log_id: int, method: str) -> WorkLog:
    """The worker confirms a day's record before township staff."""
    require_staff(actor)
    log = session.get(WorkLog, log_id)
    if log is None:
        raise NotFound(N_("The hours record does not exist."))
    if method not in WORKER_METHODS:
        raise ValidationFailed(N_("Choose how the worker confirmed: in person or with an SMS code."), field="method")
    if log.worker_confirmed_at is not None:
        raise InvalidTransition(N_("The worker has already confirmed these hours."))
    log.worker_confirmed_at, log.worker_method = now, method
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_hours.confirm", object_type="labour_contract",
                 object_id=log.contract_id, new={"day": log.day.isoformat(), "method": method})
    return log


def amount_due(contract: SeasonalContract, logs: list[WorkLog]) -> Decimal:
    """What confirmed records earn: day pay pro rata of an eight-hour day, or pieces × rate."""
    rate = contract.demand.pay_rate
    if contract.demand.pay_kind == "piece":
        total = sum((rate * (log.pieces or 0) for log in logs), Decimal(0))
    else:
        total = sum((rate * log.hours / STANDARD_DAY_HOURS for log in logs), Decimal(0))
    return Decimal(total).quantize(CENT, rounding=ROUND_HALF_UP)


def record_payment(session: Session, *, actor: User, now: datetime, contract_id: int, paid_on: date,
                   period_start: date, period_end: date, amount: Decimal | str,
                   reference: str | None = None) -> WagePayment:
    """Record a wage payment for the confirmed hours of a period; a difference to what they earn is flagged."""
    contract = get_contract(session, actor=actor, contract_id=contract_id)
    _employer(actor, contract)
    amount = parse_money(amount, "amount")
    if period_end < period_start:
        raise ValidationFailed(N_("The period ends before it starts."), field="period_end")
    if paid_on > local_date(now):
        raise ValidationFailed(N_("The payment date is after today."), field="paid_on")
    logs = [log for log in contract.work_logs if period_start <= log.day <= period_end]
    if not logs:
        raise ValidationFailed(N_("No hours are recorded in this period."), field="period_start")
    if any(log.worker_confirmed_at is None for log in logs):
        raise InvalidTransition(N_("The worker has not confirmed every day of this period yet."),
                                field="period_start")
    if any(p.period_start <= period_end and period_start <= p.period_end for p in contract.payments):
        raise Conflict(N_("A payment already covers part of this period."), field="period_start")
    due = amount_due(contract, logs)
    payment = WagePayment(contract_id=contract.id, paid_on=paid_on, period_start=period_start,
                          period_end=period_end, amount=amount, due=due, difference=amount - due,
                          flagged=amount != due, reference=(reference or "").strip()[:100] or None,
                          recorded_by_id=actor.id, recorded_at=now)
    contract.payments.append(payment)
    session.flush()
    record_event(session, actor=actor, now=now, action="labour_payment.record", object_type="labour_contract",
                 object_id=contract.id, new={"amount": str(amount), "due": str(due), "flagged": payment.flagged})
    return payment
