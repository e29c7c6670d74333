"""Sessions per component and room, their candidates and staff: qualification, recusal and ratio checks.

Hard blocks: an assessor without the level the session needs, any recusal link with a candidate, a time
clash with another room, and — when the session is confirmed for the exam and again when scores are
entered — staffing below the ratios of the plan's skill standard (numbers from the standard, never
constants). Staff are the organisation's assessors; a room's external quality supervisor is a department
quality supervisor the administrator appointed to the plan (app/assessment/supervisors.py).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.capacity import check_capacity, require_seat
from app.assessment.models import (
    AssessmentSession,
    PlanComponent,
    Registration,
    SessionAssignment,
    SessionCandidate,
)
from app.assessment.qualifications import qualification_of
from app.assessment.recusal import conflict_message, links_between
from app.assessment.result_models import Score
from app.assessment.room_times import check_room_date
from app.assessment.scope import plan_for_staff
from app.assessment.supervisors import appointed_ids
from app.assessment.vocabulary import (
    ASSIGNMENT_ROLES,
    COMPONENT_MODES,
    MARKING_ROLES,
    MODE_ROLES,
    PLAN_STATUSES,
)
from app.audit.services import record_event
from app.catalog.ladder import level_label
from app.catalog.models import COMPONENT_LABELS, SkillStandard
from app.clock import LOCAL_ZONE
from app.database import get_or_not_found
from app.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from app.translation import CLAUSE_SEPARATOR, N_, Message, joined

STAFFING_STATUSES = ("closed", "in_progress")  # sessions are arranged once registration has closed


def mode_of(sitting: AssessmentSession) -> str:
    """How the session's component is run: invigilated, examined or panel."""
    return COMPONENT_MODES[sitting.component]


def _odd_at_least(n: int) -> int:
    return n if n % 2 else n + 1


def staffing_problems(mode: str, candidates: int, counts: Counter, standard: SkillStandard,
                      component_label: str) -> list[Message]:
    """Every way a session's staff falls short of the standard's ratios (empty when it is fully staffed)."""
    problems = []
    if candidates < 1:
        problems.append(N_("The room has no candidates."))
    if counts["supervisor"] != 1:
        problems.append(N_("Every room needs exactly 1 quality supervisor (every exam is supervised)."))
    if mode == "invigilated":
        ratio, minimum = standard.theory_candidates_per_invigilator, standard.theory_min_invigilators
        need = max(minimum, math.ceil(candidates / ratio))
        if counts["invigilator"] < need:
            problems.append(N_("{component}: too few invigilators. With {candidates} candidates, 1 per {ratio} and at "
                               "least {minimum} per room, at least {need} are needed; there are {have}.",
                               component=component_label, candidates=candidates, ratio=ratio, minimum=minimum,
                               need=need, have=counts["invigilator"]))
    elif mode == "examined":
        ratio, minimum = standard.practical_candidates_per_examiner, standard.practical_min_examiners
        need = _odd_at_least(max(minimum, math.ceil(candidates / ratio)))
        have = counts["examiner"] + counts["leader"]
        if have < need:
            problems.append(N_("{component}: too few examiners. With {candidates} candidates, 1 per {ratio}, at least "
                               "{minimum} and an odd number, at least {need} are needed (team leader included); "
                               "there are {have}.", component=component_label, candidates=candidates, ratio=ratio,
                               minimum=minimum, need=need, have=have))
        elif have % 2 == 0:
            problems.append(N_("{component}: the number of examiners (team leader included) must be odd; there are "
                               "{have}.", component=component_label, have=have))
        if counts["leader"] != 1:
            problems.append(N_("{component}: exactly 1 examiner team leader must be named; there are {have}.",
                               component=component_label, have=counts["leader"]))
    else:
        minimum = standard.review_min_panel
        have = counts["reviewer"]
        if have < minimum:
            problems.append(N_("{component}: the review panel needs at least {minimum} experts, an odd number; there "
                               "are {have}.", component=component_label, minimum=minimum, have=have))
        elif have % 2 == 0:
            problems.append(N_("{component}: the review panel must have an odd number of members; there are {have}.",
                               component=component_label, have=have))
    return problems


def session_problems(sitting: AssessmentSession) -> list[Message]:
    """What stops this session from being confirmed, per the plan's standard."""
    counts = Counter(a.role for a in sitting.assignments)
    return staffing_problems(mode_of(sitting), len(sitting.candidates), counts, sitting.plan.standard,
                             COMPONENT_LABELS[sitting.component])


def require_staffed(sitting: AssessmentSession) -> None:
    """Refuse when the session's staffing breaks the ratios (hard block)."""
    problems = session_problems(sitting)
    if problems:
        raise ValidationFailed(N_("The staffing does not meet the requirements: {problems}",
                                  problems=joined(problems, CLAUSE_SEPARATOR)), field="staffing")


def _require_planning(sitting: AssessmentSession) -> None:
    if sitting.status != "planning":
        raise InvalidTransition(N_("The room is confirmed: its candidates and assessors can no longer be changed."))


def create_session(
    session: Session, *, actor: User, now: datetime, plan_id: int, component: str, room: str, starts_at: datetime,
    duration_minutes: int = 120, registration_ids: Sequence[int] | None = None, max_candidates: int | None = None,
    capacity: int | None = None,
) -> AssessmentSession:
    """Open a room for a component; by default every admitted candidate not yet placed (up to max_candidates and
    to the room's capacity, its seats, when given)."""
    plan = plan_for_staff(session, actor=actor, plan_id=plan_id)
    if plan.status not in STAFFING_STATUSES:
        raise InvalidTransition(N_('The assessment plan is "{status}": rooms are arranged once registration has '
                                   "closed.", status=PLAN_STATUSES[plan.status]))
    item = plan.component(component)
    if item is None:
        raise NotFound(N_("This plan has no such component."), field="component")
    room = (room or "").strip()
    if not room:
        raise ValidationFailed(N_("Please enter the room."), field="room")
    if duration_minutes <= 0:
        raise ValidationFailed(N_("The exam must last more than 0 minutes."), field="duration_minutes")
    capacity = check_capacity(capacity)
    check_room_date(item, starts_at)
    chosen = unplaced_registrations(session, plan_id=plan.id, plan_component_id=item.id)
    if registration_ids is not None:
        wanted = set(registration_ids)
        chosen = [r for r in chosen if r.id in wanted]
    if max_candidates is not None:
        chosen = chosen[:max(max_candidates, 0)]
    if capacity is not None:
        chosen = chosen[:capacity]
    if not chosen:
        raise ValidationFailed(N_("No candidate is waiting for a {component} room.", component=COMPONENT_LABELS[component]),
                               field="room")
    sitting = AssessmentSession(plan_id=plan.id, plan_component_id=item.id, room=room[:100], starts_at=starts_at,
                                duration_minutes=duration_minutes, capacity=capacity, status="planning",
                                created_at=now)
    session.add(sitting)
    session.flush()
    for registration in chosen:
        session.add(SessionCandidate(session_id=sitting.id, registration_id=registration.id,
                                     plan_component_id=item.id))
    session.flush()
    session.refresh(sitting, ["candidates"])
    record_event(session, actor=actor, now=now, action="assessment_session.create", object_type="assessment_session",
                 object_id=sitting.id, new={"plan_id": plan.id, "component": component, "room": sitting.room,
                                            "starts_at": starts_at.isoformat(), "candidates": len(chosen),
                                            "capacity": capacity})
    return sitting


def unplaced_registrations(session: Session, *, plan_id: int, plan_component_id: int) -> list[Registration]:
    """Admitted registrations not yet in a session for this component and not carrying it over."""
    item = session.get(PlanComponent, plan_component_id)
    placed = select(SessionCandidate.registration_id).where(SessionCandidate.plan_component_id == plan_component_id)
    stmt = (select(Registration).where(Registration.plan_id == plan_id, Registration.status.in_(("eligible", "overridden")),
                                       Registration.id.not_in(placed))
            .order_by(Registration.ticket_number, Registration.id))
    return [r for r in session.scalars(stmt) if not any(c.component == item.component for c in r.carried)]


def get_session(session: Session, *, sitting_id: int) -> AssessmentSession:
    """A session by id (callers check scope)."""
    sitting = get_or_not_found(session, AssessmentSession, sitting_id, N_("The room does not exist."))
    return sitting


def session_for_staff(session: Session, *, actor: User, sitting_id: int) -> AssessmentSession:
    """A session of the actor's organisation's plan, for its staff to arrange."""
    sitting = get_session(session, sitting_id=sitting_id)
    plan_for_staff(session, actor=actor, plan_id=sitting.plan_id)
    return sitting


def add_candidate(session: Session, *, actor: User, now: datetime, sitting_id: int, registration_id: int
                  ) -> SessionCandidate:
    """Place a candidate in a session; refused when an assigned assessor must recuse themselves."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    _require_planning(sitting)
    registration = session.get(Registration, registration_id)
    if registration is None or registration.plan_id != sitting.plan_id or not registration.admitted:
        raise NotFound(N_("This candidate is not admitted to this plan's assessment."), field="registration_id")
    if any(c.component == sitting.component for c in registration.carried):
        raise ValidationFailed(N_("{name}'s {component} score is still retained: there is no need to sit it again.",
                                  name=registration.person.name, component=COMPONENT_LABELS[sitting.component]),
                               field="registration_id")
    placed = session.scalar(select(SessionCandidate).where(
        SessionCandidate.registration_id == registration.id,
        SessionCandidate.plan_component_id == sitting.plan_component_id))
    if placed is not None:
        raise Conflict(N_("{name} is already placed in room {room}.", name=registration.person.name,
                          room=placed.session.room), field="registration_id")
    require_seat(sitting, field="registration_id")
    for assignment in sitting.assignments:
        links = links_between(session, assessor=assignment.user, people=[registration.person])
        if links:
            raise ValidationFailed(conflict_message(assignment.role, assignment.user, registration.person, links[0]),
                                   field="registration_id")
    row = SessionCandidate(session_id=sitting.id, registration_id=registration.id,
                           plan_component_id=sitting.plan_component_id)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.add_candidate",
                 object_type="assessment_session", object_id=sitting.id, new={"registration_id": registration.id})
    return row


def remove_candidate(session: Session, *, actor: User, now: datetime, sitting_id: int, registration_id: int) -> None:
    """Take a candidate out of a session that is still being arranged."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    _require_planning(sitting)
    row = next((c for c in sitting.candidates if c.registration_id == registration_id), None)
    if row is None:
        raise NotFound(N_("This candidate is not in this room."), field="registration_id")
    sitting.candidates.remove(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.remove_candidate",
                 object_type="assessment_session", object_id=sitting.id, old={"registration_id": registration_id})


def check_qualification(session: Session, sitting: AssessmentSession, user: User, role: str) -> None:
    """Markers need their own level ≥ 三级 in the occupation, ≥ 二级 when candidates sit 二级/一级."""
    if role not in MARKING_ROLES:
        return
    plan = sitting.plan
    occupation = plan.occupation
    needed = 2 if plan.level_digit <= 2 else 3
    role_name = ASSIGNMENT_ROLES[role]
    qualification = qualification_of(session, user_id=user.id, occupation_code=occupation.code)
    if qualification is None:
        raise ValidationFailed(N_("{user} has no recorded own level in {occupation} ({code}) and cannot act as "
                                  "{role}.", user=user.display_name, occupation=occupation.name, code=occupation.code,
                                  role=role_name), field="user_id")
    if qualification.level_digit > needed:
        raise ValidationFailed(N_("{user}'s own level in {occupation} is {own}: to assess {level}, the {role} must hold "
                                  "{needed} or above.", user=user.display_name, occupation=occupation.name,
                                  own=level_label(qualification.level_digit), level=level_label(plan.level_digit),
                                  needed=level_label(needed), role=role_name), field="user_id")


def clashing_room(session: Session, sitting: AssessmentSession, user: User) -> AssessmentSession | None:
    """Another room the user is placed in whose time overlaps this one's, if any."""
    ends = sitting.starts_at + timedelta(minutes=sitting.duration_minutes)
    others = session.scalars(select(AssessmentSession).join(SessionAssignment).where(
        SessionAssignment.user_id == user.id, AssessmentSession.id != sitting.id)
        .order_by(AssessmentSession.starts_at, AssessmentSession.id))
    for other in others:
        other_ends = other.starts_at + timedelta(minutes=other.duration_minutes)
        if other.starts_at < ends and sitting.starts_at < other_ends:
            return other
    return None


def clash_message(user: User, other: AssessmentSession) -> Message:
    """'周丽娜 is already placed in room 实训车间 B at the same time (2026-12-16 09:00–11:00).'"""
    ends = other.starts_at + timedelta(minutes=other.duration_minutes)
    start, end = other.starts_at.astimezone(LOCAL_ZONE), ends.astimezone(LOCAL_ZONE)
    return N_("{user} is already placed in room {room} at the same time ({day} {start}–{end}).",
              user=user.display_name, room=other.room, day=start.date().isoformat(), start=start.strftime("%H:%M"),
              end=end.strftime("%H:%M"))


def _check_double_booking(session: Session, sitting: AssessmentSession, user: User) -> None:
    other = clashing_room(session, sitting, user)
    if other is not None:
        raise Conflict(clash_message(user, other), field="user_id")


def _check_person(session: Session, sitting: AssessmentSession, user: User | None, role: str, external: bool) -> None:
    """Who may fill the slot: the organisation's assessors, or for the external supervisor a department
    supervisor appointed to the plan."""
    if user is not None and user.active and user.has_role(Role.DEPT_SUPERVISOR) and not user.has_role(Role.ASSESSOR):
        if role != "supervisor" or not external:
            raise ValidationFailed(N_("{user} is a department quality supervisor: they can only be a room's external "
                                      "quality supervisor.", user=user.display_name), field="role")
        if user.id not in appointed_ids(session, sitting.plan_id):
            raise ValidationFailed(N_("{user} is not appointed to this plan: the administrator appoints department "
                                      "quality supervisors to a plan on the organisation's request.",
                                      user=user.display_name), field="user_id")
        return
    if user is None or not user.active or not user.has_role(Role.ASSESSOR):
        raise NotFound(N_("The assessor does not exist or is deactivated."), field="user_id")
    if external:
        raise ValidationFailed(N_("An external quality supervisor is a department quality supervisor appointed to "
                                  "this plan by the administrator, not one of the organisation's assessors; request "
                                  "one for the plan."), field="external")
    if role == "supervisor" and user.organisation_id != sitting.plan.organisation_id:
        raise ValidationFailed(N_("An internal quality supervisor must be one of the organisation's own assessors."),
                               field="user_id")


def assign_assessor(
    session: Session, *, actor: User, now: datetime, sitting_id: int, user_id: int, role: str, external: bool = False
) -> SessionAssignment:
    """Assign an assessor to a session in a role; refused on missing level, recusal or a role already filled."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    _require_planning(sitting)
    user = session.get(User, user_id)
    mode = mode_of(sitting)
    if role not in MODE_ROLES[mode]:
        raise ValidationFailed(N_("A {component} room takes: {roles}.", component=COMPONENT_LABELS[sitting.component],
                                  roles=joined(ASSIGNMENT_ROLES[r] for r in MODE_ROLES[mode])), field="role")
    if external and role != "supervisor":
        raise ValidationFailed(N_("Only a quality supervisor is either external or internal."), field="external")
    _check_person(session, sitting, user, role, external)
    held = next((a for a in sitting.assignments if a.user_id == user.id), None)
    if held is not None:
        raise Conflict(N_("{user} already acts as {role} in this room.", user=user.display_name,
                          role=ASSIGNMENT_ROLES[held.role]), field="user_id")
    if role in ("leader", "supervisor"):
        taken = next((a for a in sitting.assignments if a.role == role), None)
        if taken is not None:
            raise Conflict(N_("This room already has its {role}: {user}.", role=ASSIGNMENT_ROLES[role],
                              user=taken.user.display_name), field="role")
    check_qualification(session, sitting, user, role)
    people = [c.registration.person for c in sitting.candidates]
    links = links_between(session, assessor=user, people=people)
    if links:
        person = next(p for p in people if p.id == links[0].person_id)
        raise ValidationFailed(conflict_message(role, user, person, links[0]), field="user_id")
    _check_double_booking(session, sitting, user)
    assignment = SessionAssignment(session_id=sitting.id, user_id=user.id, role=role, external=external,
                                   assigned_at=now)
    sitting.assignments.append(assignment)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.assign", object_type="assessment_session",
                 object_id=sitting.id, new={"user_id": user.id, "role": role, "external": external})
    return assignment


def unassign_assessor(session: Session, *, actor: User, now: datetime, assignment_id: int) -> None:
    """Remove an assessor from a session that is still being arranged."""
    assignment = get_or_not_found(
        session, SessionAssignment, assignment_id, N_("This assignment does not exist.")
    )
    sitting = session_for_staff(session, actor=actor, sitting_id=assignment.session_id)
    _require_planning(sitting)
    old = {"user_id": assignment.user_id, "role": assignment.role}
    sitting.assignments.remove(assignment)
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.unassign", object_type="assessment_session",
                 object_id=sitting.id, old=old)


def confirm_session(session: Session, *, actor: User, now: datetime, sitting_id: int) -> AssessmentSession:
    """Lock a session for the exam: ratios and recusal are checked again, then score cells are created."""
    sitting = session_for_staff(session, actor=actor, sitting_id=sitting_id)
    _require_planning(sitting)
    require_staffed(sitting)
    people = [c.registration.person for c in sitting.candidates]
    for assignment in sitting.assignments:
        links = links_between(session, assessor=assignment.user, people=people)
        if links:
            person = next(p for p in people if p.id == links[0].person_id)
            raise ValidationFailed(conflict_message(assignment.role, assignment.user, person, links[0]),
                                   field="staffing")
    markers = [a.user_id for a in sitting.assignments if a.role in MARKING_ROLES]
    for candidate in sitting.candidates:
        for marker_id in (markers if mode_of(sitting) != "invigilated" else [None]):
            session.add(Score(session_id=sitting.id, registration_id=candidate.registration_id, marker_id=marker_id,
                              version=0))
    sitting.status, sitting.confirmed_at = "confirmed", now
    session.flush()
    record_event(session, actor=actor, now=now, action="assessment_session.confirm", object_type="assessment_session",
                 object_id=sitting.id, old={"status": "planning"}, new={"status": "confirmed"})
    return sitting


def list_sessions(session: Session, *, plan_id: int) -> list[AssessmentSession]:
    """A plan's sessions by start time (callers check scope)."""
    stmt = (select(AssessmentSession).where(AssessmentSession.plan_id == plan_id)
            .order_by(AssessmentSession.starts_at, AssessmentSession.id))
    return list(session.scalars(stmt))


def sessions_of_assessor(session: Session, *, actor: User) -> list[tuple[AssessmentSession, SessionAssignment]]:
    """The sessions assigned to the actor, with the role held, soonest first."""
    stmt = (select(AssessmentSession, SessionAssignment).join(SessionAssignment)
            .where(SessionAssignment.user_id == actor.id).order_by(AssessmentSession.starts_at))
    return [(s, a) for s, a in session.execute(stmt).all()]
