"""Shared employment (共享用工): agreements between a lending and a borrowing firm, and surplus/shortage posts.

The rules (人社部, 2020): the worker's labour relation with the lender does not change and the lender keeps paying
wages and social insurance; the borrower provides labour protection and reasonable hours; each worker consents;
no lending for profit — the borrower is charged at most what the workers' wages and social insurance cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import OrgKind, Role, scope_by_role
from app.audit.services import record_event
from app.clock import local_date
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.labour.seasonal import parse_money
from app.labour.sharing_models import SharedAgreement, SharedPost, SharedWorker
from app.labour.vocabulary import CONFIRM_METHODS, POST_KINDS
from app.people.access import person_in_scope
from app.regions import LIAONING_CITIES
from app.translation import N_

WEEKLY_HOURS_MAX = 44
DAYS_PER_MONTH = Decimal(30)


@dataclass(frozen=True)
class LentWorker:
    """A named worker, the wage and social insurance the lender pays each month, and their consent."""

    person_id: int
    monthly_wage: Decimal | str
    monthly_social_insurance: Decimal | str
    consented_on: date | None
    consent_method: str | None


@dataclass(frozen=True)
class AgreementTerms:
    """What the two firms agree."""

    lender_id: int
    borrower_id: int
    start_date: date
    end_date: date
    weekly_hours_cap: int
    safety_duties: str
    charge: Decimal | str
    workers: list[LentWorker] = field(default_factory=list)
    lender_pays_wages: bool = True


def agreement_scope(actor: User) -> ColumnElement[bool]:
    """Agreements the actor may see: those their firm lends or borrows under, or every one for staff."""
    return scope_by_role(actor, {Role.ENTERPRISE_HR: or_(SharedAgreement.lender_id == actor.organisation_id,
                                                         SharedAgreement.borrower_id == actor.organisation_id)})


def _firm(session: Session, org_id: int, field_name: str) -> Organisation:
    org = session.get(Organisation, org_id) if org_id else None
    if org is None or org.kind != OrgKind.ENTERPRISE:
        raise ValidationFailed(N_("Choose a registered enterprise."), field=field_name)
    return org


def period_cost(workers: list[tuple[Decimal, Decimal]], start: date, end: date) -> Decimal:
    """Wages plus social insurance of the workers over the period (a month counted as 30 days)."""
    days = Decimal((end - start).days + 1)
    total = sum(((wage + insurance) * days / DAYS_PER_MONTH for wage, insurance in workers), Decimal(0))
    return Decimal(total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _already_lent(session: Session, person_id: int, start: date, end: date) -> bool:
    return session.scalar(select(SharedWorker.id).join(SharedAgreement).where(
        SharedWorker.person_id == person_id, SharedAgreement.status == "active",
        SharedAgreement.start_date <= end, SharedAgreement.end_date >= start).limit(1)) is not None


def create_agreement(session: Session, *, actor: User, now: datetime, terms: AgreementTerms) -> SharedAgreement:
    """Record a shared-employment agreement after checking every rule; refuse lending for profit."""
    if not actor.has_role(Role.ADMIN) and not (
            actor.has_role(Role.ENTERPRISE_HR) and actor.organisation_id in (terms.lender_id, terms.borrower_id)):
        raise NotAllowed(N_("Only HR of the lending or borrowing firm, or HR & social security staff, may record "
                            "a shared-employment agreement."))
    lender = _firm(session, terms.lender_id, "lender_id")
    borrower = _firm(session, terms.borrower_id, "borrower_id")
    if lender.id == borrower.id:
        raise ValidationFailed(N_("The lending and the borrowing firm must differ."), field="borrower_id")
    if terms.end_date < terms.start_date:
        raise ValidationFailed(N_("The agreement ends before it starts."), field="end_date")
    if not 1 <= terms.weekly_hours_cap <= WEEKLY_HOURS_MAX:
        raise ValidationFailed(N_("The weekly hours cap is 1–{max} hours.", max=WEEKLY_HOURS_MAX),
                               field="weekly_hours_cap")
    duties = (terms.safety_duties or "").strip()
    if not duties:
        raise ValidationFailed(N_("State the borrowing firm's safety and labour-protection duties."),
                               field="safety_duties")
    if not terms.lender_pays_wages:
        raise ValidationFailed(N_("The lending firm keeps paying wages and social insurance; the labour relation "
                                  "does not change."), field="lender_pays_wages")
    if not terms.workers:
        raise ValidationFailed(N_("Name at least one worker."), field="workers")
    today = local_date(now)
    rows, amounts, seen = [], [], set()
    for lent in terms.workers:
        person = person_in_scope(session, actor=actor, person_id=lent.person_id)
        if person.id in seen:
            raise ValidationFailed(N_("{name} is named twice.", name=person.name), field="workers")
        seen.add(person.id)
        if person.employer_org_id != lender.id:
            raise ValidationFailed(N_("{name} is not employed by the lending firm.", name=person.name),
                                   field="workers")
        if _already_lent(session, person.id, terms.start_date, terms.end_date):
            raise ValidationFailed(N_("{name} is already lent under another agreement in this period.",
                                      name=person.name), field="workers")
        if lent.consented_on is None or lent.consent_method not in CONFIRM_METHODS or lent.consented_on > today:
            raise ValidationFailed(N_("{name}'s consent (date and how it was given) is not recorded.",
                                      name=person.name), field="workers")
        wage = parse_money(lent.monthly_wage, "workers")
        insurance = parse_money(lent.monthly_social_insurance, "workers")
        if wage <= 0:
            raise ValidationFailed(N_("{name}'s monthly wage must be more than zero.", name=person.name),
                                   field="workers")
        amounts.append((wage, insurance))
        rows.append(SharedWorker(person_id=person.id, monthly_wage=wage, monthly_social_insurance=insurance,
                                 consented_on=lent.consented_on, consent_method=lent.consent_method))
    charge = parse_money(terms.charge, "charge")
    cost = period_cost(amounts, terms.start_date, terms.end_date)
    if charge > cost:
        raise ValidationFailed(N_("The charge of {charge} yuan exceeds the workers' wages and social insurance "
                                  "for the period ({cost} yuan): lending workers for profit is not allowed.",
                                  charge=str(charge), cost=str(cost)), field="charge")
    agreement = SharedAgreement(
        lender_id=lender.id, borrower_id=borrower.id, start_date=terms.start_date, end_date=terms.end_date,
        weekly_hours_cap=terms.weekly_hours_cap, safety_duties=duties, charge=charge, cost=cost,
        lender_pays_wages=True, status="active", created_by_id=actor.id, created_at=now, workers=rows,
    )
    session.add(agreement)
    session.flush()
    record_event(session, actor=actor, now=now, action="shared_agreement.create", object_type="shared_agreement",
                 object_id=agreement.id, new={"lender_id": lender.id, "borrower_id": borrower.id,
                                              "charge": str(charge), "cost": str(cost), "workers": sorted(seen)})
    return agreement


def get_agreement(session: Session, *, actor: User, agreement_id: int) -> SharedAgreement:
    """An agreement in the actor's scope."""
    row = session.scalar(select(SharedAgreement).where(SharedAgreement.id == agreement_id, agreement_scope(actor)))
    if row is None:
        raise NotFound(N_("The agreement does not exist or is outside your data scope."))
    return row


def list_agreements(session: Session, *, actor: User) -> list[SharedAgreement]:
    """Agreements in scope, newest first."""
    return list(session.scalars(select(SharedAgreement).where(agreement_scope(actor))
                                .order_by(SharedAgreement.id.desc()).limit(300)))


def end_agreement(session: Session, *, actor: User, now: datetime, agreement_id: int) -> SharedAgreement:
    """End an agreement early (the workers return to the lender)."""
    agreement = get_agreement(session, actor=actor, agreement_id=agreement_id)
    if agreement.status != "active":
        raise InvalidTransition(N_("The agreement has already ended."))
    agreement.status = "ended"
    session.flush()
    record_event(session, actor=actor, now=now, action="shared_agreement.end", object_type="shared_agreement",
                 object_id=agreement.id, old={"status": "active"}, new={"status": "ended"})
    return agreement


def post_staffing(session: Session, *, actor: User, now: datetime, kind: str, headcount: int, city_code: str,
                  start_date: date, end_date: date, occupation_code: str | None = None,
                  skills: list[str] = ()) -> SharedPost:
    """A firm posts a surplus of staff it could lend or a shortage it would borrow for."""
    if not actor.has_role(Role.ENTERPRISE_HR):
        raise NotAllowed(N_("Only enterprise HR may post a surplus or a shortage."))
    if kind not in POST_KINDS:
        raise ValidationFailed(N_("Choose surplus or shortage."), field="kind")
    if not 1 <= headcount <= 1000:
        raise ValidationFailed(N_("The headcount must be 1–1,000."), field="headcount")
    if city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    if end_date < start_date:
        raise ValidationFailed(N_("The period ends before it starts."), field="end_date")
    post = SharedPost(organisation_id=actor.organisation_id, kind=kind, occupation_code=occupation_code or None,
                      skills=[s.strip() for s in skills if s.strip()][:20], headcount=headcount, city_code=city_code,
                      start_date=start_date, end_date=end_date, open=True, created_by_id=actor.id, created_at=now)
    session.add(post)
    session.flush()
    record_event(session, actor=actor, now=now, action="shared_post.create", object_type="shared_post",
                 object_id=post.id, new={"kind": kind, "headcount": headcount, "occupation": occupation_code})
    return post


def list_posts(session: Session, *, actor: User) -> list[SharedPost]:
    """Open posts: everyone signed in sees them (that is the point of posting)."""
    return list(session.scalars(select(SharedPost).where(SharedPost.open.is_(True))
                                .order_by(SharedPost.id.desc()).limit(300)))


@dataclass(frozen=True)
class Pair:
    """A suggested surplus → shortage pair and why."""

    surplus: SharedPost
    shortage: SharedPost
    score: int
    overlap_days: int
    same_occupation: bool
    same_city: bool
    common_skills: tuple[str, ...]


def suggest_pairs(session: Session, *, actor: User, limit: int = 50) -> list[Pair]:
    """Pairs of open posts of different firms with overlapping dates, best first: same occupation, shared skills,
    same city (distance) and longer overlap score higher. A firm sees the pairs its own posts are in."""
    posts = list_posts(session, actor=actor)
    surpluses = [p for p in posts if p.kind == "surplus"]
    shortages = [p for p in posts if p.kind == "shortage"]
    pairs = []
    for s in surpluses:
        for d in shortages:
            if s.organisation_id == d.organisation_id:
                continue
            if not actor.has_role(Role.ADMIN) and actor.organisation_id not in (s.organisation_id, d.organisation_id):
                continue
            overlap = (min(s.end_date, d.end_date) - max(s.start_date, d.start_date)).days + 1
            if overlap <= 0:
                continue
            same_occupation = bool(s.occupation_code) and s.occupation_code == d.occupation_code
            common = tuple(sorted(set(s.skills) & set(d.skills)))
            if not same_occupation and not common:
                continue
            same_city = s.city_code == d.city_code
            score = 10 * same_occupation + 3 * len(common) + 5 * same_city + min(overlap, 90) // 10
            pairs.append(Pair(s, d, score, overlap, same_occupation, same_city, common))
    pairs.sort(key=lambda p: (-p.score, p.surplus.id, p.shortage.id))
    return pairs[:limit]
