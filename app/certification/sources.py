"""Where certificates come from: final passing results, completed enrolments, completed apprenticeships.

Each source turns its records into drafts; batch scopes (a plan, a class) are registered for jobs.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from app.accounts.models import User
from app.accounts.roles import sees_organisation
from app.assessment.models import AssessmentPlan, Registration
from app.assessment.result_models import AssessmentResult
from app.assessment.results import final_passing_results, result_for_certificate
from app.assessment.vocabulary import ADMITTED
from app.certification.batches import SOURCES, register_source
from app.certification.issuing import (
    CertificateDraft,
    IssuingContext,
    existing_certificate,
    issue_certificate,
)
from app.certification.models import Certificate
from app.certification.rendering import chinese_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, NotAllowed, NotFound
from app.training.apprenticeship_models import Apprenticeship
from app.training.enrolments import attended_hours, passed_test
from app.training.models import Enrolment, TrainingClass
from app.translation import N_, Message


def draft_for_result(result: AssessmentResult) -> CertificateDraft:
    """A skill-level certificate for a final passing result."""
    plan = result.plan
    return CertificateDraft(
        kind="skill_level", person=result.person, issuer=plan.organisation, occupation_code=plan.occupation.code,
        occupation_name=plan.occupation.name, variant_name=plan.variant_name, level_digit=plan.level_digit,
        source_type="assessment_result", source_id=str(result.id))


def printed_hours(hours: Decimal) -> str:
    """Hours as printed: 252 rather than 252.0, 252.5 as it is."""
    return str(hours.to_integral_value()) if hours == hours.to_integral_value() else str(hours)


def draft_for_enrolment(enrolment: Enrolment) -> CertificateDraft:
    """A training certificate for a completed enrolment: the hours the trainee attended, and the passed test
    claimed only when one is recorded."""
    klass = enrolment.training_class
    project = klass.project
    hours = attended_hours(object_session(enrolment), enrolment.id)
    return CertificateDraft(
        kind="training", person=enrolment.person, issuer=project.institution, occupation_code=project.occupation.code,
        occupation_name=project.occupation.name, variant_name=project.variant_name, level_digit=None,
        source_type="enrolment", source_id=str(enrolment.id),
        extra={"project_name": project.name[:40], "class_name": klass.name[:40], "hours": printed_hours(hours),
               "tested": "yes" if passed_test(enrolment) else "no", "start_date": chinese_date(klass.start_date), "end_date": chinese_date(klass.end_date)})


def draft_for_apprenticeship(apprenticeship: Apprenticeship) -> CertificateDraft:
    """An apprenticeship completion certificate, issued by the training institution."""
    return CertificateDraft(
        kind="apprenticeship", person=apprenticeship.person, issuer=apprenticeship.institution,
        occupation_code=apprenticeship.occupation.code, occupation_name=apprenticeship.occupation.name,
        variant_name=apprenticeship.variant_name, level_digit=apprenticeship.target_level_digit,
        source_type="apprenticeship", source_id=str(apprenticeship.id),
        extra={"enterprise_name": apprenticeship.enterprise.name[:40],
               "institution_name": apprenticeship.institution.name[:40],
               "start_date": chinese_date(apprenticeship.started_on or apprenticeship.planned_start),
               "end_date": chinese_date(apprenticeship.completed_on or apprenticeship.planned_end)})


def plan_drafts(session: Session, scope_id: str) -> list[CertificateDraft]:
    """Every final passing result of an assessment plan."""
    return [draft_for_result(r) for r in final_passing_results(session, plan_id=int(scope_id))]


def class_drafts(session: Session, scope_id: str) -> list[CertificateDraft]:
    """Every completed enrolment of a training class."""
    enrolments = session.scalars(select(Enrolment).where(
        Enrolment.class_id == int(scope_id), Enrolment.status == "completed").order_by(Enrolment.id))
    return [draft_for_enrolment(e) for e in enrolments]


register_source("assessment_plan", "skill_level", plan_drafts)
register_source("training_class", "training", class_drafts)


def _issued(session: Session, kind: str, source_type: str, source_ids: list[int]) -> int:
    if not source_ids:
        return 0
    return session.scalar(select(func.count(func.distinct(Certificate.source_id))).where(
        Certificate.kind == kind, Certificate.source_type == source_type,
        Certificate.source_id.in_([str(i) for i in source_ids]))) or 0


def _plan_shortfall(session: Session, scope_id: str) -> Message:
    plan_id = int(scope_id)
    results = session.execute(select(AssessmentResult.id, AssessmentResult.status, AssessmentResult.passed).where(
        AssessmentResult.plan_id == plan_id)).all()
    with_result = select(AssessmentResult.registration_id).where(AssessmentResult.plan_id == plan_id)
    missing = session.scalar(select(func.count()).select_from(Registration).where(
        Registration.plan_id == plan_id, Registration.status.in_(ADMITTED),
        Registration.id.not_in(with_result))) or 0
    final = [r for r in results if r.status == "final"]
    return N_("Nothing to issue for this plan: {issued} already have a certificate, {failed} did not pass, "
              "{awaiting} results are not final yet (awaiting or under public notice), {missing} candidates "
              "have no result.",
              issued=_issued(session, "skill_level", "assessment_result", [r.id for r in final if r.passed]),
              failed=sum(1 for r in final if not r.passed), awaiting=len(results) - len(final), missing=missing)


def _class_shortfall(session: Session, scope_id: str) -> Message:
    enrolments = session.execute(select(Enrolment.id, Enrolment.status).where(
        Enrolment.class_id == int(scope_id))).all()
    completed = [e.id for e in enrolments if e.status == "completed"]
    return N_("Nothing to issue for this class: {issued} already have a certificate, {unfinished} trainees have "
              "not completed the class.",
              issued=_issued(session, "training", "enrolment", completed),
              unfinished=len(enrolments) - len(completed))


SHORTFALLS = {"assessment_plan": _plan_shortfall, "training_class": _class_shortfall}


def nothing_to_issue(session: Session, scope_type: str, scope_id: str) -> Message | None:
    """Why a batch for the scope would issue nothing, with counts (None when it has something to issue)."""
    kind, source = SOURCES[scope_type]
    if any(existing_certificate(session, kind=d.kind, source_type=d.source_type, source_id=d.source_id) is None
           for d in source(session, scope_id)):
        return None
    return SHORTFALLS[scope_type](session, scope_id)


def _require_issuer_org(actor: User, organisation_id: int) -> None:
    if not sees_organisation(actor, organisation_id):
        raise NotAllowed(N_("Only the issuing organisation may issue certificates for these records."))


def issue_for_result(session: Session, *, actor: User, now: datetime, result_id: int,
                     ctx: IssuingContext) -> Certificate:
    """Issue the skill-level certificate of one final passing result."""
    result = result_for_certificate(session, result_id=result_id)
    _require_issuer_org(actor, result.plan.organisation_id)
    return issue_certificate(session, actor=actor, now=now, draft=draft_for_result(result), ctx=ctx)


def issue_for_enrolment(session: Session, *, actor: User, now: datetime, enrolment_id: int,
                        ctx: IssuingContext) -> Certificate:
    """Issue the training certificate of a completed enrolment."""
    enrolment = get_or_not_found(session, Enrolment, enrolment_id, N_("This enrolment does not exist."))
    _require_issuer_org(actor, enrolment.training_class.project.institution_id)
    if enrolment.status != "completed":
        raise InvalidTransition(N_("The trainee has not completed the class yet, so no training certificate can be issued."))
    return issue_certificate(session, actor=actor, now=now, draft=draft_for_enrolment(enrolment), ctx=ctx)


def issue_for_apprenticeship(session: Session, *, actor: User, now: datetime, apprenticeship_id: int,
                             ctx: IssuingContext) -> Certificate:
    """Issue the completion certificate of a completed apprenticeship."""
    apprenticeship = get_or_not_found(
        session, Apprenticeship, apprenticeship_id, N_("This apprenticeship does not exist.")
    )
    _require_issuer_org(actor, apprenticeship.institution_id)
    if apprenticeship.status != "completed":
        raise InvalidTransition(N_("The apprenticeship is not completed yet, so no certificate can be issued."))
    return issue_certificate(session, actor=actor, now=now, draft=draft_for_apprenticeship(apprenticeship), ctx=ctx)


def scope_organisation_id(session: Session, scope_type: str, scope_id: str) -> int:
    """The issuing organisation of a batch scope."""
    if scope_type == "assessment_plan":
        plan = get_or_not_found(
            session, AssessmentPlan, int(scope_id), N_("This assessment plan does not exist.")
        )
        return plan.organisation_id
    if scope_type == "training_class":
        klass = get_or_not_found(
            session, TrainingClass, int(scope_id), N_("This training class does not exist.")
        )
        return klass.project.institution_id
    if scope_type in SOURCES:
        drafts = SOURCES[scope_type][1](session, scope_id)
        if drafts:
            return drafts[0].issuer.id
    raise NotFound(N_("Unknown or empty batch issuing scope: {scope}.", scope=scope_type))
