"""Totals, ranking with the event's tie-break, places and medals; publication for the notice period with
objections, then final — which records promotions by result (竞赛晋级) as level awards.

Scores: an aspect's mark is the mean of its judges' marks (dropping the highest and the lowest when the event
says so and at least four judges marked), or the chief judge's decision on a spread flag. A section counts its
aspects' marks against their maxima, times its weight; the total is out of 100.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.assessment.scope import check_reason
from app.assessment.workdays import notice_end_for
from app.audit.services import record_event
from app.catalog.ladder import grade_by_key, level_label
from app.clock import local_date
from app.competitions.entries import entry_in_scope
from app.competitions.events import event_for_organiser, get_event, issuer_of
from app.competitions.models import (
    CompetitionEvent,
    Entry,
    EventResult,
    Mark,
    Objection,
    Promotion,
    SpreadFlag,
)
from app.competitions.promotion import choose_rule, rules_for
from app.competitions.scheme import aspects_of
from app.competitions.vocabulary import ROUTE
from app.errors import InvalidTransition, NotAllowed, NotFound, ValidationFailed
from app.people.level_batches import AwardRequest, record_level_awards
from app.people.models import LevelAward
from app.translation import N_, Message, to_json

THOUSANDTH = Decimal("0.001")
MEDAL_BY_PLACE = {1: "gold", 2: "silver", 3: "bronze"}


@dataclass(frozen=True)
class Scored:
    """A competitor's totals before ranking."""

    entry_id: int
    total: Decimal
    measurement: Decimal
    judgement: Decimal
    first_section: Decimal


def aspect_mark(values: list[Decimal], *, drop_extremes: bool) -> Decimal:
    """The mean of the judges' marks, without the highest and lowest when asked and at least four marked."""
    ordered = sorted(values)
    if drop_extremes and len(ordered) >= 4:
        ordered = ordered[1:-1]
    return sum(ordered, Decimal(0)) / len(ordered)


def score_event(session: Session, event: CompetitionEvent) -> list[Scored]:
    """Every active competitor's totals from the marks and the chief judge's decisions."""
    aspects = aspects_of(event)
    section_max = {s.id: sum((a.max_mark for a in s.aspects), Decimal(0)) for s in event.sections}
    first = event.sections[0].id if event.sections else None
    # Per aspect: its share of the total per mark point, its kind, and whether it counts in the first section.
    plan = [(a.id, a.section.weight / section_max[a.section_id], a.kind == "measurement", a.section_id == first)
            for a in aspects]
    decided = {(f.entry_id, f.aspect_id): f.decision_value for f in session.scalars(select(SpreadFlag).where(
        SpreadFlag.event_id == event.id, SpreadFlag.status == "decided"))}
    marks: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for entry_id, aspect_id, value in session.execute(select(Mark.entry_id, Mark.aspect_id, Mark.value).where(
            Mark.event_id == event.id, Mark.value.is_not(None))):
        marks[(entry_id, aspect_id)].append(value)
    entry_ids = session.scalars(select(Entry.id).where(Entry.event_id == event.id, Entry.status == "entered"))
    scored, zero = [], Decimal(0)
    for entry_id in entry_ids:
        measurement = judgement = first_part = zero
        for aspect_id, factor, is_measurement, in_first in plan:
            got = decided.get((entry_id, aspect_id))
            if got is None:
                given = marks.get((entry_id, aspect_id))
                got = aspect_mark(given, drop_extremes=event.drop_extremes) if given else zero
            share = got * factor
            if is_measurement:
                measurement += share
            else:
                judgement += share
            if in_first:
                first_part += share
        scored.append(Scored(entry_id, _round(measurement + judgement), _round(measurement), _round(judgement),
                             _round(first_part)))
    return scored


def _round(value: Decimal) -> Decimal:
    return value.quantize(THOUSANDTH, rounding=ROUND_HALF_UP)


def rank(scored: list[Scored], *, tie_break: str) -> list[tuple[Scored, int]]:
    """Places by total, ties broken by the event's rule; still-equal competitors share a place (1, 2, 2, 4)."""
    def key(s: Scored) -> tuple:
        second = {"measurement": s.measurement, "judgement": s.judgement, "first_section": s.first_section}
        return (s.total, second.get(tie_break, Decimal(0)))

    ordered = sorted(scored, key=lambda s: (key(s), -s.entry_id), reverse=True)
    placed, previous, place = [], None, 0
    for index, item in enumerate(ordered, start=1):
        if key(item) != previous:
            place, previous = index, key(item)
        placed.append((item, place))
    return placed


def medal_for(place: int, merit_places: int) -> str | None:
    """Gold, silver, bronze for places 1–3; a merit award down to the event's merit places."""
    return MEDAL_BY_PLACE.get(place) or ("merit" if place <= merit_places else None)


def compute_results(session: Session, *, event: CompetitionEvent) -> int:
    """Replace the event's results with freshly computed totals, places and medals; returns how many."""
    session.execute(delete(EventResult).where(EventResult.event_id == event.id))
    rows = [{"event_id": event.id, "entry_id": item.entry_id, "total": item.total,
             "measurement_total": item.measurement, "judgement_total": item.judgement,
             "first_section": item.first_section, "place": place, "medal": medal_for(place, event.merit_places)}
            for item, place in rank(score_event(session, event), tie_break=event.tie_break)]
    if rows:  # one multi-row INSERT: 2,000 results in a few tens of milliseconds (bench/competition_marking.py)
        session.execute(insert(EventResult), rows)
    return len(rows)


def results_of(session: Session, event_id: int) -> list[EventResult]:
    """The event's results by place."""
    return list(session.scalars(select(EventResult).where(EventResult.event_id == event_id)
                                .order_by(EventResult.place, EventResult.entry_id)))


def publish_results(session: Session, *, actor: User, now: datetime, event_id: int) -> CompetitionEvent:
    """Publish signed-off results for the public notice (公示) of the competition's working days."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    if event.status != "signed_off":
        raise InvalidTransition(N_("Only results the chief judge has signed off can be published."), field="publish")
    event.status, event.published_at = "published", now
    event.notice_ends_on = notice_end_for(session, published_on=local_date(now),
                                          working_days=event.competition.notice_days)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.publish", object_type="competition_event",
                 object_id=event.id, old={"status": "signed_off"},
                 new={"status": "published", "notice_ends_on": event.notice_ends_on.isoformat()})
    return event


def raise_objection(session: Session, *, actor: User, now: datetime, event_id: int, text: str,
                    entry_id: int | None = None) -> Objection:
    """An objection during the notice, by an entering organisation (about its own entries) or the organiser."""
    event = get_event(session, event_id)
    if event.status != "published" or local_date(now) > event.notice_ends_on:
        raise InvalidTransition(N_("Objections are taken only while the results are under public notice."),
                                field="text")
    if entry_id is not None:
        entry = entry_in_scope(session, actor=actor, entry_id=entry_id)
        if entry.event_id != event.id:
            raise ValidationFailed(N_("The entry is not in this event."), field="entry_id")
    elif not session.scalar(select(Entry.id).where(Entry.event_id == event.id,
                                                   Entry.entered_by_org_id == actor.organisation_id).limit(1)) \
            and actor.organisation_id != event.competition.organiser_org_id:
        raise NotAllowed(N_("Only organisations with competitors in this event may object."))
    words = " ".join((text or "").split())
    if len(words) < 10:
        raise ValidationFailed(N_("Describe the objection (at least 10 characters)."), field="text")
    objection = Objection(event_id=event.id, entry_id=entry_id, text=words[:2000], status="open",
                          raised_by_id=actor.id, raised_at=now)
    session.add(objection)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_objection.raise", object_type="competition_event",
                 object_id=event.id, new={"objection": objection.id, "entry_id": entry_id})
    return objection


def decide_objection(session: Session, *, actor: User, now: datetime, objection_id: int, upheld: bool,
                     reason: str | None) -> Objection:
    """The organiser dismisses an objection or upholds it; upholding withdraws the results and reopens marking
    for the chief judge to correct and sign off again (then a fresh notice)."""
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(N_("The objection does not exist."))
    event = event_for_organiser(session, actor=actor, event_id=objection.event_id)
    if objection.status != "open":
        raise InvalidTransition(N_("This objection has already been decided."), field="reason")
    why = check_reason(reason, what=N_("the reason for the decision"))
    objection.status, objection.decision_reason = ("upheld" if upheld else "dismissed"), why
    objection.decided_by_id, objection.decided_at = actor.id, now
    if upheld:
        if event.status != "published":
            raise InvalidTransition(N_("Only published results can be withdrawn."), field="reason")
        session.execute(delete(EventResult).where(EventResult.event_id == event.id))
        event.status, event.signed_off_at, event.signed_off_by_id = "marking", None, None
        event.published_at, event.notice_ends_on = None, None
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_objection.decide", object_type="competition_event",
                 object_id=event.id, new={"objection": objection.id, "status": objection.status,
                                          "event_status": event.status}, note=why)
    return objection


def open_objections(session: Session, *, event_id: int) -> list[Objection]:
    """Objections not yet decided."""
    return list(session.scalars(select(Objection).where(Objection.event_id == event_id, Objection.status == "open")
                                .order_by(Objection.id)))


def awards_by_person(session: Session, person_ids: list[int]) -> dict[int, list]:
    """Every level award of these people (as rows: person, occupation, grade, route, date), oldest first, in one
    query per thousand people."""
    found: dict[int, list] = defaultdict(list)
    for start in range(0, len(person_ids), 1000):
        chunk = person_ids[start:start + 1000]
        for award in session.execute(select(
                LevelAward.person_id, LevelAward.occupation_code, LevelAward.occupation_name, LevelAward.grade_key,
                LevelAward.route, LevelAward.awarded_on).where(LevelAward.person_id.in_(chunk))
                .order_by(LevelAward.awarded_on, LevelAward.id)):
            found[award.person_id].append(award)
    return found


def held_grade(awards: list, occupation_code: str) -> str | None:
    """The highest grade held in the occupation (as people.levels.current_levels reads a history)."""
    best = None
    for award in awards:
        if award.occupation_code == occupation_code and (
                best is None or grade_by_key(award.grade_key).rank >= grade_by_key(best).rank):
            best = award.grade_key
    return best


def _promotion(event: CompetitionEvent, entry, now: datetime, *, status: str = "withheld",
               reason: Message | None = None, from_grade: str | None = None, rule_id: int | None = None,
               to_grade: str | None = None, level_digit: int | None = None) -> dict:
    return {"event_id": event.id, "entry_id": entry.id, "person_id": entry.person_id, "rule_id": rule_id,
            "status": status, "from_grade": from_grade, "to_grade": to_grade, "level_digit": level_digit,
            "level_award_id": None, "reason": None if reason is None else to_json(reason), "created_at": now}


def promote(session: Session, *, actor: User, now: datetime, event: CompetitionEvent, results: list) -> int:
    """Apply the promotion rules to final results: level awards with route 竞赛晋级, at most one promotion by
    competition per person within 365 days, never above the event's band. Returns how many were promoted."""
    competition = event.competition
    issuer = issuer_of(competition)
    rules = rules_for(session, rule_set=competition.rule_set, tier=competition.tier, track=event.track)
    today = local_date(now)
    entries = {row.id: row for row in session.execute(select(Entry.id, Entry.person_id)
                                                      .where(Entry.event_id == event.id))}
    history = awards_by_person(session, [e.person_id for e in entries.values()])
    rows, requests = [], []
    for result in results:
        entry = entries[result.entry_id]
        awards = history.get(entry.person_id, [])
        current = held_grade(awards, event.occupation.code)
        choice = choose_rule(rules, place=result.place, medal=result.medal, entrants=len(results), current=current)
        if choice.rule is None:
            rows.append(_promotion(event, entry, now, reason=choice.reason, from_grade=current))
            continue
        earlier = [a for a in awards if a.route == ROUTE and a.awarded_on > today - timedelta(days=365)]
        if earlier:
            rows.append(_promotion(event, entry, now, reason=N_(
                "Already promoted through a competition within the last year ({occupation}, {date}): at most one "
                "promotion a year.", occupation=earlier[0].occupation_name,
                date=earlier[0].awarded_on.isoformat()), from_grade=current, rule_id=choice.rule.id))
            continue
        grade = grade_by_key(choice.rule.to_grade)
        if grade.digit < event.band_high:
            rows.append(_promotion(event, entry, now, reason=N_(
                "The rule would award {level}, above this event's band (up to {high}).",
                level=level_label(grade.digit), high=level_label(event.band_high)), from_grade=current,
                rule_id=choice.rule.id))
            continue
        rows.append(_promotion(event, entry, now, status="awarded", from_grade=current, rule_id=choice.rule.id,
                               to_grade=grade.key, level_digit=grade.digit))
        requests.append(AwardRequest(
            person_id=entry.person_id, occupation_code=event.occupation.code, occupation_name=event.occupation.name,
            grade_key=grade.key, route=ROUTE, awarded_on=today, awarded_by_org_id=issuer.id,
            source_type="competition_entry", source_id=str(entry.id),
            note=f"{competition.name} {event.name} 第{result.place}名"))
    award_ids = iter(record_level_awards(session, actor=actor, now=now, requests=requests))
    for row in rows:
        if row["status"] == "awarded":
            row["level_award_id"] = next(award_ids)
    if rows:
        session.execute(insert(Promotion), rows)
    return len(requests)


def finalise_results(session: Session, *, actor: User, now: datetime, event_id: int) -> CompetitionEvent:
    """After the notice, with every objection decided, the results are final and winners are promoted."""
    event = event_for_organiser(session, actor=actor, event_id=event_id)
    if event.status != "published":
        raise InvalidTransition(N_("Only published results can be made final."), field="finalise")
    if local_date(now) <= event.notice_ends_on:
        raise InvalidTransition(N_("The public notice runs until {date}: the results can be made final after it.",
                                   date=event.notice_ends_on.isoformat()), field="finalise")
    pending = open_objections(session, event_id=event.id)
    if pending:
        raise InvalidTransition(N_("{count} objections are not decided yet.", count=len(pending)), field="finalise")
    issuer_of(event.competition)  # refuses before anything changes when nobody can issue the certificates
    placed = session.execute(select(EventResult.entry_id, EventResult.place, EventResult.medal)
                             .where(EventResult.event_id == event.id).order_by(EventResult.place)).all()
    promoted = promote(session, actor=actor, now=now, event=event, results=placed)
    event.status, event.finalised_at = "final", now
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.finalise", object_type="competition_event",
                 object_id=event.id, old={"status": "published"},
                 new={"status": "final", "promoted": promoted})
    return event


def promotions_of(session: Session, event_id: int) -> list[Promotion]:
    """The event's promotions (and withheld ones with their reason), by entry."""
    return list(session.scalars(select(Promotion).where(Promotion.event_id == event_id).order_by(Promotion.entry_id)))
