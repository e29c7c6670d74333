"""Pure validation of import rows: every cell checked, every problem collected, rows grouped per person.

No database here: the import first validates the whole file with these functions, and only writes when
no row has an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from app.errors import ValidationFailed
from app.idnumbers import ID_TYPE_LABELS, RESIDENT
from app.people.import_columns import VOCABULARY, WORK_KEYS
from app.people.validation import (
    Identity,
    check_declared_years,
    check_identity,
    check_name,
    check_occupation_code,
    check_phone,
    check_text,
    check_work_dates,
    invalid_choice,
)
from app.people.vocabulary import (
    EDUCATION_LABELS,
    GENDER_LABELS,
    SCHOOL_TYPE_LABELS,
    TARGET_GROUP_LABELS,
    education_key,
    gender_key,
    id_type_key,
    school_type_key,
    split_target_groups,
    target_group_text,
)
from app.spreadsheets import CellError, Layout, Table, cell_date, cell_decimal, cell_text, data_rows, is_blank
from app.translation import N_, Message

PROGRESS_EVERY = 500  # rows between two progress reports of a long import

# Fields named by ValidationFailed → import column keys.
_FIELD_COLUMN = {"start_date": "work_start", "end_date": "work_end"}


@dataclass(frozen=True)
class WorkDraft:
    """A validated work period from one row."""

    row: int
    employer_name: str
    occupation_code: str | None
    occupation_name: str
    start_date: date | None
    end_date: date | None
    declared_years: Decimal | None = None  # years in the occupation as the person declares them (从业年限)

    @property
    def key(self) -> tuple:
        """What makes two work periods the same one."""
        return (self.employer_name, self.occupation_code, self.occupation_name, self.start_date, self.end_date,
                self.declared_years)


@dataclass
class PersonDraft:
    """A validated person gathered from one or more rows with the same ID number."""

    row: int
    identity: Identity
    values: dict[str, object]
    rows: dict[str, int] = field(default_factory=dict)
    work: list[WorkDraft] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        """ID type and normalised number."""
        return self.identity.id_type, self.identity.number


class _Row:
    """Cell access and error collection for one spreadsheet row."""

    def __init__(self, number: int, cells: tuple, layout: Layout, errors: list[CellError]) -> None:
        self.number, self.cells, self.map, self.errors = number, cells, layout, errors
        self.identity: Identity | None = None

    def raw(self, key: str) -> object:
        return self.map.value(self.cells, key)

    def text(self, key: str) -> str:
        return cell_text(self.raw(key))

    def error(self, key: str, message: Message) -> None:
        self.errors.append(CellError(self.number, self.map.header(key), message, self.map.positions.get(key)))

    def failure(self, exc: ValidationFailed, default_key: str) -> None:
        key = _FIELD_COLUMN.get(exc.field or "", exc.field or default_key)
        self.error(key if key in VOCABULARY.by_key else default_key, exc.message)

    def date(self, key: str) -> date | None:
        value = self.raw(key)
        if is_blank(value):
            return None
        try:
            return cell_date(value)
        except ValidationFailed as exc:
            self.error(key, exc.message)
            return None


def _id_number_text(row: _Row) -> str | None:
    value = row.raw("id_number")
    if isinstance(value, int | float) and not isinstance(value, bool):
        # Shown as Excel's General format shows it, e.g. 2.10102E+17.
        shown = f"{value:.6G}" if isinstance(value, float) else str(value)
        row.error("id_number", N_("The ID number cell is formatted as a number (read as {shown}). Excel keeps only "
                                  "15 significant digits, so the number may have changed; format the column as "
                                  "“Text” and enter the number again.", shown=shown))
        return None
    if is_blank(value):
        row.error("id_number", N_("Enter the ID number."))
        return None
    return cell_text(value)


def _choice(row: _Row, key: str, lookup, labels: dict[str, Message], what: Message) -> str | None:
    text = row.text(key)
    if not text:
        return None
    found = lookup(text)
    if found is None:
        row.error(key, invalid_choice(what, text, labels, field=key).message)
    return found


def _identity(row: _Row, today: date) -> Identity | None:
    number = _id_number_text(row)
    id_type_text = row.text("id_type")
    id_type = id_type_key(id_type_text) if id_type_text else RESIDENT
    if id_type is None:
        row.error("id_type", invalid_choice(N_("ID type"), id_type_text, ID_TYPE_LABELS, field="id_type").message)
    gender = _choice(row, "gender", gender_key, GENDER_LABELS, N_("Gender"))
    born = row.date("birth_date")
    if number is None or id_type is None:
        return None
    try:
        return check_identity(id_type, number, today=today, birth_date=born, gender=gender)
    except ValidationFailed as exc:
        row.failure(exc, "id_number")
        return None


def _person_values(row: _Row, today: date) -> dict[str, object]:
    values: dict[str, object] = {}
    name = row.text("name")
    values["name"] = _checked(row, "name", lambda: check_name(name)) if name else None
    values["phone"] = _checked(row, "phone", lambda: check_phone(row.text("phone")))
    for key, what, longest in _TEXTS:
        values[key] = _checked(row, key, lambda key=key, what=what, longest=longest: check_text(
            row.text(key), field=key, what=what, max_length=longest))
    values["education"] = _choice(row, "education", education_key, EDUCATION_LABELS, N_("Education"))
    values["school_type"] = _choice(row, "school_type", school_type_key, SCHOOL_TYPE_LABELS, N_("School type"))
    graduated = row.date("graduated_on")
    if graduated is not None and graduated > today:
        row.error("graduated_on", N_("The graduation date {date} is after today.", date=graduated.isoformat()))
    values["graduated_on"] = graduated
    keys, unknown = split_target_groups(row.text("target_groups"))
    if unknown:
        row.error("target_groups", invalid_choice(N_("Target group"), "; ".join(unknown), TARGET_GROUP_LABELS,
                                                  field="target_groups").message)
    values["target_groups"] = keys or None
    return values


_TEXTS = (("speciality", N_("speciality"), 100), ("ethnicity", N_("ethnic group"), 20),
          ("household_place", N_("household registration"), 100), ("school_name", N_("school"), 100))


def _checked(row: _Row, key: str, check):
    """Run one check of a cell; on failure record it against that column and return None."""
    try:
        return check()
    except ValidationFailed as exc:
        row.error(key, exc.message)
        return None


def _work(row: _Row, identity: Identity | None, today: date) -> WorkDraft | None:
    if all(is_blank(row.raw(key)) for key in WORK_KEYS):
        return None
    before = len(row.errors)
    employer = _checked(row, "employer_name", lambda: check_text(
        row.text("employer_name"), field="employer_name", what=N_("employer"), max_length=200, required=True))
    occupation = _checked(row, "occupation_name", lambda: check_text(
        row.text("occupation_name"), field="occupation_name", what=N_("occupation worked in"), max_length=100,
        required=True))
    code = _checked(row, "occupation_code", lambda: check_occupation_code(row.text("occupation_code")))
    start, end = row.date("work_start"), row.date("work_end")
    years = _declared_years(row, identity, today)
    if is_blank(row.raw("work_start")) and is_blank(row.raw("work_years")):
        if "work_years" in row.map.positions:
            row.error("work_start", N_("Enter the work start date or the years worked ({years}) with the work "
                                       "record.", years=row.map.header("work_years")))
        else:
            row.error("work_start", N_("Enter the work start date with the work record."))
    elif end is not None and start is None:
        row.error("work_end", N_("A work end date needs the work start date; give both dates, or the years worked "
                                 "only."))
    if len(row.errors) > before or identity is None:
        return None
    if start is not None:
        try:
            check_work_dates(start, end, born=identity.birth_date, today=today)
        except ValidationFailed as exc:
            row.failure(exc, "work_start")
            return None
    return WorkDraft(row.number, employer, code, occupation, start, end, years)


def _declared_years(row: _Row, identity: Identity | None, today: date) -> Decimal | None:
    """Years worked as declared (从业年限): more than 0, one decimal at most, not more than the years since 16."""
    value = row.raw("work_years")
    if is_blank(value):
        return None
    try:
        years = cell_decimal(value, unit="年")
    except ValidationFailed:
        row.error("work_years", N_("“{text}” is not a number of years; write it like 5 or 5.5.",
                                   text=cell_text(value)))
        return None
    if identity is None:
        return None
    return _checked(row, "work_years", lambda: check_declared_years(
        years, born=identity.birth_date, today=today, shown=cell_text(value)))


def describe_value(key: str, value: object) -> object:
    """A field's value as a row error shows it (labels for choices, ISO dates)."""
    if key == "target_groups":
        return target_group_text(value)
    labels = {"education": EDUCATION_LABELS, "school_type": SCHOOL_TYPE_LABELS, "gender": GENDER_LABELS}.get(key)
    shown = labels.get(value, value) if labels else value
    return shown.isoformat() if isinstance(shown, date) else shown


def _merge(draft: PersonDraft, row: _Row, values: dict[str, object], work: WorkDraft | None) -> None:
    """Add a further row of the same person: blanks are fine, different non-blank values are errors."""
    if row.identity.birth_date != draft.identity.birth_date:
        row.error("birth_date", N_("The date of birth differs from row {row} (same ID number).", row=draft.row))
    for key, value in values.items():
        if value is None:
            continue
        known = draft.values.get(key)
        if known is None:
            draft.values[key] = value
            draft.rows[key] = row.number
        elif known != value:
            header = row.map.header(key)
            if key == "phone":  # never echo a phone number
                row.error(key, N_("The {column} differs from row {row} (same ID number).", column=header,
                                  row=draft.rows[key]))
            else:
                row.error(key, N_("The {column} differs from row {row} (same ID number), which has “{value}”.",
                                  column=header, row=draft.rows[key], value=describe_value(key, known)))
    if work is not None and all(w.key != work.key for w in draft.work):
        draft.work.append(work)


def data_row_count(table: Table, layout: Layout) -> int:
    """How many rows lie below the header row (what decides whether an import runs on the task queue)."""
    return max(len(table.rows) - layout.row_index - 1, 0)


def validate_rows(table: Table, layout: Layout, *, today: date, progress: Callable[[int], None] | None = None,
                  every: int | None = None) -> tuple[list[PersonDraft], list[CellError]]:
    """Check every data row below the header; group rows by ID number; collect every error.

    `progress`, when given, is told how many rows below the header have been checked, every `every` rows
    (PROGRESS_EVERY) and once at the end; it is called before anything is written, so a runner may commit it.
    """
    every = every or PROGRESS_EVERY
    errors: list[CellError] = []
    people: dict[tuple[str, str], PersonDraft] = {}
    reported = 0
    for sheet_row in data_rows(table, layout):
        if progress is not None and (checked := sheet_row.number - layout.row_index - 2) - reported >= every:
            progress(reported := checked)
        row = _Row(sheet_row.number, sheet_row.cells, layout, errors)
        identity = row.identity = _identity(row, today)
        values = _person_values(row, today)
        if identity is not None and identity.gender is not None:
            values["gender"] = identity.gender
        work = _work(row, identity, today)
        if identity is None:
            continue
        draft = people.get((identity.id_type, identity.number))
        if draft is None:
            draft = PersonDraft(row.number, identity, {}, {})
            people[draft.key] = draft
        _merge(draft, row, values, work)
    # A name already refused in its own cell (digits, too long) is not reported a second time as missing.
    name_refused = {error.row for error in errors if error.column == layout.header("name")}
    for draft in people.values():
        if not draft.values.get("name") and draft.row not in name_refused:
            errors.append(CellError(draft.row, layout.header("name"), N_("Enter the name."),
                                   layout.positions.get("name")))
    if not people and not errors:
        errors.append(CellError(layout.row_number + 1, "", N_("The sheet has no data rows.")))
    errors.sort(key=lambda error: (error.row, error.col if error.col is not None else -1))
    if progress is not None:
        progress(data_row_count(table, layout))
    return list(people.values()), errors
