"""The subsidy ledger: schemes as data, claims computed from level awards, rule checks, audited states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.shortage import shortage_entry_for
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.access import person_in_scope, visible_clause
from app.people.models import LevelAward, Person
from app.placement.scope import add_months
from app.regions import LIAONING_CITIES
from app.reporting.models import CLAIM_STATUSES, SCHEME_KINDS, SubsidyClaim, SubsidyScheme
from app.reporting.subsidy_rules import PriorClaim, Refusal, SchemeTerms, check_claim
from app.translation import N_, Message

CENT = Decimal("0.01")
# draft → submitted → notice (公示) → approved → paid; withdrawal only before the notice.
CLAIM_FLOW: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"notice", "withdrawn", "draft"}),
    "notice": frozenset({"approved", "draft"}),
    "approved": frozenset({"paid"}),
    "paid": frozenset(),
    "withdrawn": frozenset(),
}
ADMIN_STEPS = frozenset({"notice", "approved", "paid"})
PREPARER_ROLES = (Role.ADMIN, Role.INSTITUTION_STAFF)


def _admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may maintain subsidy schemes."))


def create_scheme(session: Session, *, actor: User, now: datetime, name: str, kind: str, amounts: dict[int, Decimal],
                  effective_from: date, effective_to: date | None = None, per_person_cap: int = 3,
                  cap_per_year: bool = False, claim_window_months: int = 12, city_code: str | None = None,
                  shortage_uplift_percent: int = 0, note: str | None = None) -> SubsidyScheme:
    """Add a subsidy scheme (人社 administrators)."""
    _admin(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(N_("Enter the scheme's name."), field="name")
    if kind not in SCHEME_KINDS:
        raise ValidationFailed(N_("Choose the kind of subsidy."), field="kind")
    clean = {}
    for digit, amount in amounts.items():
        if int(digit) not in (1, 2, 3, 4, 5):
            raise ValidationFailed(N_("Level {digit} does not exist.", digit=digit), field="amounts")
        if amount is None:
            continue
        if Decimal(amount) < 0:
            raise ValidationFailed(N_("A subsidy amount cannot be negative."), field="amounts")
        clean[str(int(digit))] = str(Decimal(amount).quantize(CENT))
    if not clean:
        raise ValidationFailed(N_("Enter the subsidy amount for at least one level."), field="amounts")
    if effective_to is not None and effective_to < effective_from:
        raise ValidationFailed(N_("The end date is before the start date."), field="effective_to")
    if not 1 <= per_person_cap <= 100:
        raise ValidationFailed(N_("The limit of claims per person should be 1–100."), field="per_person_cap")
    if not 1 <= claim_window_months <= 120:
        raise ValidationFailed(N_("The claim period should be 1–120 months."), field="claim_window_months")
    if not 0 <= shortage_uplift_percent <= 100:
        raise ValidationFailed(N_("The uplift for shortage occupations should be 0–100."),
                               field="shortage_uplift_percent")
    if city_code and city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("The city should be a prefecture-level city of Liaoning."), field="city_code")
    scheme = SubsidyScheme(name=name, kind=kind, amounts=clean, per_person_cap=per_person_cap,
                           cap_per_year=cap_per_year, claim_window_months=claim_window_months,
                           effective_from=effective_from, effective_to=effective_to, city_code=city_code or None,
                           shortage_uplift_percent=shortage_uplift_percent, note=(note or "").strip() or None,
                           created_at=now)
    session.add(scheme)
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_scheme.create", object_type="subsidy_scheme",
                 object_id=scheme.id, new={"name": name, "kind": kind, "amounts": clean, "cap": per_person_cap,
                                           "per_year": cap_per_year, "window": claim_window_months,
                                           "from": effective_from.isoformat(), "city": city_code,
                                           "uplift": shortage_uplift_percent})
    return scheme


def list_schemes(session: Session) -> list[SubsidyScheme]:
    """Every scheme, newest first."""
    return list(session.scalars(select(SubsidyScheme).order_by(SubsidyScheme.effective_from.desc(),
                                                               SubsidyScheme.id.desc())))


def _scheme(session: Session, scheme_id: int) -> SubsidyScheme:
    scheme = get_or_not_found(session, SubsidyScheme, scheme_id, N_("The subsidy scheme does not exist."))
    return scheme


def _terms(scheme: SubsidyScheme) -> SchemeTerms:
    return SchemeTerms(scheme.kind, frozenset(int(d) for d in scheme.amounts), scheme.per_person_cap,
                       scheme.cap_per_year, scheme.claim_window_months, scheme.effective_from, scheme.effective_to,
                       scheme.city_code)


def _prior(session: Session, person_id: int, exclude_id: int | None = None) -> list[PriorClaim]:
    stmt = select(SubsidyClaim).where(SubsidyClaim.person_id == person_id, SubsidyClaim.status != "withdrawn")
    if exclude_id:
        stmt = stmt.where(SubsidyClaim.id != exclude_id)
    return [PriorClaim(c.kind, c.occupation_code, c.level_digit, c.claimed_on) for c in session.scalars(stmt)]


def _person_city(session: Session, person: Person) -> str | None:
    return session.scalar(select(Organisation.city_code).where(Organisation.id == person.registered_by_org_id))


def refusals_message(refusals: list[Refusal]) -> Message:
    """Every broken rule as one marked message, separated by semicolons."""
    message = refusals[0].text
    for refusal in refusals[1:]:
        message = N_("{first}; {then}", first=message, then=refusal.text)
    return message


def refusals_for(session: Session, *, scheme: SubsidyScheme, award: LevelAward, claimed_on: date) -> list[Refusal]:
    """The rules a claim for this award under this scheme would break."""
    return check_claim(_terms(scheme), occupation_code=award.occupation_code, level_digit=award.level_digit or 0,
                       certificate_date=award.awarded_on, claimed_on=claimed_on,
                       person_city=_person_city(session, award.person), prior=_prior(session, award.person_id))


def amounts_for(session: Session, *, scheme: SubsidyScheme, award: LevelAward) -> tuple[Decimal, Decimal]:
    """Base amount and shortage uplift for an award (uplift when listed in the catalogue on the certificate date)."""
    base = scheme.amount_for(award.level_digit) or Decimal(0)
    listed = shortage_entry_for(session, occupation_code=award.occupation_code, on=award.awarded_on) is not None
    uplift = (base * scheme.shortage_uplift_percent / 100).quantize(CENT, ROUND_HALF_UP) if listed else Decimal(0)
    return base.quantize(CENT), uplift


def create_claim(session: Session, *, actor: User, now: datetime, scheme_id: int, level_award_id: int) -> SubsidyClaim:
    """Draft a claim for a certificate-grade award; refused with every broken rule named."""
    if not actor.has_role(*PREPARER_ROLES):
        raise NotAllowed(N_("Only training institutions or HR & social security administrators may claim subsidies."))
    scheme = _scheme(session, scheme_id)
    award = session.get(LevelAward, level_award_id)
    if award is None or award.level_digit is None:
        raise NotFound(N_("There is no such certificate level record."))
    person_in_scope(session, actor=actor, person_id=award.person_id)
    refusals = refusals_for(session, scheme=scheme, award=award, claimed_on=local_date(now))
    if refusals:
        raise ValidationFailed(refusals_message(refusals), field="level_award_id")
    base, uplift = amounts_for(session, scheme=scheme, award=award)
    claim = SubsidyClaim(scheme_id=scheme.id, person_id=award.person_id, organisation_id=actor.organisation_id,
                         level_award_id=award.id, kind=scheme.kind, occupation_code=award.occupation_code,
                         occupation_name=award.occupation_name, level_digit=award.level_digit,
                         certificate_date=award.awarded_on, claimed_on=local_date(now), base_amount=base,
                         uplift_amount=uplift, amount=base + uplift, status="draft", status_changed_at=now,
                         created_by_id=actor.id, created_at=now)
    session.add(claim)
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_claim.create", object_type="subsidy_claim",
                 object_id=claim.id, new={"scheme_id": scheme.id, "person_id": award.person_id,
                                          "award_id": award.id, "amount": str(claim.amount)})
    return claim


def _claim_scope(actor: User):
    if actor.has_role(Role.ADMIN):
        return SubsidyClaim.id.is_not(None)
    return SubsidyClaim.organisation_id == actor.organisation_id


def get_claim(session: Session, *, actor: User, claim_id: int) -> SubsidyClaim:
    """A claim the actor prepared (administrators: any claim)."""
    claim = session.scalar(select(SubsidyClaim).where(SubsidyClaim.id == claim_id, _claim_scope(actor)))
    if claim is None:
        raise NotFound(N_("The subsidy claim does not exist or is outside your data scope."))
    return claim


def move_claim(session: Session, *, actor: User, now: datetime, claim_id: int, to_status: str) -> SubsidyClaim:
    """Move a claim along draft → submitted → notice → approved → paid; notice onwards is for 人社 only."""
    if not actor.has_role(*PREPARER_ROLES):
        raise NotAllowed(N_("Your role may not handle subsidy claims."))
    claim = get_claim(session, actor=actor, claim_id=claim_id)
    if to_status not in CLAIM_STATUSES:
        raise ValidationFailed(N_("Unknown status: {status}.", status=to_status), field="status")
    if to_status not in CLAIM_FLOW[claim.status]:
        raise InvalidTransition(N_("A subsidy claim cannot go from “{old}” to “{new}”.",
                                   old=CLAIM_STATUSES[claim.status], new=CLAIM_STATUSES[to_status]), field="status")
    if (to_status in ADMIN_STEPS or claim.status in ("submitted", "notice") and to_status == "draft") \
            and not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Public notice, approval, payment and return are for HR & social security administrators."))
    if to_status == "submitted":
        refusals = check_claim(_terms(claim.scheme), occupation_code=claim.occupation_code,
                               level_digit=claim.level_digit, certificate_date=claim.certificate_date,
                               claimed_on=claim.claimed_on, person_city=_person_city(session, claim.person),
                               prior=_prior(session, claim.person_id, exclude_id=claim.id))
        if refusals:
            raise ValidationFailed(refusals_message(refusals), field="status")
    old = claim.status
    claim.status, claim.status_changed_at = to_status, now
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_claim.status", object_type="subsidy_claim",
                 object_id=claim.id, old={"status": old}, new={"status": to_status})
    return claim


def list_claims(session: Session, *, actor: User, status: str | None = None, limit: int = 500) -> list[SubsidyClaim]:
    """Claims in the actor's scope, newest first."""
    stmt = select(SubsidyClaim).where(_claim_scope(actor)).order_by(SubsidyClaim.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(SubsidyClaim.status == status)
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ClaimCandidate:
    """An award that a scheme could pay for, with the amount or the rules that refuse it."""

    award: LevelAward
    base: Decimal
    uplift: Decimal
    refusals: list[Refusal]


def claim_candidates(session: Session, *, actor: User, scheme_id: int, today: date,
                     limit: int = 100) -> list[ClaimCandidate]:
    """Recent certificate-grade awards of people in scope, checked against the scheme (computed from records)."""
    scheme = _scheme(session, scheme_id)
    since = add_months(today, -scheme.claim_window_months - 3)
    claimed = select(SubsidyClaim.level_award_id).where(SubsidyClaim.scheme_id == scheme.id,
                                                        SubsidyClaim.status != "withdrawn")
    awards = session.scalars(
        select(LevelAward).join(Person, Person.id == LevelAward.person_id)
        .where(visible_clause(actor), LevelAward.level_digit.is_not(None), LevelAward.awarded_on >= since,
               LevelAward.id.not_in(claimed), LevelAward.awarded_on <= (scheme.effective_to or today))
        .order_by(LevelAward.awarded_on.desc(), LevelAward.id.desc()).limit(limit))
    found = []
    for award in awards:
        base, uplift = amounts_for(session, scheme=scheme, award=award)
        found.append(ClaimCandidate(award, base, uplift, refusals_for(session, scheme=scheme, award=award,
                                                                      claimed_on=today)))
    return found
