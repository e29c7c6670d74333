"""Judges and the chief judge (裁判长) of an event: recusal is a hard block, using the assessment staffing
rules (declared relations, same employer, training links) plus the competition's own link — the judge works
for the organisation (firm or school) that entered the competitor. Opening marking fixes the judges, locks the
scheme and creates every judge's mark cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User, UserRole
from app.assessment.recusal import Link, links_between
from app.audit.services import record_event
from app.competitions.events import event_for_organiser, require_preparing
from app.competitions.models import CompetitionEvent, Entry, EventJudge, Mark
from app.competitions.scheme import aspects_of, scheme_problems
from app.competitions.vocabulary import JUDGE_ROLES
from app.errors import Conflict, InvalidTransition, ValidationFailed
from app.people.models import Person
from app.translation import CLAUSE_SEPARATOR, N_, joined

MIN_JUDGES = 3  # judgement aspects are scored by at least three judges independently (DOMAIN §11)


def recusal_links(session: Session, *, event: CompetitionEvent, user: User, people: Sequence[Person],
                  entering_org_ids: Mapping[int, int]) -> list[Link]:
    """Every reason the user may not judge these people: the assessment recusal links, and the judge's own
    organisation having entered the competitor (their firm or school)."""
    found = links_between(session, assessor=user, people=people)
    known = {(link.person_id, "employer") for link in found}
    org = session.get(Organisation, user.organisation_id)
    for person in people:
        if entering_org_ids.get(person.id) == user.organisation_id and (person.id, "employer") not in known:
            found.append(Link(person.id, "entering_org", N_(
                "{judge} works for {organisation}, which entered {person}.", judge=user.display_name,
                organisation=org.name, person=person.name)))
    return found


def _competitors(session: Session, event: CompetitionEvent) -> tuple[list[Person], dict[int, int]]:
    entries = session.scalars(select(Entry).where(Entry.event_id == event.id, Entry.status == "entered")).all()
    return [e.person for e in entries], {e.person_id: e.entered_by_org_id for e in entries}


def assign_judge(session: Session, *, actor: User, now: datetime, event_id: int, user_id: int,
                 role: str = "judge") -> EventJudge:
    """Assign a judge or the chief judge; refused when they must recuse themselves from any competitor."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    require_preparing(event, field="user_id")
    if role not in JUDGE_ROLES:
        raise ValidationFailed(N_("Unknown judge role: {role}.", role=role), field="role")
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise ValidationFailed(N_("The judge's account does not exist or is disabled."), field="user_id")
    if any(j.user_id == user.id for j in event.judges):
        raise Conflict(N_("{judge} already judges {event}.", judge=user.display_name, event=event.name),
                       field="user_id")
    if role == "chief" and any(j.role == "chief" for j in event.judges):
        raise Conflict(N_("{event} already has a chief judge.", event=event.name), field="role")
    people, entering = _competitors(session, event)
    links = recusal_links(session, event=event, user=user, people=people, entering_org_ids=entering)
    if links:
        raise ValidationFailed(N_("{judge} must recuse themselves from competitor {person}: {link}",
                                  judge=user.display_name, person=next(p.name for p in people
                                                                       if p.id == links[0].person_id),
                                  link=links[0].description), field="user_id")
    judge = EventJudge(user_id=user.id, role=role, assigned_at=now)
    event.judges.append(judge)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_judge.assign", object_type="competition_event",
                 object_id=event.id, new={"user_id": user.id, "role": role})
    return judge


def unassign_judge(session: Session, *, actor: User, now: datetime, judge_id: int) -> CompetitionEvent:
    """Take a judge off an event while it is in preparation."""
    judge = session.get(EventJudge, judge_id)
    if judge is None:
        raise ValidationFailed(N_("The judge assignment does not exist."), field="judge_id")
    event = event_for_organiser(session, actor=actor, event_id=judge.event_id)
    require_preparing(event)
    event.judges.remove(judge)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_judge.unassign", object_type="competition_event",
                 object_id=event.id, old={"user_id": judge.user_id, "role": judge.role})
    return event


def markers_of(event: CompetitionEvent) -> list[EventJudge]:
    """The judges who mark (the chief judge supervises and decides, and does not mark)."""
    return [j for j in event.judges if j.role == "judge"]


def chief_of(event: CompetitionEvent) -> EventJudge | None:
    """The chief judge, if assigned."""
    return next((j for j in event.judges if j.role == "chief"), None)


def open_marking(session: Session, *, actor: User, now: datetime, event_id: int) -> CompetitionEvent:
    """Lock the scheme, fix judges and entries, and create every judge's mark cells."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    require_preparing(event)
    problems = scheme_problems(event)
    if chief_of(event) is None:
        problems.append(N_("no chief judge is assigned"))
    if len(markers_of(event)) < MIN_JUDGES:
        problems.append(N_("{count} judges are assigned; at least {minimum} are needed",
                           count=len(markers_of(event)), minimum=MIN_JUDGES))
    people, entering = _competitors(session, event)
    if not people:
        problems.append(N_("nobody is entered"))
    for judge in event.judges:
        for link in recusal_links(session, event=event, user=judge.user, people=people, entering_org_ids=entering):
            problems.append(link.description)
    if problems:
        raise InvalidTransition(N_("Marking cannot open: {problems}.", problems=joined(problems, CLAUSE_SEPARATOR)),
                                field="open")
    entry_ids = session.scalars(select(Entry.id).where(Entry.event_id == event.id, Entry.status == "entered")).all()
    cells = [{"event_id": event.id, "entry_id": entry_id, "aspect_id": aspect.id, "judge_id": judge.user_id,
              "value": None, "version": 0} for entry_id in entry_ids for aspect in aspects_of(event)
             for judge in markers_of(event)]
    session.execute(insert(Mark), cells)
    event.status, event.marking_opened_at = "marking", now
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.open_marking",
                 object_type="competition_event", object_id=event.id, old={"status": "preparing"},
                 new={"status": "marking", "cells": len(cells), "judges": len(markers_of(event)),
                      "entries": len(entry_ids)})
    return event


JUDGE_POOL_ROLES = ("assessor", "evaluation_staff", "enterprise_hr", "institution_staff")


def judge_candidates(session: Session) -> list[User]:
    """Active accounts that may be asked to judge (assessors, and staff of firms, schools and evaluation
    organisations), by name."""
    return list(session.scalars(select(User).where(User.active.is_(True), User.id.in_(
        select(UserRole.user_id).where(UserRole.role.in_(JUDGE_POOL_ROLES)))).order_by(User.display_name, User.id)))


def events_judged_by(session: Session, *, actor: User) -> list[tuple[CompetitionEvent, EventJudge]]:
    """The events the actor judges, with their role, newest first."""
    rows = session.execute(select(CompetitionEvent, EventJudge).join(EventJudge, EventJudge.event_id ==
                                                                     CompetitionEvent.id)
                           .where(EventJudge.user_id == actor.id).order_by(CompetitionEvent.id.desc()))
    return [(event, judge) for event, judge in rows]
