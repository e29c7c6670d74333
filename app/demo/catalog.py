"""Demo catalogue: the seeded occupations and the current quarter's shortage list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.catalog.seed import seed_catalog
from app.catalog.shortage import COLUMNS, import_shortage_catalogue
from app.spreadsheets import Table

SHORTAGE_2026Q4 = [
    (1, "6-18-02-04", "焊工", "", 4620, "沈阳、大连、鞍山、营口", 1, "否"),
    (2, "6-30-99-00", "工业机器人系统操作员", "", 3810, "沈阳、大连", 4, "否"),
    (3, "4-10-01-05", "养老护理员", "", 3550, "沈阳、大连、锦州、丹东", 2, "否"),
    (4, "6-18-01-01", "车工", "数控车工", 2980, "沈阳、大连、营口", 3, "否"),
    (5, "4-99-00-00", "无人机驾驶员", "", 2140, "沈阳、大连、盘锦", None, "是"),
    (6, "6-31-01-03", "电工", "", 1960, "鞍山、抚顺、本溪", 5, "否"),
    (7, "4-04-05-05", "人工智能训练师", "", 1570, "沈阳、大连", None, "是"),
    (8, "4-10-01-03", "保育师", "", 1230, "沈阳、葫芦岛", 9, "否"),
]


def load_catalog(session: Session, *, now: datetime) -> dict[str, int]:
    """Seed occupations and import 2026Q4's shortage list."""
    created = seed_catalog(session, now=now)
    table = Table([COLUMNS, *SHORTAGE_2026Q4], "xlsx")
    import_shortage_catalogue(session, actor=None, now=now, quarter="2026Q4", table=table)
    return {"occupations": created, "shortage entries": len(SHORTAGE_2026Q4)}
