"""Bulk import of people and their work history from Excel or CSV: all or nothing, idempotent.

The whole file is validated first (pure, see import_rows); any error means nothing is written and every
error comes back as (row, column, message). Otherwise people are matched to existing records by blind
index in chunked IN queries and written with chunked bulk INSERTs, never row by row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.audit.services import record_event
from app.catalog.models import Occupation
from app.clock import local_date
from app.errors import Conflict
from app.people.access import require_editor
from app.people.import_columns import FIELDS, MAX_ROWS, VOCABULARY
from app.people.import_rows import PersonDraft, WorkDraft, data_row_count, validate_rows
from app.people.models import Person, PersonAccess, WorkRecord
from app.people.services import ID_KIND, duplicate_message, sealed_id, sealed_phone
from app.people.workbooks import error_workbook, export_people_workbook, template_workbook
from app.spreadsheets import CellError, Layout, Table, lay_out, read_table
from app.translation import N_

__all__ = [
    "FIELDS",
    "ImportResult",
    "data_row_count",
    "error_workbook",
    "export_people_workbook",
    "import_people",
    "preview_people",
    "template_workbook",
]

CHUNK = 500
# Person fields an import may fill in on an existing record when they are still empty there.
_FILLABLE = ("gender", "ethnicity", "household_place", "education", "school_name", "school_type", "speciality",
             "graduated_on")


@dataclass
class ImportResult:
    """What an import did, or why it did nothing; ``rows`` are the uploaded rows for error_workbook."""

    errors: list[CellError] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    layout: Layout | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    work_records_added: int = 0
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        """True when the file was imported (no errors)."""
        return not self.errors


def _chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def preview_people(table: Table, *, mapping: Mapping[str, str | None] | None = None) -> Layout:
    """Which column of the sheet holds which field (the user's mapping first, then the header words)."""
    return lay_out(table.rows, VOCABULARY, mapping=mapping)


def import_people(
    session: Session, *, actor: User, now: datetime, data: bytes | None = None, filename: str = "",
    table: Table | None = None, mapping: Mapping[str, str | None] | None = None, ignore_unmapped: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Validate a whole people sheet, then create or complete every person in it, or import nothing.

    `mapping` (column header → field key, or "" / None to leave the column out) comes before the header words;
    a column that neither places refuses the sheet unless `ignore_unmapped`. Pass the file's bytes or a
    `table` already read. `progress` is told how many rows have been checked (see validate_rows), always
    before anything is written.
    """
    require_editor(actor)
    table = table if table is not None else read_table(data or b"", filename, max_rows=MAX_ROWS)
    filename = filename or table.filename
    result = ImportResult(rows=table.rows, encoding=table.encoding)
    layout = result.layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    if layout.errors:
        result.errors = layout.errors
        return result
    drafts, result.errors = validate_rows(table, layout, today=local_date(now), progress=progress)
    if result.errors:
        return result
    hashes = {draft.key: pii.blind_index(ID_KIND, draft.identity.number) for draft in drafts}
    existing = _existing_people(session, hashes)
    result.errors = _name_mismatches(drafts, hashes, existing, layout)
    if result.errors:
        return result
    _fill_occupation_codes(session, drafts)
    new = [draft for draft in drafts if (draft.identity.id_type, hashes[draft.key]) not in existing]
    created_ids = _insert_people(session, actor=actor, now=now, drafts=new)
    result.created = len(created_ids)
    result.work_records_added = _insert_work(session, now, [(pid, d.work) for pid, d in zip(created_ids, new, strict=True)])
    updated_ids = _complete_existing(session, actor=actor, now=now, drafts=drafts, hashes=hashes,
                                     existing=existing, result=result)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="person.import", object_type="person_import",
        object_id=hashlib.sha256(repr(table.rows).encode()).hexdigest()[:16],
        new={"filename": filename, "rows": len(table.rows) - layout.row_number, "mapping": layout.mapping(),
             "created": result.created, "updated": result.updated, "unchanged": result.unchanged,
             "work_records_added": result.work_records_added, "created_ids": created_ids, "updated_ids": updated_ids},
    )
    return result


def _existing_people(session: Session, hashes: dict[tuple[str, str], str]) -> dict[tuple[str, str], Person]:
    """People already registered, keyed by (id_type, id_hash), found with chunked IN queries."""
    found: dict[tuple[str, str], Person] = {}
    for chunk in _chunks(sorted(set(hashes.values()))):
        for person in session.scalars(select(Person).where(Person.id_hash.in_(chunk))):
            found[(person.id_type, person.id_hash)] = person
    return found


def _name_mismatches(
    drafts: list[PersonDraft], hashes: dict, existing: dict[tuple[str, str], Person], layout: Layout
) -> list[CellError]:
    """A known ID number under a different name is most likely a typo in the number: refuse it."""
    errors = []
    for draft in drafts:
        person = existing.get((draft.identity.id_type, hashes[draft.key]))
        if person is not None and person.name != draft.values["name"]:
            errors.append(CellError(
                draft.rows.get("name", draft.row), layout.header("name"),
                N_("{duplicate}, which differs from the name on this row, “{name}”; check the ID number.",
                   duplicate=duplicate_message(person), name=draft.values["name"]),
                layout.positions.get("name"),
            ))
    return errors


def _insert_people(session: Session, *, actor: User, now: datetime, drafts: list[PersonDraft]) -> list[int]:
    """Bulk-insert new people and their access rows; returns the new ids in draft order."""
    ids: list[int] = []
    for chunk in _chunks(drafts):
        rows = [_person_row(draft, actor.organisation_id, now) for draft in chunk]
        try:
            # No RETURNING: ordered RETURNING falls back to one INSERT per row on SQLite; one SELECT is cheaper.
            session.execute(insert(Person), rows)
        except IntegrityError as exc:
            # Another import or registration added one of these people since the lookup above.
            raise Conflict(N_("Someone registered some of these people during the import; import the file again."),
                           field="file") from exc
        found = {(id_type, id_hash): pid for id_type, id_hash, pid in session.execute(
            select(Person.id_type, Person.id_hash, Person.id).where(Person.id_hash.in_([r["id_hash"] for r in rows]))
        )}
        ids.extend(found[(row["id_type"], row["id_hash"])] for row in rows)
    access = [{"person_id": pid, "organisation_id": actor.organisation_id, "reason": "registered", "granted_at": now}
              for pid in ids]
    for chunk in _chunks(access):
        session.execute(insert(PersonAccess), list(chunk))
    return ids


def _person_row(draft: PersonDraft, organisation_id: int, now: datetime) -> dict:
    values, identity = draft.values, draft.identity
    return {
        "name": values["name"], "id_type": identity.id_type, "gender": identity.gender,
        "birth_date": identity.birth_date, "education": values.get("education"),
        "ethnicity": values.get("ethnicity"), "household_place": values.get("household_place"),
        "school_name": values.get("school_name"),
        "school_type": values.get("school_type"), "speciality": values.get("speciality"),
        "graduated_on": values.get("graduated_on"), "target_groups": values.get("target_groups") or [],
        "employer_org_id": None, "photo_path": None, "photo_sha256": None,
        "registered_by_org_id": organisation_id, "created_at": now, "updated_at": now,
        **sealed_id(identity.number), **sealed_phone(values.get("phone")),
    }


def _fill_occupation_codes(session: Session, drafts: list[PersonDraft]) -> None:
    """Give a work period without a code the code of the catalogue occupation of exactly that name, if one."""
    names = {w.occupation_name for d in drafts for w in d.work if w.occupation_code is None}
    if not names:
        return
    codes: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(names)):
        for name, code in session.execute(select(Occupation.name, Occupation.code).where(
                Occupation.name.in_(chunk), Occupation.active.is_(True))):
            codes.setdefault(name, set()).add(code)
    for draft in drafts:
        draft.work = [_with_code(w, codes.get(w.occupation_name, set())) for w in draft.work]


def _with_code(work: WorkDraft, codes: set[str]) -> WorkDraft:
    if work.occupation_code is not None or len(codes) != 1:
        return work
    return WorkDraft(work.row, work.employer_name, next(iter(codes)), work.occupation_name, work.start_date,
                     work.end_date, work.declared_years)


def _insert_work(session: Session, now: datetime, work: list[tuple[int, list]]) -> int:
    """Bulk-insert work periods for (person id, periods) pairs; returns how many."""
    declared_on: date = local_date(now)
    rows = [
        {"person_id": pid, "employer_name": w.employer_name, "occupation_code": w.occupation_code,
         "occupation_name": w.occupation_name, "start_date": w.start_date, "end_date": w.end_date,
         "declared_years": w.declared_years, "declared_on": declared_on if w.declared_years is not None else None,
         "created_at": now}
        for pid, periods in work for w in periods
    ]
    for chunk in _chunks(rows):
        session.execute(insert(WorkRecord), list(chunk))
    return len(rows)


def _complete_existing(
    session: Session, *, actor: User, now: datetime, drafts: list[PersonDraft], hashes: dict,
    existing: dict[tuple[str, str], Person], result: ImportResult,
) -> list[int]:
    """Fill empty fields of known people, add their new work periods and grant the importer access."""
    pairs = [(existing[key], d) for d in drafts if (key := (d.identity.id_type, hashes[d.key])) in existing]
    if not pairs:
        return []
    ids = [person.id for person, _ in pairs]
    known_work: dict[int, set[tuple]] = {pid: set() for pid in ids}
    with_access: set[int] = set()
    for chunk in _chunks(ids):
        for w in session.scalars(select(WorkRecord).where(WorkRecord.person_id.in_(chunk))):
            known_work[w.person_id].add((w.employer_name, w.occupation_code, w.occupation_name, w.start_date,
                                         w.end_date, w.declared_years))
        with_access.update(session.scalars(select(PersonAccess.person_id).where(
            PersonAccess.organisation_id == actor.organisation_id, PersonAccess.person_id.in_(chunk))))
    new_work, updated = [], []
    for person, draft in pairs:
        periods = [w for w in draft.work if w.key not in known_work[person.id]]
        changed = _fill_missing(person, draft) or bool(periods)
        new_work.append((person.id, periods))
        if changed:
            person.updated_at = now
            updated.append(person.id)
    result.updated, result.unchanged = len(updated), len(pairs) - len(updated)
    result.work_records_added += _insert_work(session, now, new_work)
    grants = [{"person_id": pid, "organisation_id": actor.organisation_id, "reason": "imported", "granted_at": now}
              for pid in dict.fromkeys(ids) if pid not in with_access]
    for chunk in _chunks(grants):
        session.execute(insert(PersonAccess), list(chunk))
    return updated


def _fill_missing(person: Person, draft: PersonDraft) -> bool:
    """Set fields that are empty on the record and given in the file; never overwrite a value."""
    changed = False
    for key in _FILLABLE:
        value = draft.values.get(key)
        if value is not None and getattr(person, key) is None:
            setattr(person, key, value)
            changed = True
    phone = draft.values.get("phone")
    if phone is not None and person.phone_hash is None:
        for column, value in sealed_phone(phone).items():
            setattr(person, column, value)
        changed = True
    groups = draft.values.get("target_groups")
    if groups and not person.target_groups:
        person.target_groups = list(groups)
        changed = True
    return changed
