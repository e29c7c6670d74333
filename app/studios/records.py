"""What a studio or base does, recorded against people the system knows: apprentices, problems solved,
exchanges and social service, teaching in training classes, and the classes and assessments a base hosts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.models import AssessmentPlan
from app.audit.services import record_event
from app.certification.models import Certificate
from app.clock import local_date
from app.database import get_or_not_found
from app.errors import InvalidTransition, ValidationFailed
from app.people.access import person_in_scope
from app.people.models import HeldCertificate, LevelAward
from app.studios.models import HostedClass, MasterApprentice, Studio, StudioActivity, TeachingLink
from app.studios.registry import require_active
from app.studios.scope import get_studio
from app.studios.vocabulary import ACTIVITY_KINDS
from app.training.models import ClassSession, TrainingClass
from app.translation import N_

MAX_AGREEMENT_DAYS = 5 * 366


def _member_ids(studio: Studio) -> set[int]:
    return {member.person_id for member in studio.members}


def add_apprenticeship(session: Session, *, actor: User, now: datetime, studio_id: int, master_id: int,
                       apprentice_id: int, start_on: date, end_on: date, goal: str | None = None
                       ) -> MasterApprentice:
    """Record a master–apprentice agreement between a team member and a person the system knows."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="apprentice_id")
    if master_id not in _member_ids(studio):
        raise ValidationFailed(N_("The master must be on the studio's team."), field="master_id")
    apprentice = person_in_scope(session, actor=actor, person_id=apprentice_id)
    if apprentice.id == master_id:
        raise ValidationFailed(N_("A master cannot be their own apprentice."), field="apprentice_id")
    if end_on <= start_on or (end_on - start_on).days > MAX_AGREEMENT_DAYS:
        raise ValidationFailed(N_("The agreement must end after it starts and last at most five years."),
                               field="end_on")
    if start_on > local_date(now):
        raise ValidationFailed(N_("The date {day} is after today.", day=start_on.isoformat()), field="start_on")
    clash = session.scalar(select(MasterApprentice).where(
        MasterApprentice.studio_id == studio.id, MasterApprentice.apprentice_id == apprentice.id,
        MasterApprentice.status == "active", MasterApprentice.start_on <= end_on,
        MasterApprentice.end_on >= start_on))
    if clash is not None:
        raise ValidationFailed(N_("{name} already has an agreement with this studio from {day}.",
                                  name=apprentice.name, day=clash.start_on.isoformat()), field="apprentice_id")
    row = MasterApprentice(studio_id=studio.id, master_id=master_id, apprentice_id=apprentice.id, start_on=start_on,
                           end_on=end_on, goal=(goal or "").strip()[:300] or None, status="active",
                           created_by_id=actor.id, created_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.apprentice", object_type="studio",
                 object_id=studio.id, new={"agreement_id": row.id, "master_id": master_id,
                                           "apprentice_id": apprentice.id, "start_on": start_on.isoformat(),
                                           "end_on": end_on.isoformat()})
    return row


def end_apprenticeship(session: Session, *, actor: User, now: datetime, studio_id: int,
                       agreement_id: int) -> MasterApprentice:
    """Mark an agreement ended (the apprentice left or finished early)."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    row = get_or_not_found(session, MasterApprentice, agreement_id, N_("The agreement does not exist."))
    if row.studio_id != studio.id or row.status != "active":
        raise InvalidTransition(N_("Only an active agreement of this studio can be ended."))
    row.status = "ended"
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.apprentice_end", object_type="studio",
                 object_id=studio.id, old={"status": "active"}, new={"agreement_id": row.id, "status": "ended"})
    return row


def record_activity(session: Session, *, actor: User, now: datetime, studio_id: int, kind: str, title: str,
                    dated_on: date, benefit: str | None = None, benefit_yuan: int | None = None,
                    people_reached: int | None = None) -> StudioActivity:
    """Record a technical problem solved (its benefit is required), an exchange or a social service."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="title")
    if kind not in ACTIVITY_KINDS:
        raise ValidationFailed(N_("Choose what kind of activity this was."), field="kind")
    title, benefit = (title or "").strip(), (benefit or "").strip() or None
    if not title:
        raise ValidationFailed(N_("Enter a title."), field="title")
    if kind == "problem" and benefit is None:
        raise ValidationFailed(N_("Describe the benefit of the solved problem (savings, output, quality)."),
                               field="benefit")
    if dated_on > local_date(now):
        raise ValidationFailed(N_("The date {day} is after today.", day=dated_on.isoformat()), field="dated_on")
    if benefit_yuan is not None and benefit_yuan < 0:
        raise ValidationFailed(N_("The benefit in yuan cannot be negative."), field="benefit_yuan")
    row = StudioActivity(studio_id=studio.id, kind=kind, title=title[:200], dated_on=dated_on,
                         benefit=benefit[:500] if benefit else None, benefit_yuan=benefit_yuan,
                         people_reached=people_reached, recorded_by_id=actor.id, recorded_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.activity", object_type="studio", object_id=studio.id,
                 new={"activity_id": row.id, "kind": kind, "title": row.title, "benefit_yuan": benefit_yuan})
    return row


def link_teaching(session: Session, *, actor: User, now: datetime, studio_id: int, person_id: int,
                  class_id: int) -> list[TeachingLink]:
    """Link a team member to the sessions of a training class timetabled with them as the teacher.

    Training records a session's teacher by name, so the sessions whose teacher is the member's name are the
    ones linked; their hours then count as the member's teaching hours.
    """
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="class_id")
    member = next((m for m in studio.members if m.person_id == person_id), None)
    if member is None:
        raise ValidationFailed(N_("Choose a member of the studio's team."), field="person_id")
    klass = get_or_not_found(session, TrainingClass, class_id, N_("The training class does not exist."))
    name = member.person.name
    sessions = [s for s in klass.sessions if (s.teacher or "").strip() == name]
    if not sessions:
        raise ValidationFailed(N_("No session of {klass} is timetabled with {name} as the teacher.",
                                  klass=klass.name, name=name), field="class_id")
    linked = set(session.scalars(select(TeachingLink.session_id).where(
        TeachingLink.studio_id == studio.id, TeachingLink.person_id == person_id)))
    rows = [TeachingLink(studio_id=studio.id, person_id=person_id, session_id=s.id, recorded_by_id=actor.id,
                         recorded_at=now) for s in sessions if s.id not in linked]
    if not rows:
        raise ValidationFailed(N_("These sessions are already counted."), field="class_id")
    session.add_all(rows)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.teaching", object_type="studio", object_id=studio.id,
                 new={"person_id": person_id, "class_id": klass.id, "session_ids": [r.session_id for r in rows]})
    return rows


def teaching_hours(session: Session, studio_id: int, *, first: date, last: date) -> dict[int, Decimal]:
    """Hours each member taught in linked class sessions held from ``first`` to ``last``."""
    rows = session.execute(
        select(TeachingLink.person_id, ClassSession.hours).join(ClassSession, TeachingLink.session_id == ClassSession.id)
        .where(TeachingLink.studio_id == studio_id, ClassSession.session_date >= first,
               ClassSession.session_date <= last))
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for person_id, value in rows:
        hours[person_id] += value
    return dict(hours)


def host_event(session: Session, *, actor: User, now: datetime, studio_id: int, class_id: int | None = None,
               plan_id: int | None = None) -> HostedClass:
    """Record a training class or an assessment plan held at a base."""
    studio = get_studio(session, actor=actor, studio_id=studio_id)
    require_active(studio, field="class_id")
    if studio.kind != "base":
        raise ValidationFailed(N_("Only a training base records the classes and assessments it hosts."),
                               field="class_id")
    if (class_id is None) == (plan_id is None):
        raise ValidationFailed(N_("Choose one class or one assessment plan."), field="class_id")
    if class_id is not None:
        get_or_not_found(session, TrainingClass, class_id, N_("The training class does not exist."))
    else:
        get_or_not_found(session, AssessmentPlan, plan_id, N_("The assessment plan does not exist."))
    held = select(HostedClass.id).where(HostedClass.studio_id == studio.id)
    held = held.where(HostedClass.class_id == class_id) if class_id else held.where(HostedClass.plan_id == plan_id)
    if session.scalar(held) is not None:
        raise ValidationFailed(N_("This is already recorded."), field="class_id" if class_id else "plan_id")
    row = HostedClass(studio_id=studio.id, class_id=class_id, plan_id=plan_id, recorded_by_id=actor.id,
                      recorded_at=now)
    session.add(row)
    session.flush()
    record_event(session, actor=actor, now=now, action="studio.hosted", object_type="studio", object_id=studio.id,
                 new={"class_id": class_id, "plan_id": plan_id})
    return row


@dataclass(frozen=True)
class ApprenticeProgress:
    """An agreement with what the apprentice reached after it started, read live from the records."""

    agreement: MasterApprentice
    awards: list[LevelAward]
    certificates: list[tuple[str, str, int | None, date]]  # number, occupation, level digit, issue date


def apprentice_progress(session: Session, studio_id: int) -> list[ApprenticeProgress]:
    """Every agreement of the studio with the apprentice's level awards and certificates since its start."""
    agreements = list(session.scalars(select(MasterApprentice).where(MasterApprentice.studio_id == studio_id)
                                      .order_by(MasterApprentice.start_on, MasterApprentice.id)))
    found = []
    for row in agreements:
        awards = list(session.scalars(select(LevelAward).where(
            LevelAward.person_id == row.apprentice_id, LevelAward.awarded_on >= row.start_on)
            .order_by(LevelAward.awarded_on)))
        issued = session.execute(select(Certificate.number, Certificate.occupation_name, Certificate.level_digit,
                                        Certificate.issue_date).where(
            Certificate.person_id == row.apprentice_id, Certificate.status == "valid",
            Certificate.issue_date >= row.start_on)).all()
        held = session.execute(select(HeldCertificate.number, HeldCertificate.occupation_name,
                                      HeldCertificate.level_digit, HeldCertificate.issue_date).where(
            HeldCertificate.person_id == row.apprentice_id, HeldCertificate.issue_date >= row.start_on)).all()
        numbers: dict[str, tuple] = {}
        for number, occupation, digit, issued_on in [*issued, *held]:
            numbers.setdefault(number, (number, occupation, digit, issued_on))
        found.append(ApprenticeProgress(row, awards, sorted(numbers.values(), key=lambda c: c[3])))
    return found
