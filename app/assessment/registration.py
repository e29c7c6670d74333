"""Registering candidates for a plan: eligibility checked and stored, admission tickets, overrides, carry-over."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.models import AssessmentPlan, CarriedComponent, Registration
from app.assessment.result_models import AssessmentResult, ResultComponent
from app.assessment.scope import check_reason, plan_for_staff, plan_visible
from app.assessment.vocabulary import PLAN_STATUSES, REGISTRATION_SOURCES, REGISTRATION_STATUSES
from app.audit.services import record_event
from app.catalog.durations import add_months
from app.catalog.eligibility import CompletedApprenticeship, EligibilityResult
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS, Occupation
from app.catalog.standards import check_eligibility
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, IdNumberError, parse_id
from app.people.access import add_access, person_in_scope
from app.people.models import Person, PersonAccess
from app.people.records import applicant_for
from app.training.apprenticeship_models import Apprenticeship
from app.translation import (
    CLAUSE_SEPARATOR,
    N_,
    Message,
    Translate,
    from_json,
    in_chinese,
    joined,
    render,
    to_json,
)

OVERRIDE_MIN = 10  # an override admits someone the rules refused: it needs a real explanation
REGISTERING = ("open",)
ID_KIND = "id"  # the blind-index kind people.services uses for ID numbers
REGISTRATION_NOT_FOUND = N_("The registration does not exist.")


def _failures_json(result: EligibilityResult) -> list[dict]:
    # "reasons" holds the text (English for marked reasons); "messages" the same reasons to translate at the edge.
    # "label" likewise keeps the route's label translatable.
    return [{"route_id": f.route_id, "route_label": str(f.route_label), "reasons": [str(r) for r in f.reasons],
             "label": to_json(f.route_label), "messages": [to_json(r) for r in f.reasons]} for f in result.failures]


def failure_reasons(failure: dict) -> list:
    """The reasons of one stored route failure, as marked messages where they were marked."""
    return [from_json(item) for item in failure.get("messages", failure["reasons"])]


def failure_label(failure: dict) -> Message | str:
    """The label of one stored route failure, as a marked message where it was marked."""
    return from_json(failure.get("label", failure["route_label"]))


def next_ticket_number(session: Session, plan: AssessmentPlan) -> str:
    """The plan's next admission ticket number (year, plan, sequence)."""
    # An atomic increment: concurrent registrations serialise on the plan row and never share a number.
    session.execute(update(AssessmentPlan).where(AssessmentPlan.id == plan.id)
                    .values(ticket_seq=AssessmentPlan.ticket_seq + 1).execution_options(synchronize_session=False))
    seq = session.scalar(select(AssessmentPlan.ticket_seq).where(AssessmentPlan.id == plan.id))
    session.refresh(plan, ["ticket_seq"])
    return f"{plan.created_at.year}{plan.id:04d}{seq:04d}"


def completed_apprenticeships(session: Session, person_id: int) -> tuple[CompletedApprenticeship, ...]:
    """The person's completed apprenticeships (学徒期满), as the eligibility rules read them."""
    rows = session.execute(
        select(Occupation.code, Apprenticeship.completed_on).join(Occupation, Apprenticeship.occupation_id == Occupation.id)
        .where(Apprenticeship.person_id == person_id, Apprenticeship.status == "completed",
               Apprenticeship.completed_on.is_not(None))
    ).all()
    return tuple(CompletedApprenticeship(code, completed_on) for code, completed_on in rows)


def check_candidate(session: Session, plan: AssessmentPlan, person: Person) -> EligibilityResult:
    """Run the plan's standard for its level on the person's records, as of the registration deadline."""
    standard = plan.standard
    applicant = applicant_for(session, person, occupation_code=plan.occupation.code,
                              related_codes=standard.related_codes)
    # people.records leaves apprenticeships to the training stage, which records them.
    applicant = replace(applicant, apprenticeships=applicant.apprenticeships
                        + completed_apprenticeships(session, person.id))
    return check_eligibility(standard, level_digit=plan.level_digit, applicant=applicant,
                             as_of=plan.registration_deadline)


def register_candidate(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    plan: AssessmentPlan,
    person: Person,
    source: str,
    source_id: int | None = None,
) -> Registration:
    """Register one person (the caller has checked scope and source); ineligible registrations are kept as such."""
    if plan.status not in REGISTERING:
        raise InvalidTransition(N_('The assessment plan is "{status}" and does not take registrations.',
                                   status=PLAN_STATUSES[plan.status]))
    if local_date(now) > plan.registration_deadline:
        raise InvalidTransition(N_("Registration closed on {deadline}.", deadline=plan.registration_deadline.isoformat()))
    if source not in REGISTRATION_SOURCES:
        raise ValidationFailed(N_("Unknown registration source: {source}.", source=source), field="source")
    existing = session.scalar(select(Registration).where(Registration.plan_id == plan.id,
                                                         Registration.person_id == person.id))
    if existing is not None:
        raise Conflict(N_('{name} ({id}) is already registered for this assessment plan ("{status}") and cannot '
                          "register twice.", name=person.name, id=person.id_masked,
                          status=REGISTRATION_STATUSES[existing.status]), field="person")
    result = check_candidate(session, plan, person)
    registration = Registration(
        plan_id=plan.id, person_id=person.id, source=source, source_id=source_id,
        status="eligible" if result.eligible else "ineligible", eligible=result.eligible,
        route_id=result.route, route_label=result.route_label, failures=_failures_json(result),
        checked_as_of=plan.registration_deadline, created_by_id=actor.id if actor else None, created_at=now,
    )
    if result.eligible:
        registration.ticket_number = next_ticket_number(session, plan)
    session.add(registration)
    session.flush()
    _grant_access(session, person_id=person.id, organisation_id=plan.organisation_id, now=now)
    carried = _carry_over(session, registration, plan, today=local_date(now))
    record_event(
        session, actor=actor, now=now, action="assessment.register", object_type="assessment_registration",
        object_id=registration.id,
        new={"plan_id": plan.id, "person_id": person.id, "source": source, "source_id": source_id,
             "status": registration.status, "route": result.route,
             "reasons": list(result.reasons) if not result.eligible else [],
             "carried": [c.component for c in carried]},
    )
    return registration


def _grant_access(session: Session, *, person_id: int, organisation_id: int, now: datetime) -> None:
    exists = session.scalar(select(PersonAccess.id).where(PersonAccess.person_id == person_id,
                                                          PersonAccess.organisation_id == organisation_id))
    if exists is None:
        add_access(session, person_id=person_id, organisation_id=organisation_id, reason="assessment", now=now)


def find_person_by_id_number(session: Session, *, id_type: str, id_number: str, today: date) -> Person:
    """The person holding this exact ID number (the candidate presents it), found through its blind index."""
    if id_type not in ID_TYPE_LABELS:
        raise ValidationFailed(N_("Unsupported ID type: {id_type}.", id_type=id_type), field="id_type")
    try:
        number = parse_id(id_type, id_number, today=today).number
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="id_number") from exc
    person = session.scalar(select(Person).where(Person.id_type == id_type,
                                                 Person.id_hash == pii.blind_index(ID_KIND, number)))
    if person is None:
        raise NotFound(N_('No person holds this ID number: register them under "People" first.'), field="id_number")
    return person


def register_individual(
    session: Session,
    *,
    actor: User,
    now: datetime,
    plan_id: int,
    person_id: int | None = None,
    id_type: str = "resident_id",
    id_number: str | None = None,
) -> Registration:
    """Register a candidate in person: a person in scope, or found by the exact ID number they present."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if person_id is not None:
        person = person_in_scope(session, actor=actor, person_id=person_id)
    elif id_number:
        person = find_person_by_id_number(session, id_type=id_type, id_number=id_number, today=local_date(now))
    else:
        raise ValidationFailed(N_("Please enter the ID number."), field="id_number")
    return register_candidate(session, actor=actor, now=now, plan=plan, person=person, source="individual")


def require_exception_possible(registration: Registration, plan: AssessmentPlan) -> None:
    """An exception is for an ineligible registration of a plan still taking candidates."""
    if registration.status != "ineligible":
        raise InvalidTransition(N_('The registration is "{status}": it needs no exception.',
                                   status=REGISTRATION_STATUSES[registration.status]))
    if plan.status not in ("open", "closed"):
        raise InvalidTransition(N_('The assessment plan is "{status}": candidates can no longer be admitted by '
                                   "exception.", status=PLAN_STATUSES[plan.status]))


def exception_reason(reason: str | None) -> str:
    """The written reason an exception needs, trimmed; refused on the field when too short."""
    text = (reason or "").strip()
    if len(text) < OVERRIDE_MIN:
        raise ValidationFailed(N_("Please give the reason for the exception (at least {count} characters).",
                                  count=OVERRIDE_MIN), field="reason")
    return text


def override_registration(
    session: Session, *, actor: User, now: datetime, registration_id: int, reason: str
) -> Registration:
    """An administrator admits an ineligible candidate with a written reason (audited)."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only HR & social security administrators may admit a candidate who does not meet the "
                            "application conditions."))
    registration = get_or_not_found(session, Registration, registration_id, REGISTRATION_NOT_FOUND)
    plan = registration.plan
    require_exception_possible(registration, plan)
    text = exception_reason(reason)
    registration.status, registration.override_reason = "overridden", text[:1000]
    registration.overridden_by_id, registration.overridden_at = actor.id, now
    registration.ticket_number = next_ticket_number(session, plan)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="assessment.override", object_type="assessment_registration",
        object_id=registration.id, old={"status": "ineligible", "failures": registration.failures},
        new={"status": "overridden", "ticket_number": registration.ticket_number}, note=text[:500],
    )
    return registration


def withdraw_registration(
    session: Session, *, actor: User, now: datetime, registration_id: int, reason: str
) -> Registration:
    """Withdraw a registration before the exams begin (the row stays, so it cannot be re-used)."""
    registration = get_or_not_found(session, Registration, registration_id, REGISTRATION_NOT_FOUND)
    plan = plan_for_staff(session, actor=actor, plan_id=registration.plan_id)
    if plan.status not in ("open", "closed") or registration.status == "withdrawn":
        raise InvalidTransition(N_("A registration cannot be withdrawn once the assessment has started, nor twice."))
    text = check_reason(reason, what=N_("the reason for withdrawing"))
    old = registration.status
    registration.status = "withdrawn"
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment.withdraw", object_type="assessment_registration",
                 object_id=registration.id, old={"status": old}, new={"status": "withdrawn"}, note=text)
    return registration


def get_registration(session: Session, *, actor: User, registration_id: int) -> Registration:
    """One registration of a plan in the actor's scope."""
    registration = get_or_not_found(session, Registration, registration_id, REGISTRATION_NOT_FOUND)
    plan_visible(session, actor=actor, plan_id=registration.plan_id)
    return registration


def list_registrations(session: Session, *, actor: User, plan_id: int) -> list[Registration]:
    """A plan's registrations, by ticket number then registration order."""
    plan = plan_visible(session, actor=actor, plan_id=plan_id)
    stmt = select(Registration).where(Registration.plan_id == plan.id).order_by(Registration.id)
    return list(session.scalars(stmt))


def _carry_over(session: Session, registration: Registration, plan: AssessmentPlan, *, today: date
                ) -> list[CarriedComponent]:
    """Keep components the person passed within the retake window in a final, failed result at this level."""
    if plan.retake_months <= 0:
        return []
    rows = session.execute(
        select(ResultComponent, AssessmentResult, AssessmentPlan)
        .join(AssessmentResult, ResultComponent.result_id == AssessmentResult.id)
        .join(AssessmentPlan, AssessmentResult.plan_id == AssessmentPlan.id)
        .join(Occupation, AssessmentPlan.occupation_id == Occupation.id)
        .where(AssessmentResult.person_id == registration.person_id, AssessmentResult.status == "final",
               AssessmentResult.passed.is_(False), ResultComponent.passed.is_(True),
               AssessmentPlan.id != plan.id, AssessmentPlan.level_digit == plan.level_digit,
               Occupation.code == plan.occupation.code)
        .order_by(AssessmentResult.finalised_at)
    ).all()
    best: dict[str, CarriedComponent] = {}
    wanted = {c.component for c in plan.components}
    for component, result, source_plan in rows:
        if component.component not in wanted:
            continue
        passed_on = _passed_on(session, component, result, source_plan)
        if add_months(passed_on, plan.retake_months) < today:
            continue
        best[component.component] = CarriedComponent(
            component=component.component, score=component.score, passed_on=passed_on,
            source_plan_id=source_plan.id, source_result_id=result.id,
        )
    registration.carried = list(best.values())
    session.flush()
    return registration.carried


def _passed_on(session: Session, component: ResultComponent, result: AssessmentResult,
               source_plan: AssessmentPlan) -> date:
    """When a component was really passed: a carried one keeps its original date, the window never restarts."""
    if component.carried:
        original = session.scalar(select(CarriedComponent.passed_on).where(
            CarriedComponent.registration_id == result.registration_id,
            CarriedComponent.component == component.component))
        if original is not None:
            return original
    held = source_plan.component(component.component)
    if held is not None and held.exam_on is not None:
        return held.exam_on
    return local_date(result.finalised_at)


def eligibility_summary(registration: Registration) -> Message:
    """The outcome in one line: the qualifying route, or every failed route's reasons."""
    if registration.eligible:
        return N_("Eligible: {route}", route=registration.route_label or registration.route_id)
    parts = [N_("{route}: {reasons}", route=failure_label(f), reasons=joined(failure_reasons(f), CLAUSE_SEPARATOR))
             for f in registration.failures]
    return N_("Meets none of the application conditions. {failures}", failures=joined(parts, " / "))


def plan_heading(plan: AssessmentPlan, translate: Translate | None = None) -> str:
    """How a plan is named in lists and sheet names: occupation, 工种/方向 and level (Chinese unless translated)."""
    variant = f"（{plan.variant_name}）" if plan.variant_name else ""
    level = level_label(plan.level_digit)
    return f"{plan.occupation.name}{variant} {render(level, translate) if translate else in_chinese(level)}"


def component_names(plan: AssessmentPlan) -> Message:
    """The plan's components as one marked list."""
    return joined(COMPONENT_LABELS[c.component] for c in plan.components)
