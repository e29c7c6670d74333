"""Excel import of workers' availability: all or nothing, every bad row reported with its column.

One sheet, the header in the first row, columns in this order (Chinese headers, as township offices fill them):
身份证号 (resident ID of a person already registered), 县, 所在乡镇, 可到达乡镇 (、 or comma separated),
工种 (育苗、插秧、… separated the same way), 开始日期, 结束日期. Injury cover is recorded afterwards per worker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import pii
from app.accounts.models import User
from app.errors import DomainError, ValidationFailed
from app.idnumbers import parse_id
from app.idnumbers.errors import IdNumberError
from app.labour.models import SeasonalWorker
from app.labour.seasonal import WorkerDetails, register_worker, require_staff
from app.labour.vocabulary import TASKS_ZH
from app.people.access import visible_clause
from app.people.models import Person
from app.people.services import ID_KIND
from app.regions import LIAONING_CITIES
from app.spreadsheets.cells import cell_date, cell_text
from app.spreadsheets.errors import CellError, nothing_imported
from app.spreadsheets.packages import sheet_rows
from app.translation import N_

HEADERS = ("身份证号", "县", "所在乡镇", "可到达乡镇", "工种", "开始日期", "结束日期")
MAX_ROWS = 2000
TASK_KEYS = {name: key for key, name in TASKS_ZH.items()}
SPLIT = re.compile(r"[、,，;；\s]+")


class AvailabilityRefused(ValidationFailed):
    """The sheet has problems; nothing was imported. `errors` lists each one."""

    def __init__(self, errors: list[CellError]) -> None:
        super().__init__(nothing_imported(len(errors)), field="file")
        self.errors = errors


@dataclass(frozen=True)
class AvailabilityImport:
    """What an import registered."""

    workers: list[SeasonalWorker]


def _split(value: object) -> list[str]:
    return [part for part in SPLIT.split(cell_text(value)) if part]


def import_availability(session: Session, *, actor: User, now: datetime, data: bytes,
                        city_code: str) -> AvailabilityImport:
    """Register every row's worker, or none when any row is wrong (all rows are checked and reported)."""
    require_staff(actor)
    if city_code not in LIAONING_CITIES:
        raise ValidationFailed(N_("Choose a city in Liaoning."), field="city_code")
    rows = list(sheet_rows(data, MAX_ROWS))
    if not rows or tuple(cell_text(v) for v in rows[0][1][:len(HEADERS)]) != HEADERS:
        raise ValidationFailed(N_("The first row must hold the headers {headers}.", headers="、".join(HEADERS)),
                               field="file")
    errors: list[CellError] = []
    details: list[WorkerDetails] = []
    seen: set[int] = set()
    for number, values in rows[1:]:
        values = tuple(values) + ("",) * (len(HEADERS) - len(values))
        if not any(cell_text(v) for v in values[:len(HEADERS)]):
            continue
        found = _row(session, actor, number, values, errors, seen, city_code)
        if found is not None:
            details.append(found)
    if errors:
        raise AvailabilityRefused(errors)
    if not details:
        raise ValidationFailed(N_("The sheet has no rows to import."), field="file")
    workers = []
    for row in details:
        try:
            workers.append(register_worker(session, actor=actor, now=now, details=row))
        except DomainError as error:  # checked above; a rule the row check missed still refuses the whole sheet
            raise AvailabilityRefused([CellError(0, "", error.message)]) from error
    return AvailabilityImport(workers)


def _row(session: Session, actor: User, number: int, values: tuple, errors: list[CellError], seen: set[int],
         city_code: str) -> WorkerDetails | None:
    before = len(errors)

    def bad(col: int, message) -> None:
        errors.append(CellError(number, HEADERS[col], message, col))

    person = None
    try:
        parsed = parse_id("resident_id", cell_text(values[0]))
        person = session.scalar(select(Person).where(Person.id_hash == pii.blind_index(ID_KIND, parsed.number),
                                                     visible_clause(actor)))
        if person is None:
            bad(0, N_("No person with this ID number is registered in your scope; register the person first."))
        elif person.id in seen:
            bad(0, N_("This person is in the sheet twice."))
        elif session.scalar(select(SeasonalWorker.id).where(SeasonalWorker.person_id == person.id)):
            bad(0, N_("{name} is already registered for seasonal work.", name=person.name))
    except IdNumberError as error:
        bad(0, error.message)
    county, township = cell_text(values[1]), cell_text(values[2])
    if not county:
        bad(1, N_("Enter the county."))
    if not township:
        bad(2, N_("Enter the home township."))
    tasks = _split(values[4])
    unknown = [t for t in tasks if t not in TASK_KEYS]
    if not tasks or unknown:
        bad(4, N_("Tasks are {names}.", names="、".join(TASKS_ZH.values())))
    dates = []
    for col in (5, 6):
        try:
            dates.append(cell_date(values[col]))
        except DomainError as error:
            bad(col, error.message)
    if len(dates) == 2 and dates[1] < dates[0]:
        bad(6, N_("The period ends before it starts."))
    if len(errors) > before or person is None:
        return None
    seen.add(person.id)
    return WorkerDetails(person_id=person.id, city_code=city_code, county=county, home_township=township,
                         townships=_split(values[3]), tasks=[TASK_KEYS[t] for t in tasks],
                         periods=[(dates[0], dates[1])], channel="township")
