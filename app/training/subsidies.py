"""Apprenticeship subsidies: the rate schedule (data), what each apprenticeship is due, and the payment ledger.

Rule (DOMAIN.md §6, Anshan 2022): amount per person-year × planned years; up to 50 % advanced once filed,
the rest after completion with a certificate at the target level or above; nothing for a terminated
apprentice, whose advance must be recovered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.clock import local_date
from app.errors import NotAllowed, ValidationFailed
from app.people.models import LevelAward
from app.regions import LIAONING_CITIES, city_name
from app.training.apprenticeship_models import Apprenticeship, SubsidyPayment, SubsidyRate
from app.training.apprenticeships import get_apprenticeship, scope_clause
from app.training.vocabulary import PAYMENT_KINDS
from app.translation import N_, Message

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
ADVANCE_SHARE = Decimal("0.5")
ADVANCE_STATES = ("filed", "in_training", "completed")
# Seed schedule. 中级工 and 高级工 are Anshan's 2022 amounts; 技师/高级技师 at 6,000 is an assumption (no source).
DEFAULT_RATES = (
    (4, Decimal("5000"), "鞍山 2022 标准：中级工 5,000 元/人·年"),
    (3, Decimal("6000"), "鞍山 2022 标准：高级工 6,000 元/人·年"),
    (2, Decimal("6000"), "假设值：技师暂按高级工标准，待政策确认"),
    (1, Decimal("6000"), "假设值：高级技师暂按高级工标准，待政策确认"),
)
DEFAULT_FROM = date(2022, 1, 1)


def _money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def seed_subsidy_rates(session: Session, *, now: datetime, actor: User | None = None) -> int:
    """Create the default province-wide rates when the schedule is empty; returns how many were added."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may keep the subsidy rates."))
    if session.scalar(select(SubsidyRate.id).limit(1)) is not None:
        return 0
    for digit, amount, note in DEFAULT_RATES:
        session.add(SubsidyRate(level_digit=digit, city_code=None, amount_per_year=amount,
                                effective_from=DEFAULT_FROM, effective_to=None, note=note, created_at=now))
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_rate.seed", object_type="subsidy_rate",
                 new={"rates": [[digit, str(amount)] for digit, amount, _note in DEFAULT_RATES],
                      "from": DEFAULT_FROM.isoformat()})
    return len(DEFAULT_RATES)


def add_subsidy_rate(
    session: Session, *, actor: User, now: datetime, level_digit: int, amount_per_year: Decimal,
    effective_from: date, city_code: str | None = None, effective_to: date | None = None, note: str | None = None,
) -> SubsidyRate:
    """Add a rate row; periods of the same level and place may not overlap."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may keep the subsidy rates."))
    if level_digit not in (1, 2, 3, 4):
        raise ValidationFailed(N_("The subsidy level must be intermediate worker to senior technician (levels 4–1)."),
                               field="level_digit")
    if city_code and city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("The city must be a prefecture-level city of Liaoning."), field="city_code")
    if amount_per_year < 0:
        raise ValidationFailed(N_("The subsidy amount cannot be negative."), field="amount_per_year")
    if effective_to is not None and effective_to < effective_from:
        raise ValidationFailed(N_("The end date is before the start date."), field="effective_to")
    clash = session.scalar(select(SubsidyRate).where(
        SubsidyRate.level_digit == level_digit,
        SubsidyRate.city_code.is_(None) if not city_code else SubsidyRate.city_code == city_code,
        or_(SubsidyRate.effective_to.is_(None), SubsidyRate.effective_to >= effective_from),
        *([SubsidyRate.effective_from <= effective_to] if effective_to else []),
    ))
    if clash is not None:
        raise ValidationFailed(
            N_("The period overlaps the existing rate (from {start}, {amount} yuan). Give the old rate an end date "
               "first.", start=clash.effective_from.isoformat(), amount=_money(clash.amount_per_year)),
            field="effective_from")
    rate = SubsidyRate(level_digit=level_digit, city_code=city_code or None, amount_per_year=_money(amount_per_year),
                       effective_from=effective_from, effective_to=effective_to, note=(note or "").strip() or None,
                       created_at=now)
    session.add(rate)
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_rate.create", object_type="subsidy_rate",
                 object_id=rate.id, new={"level": level_digit, "city": city_code, "amount": str(rate.amount_per_year),
                                         "from": effective_from.isoformat(),
                                         "to": effective_to.isoformat() if effective_to else None})
    return rate


def list_rates(session: Session) -> list[SubsidyRate]:
    """The whole schedule."""
    return list(session.scalars(select(SubsidyRate).order_by(SubsidyRate.level_digit.desc(),
                                                             SubsidyRate.city_code, SubsidyRate.effective_from)))


def rate_for(session: Session, *, level_digit: int, city_code: str | None, on: date) -> SubsidyRate | None:
    """The rate in force on a date: the city's own if it has one, else the province-wide one."""
    stmt = select(SubsidyRate).where(
        SubsidyRate.level_digit == level_digit, SubsidyRate.effective_from <= on,
        or_(SubsidyRate.effective_to.is_(None), SubsidyRate.effective_to >= on),
        or_(SubsidyRate.city_code.is_(None), SubsidyRate.city_code == city_code),
    )
    rates = list(session.scalars(stmt))
    return next((r for r in rates if r.city_code), None) or next(iter(rates), None)


def has_target_certificate(session: Session, record: Apprenticeship) -> bool:
    """A level at the target or above in the occupation, awarded since the apprenticeship began."""
    return session.scalar(select(LevelAward.id).where(
        LevelAward.person_id == record.person_id, LevelAward.occupation_code == record.occupation.code,
        LevelAward.level_digit.is_not(None), LevelAward.level_digit <= record.target_level_digit,
        LevelAward.awarded_on >= record.planned_start,
    ).limit(1)) is not None


@dataclass(frozen=True)
class SubsidyPosition:
    """Where one apprenticeship stands: what is due, paid, payable now and to be recovered."""

    apprenticeship: Apprenticeship
    rate: Decimal | None
    total: Decimal  # amount × planned years, whatever happens
    due: Decimal  # what the enterprise is entitled to (0 once terminated)
    advanced: Decimal
    final_paid: Decimal
    recovered: Decimal
    advance_payable: Decimal
    final_payable: Decimal
    to_recover: Decimal
    certified: bool

    @property
    def paid(self) -> Decimal:
        """Advances and final payments, less what was recovered."""
        return self.advanced + self.final_paid - self.recovered

    @property
    def outstanding(self) -> Decimal:
        """Entitlement not yet paid."""
        return max(self.due - self.advanced - self.final_paid, ZERO)


def _sums(payments: Iterable[SubsidyPayment]) -> dict[str, Decimal]:
    sums = dict.fromkeys(PAYMENT_KINDS, ZERO)
    for payment in payments:
        sums[payment.kind] += payment.amount
    return sums


def subsidy_position(session: Session, record: Apprenticeship) -> SubsidyPosition:
    """Compute an apprenticeship's subsidy position from the rate schedule, its state and its ledger."""
    rate = rate_for(session, level_digit=record.target_level_digit, city_code=record.enterprise.city_code,
                    on=record.planned_start)
    amount = rate.amount_per_year if rate else None
    total = _money(amount * Decimal(record.planned_months) / Decimal(12)) if amount is not None else ZERO
    sums = _sums(record.payments)
    advanced, final_paid, recovered = sums["advance"], sums["final"], sums["recovery"]
    terminated = record.status == "terminated"
    certified = record.status == "completed" and has_target_certificate(session, record)
    due = ZERO if terminated else total
    cap = _money(total * ADVANCE_SHARE)
    advance_payable = max(cap - advanced, ZERO) if record.status in ADVANCE_STATES and not certified else ZERO
    final_payable = max(due - advanced - final_paid, ZERO) if certified else ZERO
    to_recover = max(advanced + final_paid - recovered, ZERO) if terminated else ZERO
    return SubsidyPosition(record, amount, total, due, advanced, final_paid, recovered, advance_payable,
                           final_payable, to_recover, certified)


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = _money(Decimal(str(value).replace(",", "")))
    except InvalidOperation as exc:
        raise ValidationFailed(N_("The amount must be a number, such as 5000."), field="amount") from exc
    if amount <= 0:
        raise ValidationFailed(N_("The amount must be more than 0."), field="amount")
    return amount


def record_subsidy_payment(
    session: Session, *, actor: User, now: datetime, apprenticeship_id: int, kind: str, amount: Decimal | str,
    paid_on: date, reference: str | None = None,
) -> SubsidyPayment:
    """Book an advance, a final payment or a recovery, never more than the position allows."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may record subsidy payments."))
    record = get_apprenticeship(session, actor=actor, apprenticeship_id=apprenticeship_id)
    if kind not in PAYMENT_KINDS:
        raise ValidationFailed(N_("Unknown payment kind: {kind}.", kind=kind), field="kind")
    amount = _amount(amount)
    if paid_on > local_date(now):
        raise ValidationFailed(N_("The payment date cannot be after today."), field="paid_on")
    position = subsidy_position(session, record)
    allowed = {"advance": position.advance_payable, "final": position.final_payable,
               "recovery": position.to_recover}[kind]
    if amount > allowed:
        raise ValidationFailed(_over_message(kind, amount, allowed, position), field="amount")
    payment = SubsidyPayment(kind=kind, amount=amount, paid_on=paid_on, reference=(reference or "").strip() or None,
                             recorded_at=now, recorded_by_id=actor.id)
    record.payments.append(payment)
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy.payment", object_type="apprenticeship",
                 object_id=record.id, new={"kind": kind, "amount": str(amount), "paid_on": paid_on.isoformat()})
    return payment


def _over_message(kind: str, amount: Decimal, allowed: Decimal, position: SubsidyPosition) -> Message:
    if kind == "advance":
        return N_("The advance of {amount} yuan exceeds the {allowed} yuan that may be advanced (half the total "
                  "subsidy of {total} yuan, {advanced} yuan already advanced; the apprenticeship must be filed and "
                  "not yet settled).", amount=amount, allowed=allowed, total=position.total,
                  advanced=position.advanced)
    if kind == "final":
        if not position.certified:
            return N_("The final payment comes only after the apprentice completed training and holds a certificate "
                      "at the target level (or higher).")
        return N_("The final payment of {amount} yuan exceeds the {allowed} yuan still due.", amount=amount,
                  allowed=allowed)
    return N_("The recovery of {amount} yuan exceeds the {allowed} yuan to recover.", amount=amount, allowed=allowed)


def _total(name: str, doc: str) -> property:
    """A property summing one field of every position."""
    return property(lambda self: sum((getattr(p, name) for p in self.positions), ZERO), doc=doc)


@dataclass
class EnterpriseSubsidy:
    """Totals for one enterprise."""

    enterprise: Organisation
    positions: list[SubsidyPosition] = field(default_factory=list)

    due = _total("due", "Entitlement of every apprenticeship.")
    advanced = _total("advanced", "Advances paid.")
    outstanding = _total("outstanding", "Entitlement not yet paid.")
    to_recover = _total("to_recover", "Money to claw back from terminated apprenticeships.")


def subsidy_summary(session: Session, *, actor: User) -> list[EnterpriseSubsidy]:
    """Subsidy positions of the apprenticeships in the actor's scope, grouped by enterprise."""
    groups: dict[int, EnterpriseSubsidy] = {}
    records = session.scalars(select(Apprenticeship).where(scope_clause(actor)).order_by(Apprenticeship.id))
    for record in records:
        group = groups.setdefault(record.enterprise_id, EnterpriseSubsidy(record.enterprise))
        group.positions.append(subsidy_position(session, record))
    return sorted(groups.values(), key=lambda g: g.enterprise.name)


def rate_label(rate: SubsidyRate) -> Message:
    """'四级/中级工 · 全省' style label of a rate row."""
    place = city_name(rate.city_code) if rate.city_code else N_("whole province")
    return N_("{level} · {place}", level=level_label(rate.level_digit), place=place)
