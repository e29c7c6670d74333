"""Enrolling a class from an Excel or CSV sheet that may also register the people in it: all rows or none.

The sheet takes the people import's columns and header words (姓名, 证件类型, 证件号码, and optionally 手机号码,
文化程度, 工作单位 …), and its rows are checked by the people import's own row checks. A person already
registered is found by ID number (blind index) and never duplicated; a row whose details contradict the
registered person is reported, not written over. When every row passes, the new people are registered by the
people import and everyone is enrolled; otherwise nothing is saved and every bad row is reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.clock import local_date
from app.errors import Conflict
from app.people.import_columns import CHOICES
from app.people.import_columns import FIELDS as PEOPLE_FIELDS
from app.people.import_columns import VOCABULARY as PEOPLE_VOCABULARY
from app.people.import_rows import PersonDraft, describe_value, validate_rows
from app.people.importing import import_people
from app.people.models import Person
from app.people.services import ID_KIND, sealed_phone
from app.spreadsheets import CellError, Layout, Table, lay_out
from app.spreadsheets import template_workbook as fields_template
from app.training.enrolments import NAME_MISMATCH, active_count, age_refusal, enrol_found, refusal_for
from app.training.models import Enrolment, TrainingClass
from app.training.projects import class_for_change
from app.translation import N_, Translate, english

KIND = "enrolments"
MAX_ROWS = 1_000  # data rows per upload: a class, not a register
FIELDS = PEOPLE_FIELDS  # the people import's fields and header words, nothing of its own
VOCABULARY = PEOPLE_VOCABULARY
COLUMNS = tuple(VOCABULARY.by_key[key].header for key in ("name", "id_type", "id_number"))
# Details compared with the registered person: a non-blank cell that differs from a non-blank record is refused.
_COMPARED = ("gender", "ethnicity", "household_place", "education", "school_name", "school_type", "speciality",
             "graduated_on")
GENERAL_NOTE = N_(
    "Only the name and ID number are required. A person not yet registered is registered from this row (fill in "
    "the other details you have); a registered person is found by ID number and never duplicated, and details "
    "that contradict the registered ones are reported, not overwritten. The whole sheet is checked on upload: if "
    "anything is wrong, nobody is registered or enrolled and a copy with the errors marked can be downloaded.")


def template_workbook(translate: Translate = english) -> bytes:
    """The class's enrolment sheet: the people import's columns, notes and drop-down lists, one example row."""
    return fields_template(N_("Enrolment list"), FIELDS, translate=translate, choices=CHOICES, general=GENERAL_NOTE)


@dataclass
class EnrolmentImport:
    """The enrolments made (and how many people were newly registered), or every problem found (nothing saved)."""

    enrolments: list[Enrolment] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    layout: Layout | None = None
    registered: int = 0


def _error(layout: Layout, row: int, key: str, message) -> CellError:
    return CellError(row, layout.header(key), message, layout.positions.get(key))


def _conflicts(draft: PersonDraft, person: Person, layout: Layout) -> list[CellError]:
    """Where the row's details contradict the registered person (blank cells and blank records agree with all)."""
    errors = []
    if person.name != draft.values.get("name"):
        errors.append(_error(layout, draft.rows.get("name", draft.row), "name", NAME_MISMATCH))
    if draft.identity.birth_date != person.birth_date:
        errors.append(_error(layout, draft.row, "birth_date", N_(
            "The {column} differs from the registered person's, “{value}”; correct the row or the person's record.",
            column=layout.header("birth_date"), value=person.birth_date.isoformat())))
    for key in _COMPARED:
        value, known = draft.values.get(key), getattr(person, key)
        if value is not None and known is not None and value != known:
            errors.append(_error(layout, draft.rows.get(key, draft.row), key, N_(
                "The {column} differs from the registered person's, “{value}”; correct the row or the person's "
                "record.", column=layout.header(key), value=describe_value(key, known))))
    phone = draft.values.get("phone")
    if phone is not None and person.phone_hash is not None and sealed_phone(phone)["phone_hash"] != person.phone_hash:
        errors.append(_error(layout, draft.rows.get("phone", draft.row), "phone", N_(
            "The {column} differs from the registered person's; correct the row or the person's record.",
            column=layout.header("phone"))))
    groups = draft.values.get("target_groups")
    if groups and person.target_groups and set(groups) != set(person.target_groups):
        errors.append(_error(layout, draft.rows.get("target_groups", draft.row), "target_groups", N_(
            "The {column} differs from the registered person's, “{value}”; correct the row or the person's record.",
            column=layout.header("target_groups"), value=describe_value("target_groups", person.target_groups))))
    return errors


def _registered(session: Session, drafts: list[PersonDraft]) -> dict[tuple[str, str], Person]:
    """Registered people by (ID type, normalised number), found by blind index."""
    hashes = {pii.blind_index(ID_KIND, d.identity.number): d.key for d in drafts}
    found: dict[tuple[str, str], Person] = {}
    keys = sorted(hashes)
    for start in range(0, len(keys), 500):
        for person in session.scalars(select(Person).where(Person.id_hash.in_(keys[start:start + 500]))):
            key = hashes[person.id_hash]
            if person.id_type == key[0]:
                found[key] = person
    return found


def _check(session: Session, klass: TrainingClass, drafts: list[PersonDraft], layout: Layout,
           registered: dict[tuple[str, str], Person]) -> list[CellError]:
    errors: list[CellError] = []
    for draft in drafts:
        person = registered.get(draft.key)
        if person is not None:
            problems = _conflicts(draft, person, layout)
            refusal = None if problems else refusal_for(session, klass, person, taken=0)
        else:
            problems, refusal = [], age_refusal(klass, name=draft.values.get("name") or "",
                                                 birth_date=draft.identity.birth_date)
        errors.extend(problems)
        if refusal is not None:
            errors.append(_error(layout, draft.row, "id_number", refusal))
    taken = active_count(session, klass.id)
    room = max(klass.capacity - taken, 0)
    if len(drafts) > room:
        errors.append(_error(layout, drafts[room].row, "name", N_(
            "Over the class capacity: the class holds {capacity} people, {taken} are enrolled and this file adds "
            "{adding}, {over} too many (from this row on).", capacity=klass.capacity, taken=taken,
            adding=len(drafts), over=len(drafts) - room)))
    return errors


def import_enrolments(
    session: Session, *, actor: User, now: datetime, class_id: int, table: Table,
    mapping: Mapping[str, str | None] | None = None, ignore_unmapped: bool = False,
) -> EnrolmentImport:
    """Check every row (person details, registered details agree, working age, not enrolled, capacity), then
    register the new people and enrol everyone, or save nothing."""
    klass = class_for_change(session, actor=actor, class_id=class_id)
    outcome = EnrolmentImport()
    layout = outcome.layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    if layout.errors:
        outcome.errors = layout.errors
        return outcome
    drafts, errors = validate_rows(table, layout, today=local_date(now))
    refused_rows = {error.row for error in errors}
    checkable = [d for d in drafts if d.row not in refused_rows and d.values.get("name")]
    registered = _registered(session, checkable)
    errors += _check(session, klass, checkable, layout, registered)
    if errors:
        outcome.errors = sorted(errors, key=lambda e: (e.row, e.col if e.col is not None else -1))
        return outcome
    people = import_people(session, actor=actor, now=now, table=table, mapping=layout.mapping(),
                           ignore_unmapped=ignore_unmapped)
    if people.errors:  # someone changed the register since the check above
        raise Conflict(N_("Someone registered some of these people during the upload; upload the file again."),
                       field="file")
    outcome.registered = people.created
    registered = _registered(session, drafts)
    outcome.enrolments = [enrol_found(session, actor=actor, now=now, klass=klass, person=registered[d.key])
                          for d in drafts]
    return outcome
