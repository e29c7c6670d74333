"""Demo certificates: the finalised plans' passing candidates get their 职业技能等级证书, so verification can be tried."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan
from app.assessment.results import final_passing_results
from app.certification.issuing import IssuingContext
from app.certification.models import Certificate
from app.certification.sources import issue_for_result
from app.demo.competitions import issue_competition_certificates


def issue_demo_certificates(session: Session, *, now: datetime, ctx: IssuingContext) -> list[Certificate]:
    """Issue (render and store) the certificate of every final passing result; flushes, never commits."""
    issuer = session.scalar(select(User).where(User.username == "eval"))
    issued = []
    for plan_id in session.scalars(select(AssessmentPlan.id).order_by(AssessmentPlan.id)):
        for result in final_passing_results(session, plan_id=plan_id):
            issued.append(issue_for_result(session, actor=issuer, now=now, result_id=result.id, ctx=ctx))
    issued += issue_competition_certificates(session, now=now, ctx=ctx)
    return issued
