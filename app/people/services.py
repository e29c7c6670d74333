"""Registering, finding, changing and revealing people, within the actor's data scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import Organisation, User
from app.accounts.roles import PII_REVEAL_ROLES, OrgKind
from app.audit.services import record_event
from app.clock import local_date
from app.errors import NotAllowed, ValidationFailed
from app.idnumbers import (
    HMT_PERMIT,
    ID_TYPE_LABELS,
    RESIDENT,
    IdNumberError,
    mask_id,
    mask_phone,
    normalize_text,
    parse_id,
    upgrade_15_to_18,
)
from app.people.access import (
    add_access,
    grant_person_access,
    person_for_change,
    person_in_scope,
    require_editor,
    visible_clause,
)
from app.people.models import Person
from app.people.validation import (
    check_education,
    check_identity,
    check_name,
    check_phone,
    check_school_type,
    check_target_groups,
    check_text,
)
from app.people.vocabulary import GENDER_LABELS
from app.translation import N_, Message

__all__ = [
    "KEEP",
    "count_people",
    "get_person",
    "grant_person_access",
    "list_people",
    "register_person",
    "reveal_person",
    "update_person",
]

ID_KIND = "id"
ID_TYPES_WITH_SEX = (RESIDENT, HMT_PERMIT)
PHONE_KIND = "phone"


class _Keep:
    """Marker for "leave this field as it is" in update_person."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def sealed_id(number: str) -> dict[str, str]:
    """Encrypted, blind-indexed and masked columns for a normalised ID number."""
    return {"id_number_enc": pii.encrypt(number), "id_hash": pii.blind_index(ID_KIND, number),
            "id_masked": mask_id(number)}


def sealed_phone(phone: str | None) -> dict[str, str | None]:
    """Encrypted, blind-indexed and masked columns for an 11-digit phone, all None for no phone."""
    if phone is None:
        return {"phone_enc": None, "phone_hash": None, "phone_masked": None}
    return {"phone_enc": pii.encrypt(phone), "phone_hash": pii.blind_index(PHONE_KIND, phone),
            "phone_masked": mask_phone(phone)}


def duplicate_message(existing: Person) -> Message:
    """The refusal for an ID number that is already registered, naming the masked record."""
    return N_("This ID number is already registered: {name} ({masked})", name=existing.name, masked=existing.id_masked)


def _check_employer(session: Session, employer_org_id: int | None) -> int | None:
    if employer_org_id is None:
        return None
    org = session.get(Organisation, employer_org_id)
    if org is None or org.kind != OrgKind.ENTERPRISE:
        raise ValidationFailed(N_("The employer must be a registered enterprise."), field="employer_org_id")
    return org.id


def register_person(session: Session, *, actor: User, now: datetime, name: str, id_type: str, id_number: str,
                    phone: str | None = None, gender: str | None = None, birth_date: date | None = None,
                    education: str | None = None, school_type: str | None = None, speciality: str | None = None,
                    graduated_on: date | None = None, target_groups: list[str] | tuple[str, ...] = (),
                    employer_org_id: int | None = None, ethnicity: str | None = None,
                    household_place: str | None = None, school_name: str | None = None) -> Person:
    """Register a person after checking the ID (age ≥ 16 today) and phone; the actor's organisation gets access."""
    require_editor(actor)
    today = local_date(now)
    name = check_name(name)
    identity = check_identity(id_type, id_number, today=today, birth_date=birth_date, gender=gender)
    phone = check_phone(phone)
    sealed = sealed_id(identity.number)
    existing = session.scalar(
        select(Person).where(Person.id_type == identity.id_type, Person.id_hash == sealed["id_hash"])
    )
    if existing is not None:
        raise ValidationFailed(duplicate_message(existing), field="id_number")
    if graduated_on is not None and graduated_on > today:
        raise ValidationFailed(N_("The graduation date {date} is after today.", date=graduated_on.isoformat()),
                               field="graduated_on")
    person = Person(
        name=name,
        id_type=identity.id_type,
        gender=identity.gender,
        birth_date=identity.birth_date,
        education=check_education(education),
        school_type=check_school_type(school_type),
        speciality=check_text(speciality, field="speciality", what=N_("speciality"), max_length=100),
        ethnicity=check_text(ethnicity, field="ethnicity", what=N_("ethnic group"), max_length=20),
        household_place=check_text(household_place, field="household_place", what=N_("household registration"),
                                   max_length=100),
        school_name=check_text(school_name, field="school_name", what=N_("school"), max_length=100),
        graduated_on=graduated_on,
        target_groups=check_target_groups(target_groups),
        employer_org_id=_check_employer(session, employer_org_id),
        registered_by_org_id=actor.organisation_id,
        created_at=now,
        updated_at=now,
        **sealed,
        **sealed_phone(phone),
    )
    session.add(person)
    session.flush()
    add_access(session, person_id=person.id, organisation_id=actor.organisation_id, reason="registered", now=now)
    record_event(
        session, actor=actor, now=now, action="person.register", object_type="person", object_id=person.id,
        new=_audit_view(person),
    )
    return person


def _audit_view(person: Person) -> dict[str, Any]:
    """What the audit log keeps about a person: masked numbers only, never plaintext."""
    return {
        "name": person.name,
        "id_type": person.id_type,
        "id_masked": person.id_masked,
        "phone_masked": person.phone_masked,
        "gender": person.gender,
        "education": person.education,
        "school_type": person.school_type,
        "speciality": person.speciality,
        "school_name": person.school_name,
        "ethnicity": person.ethnicity,
        "household_place": person.household_place,
        "graduated_on": person.graduated_on.isoformat() if person.graduated_on else None,
        "target_groups": list(person.target_groups or []),
        "employer_org_id": person.employer_org_id,
    }


def update_person(session: Session, *, actor: User, now: datetime, person_id: int, name: str = KEEP,
                  phone: str | None = KEEP, gender: str | None = KEEP, education: str | None = KEEP,
                  school_type: str | None = KEEP, speciality: str | None = KEEP, graduated_on: date | None = KEEP,
                  target_groups: list[str] | tuple[str, ...] = KEEP, employer_org_id: int | None = KEEP) -> Person:
    """Change a person's details; arguments left as KEEP are unchanged. The ID number itself never changes."""
    person = person_for_change(session, actor=actor, person_id=person_id)
    old = _audit_view(person)
    if name is not KEEP:
        person.name = check_name(name)
    if phone is not KEEP:
        for column, value in sealed_phone(check_phone(phone)).items():
            setattr(person, column, value)
    if gender is not KEEP:
        _set_gender(person, gender)
    if education is not KEEP:
        person.education = check_education(education)
    if school_type is not KEEP:
        person.school_type = check_school_type(school_type)
    if speciality is not KEEP:
        person.speciality = check_text(speciality, field="speciality", what=N_("speciality"), max_length=100)
    if graduated_on is not KEEP:
        if graduated_on is not None and graduated_on > local_date(now):
            raise ValidationFailed(N_("The graduation date {date} is after today.", date=graduated_on.isoformat()),
                                   field="graduated_on")
        person.graduated_on = graduated_on
    if target_groups is not KEEP:
        person.target_groups = check_target_groups(target_groups)
    if employer_org_id is not KEEP:
        person.employer_org_id = _check_employer(session, employer_org_id)
    new = _audit_view(person)
    if new == old:
        return person
    person.updated_at = now
    session.flush()
    changed = [key for key in new if new[key] != old[key]]
    record_event(
        session, actor=actor, now=now, action="person.update", object_type="person", object_id=person.id,
        old={key: old[key] for key in changed}, new={key: new[key] for key in changed},
    )
    return person


def _set_gender(person: Person, gender: str | None) -> None:
    if gender not in (None, "M", "F"):
        raise ValidationFailed(N_("The gender should be male or female."), field="gender")
    if person.id_type in ID_TYPES_WITH_SEX and gender != person.gender:
        shown = GENDER_LABELS.get(person.gender or "", "")
        raise ValidationFailed(N_("The gender follows from the ID number (which shows {shown}) and cannot be changed.",
                                  shown=shown), field="gender")
    person.gender = gender


def get_person(session: Session, *, actor: User, person_id: int) -> Person:
    """One person inside the actor's scope (NotFound outside it)."""
    return person_in_scope(session, actor=actor, person_id=person_id)


def _search_clause(search: str):
    """Name substring, or an exact ID number or phone through their blind indexes."""
    text = search.strip()
    folded = normalize_text(text)
    # Names never contain digits; a term with digits is a number, so it is sent only as blind indexes
    # (a LIKE parameter would put the plaintext number into SQL logs).
    clauses = [] if any(ch.isdigit() for ch in folded) else [Person.name.contains(text, autoescape=True)]
    if len(folded) >= 5:
        candidates = {folded}
        if len(folded) == 15 and folded.isascii() and folded.isdigit():
            candidates.add(upgrade_15_to_18(folded))
        clauses.append(Person.id_hash.in_([pii.blind_index(ID_KIND, c) for c in candidates]))
    try:
        phone = check_phone(text)
    except ValidationFailed:
        phone = None
    if phone:
        clauses.append(Person.phone_hash == pii.blind_index(PHONE_KIND, phone))
    return or_(*clauses) if clauses else false()


def _people_query(actor: User, search: str | None):
    stmt = select(Person).where(visible_clause(actor))
    if search and search.strip():
        stmt = stmt.where(_search_clause(search))
    return stmt


def list_people(
    session: Session, *, actor: User, search: str | None = None, limit: int = 50, offset: int = 0
) -> list[Person]:
    """People in the actor's scope, newest first; search by name part, exact ID number or exact phone."""
    stmt = _people_query(actor, search).order_by(Person.id.desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def count_people(session: Session, *, actor: User, search: str | None = None) -> int:
    """How many people list_people would page through."""
    stmt = _people_query(actor, search).with_only_columns(func.count(Person.id)).order_by(None)
    return session.scalar(stmt) or 0


def reveal_person(
    session: Session, *, actor: User, now: datetime, person_id: int, reason: str | None = None
) -> tuple[str, str | None]:
    """The full ID number and phone of a person in scope, for roles allowed to see them; audited."""
    if not actor.has_role(*PII_REVEAL_ROLES):
        raise NotAllowed(N_("Your role may not see full ID and mobile numbers."))
    person = person_in_scope(session, actor=actor, person_id=person_id)
    id_number = pii.decrypt(person.id_number_enc)
    phone = pii.decrypt(person.phone_enc) if person.phone_enc else None
    fields = ["id_number"] + (["phone"] if phone else [])
    record_event(
        session, actor=actor, now=now, action="person.reveal", object_type="person", object_id=person.id,
        new={"fields": fields, "id_type": ID_TYPE_LABELS[person.id_type], "id_masked": person.id_masked},
        note=(reason or "").strip()[:500] or None,
    )
    return id_number, phone


def identify_person(session: Session, *, name: str, id_type: str, id_number: str,
                    now: datetime) -> tuple[Person | None, str]:
    """The person registered with this ID number (None when nobody is), and the typed name as checked.

    A malformed ID type, number or name is refused on its field; whether the name matches is the caller's rule
    (an enrolment names the field at fault, an account activation says nothing about who is registered)."""
    if id_type not in ID_TYPE_LABELS:
        raise ValidationFailed(N_("Unsupported ID type: {id_type}.", id_type=id_type), field="id_type")
    try:
        parsed = parse_id(id_type, id_number, today=local_date(now))
    except IdNumberError as exc:
        raise ValidationFailed(exc.message, field="id_number") from exc
    name = check_name(name)
    person = session.scalar(select(Person).where(Person.id_type == id_type,
                                                 Person.id_hash == pii.blind_index(ID_KIND, parsed.number)))
    return person, name
