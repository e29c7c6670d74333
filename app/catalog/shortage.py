"""The quarterly 急需紧缺技能人才职业（工种）目录: import, show, and membership for later features."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.audit.services import record_event
from app.catalog.models import ShortageCatalogue, ShortageEntry
from app.catalog.occupations import require_catalogue_admin, validate_occupation_code
from app.errors import ValidationFailed
from app.regions import city_code_for_name
from app.spreadsheets import CellError, SheetRow, cell_text, require_headers
from app.translation import N_

QUARTER_RE = re.compile(r"^(20\d{2})Q([1-4])$")
COLUMNS = ("排名", "职业编码", "职业名称", "工种", "缺口数", "需求城市", "上期排名", "是否新增")
REQUIRED = ("排名", "职业编码", "职业名称", "缺口数")
MAX_NUMBER = 10_000_000  # far above any real rank or gap, well inside the INTEGER columns


@dataclass
class ImportOutcome:
    """Either the imported catalogue or every error found."""

    catalogue: ShortageCatalogue | None
    errors: list[CellError]


def quarter_period(quarter: str) -> tuple[date, date]:
    """First and last day of a quarter written as 2026Q4."""
    match = QUARTER_RE.fullmatch(quarter or "")
    if not match:
        raise ValidationFailed(N_("Write the quarter as 2026Q4."), field="quarter")
    year, q = int(match.group(1)), int(match.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _yes(text: str) -> bool:
    return text.strip().lower() in ("是", "新增", "y", "yes", "1", "true", "√")


def _int(text: str, column: str, errors: list[CellError], row: int, *, required: bool) -> int | None:
    if not text:
        if required:
            errors.append(CellError(row, column, N_("Must not be empty.")))
        return None
    try:
        value = int(text.replace(",", ""))
    except ValueError:
        errors.append(CellError(row, column, N_("“{text}” is not a whole number.", text=text)))
        return None
    if value < (1 if column != "缺口数" else 0):
        errors.append(CellError(row, column, N_("The number is too small.")))
        return None
    if value > MAX_NUMBER:
        errors.append(CellError(row, column, N_("The number is too large (at most {limit}).", limit=MAX_NUMBER)))
        return None
    return value


def _entry_from_row(row: SheetRow, errors: list[CellError]) -> ShortageEntry | None:
    values = {c: cell_text(row.values.get(c)) for c in COLUMNS}
    before = len(errors)
    rank = _int(values["排名"], "排名", errors, row.number, required=True)
    gap = _int(values["缺口数"], "缺口数", errors, row.number, required=True)
    previous = _int(values["上期排名"], "上期排名", errors, row.number, required=False)
    try:
        code = validate_occupation_code(values["职业编码"])
    except ValidationFailed as exc:
        errors.append(CellError(row.number, "职业编码", exc.message))
        code = None
    if not values["职业名称"]:
        errors.append(CellError(row.number, "职业名称", N_("Must not be empty.")))
    cities = []
    for name in re.split(r"[、，,；;\s]+", values["需求城市"]):
        if not name:
            continue
        city = city_code_for_name(name)
        if city is None:
            errors.append(CellError(row.number, "需求城市", N_("“{name}” is not a prefecture-level city of Liaoning.",
                                                                   name=name)))
        else:
            cities.append(city)
    if len(errors) > before:
        return None
    return ShortageEntry(
        occupation_code=code, occupation_name=values["职业名称"], trade_name=values["工种"] or None, gap=gap,
        cities=cities, rank=rank, previous_rank=previous, is_new=_yes(values["是否新增"]),
    )


def import_shortage_catalogue(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    quarter: str,
    headers: list[str],
    rows: Iterable[SheetRow],
    title: str | None = None,
    replace: bool = False,
) -> ImportOutcome:
    """Import a quarter's list, all or nothing; every bad row is reported with its column."""
    require_catalogue_admin(actor)
    valid_from, valid_until = quarter_period(quarter)
    require_headers(headers, REQUIRED)
    errors: list[CellError] = []
    entries: list[ShortageEntry] = []
    seen: dict[tuple[str, str | None], int] = {}
    for row in rows:
        entry = _entry_from_row(row, errors)
        if entry is None:
            continue
        key = (entry.occupation_code, entry.trade_name)
        if key in seen:
            errors.append(CellError(row.number, "职业编码", N_("Repeats row {row}.", row=seen[key])))
            continue
        seen[key] = row.number
        entries.append(entry)
    if not entries and not errors:
        raise ValidationFailed(N_("The file has no data rows."), field="file")
    if errors:
        return ImportOutcome(None, errors)
    existing = session.scalar(select(ShortageCatalogue).where(ShortageCatalogue.quarter == quarter))
    if existing is not None:
        if not replace:
            raise ValidationFailed(N_("The catalogue of {quarter} is already imported; to correct it, tick “Replace”.",
                                      quarter=quarter), field="quarter")
        session.delete(existing)
        session.flush()
    catalogue = ShortageCatalogue(
        quarter=quarter, valid_from=valid_from, valid_until=valid_until,
        title=title or f"辽宁省急需紧缺技能人才职业（工种）目录（{quarter}）", imported_at=now, entries=entries,
    )
    session.add(catalogue)
    session.flush()
    record_event(
        session, actor=actor, now=now, action="shortage.import", object_type="shortage_catalogue",
        object_id=catalogue.id, new={"quarter": quarter, "entries": len(entries), "replaced": existing is not None},
    )
    return ImportOutcome(catalogue, [])


def list_catalogues(session: Session) -> list[ShortageCatalogue]:
    """Every imported quarter, newest first."""
    return list(session.scalars(select(ShortageCatalogue).order_by(ShortageCatalogue.valid_from.desc())))


def catalogue_in_force(session: Session, *, on: date) -> ShortageCatalogue | None:
    """The catalogue whose quarter contains the date, else the latest one published before it."""
    stmt = (
        select(ShortageCatalogue)
        .options(selectinload(ShortageCatalogue.entries))
        .where(ShortageCatalogue.valid_from <= on)
        .order_by(ShortageCatalogue.valid_from.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def shortage_entry_for(session: Session, *, occupation_code: str, on: date) -> ShortageEntry | None:
    """The entry for an occupation in the catalogue in force on a date, if it is listed."""
    catalogue = catalogue_in_force(session, on=on)
    if catalogue is None:
        return None
    return next((e for e in catalogue.entries if e.occupation_code == occupation_code), None)
