"""Certificates of competition winners promoted by result (竞赛晋级): a 职业技能等级证书 through the normal
numbering, issued by the competition's organiser when it is a filed evaluation organisation, otherwise by the
appointed one. Certification comes after competitions in the chain, so issuing lives here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.certification.issuing import (
    CertificateDraft,
    IssuingContext,
    existing_certificate,
    issue_certificate,
)
from app.certification.models import Certificate
from app.competitions.events import event_for_organiser, issuer_of
from app.competitions.models import Promotion
from app.errors import InvalidTransition
from app.translation import N_

SOURCE_TYPE = "competition_promotion"


def draft_for_promotion(promotion: Promotion) -> CertificateDraft:
    """A skill-level certificate at the level a winner was promoted to."""
    event = promotion.event
    return CertificateDraft(
        kind="skill_level", person=promotion.person, issuer=issuer_of(event.competition),
        occupation_code=event.occupation.code, occupation_name=event.occupation.name,
        variant_name=event.variant_name, level_digit=promotion.level_digit, source_type=SOURCE_TYPE,
        source_id=str(promotion.id))


def certificate_of(session: Session, promotion: Promotion) -> Certificate | None:
    """The certificate issued for a promotion, if any."""
    return existing_certificate(session, kind="skill_level", source_type=SOURCE_TYPE, source_id=str(promotion.id))


def issue_for_event(session: Session, *, actor: User, now: datetime, event_id: int,
                    ctx: IssuingContext) -> list[Certificate]:
    """The organiser issues the certificates of every promoted winner of a final event not issued yet."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    if event.status != "final":
        raise InvalidTransition(N_("Certificates are issued only once the results are final."), field="issue")
    promotions = session.scalars(select(Promotion).where(Promotion.event_id == event.id,
                                                         Promotion.status == "awarded").order_by(Promotion.id))
    issued = []
    for promotion in promotions:
        if certificate_of(session, promotion) is None:
            issued.append(issue_certificate(session, actor=actor, now=now, draft=draft_for_promotion(promotion),
                                            ctx=ctx))
    return issued
