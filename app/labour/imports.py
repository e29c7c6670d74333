"""Import of seasonal workers' availability from an Excel or CSV sheet: all rows or none, every problem reported.

It uses the shared import machinery (docs/imports.md): `read_table` (bounded; .xlsx, CSV in UTF-8 or GBK …),
`lay_out` with the fields below (the template's Chinese header and the other words township offices write;
an unrecognised column refuses the sheet until it is mapped or left out), the shared cell helpers (full-width
digits, Excel dates, 2027年4月1日 …). Each row names a person already registered (by resident ID number, found by
blind index within the user's scope), the county and home township, the townships the worker can reach and the
tasks they can do (separated by 、 or commas) and one period of availability. Injury cover is recorded afterwards
per worker. When any row is wrong, nothing is registered and every problem is listed by row and column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.errors import Conflict, DomainError, ValidationFailed
from app.idnumbers import parse_id
from app.idnumbers.errors import IdNumberError
from app.labour.models import SeasonalWorker
from app.labour.seasonal import WorkerDetails, register_worker, require_staff
from app.labour.vocabulary import TASKS, TASKS_ZH
from app.people.access import visible_clause
from app.people.models import Person
from app.people.services import ID_KIND
from app.regions import LIAONING_CITIES
from app.spreadsheets import (
    CellError,
    Field,
    Layout,
    SheetRow,
    Table,
    Vocabulary,
    cell_date,
    data_rows,
    folded_text,
    is_blank,
    lay_out,
)
from app.spreadsheets import template_workbook as fields_template
from app.translation import N_, Translate, english

KIND = "labour_availability"  # the import's name for saved mappings
MAX_ROWS = 2_000  # data rows per upload: a county's seasonal workers
SPLIT = re.compile(r"[、,，;；/\s]+")
LIST_SPLIT = re.compile(r"[、,，;；/]+")  # tasks: English names have spaces
# A task cell may name the task in Chinese (育苗 …), by its key (harvest) or by its English name (Harvesting).
TASK_WORDS = {**{name: key for key, name in TASKS_ZH.items()}, **{key: key for key in TASKS},
              **{str(label).lower(): key for key, label in TASKS.items()}}

FIELDS: tuple[Field, ...] = (
    Field("id_number", "身份证号", N_("Resident ID number"),
          ("公民身份号码", "证件号码", "身份证号码", "公民身份证号码", "身份证", "ID number"), required=True,
          note=N_("Required. The person must already be registered in Jiangcai. Format this column as “Text”, or "
                  "Excel turns an 18-digit number into 2.10102E+17."),
          example="210102199003071233", text_format=True, sensitive=True, width=22),
    Field("county", "县", N_("County"), ("县区", "区县", "县(市、区)", "县（市、区）", "County"), required=True,
          note=N_("Required. The county (or district) the worker lives in."), example="朝阳县", width=12),
    Field("home_township", "所在乡镇", N_("Home township"), ("乡镇", "户籍乡镇", "居住乡镇", "Home township"),
          required=True, note=N_("Required. The township the worker lives in."), example="大平房镇", width=12),
    Field("townships", "可到达乡镇", N_("Townships within reach"), ("可去乡镇", "可到乡镇", "可前往乡镇",
                                                              "Townships within reach"),
          note=N_("Optional. Other townships the worker can get to, separated by 、 or commas."),
          example="波罗赤镇、羊山镇", width=20),
    Field("tasks", "工种", N_("Tasks"), ("可做工种", "任务", "可做任务", "Tasks"), required=True,
          note=N_("Required. One or more of: {names}, separated by 、 or commas.", names="、".join(TASKS_ZH.values())),
          example="采收、包装", width=16),
    Field("start_date", "开始日期", N_("Available from"), ("可用开始日期", "起始日期", "开始时间", "Available from"),
          required=True, note=N_("Required. A date, e.g. 2027-04-01 or 2027年4月1日."), example="2027-04-01",
          width=12),
    Field("end_date", "结束日期", N_("Available until"), ("可用截止日期", "截止日期", "结束时间", "Available until"),
          required=True, note=N_("Required. A date on or after the start date."), example="2027-05-20", width=12),
)
VOCABULARY = Vocabulary(FIELDS)
GENERAL_NOTE = N_(
    "One row per worker, who must already be registered as a person (register them first in People). The whole "
    "sheet is checked on upload: if anything is wrong, nobody is registered for seasonal work and every problem is "
    "listed. Injury cover is recorded afterwards on each worker's page.")


def template_workbook(translate: Translate = english) -> bytes:
    """The availability sheet: the Chinese headers, one example row, and a sheet explaining every column."""
    return fields_template(N_("Seasonal workers"), FIELDS, translate=translate, general=GENERAL_NOTE)


@dataclass
class AvailabilityImport:
    """The workers registered, or every problem found (then nothing is kept)."""

    workers: list[SeasonalWorker] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    layout: Layout | None = None


def _split(text: str) -> list[str]:
    return [part for part in SPLIT.split(text) if part]


def _tasks(text: str) -> tuple[list[str], list[str]]:
    """The task keys a cell names, and the words it holds that are not tasks."""
    keys, unknown = [], []
    for part in (p.strip() for p in LIST_SPLIT.split(text)):
        words = [part] if part.lower() in TASK_WORDS else part.split()  # 采收 包装: separated by a space
        for word in words:
            if word.lower() in TASK_WORDS:
                keys.append(TASK_WORDS[word.lower()])
            else:
                unknown.append(word)
    return list(dict.fromkeys(keys)), unknown


def import_availability(session: Session, *, actor: User, now: datetime, table: Table, city_code: str,
                        mapping: Mapping[str, str | None] | None = None,
                        ignore_unmapped: bool = False) -> AvailabilityImport:
    """Check every row, then register every row's worker, or none (the caller rolls back when `errors`)."""
    require_staff(actor)
    if city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    outcome = AvailabilityImport()
    layout = outcome.layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    if layout.errors:
        outcome.errors = layout.errors
        return outcome
    errors: list[CellError] = []
    details: list[WorkerDetails] = []
    seen: dict[int, int] = {}
    for row in data_rows(table, layout):
        found = _row(session, actor, row, errors, seen, city_code)
        if found is not None:
            details.append(found)
    if not errors and not details:
        errors.append(CellError(layout.row_number + 1, "", N_("The sheet has no rows to import.")))
    if errors:
        outcome.errors = sorted(errors, key=lambda e: (e.row, e.col if e.col is not None else -1))
        return outcome
    for row in details:
        try:
            outcome.workers.append(register_worker(session, actor=actor, now=now, details=row))
        except DomainError as error:  # checked above; someone changed the register meanwhile
            raise Conflict(N_("Someone changed these workers during the upload; upload the file again."),
                           field="file") from error
    return outcome


def _person(session: Session, actor: User, row: SheetRow, errors: list[CellError]) -> Person | None:
    value = row.get("id_number")
    if isinstance(value, int | float) and not isinstance(value, bool):
        shown = f"{value:.6G}" if isinstance(value, float) else str(value)
        errors.append(row.error("id_number", N_(
            "The ID number cell is formatted as a number (read as {shown}). Excel keeps only 15 significant digits, "
            "so the number may have changed; format the column as “Text” and enter the number again.", shown=shown)))
        return None
    text = folded_text(value)
    if not text:
        errors.append(row.error("id_number", N_("Enter the ID number.")))
        return None
    try:
        parsed = parse_id("resident_id", text)
    except IdNumberError as error:
        errors.append(row.error("id_number", error.message))
        return None
    person = session.scalar(select(Person).where(Person.id_hash == pii.blind_index(ID_KIND, parsed.number),
                                                 visible_clause(actor)))
    if person is None:
        errors.append(row.error("id_number", N_(
            "Row {row}: no person with this ID number is registered in your scope. Only registered people can be "
            "imported as seasonal workers; register the person first under People, then upload the sheet "
            "again.", row=row.number)))
    return person


def _row(session: Session, actor: User, row: SheetRow, errors: list[CellError], seen: dict[int, int],
         city_code: str) -> WorkerDetails | None:
    before = len(errors)
    person = _person(session, actor, row, errors)
    if person is not None:
        if person.id in seen:
            errors.append(row.error("id_number", N_("This person is also on row {row}; keep one row per person.",
                                                    row=seen[person.id])))
        elif session.scalar(select(SeasonalWorker.id).where(SeasonalWorker.person_id == person.id)):
            errors.append(row.error("id_number", N_("{name} is already registered for seasonal work.",
                                                    name=person.name)))
        else:
            seen[person.id] = row.number
    county, township = row.text("county"), row.text("home_township")
    if not county:
        errors.append(row.error("county", N_("Enter the county.")))
    if not township:
        errors.append(row.error("home_township", N_("Enter the home township.")))
    tasks, unknown = _tasks(row.text("tasks"))
    if not tasks or unknown:
        errors.append(row.error("tasks", N_("Tasks are {names}.", names="、".join(TASKS_ZH.values()))))
    dates = []
    for key, blank in (("start_date", N_("Enter the start date.")), ("end_date", N_("Enter the end date."))):
        if is_blank(row.get(key)):
            errors.append(row.error(key, blank))
            continue
        try:
            dates.append(cell_date(row.get(key)))
        except DomainError as error:
            errors.append(row.error(key, error.message))
    if len(dates) == 2 and dates[1] < dates[0]:
        errors.append(row.error("end_date", N_("The period ends before it starts.")))
    if len(errors) > before or person is None:
        return None
    return WorkerDetails(person_id=person.id, city_code=city_code, county=county, home_township=township,
                         townships=_split(row.text("townships")),
                         tasks=tasks,
                         periods=[(dates[0], dates[1])], channel="township")
