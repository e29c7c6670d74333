"""Enterprise appointments (评聘) to 学徒工, 特级技师 and 首席技师: nomination → review → notice → appointment.

Rules, as chosen here (DOMAIN.md §2):
- The person must be the enterprise's employee: in its scope, with the enterprise as employer (the
  person's employer, or an 'employer' access of the enterprise).
- 特级技师 requires holding 高级技师 (or above) in that occupation now; 首席技师 requires holding 特级技师
  in that occupation now, in an enterprise that already has at least one 特级技师 appointed and in term.
- 特级技师 quota: floor(quota_percent % × n), n = the enterprise's employees holding a recorded
  高级技师 (一级) award in any occupation. The quota counts appointments in term; nominating and
  appointing are refused once it is reached (so fewer than 20 高级技师 at 5 % means no 特级技师 post).
- The notice lasts the same working days as result notices (app.assessment.workdays).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.accounts.roles import Role
from app.assessment.result_models import EnterpriseAppointment
from app.assessment.scope import check_reason
from app.assessment.vocabulary import APPOINTMENT_GRADES, APPOINTMENT_STATUSES, NOMINATIONS
from app.assessment.workdays import notice_end_for
from app.audit.services import record_event
from app.catalog.ladder import CHIEF_TECHNICIAN, PRINCIPAL_TECHNICIAN, SENIOR_TECHNICIAN, grade_by_key
from app.catalog.models import Occupation
from app.clock import local_date
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.access import person_in_scope, visible_clause
from app.people.levels import current_levels, record_level_award
from app.people.models import LevelAward, Person, PersonAccess
from app.translation import N_, Message


def _require_hr(actor: User) -> None:
    if not actor.has_role(Role.ENTERPRISE_HR):
        raise NotAllowed(N_("Only enterprise HR staff may handle appointments."))


def _employees(enterprise_id: int):
    """A clause: people whose employer is the enterprise."""
    employed = select(PersonAccess.person_id).where(PersonAccess.organisation_id == enterprise_id,
                                                    PersonAccess.reason == "employer")
    return or_(Person.employer_org_id == enterprise_id, Person.id.in_(employed))


def senior_technician_count(session: Session, *, enterprise_id: int) -> int:
    """Employees of the enterprise holding a recorded 高级技师 (一级) award in any occupation."""
    stmt = (select(func.count(func.distinct(LevelAward.person_id))).join(Person, LevelAward.person_id == Person.id)
            .where(LevelAward.grade_key == SENIOR_TECHNICIAN.key, _employees(enterprise_id)))
    return session.scalar(stmt) or 0


def appointed_in_term(session: Session, *, enterprise_id: int, grade_key: str, on: date) -> int:
    """Appointments of this grade whose term covers the day."""
    return session.scalar(select(func.count(EnterpriseAppointment.id)).where(
        EnterpriseAppointment.enterprise_id == enterprise_id, EnterpriseAppointment.grade_key == grade_key,
        EnterpriseAppointment.status == "appointed", EnterpriseAppointment.term_start <= on,
        EnterpriseAppointment.term_end >= on)) or 0


def principal_quota(holders: int, percent: Decimal) -> int:
    """How many 特级技师 posts: floor(percent % of the 高级技师 holders)."""
    return math.floor(Decimal(holders) * percent / 100)


def check_quota(session: Session, *, enterprise_id: int, on: date, percent: Decimal) -> None:
    """Refuse when the enterprise's 特级技师 posts are all filled, giving the numbers."""
    holders = senior_technician_count(session, enterprise_id=enterprise_id)
    quota = principal_quota(holders, percent)
    used = appointed_in_term(session, enterprise_id=enterprise_id, grade_key=PRINCIPAL_TECHNICIAN.key, on=on)
    if used >= quota:
        raise ValidationFailed(N_("All principal technician posts are filled: the enterprise has {holders} senior "
                                  "technicians, {percent} per cent of them allows {quota} and {used} are appointed.",
                                  holders=holders, percent=format(percent.normalize(), "f"), quota=quota, used=used),
                               field="grade_key")


def check_appointment_eligibility(session: Session, *, enterprise_id: int, person: Person, grade_key: str,
                                  occupation: Occupation, on: date) -> Message:
    """Why the person qualifies for the grade, or a refusal naming what is missing."""
    if grade_key == "apprentice":
        return N_("Employee of the enterprise")
    held = current_levels(session, person.id, as_of=on).get(occupation.code)
    held_rank = grade_by_key(held.grade_key).rank if held else 0
    held_name = grade_by_key(held.grade_key).name if held else N_("no level")
    if grade_key == PRINCIPAL_TECHNICIAN.key:
        if held_rank < SENIOR_TECHNICIAN.rank:
            raise ValidationFailed(N_("{name}'s current level in {occupation} is {level}: only a senior technician may "
                                      "be nominated principal technician.", name=person.name,
                                      occupation=occupation.name, level=held_name), field="person_id")
        return N_("Holds {level} in {occupation}", level=held_name, occupation=occupation.name)
    if held_rank < PRINCIPAL_TECHNICIAN.rank:
        raise ValidationFailed(N_("{name}'s current level in {occupation} is {level}: only an appointed principal "
                                  "technician may be nominated chief technician.", name=person.name,
                                  occupation=occupation.name, level=held_name), field="person_id")
    if appointed_in_term(session, enterprise_id=enterprise_id, grade_key=PRINCIPAL_TECHNICIAN.key, on=on) < 1:
        raise ValidationFailed(N_("The enterprise has no appointed principal technician yet, so it cannot appoint a "
                                  "chief technician."), field="grade_key")
    return N_("Appointed principal technician in {occupation}", occupation=occupation.name)


def nominate(
    session: Session, *, actor: User, now: datetime, person_id: int, grade_key: str, occupation_id: int,
    nomination: str = "unit", quota_percent: Decimal = Decimal("5"),
) -> EnterpriseAppointment:
    """Nominate an employee (self or unit); eligibility and the 特级技师 quota are checked first."""
    _require_hr(actor)
    if grade_key not in APPOINTMENT_GRADES:
        raise ValidationFailed(N_("Unknown appointment grade: {grade}.", grade=grade_key), field="grade_key")
    if nomination not in NOMINATIONS:
        raise ValidationFailed(N_("Unknown nomination type: {nomination}.", nomination=nomination), field="nomination")
    occupation = session.get(Occupation, occupation_id)
    if occupation is None:
        raise NotFound(N_("The occupation does not exist."), field="occupation_id")
    person = person_in_scope(session, actor=actor, person_id=person_id)
    employed = session.scalar(select(Person.id).where(Person.id == person.id, _employees(actor.organisation_id)))
    if employed is None:
        raise ValidationFailed(N_("{name} is not an employee of the enterprise.", name=person.name), field="person_id")
    today = local_date(now)
    pending = session.scalar(select(EnterpriseAppointment.id).where(
        EnterpriseAppointment.person_id == person.id, EnterpriseAppointment.enterprise_id == actor.organisation_id,
        EnterpriseAppointment.grade_key == grade_key, EnterpriseAppointment.status.in_(("nominated", "under_notice"))))
    if pending is not None:
        raise ValidationFailed(N_("{name}'s nomination as {grade} is already in progress.", name=person.name,
                                  grade=APPOINTMENT_GRADES[grade_key]), field="person_id")
    note = check_appointment_eligibility(session, enterprise_id=actor.organisation_id, person=person,
                                         grade_key=grade_key, occupation=occupation, on=today)
    if grade_key == PRINCIPAL_TECHNICIAN.key:
        check_quota(session, enterprise_id=actor.organisation_id, on=today, percent=quota_percent)
    row = EnterpriseAppointment(
        enterprise_id=actor.organisation_id, person_id=person.id, grade_key=grade_key,
        occupation_code=occupation.code, occupation_name=occupation.name, nomination=nomination, status="nominated",
        eligibility_note=note, created_by_id=actor.id, created_at=now,
    )
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="appointment.nominate", object_type="enterprise_appointment",
                 object_id=row.id, new={"person_id": person.id, "grade": grade_key, "occupation": occupation.code,
                                        "nomination": nomination, "eligibility": note})
    return row


def _own(session: Session, actor: User, appointment_id: int) -> EnterpriseAppointment:
    _require_hr(actor)
    row = session.get(EnterpriseAppointment, appointment_id)
    if row is None or row.enterprise_id != actor.organisation_id:
        raise NotFound(N_("The appointment record does not exist."))
    return row


def _move(row: EnterpriseAppointment, allowed: tuple[str, ...], target: str) -> str:
    if row.status not in allowed:
        raise InvalidTransition(N_('The appointment is "{status}" and cannot become "{target}".',
                                   status=APPOINTMENT_STATUSES[row.status], target=APPOINTMENT_STATUSES[target]))
    old, row.status = row.status, target
    return old


def review_appointment(session: Session, *, actor: User, now: datetime, appointment_id: int, passed: bool,
                       note: str, notice_working_days: int = 5) -> EnterpriseAppointment:
    """Record the review (评审/答辩); a pass starts the notice, a fail ends the nomination."""
    row = _own(session, actor, appointment_id)
    text = check_reason(note, field="note", what=N_("the review opinion"))
    old = _move(row, ("nominated",), "under_notice" if passed else "rejected")
    row.review_note = text
    if passed:
        row.notice_starts_on = local_date(now)
        row.notice_ends_on = notice_end_for(session, published_on=row.notice_starts_on, working_days=notice_working_days)
    else:
        row.decided_at = now
    session.flush()
    record_event(session, actor=actor, now=now, action="appointment.review", object_type="enterprise_appointment",
                 object_id=row.id, old={"status": old}, new={"status": row.status}, note=text)
    return row


def appoint(session: Session, *, actor: User, now: datetime, appointment_id: int, term_start: date, term_end: date,
            quota_percent: Decimal = Decimal("5")) -> EnterpriseAppointment:
    """After the notice: appoint with a term and record the grade in the person's level history."""
    row = _own(session, actor, appointment_id)
    today = local_date(now)
    if row.status == "under_notice" and today <= row.notice_ends_on:
        raise InvalidTransition(N_("The notice period ends on {end}: the appointment can be made after it.",
                                   end=row.notice_ends_on.isoformat()))
    if term_end <= term_start:
        raise ValidationFailed(N_("The end of the term, {end}, must be after its start, {start}.", end=term_end.isoformat(),
                                  start=term_start.isoformat()), field="term_end")
    if term_start > today:
        raise ValidationFailed(N_("The appointment date {start} is after today.", start=term_start.isoformat()),
                               field="term_start")
    if row.status != "under_notice":
        _move(row, ("under_notice",), "appointed")  # raises: only a noticed nomination is appointed
    if row.grade_key == PRINCIPAL_TECHNICIAN.key:
        check_quota(session, enterprise_id=row.enterprise_id, on=today, percent=quota_percent)
    award = record_level_award(
        session, actor=actor, now=now, person_id=row.person_id, occupation_code=row.occupation_code,
        occupation_name=row.occupation_name, grade_key=row.grade_key, route="enterprise_appointment",
        awarded_on=term_start, term_until=term_end, awarded_by_org_id=row.enterprise_id,
        source_type="enterprise_appointment", source_id=row.id,
    )
    old = _move(row, ("under_notice",), "appointed")
    row.term_start, row.term_end, row.level_award_id, row.decided_at = term_start, term_end, award.id, now
    session.flush()
    record_event(session, actor=actor, now=now, action="appointment.appoint", object_type="enterprise_appointment",
                 object_id=row.id, old={"status": old},
                 new={"status": "appointed", "term": [term_start.isoformat(), term_end.isoformat()],
                      "award_id": award.id})
    return row


def reject_appointment(session: Session, *, actor: User, now: datetime, appointment_id: int, reason: str
                       ) -> EnterpriseAppointment:
    """End a nomination (e.g. after an objection during the notice), with a reason."""
    row = _own(session, actor, appointment_id)
    text = check_reason(reason)
    old = _move(row, ("nominated", "under_notice"), "rejected")
    row.review_note, row.decided_at = text, now
    session.flush()
    record_event(session, actor=actor, now=now, action="appointment.reject", object_type="enterprise_appointment",
                 object_id=row.id, old={"status": old}, new={"status": "rejected"}, note=text)
    return row


def list_appointments(session: Session, *, actor: User) -> list[EnterpriseAppointment]:
    """The actor's enterprise's appointments, newest first."""
    _require_hr(actor)
    stmt = (select(EnterpriseAppointment).where(EnterpriseAppointment.enterprise_id == actor.organisation_id)
            .order_by(EnterpriseAppointment.id.desc()))
    return list(session.scalars(stmt))


def quota_summary(session: Session, *, actor: User, now: datetime, percent: Decimal) -> dict[str, int]:
    """The numbers behind the 特级技师 quota, for the appointments page."""
    holders = senior_technician_count(session, enterprise_id=actor.organisation_id)
    return {"holders": holders, "quota": principal_quota(holders, percent),
            "used": appointed_in_term(session, enterprise_id=actor.organisation_id,
                                      grade_key=PRINCIPAL_TECHNICIAN.key, on=local_date(now)),
            "chief": appointed_in_term(session, enterprise_id=actor.organisation_id, grade_key=CHIEF_TECHNICIAN.key,
                                       on=local_date(now))}


def list_employees(session: Session, *, actor: User) -> list[Person]:
    """The enterprise's employees in its scope, by name (for nomination forms)."""
    _require_hr(actor)
    stmt = (select(Person).where(_employees(actor.organisation_id), visible_clause(actor))
            .order_by(Person.name, Person.id))
    return list(session.scalars(stmt))
