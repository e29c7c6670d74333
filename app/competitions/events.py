"""Creating competitions and their events, and who may run them (the organiser's administrators)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import Organisation, User
from app.accounts.roles import Role
from app.audit.services import record_event
from app.catalog.models import Occupation
from app.competitions.models import Competition, CompetitionEvent
from app.competitions.promotion import ensure_rule_set
from app.competitions.vocabulary import EMPLOYER_KINDS, EVENT_MODES, TIE_BREAKS, TIERS, TRACKS
from app.database import get_or_not_found
from app.errors import InvalidTransition, NotAllowed, ValidationFailed
from app.people.validation import check_text
from app.translation import N_

COMPETITION_NOT_FOUND = N_("The competition does not exist.")
EVENT_NOT_FOUND = N_("The event does not exist.")


def is_organiser(actor: User, competition: Competition) -> bool:
    """True for an administrator of the organising 人社 department."""
    return actor.has_role(Role.ADMIN) and actor.organisation_id == competition.organiser_org_id


def require_organiser(actor: User, competition: Competition) -> None:
    """Refuse anyone but the organiser's administrators."""
    if not is_organiser(actor, competition):
        raise NotAllowed(N_("Only the organiser's administrators may do this."))


def get_competition(session: Session, competition_id: int) -> Competition:
    """The competition (NotFound otherwise); competitions are public once created."""
    return get_or_not_found(session, Competition, competition_id, COMPETITION_NOT_FOUND)


def get_event(session: Session, event_id: int) -> CompetitionEvent:
    """The event (NotFound otherwise)."""
    return get_or_not_found(session, CompetitionEvent, event_id, EVENT_NOT_FOUND)


def event_for_organiser(session: Session, *, actor: User, event_id: int) -> CompetitionEvent:
    """The event, when the actor organises its competition."""
    event = get_event(session, event_id)
    require_organiser(actor, event.competition)
    return event


def require_preparing(event: CompetitionEvent, *, field: str | None = None) -> None:
    """Refuse changes to the scheme, entries and judges once marking has opened."""
    if event.status != "preparing":
        raise InvalidTransition(N_("Marking of {event} has opened: its scheme, entries and judges are fixed.",
                                   event=event.name), field=field)


def create_competition(session: Session, *, actor: User, now: datetime, name: str, tier: str, starts_on: date,
                       ends_on: date, notice_days: int = 5, rule_set: str = "tianjin",
                       issuer_org_id: int | None = None) -> Competition:
    """A competition organised by the actor's 人社 department."""
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(N_("Only an HR & social security administrator may organise a competition."))
    title = check_text(name, field="name", what=N_("competition name"), max_length=200, required=True)
    if tier not in TIERS:
        raise ValidationFailed(N_("Unknown tier: {tier}.", tier=tier), field="tier")
    if ends_on < starts_on:
        raise ValidationFailed(N_("The competition ends ({end}) before it starts ({start}).", end=ends_on.isoformat(),
                                  start=starts_on.isoformat()), field="ends_on")
    if not 1 <= notice_days <= 30:
        raise ValidationFailed(N_("The public notice lasts 1 to 30 working days, not {days}.", days=notice_days),
                               field="notice_days")
    if issuer_org_id is not None:
        issuer = session.get(Organisation, issuer_org_id)
        if issuer is None or issuer.filing is None:
            raise ValidationFailed(N_("The appointed certificate issuer must be a filed evaluation organisation."),
                                   field="issuer_org_id")
    rule_set = ensure_rule_set(session, rule_set)
    competition = Competition(name=title, tier=tier, organiser_org_id=actor.organisation_id, starts_on=starts_on,
                              ends_on=ends_on, notice_days=notice_days, rule_set=rule_set,
                              issuer_org_id=issuer_org_id, created_at=now, created_by_id=actor.id)
    session.add(competition)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition.create", object_type="competition",
                 object_id=competition.id, new={"name": title, "tier": tier, "rule_set": rule_set})
    return competition


def _decimal(text: str | Decimal | int, *, field: str, what) -> Decimal:
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed(N_('{what}: "{value}" is not a number.', what=what, value=str(text)),
                               field=field) from None
    if not value.is_finite() or value < 0:
        raise ValidationFailed(N_("{what} must be zero or more, not {value}.", what=what, value=str(text)),
                               field=field)
    return value


def create_event(session: Session, *, actor: User, now: datetime, competition_id: int, name: str,
                 occupation_code: str, band_low: int, band_high: int, track: str, mode: str = "individual",
                 variant_name: str | None = None, venue: str | None = None, min_age: int | None = None,
                 max_age: int | None = None, employer_kinds: list[str] | None = None,
                 spread_threshold: str | Decimal = "1", drop_extremes: bool = False,
                 tie_break: str = "first_section", merit_places: int = 0) -> CompetitionEvent:
    """An event (赛项) of a competition, in preparation."""
    competition = get_competition(session, competition_id)
    require_organiser(actor, competition)
    title = check_text(name, field="name", what=N_("event name"), max_length=200, required=True)
    occupation = session.scalar(select(Occupation).where(Occupation.code == (occupation_code or "").strip(),
                                                         Occupation.active.is_(True)).limit(1))
    if occupation is None:
        raise ValidationFailed(N_("Unknown occupation code: {code}.", code=occupation_code), field="occupation_code")
    if band_low not in range(1, 6) or band_high not in range(1, 6) or band_high > band_low:
        raise ValidationFailed(N_("The level band runs from a junior level to a senior one (level 5 … level 1); "
                                  "level {high} is below level {low}.", high=band_high, low=band_low),
                               field="band_high")
    if track not in TRACKS:
        raise ValidationFailed(N_("Unknown track: {track}.", track=track), field="track")
    if mode not in EVENT_MODES:
        raise ValidationFailed(N_("Unknown event mode: {mode}.", mode=mode), field="mode")
    if tie_break not in TIE_BREAKS:
        raise ValidationFailed(N_("Unknown tie-break rule: {rule}.", rule=tie_break), field="tie_break")
    kinds = list(employer_kinds or [])
    if any(k not in EMPLOYER_KINDS for k in kinds):
        raise ValidationFailed(N_("Unknown employer type."), field="employer_kinds")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationFailed(N_("The lowest age {low} is above the highest age {high}.", low=min_age, high=max_age),
                               field="max_age")
    if merit_places < 0:
        raise ValidationFailed(N_("The number of merit places cannot be negative."), field="merit_places")
    event = CompetitionEvent(
        competition_id=competition.id, name=title, occupation_id=occupation.id,
        variant_name=check_text(variant_name, field="variant_name", what=N_("trade"), max_length=100),
        band_low=band_low, band_high=band_high, track=track, mode=mode,
        venue=check_text(venue, field="venue", what=N_("venue"), max_length=200), min_age=min_age, max_age=max_age,
        employer_kinds=kinds,
        spread_threshold=_decimal(spread_threshold, field="spread_threshold", what=N_("Spread threshold")),
        drop_extremes=drop_extremes, tie_break=tie_break, merit_places=merit_places, status="preparing",
        created_at=now)
    session.add(event)
    session.flush()
    record_event(session, actor=actor, now=now, action="competition_event.create", object_type="competition_event",
                 object_id=event.id, new={"competition_id": competition.id, "name": title, "track": track,
                                          "band": f"{band_low}-{band_high}"})
    return event


def list_competitions(session: Session) -> list[Competition]:
    """Every competition, newest first."""
    return list(session.scalars(select(Competition).order_by(Competition.starts_on.desc(), Competition.id.desc())))


def issuer_of(competition: Competition) -> Organisation:
    """Who numbers and issues the certificates of promoted winners: the organiser when it is a filed evaluation
    organisation, otherwise the appointed one."""
    if competition.organiser.filing is not None:
        return competition.organiser
    if competition.issuer is not None and competition.issuer.filing is not None:
        return competition.issuer
    raise ValidationFailed(N_("{competition} has no certificate issuer: the organiser has no evaluation filing and no filed "
                      "evaluation organisation was appointed.", competition=competition.name),
                           field="issuer_org_id")
