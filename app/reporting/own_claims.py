"""技能提升补贴 claimed by the worker (DOMAIN.md §14): the individual claims the skill upgrading subsidy for their
own certificate, checked by the same rules as every claim (once per occupation and level, within the claim window
after the certificate, at most three a year, no lower level after a higher one), and follows its progress through
the same subsidy ledger the department keeps (submitted → notice → approved → paid)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.services import record_event
from app.clock import local_date
from app.errors import NotFound, ValidationFailed
from app.people.models import LevelAward
from app.people.worker_accounts import own_person
from app.reporting.models import SubsidyClaim, SubsidyScheme
from app.reporting.subsidies import ClaimCandidate, amounts_for, refusals_for, refusals_message
from app.translation import N_

SELF_CLAIMED_KIND = "upgrade"  # only the skill upgrading subsidy is claimed by the individual


def _open_upgrade_schemes(session: Session, today: date) -> list[SubsidyScheme]:
    return list(session.scalars(select(SubsidyScheme).where(
        SubsidyScheme.kind == SELF_CLAIMED_KIND, SubsidyScheme.effective_from <= today,
        (SubsidyScheme.effective_to.is_(None)) | (SubsidyScheme.effective_to >= today))
        .order_by(SubsidyScheme.effective_from.desc(), SubsidyScheme.id)))


def own_claim_options(session: Session, *, actor: User, today: date) -> list[tuple[SubsidyScheme, ClaimCandidate]]:
    """Each of my certificate-level awards under each open upgrading scheme, with the amount or the rules that
    refuse it (awards already claimed under the scheme are left out)."""
    person = own_person(session, actor=actor)
    awards = list(session.scalars(select(LevelAward).where(LevelAward.person_id == person.id,
                                                           LevelAward.level_digit.is_not(None))
                                  .order_by(LevelAward.awarded_on.desc(), LevelAward.id.desc())))
    options = []
    for scheme in _open_upgrade_schemes(session, today):
        claimed = set(session.scalars(select(SubsidyClaim.level_award_id).where(
            SubsidyClaim.scheme_id == scheme.id, SubsidyClaim.person_id == person.id,
            SubsidyClaim.status != "withdrawn")))
        for award in awards:
            if award.id in claimed:
                continue
            base, uplift = amounts_for(session, scheme=scheme, award=award)
            options.append((scheme, ClaimCandidate(award, base, uplift,
                                                   refusals_for(session, scheme=scheme, award=award,
                                                                claimed_on=today))))
    return options


def claim_own_subsidy(session: Session, *, actor: User, now: datetime, scheme_id: int,
                      level_award_id: int) -> SubsidyClaim:
    """Submit my claim for one of my awards under an upgrading scheme; refused with every broken rule named."""
    person = own_person(session, actor=actor)
    scheme = session.get(SubsidyScheme, scheme_id)
    if scheme is None or scheme.kind != SELF_CLAIMED_KIND:
        raise NotFound(N_("Individuals claim the skill upgrading subsidy only; this scheme is not one."))
    award = session.get(LevelAward, level_award_id)
    if award is None or award.person_id != person.id or award.level_digit is None:
        raise NotFound(N_("There is no such certificate level record."))
    today = local_date(now)
    refusals = refusals_for(session, scheme=scheme, award=award, claimed_on=today)
    if refusals:
        raise ValidationFailed(refusals_message(refusals), field="level_award_id")
    base, uplift = amounts_for(session, scheme=scheme, award=award)
    claim = SubsidyClaim(scheme_id=scheme.id, person_id=person.id, organisation_id=None, level_award_id=award.id,
                         kind=scheme.kind, occupation_code=award.occupation_code,
                         occupation_name=award.occupation_name, level_digit=award.level_digit,
                         certificate_date=award.awarded_on, claimed_on=today, base_amount=base, uplift_amount=uplift,
                         amount=base + uplift, status="submitted", status_changed_at=now, created_by_id=actor.id,
                         created_at=now)
    session.add(claim)
    session.flush()
    record_event(session, actor=actor, now=now, action="subsidy_claim.create", object_type="subsidy_claim",
                 object_id=claim.id, new={"scheme_id": scheme.id, "person_id": person.id, "award_id": award.id,
                                          "amount": str(claim.amount), "status": "submitted", "by": "self"})
    return claim


def own_claims(session: Session, *, actor: User) -> list[SubsidyClaim]:
    """Every subsidy claim for my awards, whoever prepared it, newest first."""
    person = own_person(session, actor=actor)
    return list(session.scalars(select(SubsidyClaim).where(SubsidyClaim.person_id == person.id)
                                .order_by(SubsidyClaim.id.desc())))
