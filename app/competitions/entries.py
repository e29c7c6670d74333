"""Entering competitors: eligibility per event (track, age, current level within the band, employer type),
which says why someone is refused, admission numbers, and recusal against the event's judges."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import ORG_KIND_LABELS, Role, sees_organisation
from app.audit.services import record_event
from app.catalog.ladder import grade_by_key, level_label
from app.competitions.events import get_event, require_preparing
from app.competitions.judges import recusal_links
from app.competitions.models import CompetitionEvent, Entry
from app.errors import Conflict, NotAllowed, ValidationFailed
from app.people.access import person_in_scope
from app.people.levels import current_levels
from app.people.models import Person
from app.people.validation import check_text
from app.translation import CLAUSE_SEPARATOR, N_, Message, joined

ENTERING_ROLES = frozenset({Role.ADMIN, Role.ENTERPRISE_HR, Role.INSTITUTION_STAFF, Role.EVALUATION_STAFF})


def age_on(birth: date, day: date) -> int:
    """Full years of age on a day."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def held_digit(session: Session, person: Person, occupation_code: str) -> int | None:
    """The level digit the person holds in the occupation (None when none is recorded)."""
    award = current_levels(session, person.id).get(occupation_code)
    return grade_by_key(award.grade_key).digit if award else None


def eligibility_problems(session: Session, event: CompetitionEvent, person: Person,
                         entering_org: Organisation) -> list[Message]:
    """Why the person may not compete in the event (empty when they may)."""
    problems: list[Message] = []
    employer = session.get(Organisation, person.employer_org_id) if person.employer_org_id else None
    if event.track == "student" and entering_org.kind != "institution":
        problems.append(N_("the students' track takes competitors entered by their school or training institution, "
                           "not by {organisation}", organisation=entering_org.name))
    if event.track == "worker" and employer is None:
        problems.append(N_("the workers' track needs an employer on the person's record"))
    age = age_on(person.birth_date, event.competition.starts_on)
    if event.min_age is not None and age < event.min_age:
        problems.append(N_("aged {age} when the competition starts, below {limit}", age=age, limit=event.min_age))
    if event.max_age is not None and age > event.max_age:
        problems.append(N_("aged {age} when the competition starts, above {limit}", age=age, limit=event.max_age))
    digit = held_digit(session, person, event.occupation.code)
    if digit is None and event.band_low < 4:
        problems.append(N_("holds no level in {occupation}; this event's band starts at {level}",
                           occupation=event.occupation.name, level=level_label(event.band_low)))
    elif digit is not None and digit < event.band_high:
        problems.append(N_("already holds {level}, above this event's band ({low} to {high})",
                           level=level_label(digit), low=level_label(event.band_low),
                           high=level_label(event.band_high)))
    elif digit is not None and digit > event.band_low + 1:
        problems.append(N_("holds {level}, more than one level below this event's band ({low} to {high})",
                           level=level_label(digit), low=level_label(event.band_low),
                           high=level_label(event.band_high)))
    if event.employer_kinds and (employer is None or employer.kind not in event.employer_kinds):
        problems.append(N_("the event takes competitors employed by: {kinds}",
                           kinds=joined(ORG_KIND_LABELS[k] for k in event.employer_kinds)))
    return problems


def _next_admission_number(session: Session, event: CompetitionEvent) -> str:
    # An atomic increment: concurrent entries serialise on the event row and never share a number.
    session.execute(update(CompetitionEvent).where(CompetitionEvent.id == event.id)
                    .values(entry_seq=CompetitionEvent.entry_seq + 1).execution_options(synchronize_session=False))
    session.refresh(event, ["entry_seq"])
    return f"{event.competition_id:03d}{event.id:03d}{event.entry_seq:04d}"


def enter_competitor(session: Session, *, actor: User, now: datetime, event_id: int, person_id: int,
                     team_name: str | None = None) -> Entry:
    """Enter one of the actor's organisation's people in an event, refused with every reason when ineligible."""
    if not actor.has_role(*ENTERING_ROLES):
        raise NotAllowed(N_("Your role may not enter competitors."))
    event = get_event(session, event_id)
    require_preparing(event, field="person_id")
    person = person_in_scope(session, actor=actor, person_id=person_id)
    if session.scalar(select(Entry.id).where(Entry.event_id == event.id, Entry.person_id == person.id)) is not None:
        raise Conflict(N_("{person} is already entered in {event}.", person=person.name, event=event.name),
                       field="person_id")
    entering_org = session.get(Organisation, actor.organisation_id)
    problems = eligibility_problems(session, event, person, entering_org)
    if problems:
        raise ValidationFailed(N_("{person} may not compete in {event}: {problems}.", person=person.name,
                                  event=event.name, problems=joined(problems, CLAUSE_SEPARATOR)), field="person_id")
    team = check_text(team_name, field="team_name", what=N_("team"), max_length=100)
    if event.mode == "team" and not team:
        raise ValidationFailed(N_("A team event needs the competitor's team."), field="team_name")
    for judge in event.judges:
        links = recusal_links(session, event=event, user=judge.user, people=[person], entering_org_ids={
            person.id: entering_org.id})
        if links:
            raise ValidationFailed(N_("{person} cannot be entered while {judge} judges {event}: {link}",
                                      person=person.name, judge=judge.user.display_name, event=event.name,
                                      link=links[0].description), field="person_id")
    entry = Entry(event_id=event.id, person_id=person.id, entered_by_org_id=entering_org.id, team_name=team,
                  admission_number=_next_admission_number(session, event), status="entered", entered_at=now,
                  entered_by_id=actor.id)
    session.add(entry)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_entry.create", object_type="competition_entry",
                 object_id=entry.id, new={"event_id": event.id, "person_id": person.id,
                                          "admission_number": entry.admission_number})
    return entry


def withdraw_entry(session: Session, *, actor: User, now: datetime, entry_id: int) -> Entry:
    """Withdraw an entry while the event is in preparation (by the entering organisation or the organiser)."""
    entry = entry_in_scope(session, actor=actor, entry_id=entry_id)
    require_preparing(session.get(CompetitionEvent, entry.event_id))
    if entry.status == "withdrawn":
        return entry
    entry.status = "withdrawn"
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_entry.withdraw", object_type="competition_entry",
                 object_id=entry.id, old={"status": "entered"}, new={"status": "withdrawn"})
    return entry


def entry_in_scope(session: Session, *, actor: User, entry_id: int) -> Entry:
    """An entry the actor's organisation made, or any entry for the organiser."""
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise ValidationFailed(N_("The entry does not exist."), field="entry_id")
    event = session.get(CompetitionEvent, entry.event_id)
    organiser = actor.has_role(Role.ADMIN) and actor.organisation_id == event.competition.organiser_org_id
    if not organiser and not (actor.has_role(*ENTERING_ROLES) and sees_organisation(actor, entry.entered_by_org_id)):
        raise NotAllowed(N_("Only the entering organisation or the organiser may change this entry."))
    return entry


def active_entries(session: Session, event_id: int) -> list[Entry]:
    """The event's entries that were not withdrawn, by admission number."""
    return list(session.scalars(select(Entry).where(Entry.event_id == event_id, Entry.status == "entered")
                                .order_by(Entry.admission_number)))


def entries_for(session: Session, *, actor: User, event_id: int) -> list[Entry]:
    """The entries the actor may see: all for the organiser and administrators, else their organisation's."""
    stmt = select(Entry).where(Entry.event_id == event_id).order_by(Entry.admission_number)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(Entry.entered_by_org_id == actor.organisation_id)
    return list(session.scalars(stmt))

