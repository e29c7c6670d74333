"""How often an organisation's certificates are checked (for the issuing organisation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.certification.models import Certificate
from app.verification.models import CHANNELS, VerificationLog


@dataclass(frozen=True)
class CertificateChecks:
    """Check counts of one certificate."""

    certificate_id: int
    number: str
    holder_name: str
    total: int
    by_channel: dict[str, int]
    last_checked: datetime | None


def check_counts(session: Session, *, actor: User, limit: int = 200) -> tuple[dict[str, int], list[CertificateChecks]]:
    """Totals by channel over the actor's organisation's certificates, and the most checked certificates."""
    scope = [VerificationLog.certificate_id == Certificate.id]
    if not actor.has_role(Role.ADMIN):
        scope.append(Certificate.issuer_org_id == actor.organisation_id)
    per_channel = [func.sum(case((VerificationLog.channel == c, 1), else_=0)).label(c) for c in CHANNELS]
    total = func.count(VerificationLog.id).label("total")
    stmt = (select(Certificate.id, Certificate.number, Certificate.holder_name, total, *per_channel,
                   func.max(VerificationLog.checked_at).label("last"))
            .join(VerificationLog, *scope[:1]).where(*scope[1:])
            .group_by(Certificate.id, Certificate.number, Certificate.holder_name)
            .order_by(total.desc(), Certificate.id).limit(limit))
    rows = [CertificateChecks(r.id, r.number, r.holder_name, r.total, {c: int(getattr(r, c) or 0) for c in CHANNELS},
                              r.last) for r in session.execute(stmt)]
    totals_stmt = (select(VerificationLog.channel, func.count()).join(Certificate, *scope[:1]).where(*scope[1:])
                   .group_by(VerificationLog.channel))
    totals = {c: 0 for c in CHANNELS} | {channel: n for channel, n in session.execute(totals_stmt)}
    return totals, rows
