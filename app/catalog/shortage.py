"""The quarterly 急需紧缺技能人才职业（工种）目录: import, show, and membership for later features."""

from __future__ import annotations

import re
from collections.abc import Mapping
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
from app.spreadsheets import (
    CellError,
    Field,
    Layout,
    SheetRow,
    Table,
    Vocabulary,
    data_rows,
    folded_text,
    lay_out,
)
from app.translation import N_

QUARTER_RE = re.compile(r"^(20\d{2})Q([1-4])$")
KIND = "shortage"
MAX_ROWS = 3_000  # data rows per upload: a quarter's catalogue has a few hundred occupations
FIELDS = (
    Field("rank", "排名", N_("Rank"), ("序号", "排序", "名次", "Rank"), required=True, example="1", width=6),
    Field("code", "职业编码", N_("Occupation code"), ("职业代码", "职业（工种）编码", "Occupation code"), required=True,
          example="6-18-02-04", text_format=True, width=12),
    Field("name", "职业名称", N_("Occupation"), ("职业", "职业（工种）名称", "Occupation"), required=True, example="焊工"),
    Field("trade", "工种", N_("Trade or direction"), ("工种名称", "职业方向", "工种（职业方向）", "Trade or direction"),
          example=""),
    Field("gap", "缺口数", N_("Shortage"), ("缺口人数", "需求人数", "缺口", "Shortage"), required=True, example="4620",
          width=8),
    Field("cities", "需求城市", N_("Cities in need"), ("需求地区", "急需城市", "城市", "Cities in need"),
          example="沈阳、大连", width=20),
    Field("previous_rank", "上期排名", N_("Previous rank"), ("上季度排名", "Previous rank"), example="1", width=8),
    Field("is_new", "是否新增", N_("New this quarter"), ("新增", "是否新增职业", "New this quarter"), example="否",
          width=8),
)
VOCABULARY = Vocabulary(FIELDS)
COLUMNS = tuple(f.header for f in FIELDS)
MAX_NUMBER = 10_000_000  # far above any real rank or gap, well inside the INTEGER columns


@dataclass
class ImportOutcome:
    """Either the imported catalogue or every error found."""

    catalogue: ShortageCatalogue | None
    errors: list[CellError]
    layout: Layout | None = None


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


def _int(row: SheetRow, key: str, errors: list[CellError], *, required: bool) -> int | None:
    text = folded_text(row.get(key)).replace(",", "")
    if not text:
        if required:
            errors.append(row.error(key, N_("Must not be empty.")))
        return None
    try:
        value = int(text)
    except ValueError:
        errors.append(row.error(key, N_("“{text}” is not a whole number.", text=text)))
        return None
    if value < (0 if key == "gap" else 1):
        errors.append(row.error(key, N_("The number is too small.")))
        return None
    if value > MAX_NUMBER:
        errors.append(row.error(key, N_("The number is too large (at most {limit}).", limit=MAX_NUMBER)))
        return None
    return value


def _entry_from_row(row: SheetRow, errors: list[CellError]) -> ShortageEntry | None:
    before = len(errors)
    rank = _int(row, "rank", errors, required=True)
    gap = _int(row, "gap", errors, required=True)
    previous = _int(row, "previous_rank", errors, required=False)
    try:
        code = validate_occupation_code(folded_text(row.get("code")))
    except ValidationFailed as exc:
        errors.append(row.error("code", exc.message))
        code = None
    name = row.text("name")
    if not name:
        errors.append(row.error("name", N_("Must not be empty.")))
    cities = []
    for city_name in re.split(r"[、，,；;\s]+", row.text("cities")):
        if not city_name:
            continue
        city = city_code_for_name(city_name)
        if city is None:
            errors.append(row.error("cities", N_("“{name}” is not a prefecture-level city of Liaoning.",
                                                 name=city_name)))
        else:
            cities.append(city)
    if len(errors) > before:
        return None
    return ShortageEntry(
        occupation_code=code, occupation_name=name, trade_name=row.text("trade") or None, gap=gap,
        cities=cities, rank=rank, previous_rank=previous, is_new=_yes(row.text("is_new")),
    )


def import_shortage_catalogue(
    session: Session,
    *,
    actor: User | None,
    now: datetime,
    quarter: str,
    table: Table,
    mapping: Mapping[str, str | None] | None = None,
    ignore_unmapped: bool = False,
    title: str | None = None,
    replace: bool = False,
) -> ImportOutcome:
    """Import a quarter's list, all or nothing; every bad row is reported with its column."""
    require_catalogue_admin(actor)
    valid_from, valid_until = quarter_period(quarter)
    layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    if layout.errors:
        return ImportOutcome(None, layout.errors, layout)
    errors: list[CellError] = []
    entries: list[ShortageEntry] = []
    seen: dict[tuple[str, str | None], int] = {}
    for row in data_rows(table, layout):
        entry = _entry_from_row(row, errors)
        if entry is None:
            continue
        key = (entry.occupation_code, entry.trade_name)
        if key in seen:
            errors.append(row.error("code", N_("Repeats row {row}.", row=seen[key])))
            continue
        seen[key] = row.number
        entries.append(entry)
    if not entries and not errors:
        raise ValidationFailed(N_("The file has no data rows."), field="file")
    if errors:
        return ImportOutcome(None, errors, layout)
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
    return ImportOutcome(catalogue, [], layout)


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
