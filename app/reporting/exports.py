"""Report tables as Excel workbooks (formula-safe: text that looks like a formula stays text)."""

from __future__ import annotations

from collections.abc import Sequence

from app.catalog.ladder import GRADES
from app.reporting.employment import ClassEmployment
from app.reporting.funnel import FunnelStep
from app.reporting.ladder import LadderRow
from app.spreadsheets import simple_workbook


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def funnel_workbook(steps: Sequence[FunnelStep]) -> bytes:
    """The funnel steps with conversions."""
    return simple_workbook("漏斗", ["环节", "人数", "较上一环节转化率"],
                           [[s.label, s.count, _percent(s.conversion)] for s in steps])


def classes_workbook(rows: Sequence[ClassEmployment], window_months: int) -> bytes:
    """Per-class employment within the window and the subsidy tier."""
    headers = ["培训机构", "项目", "班级", "结业日期", f"{window_months}个月统计截止", "参训人数", "就业人数",
               "就业率", "补贴档次", "统计期未满"]
    return simple_workbook("班级就业率", headers, [
        [r.institution_name, r.project_name, r.class_name, r.end_date.isoformat(), r.window_ends.isoformat(),
         r.started, r.employed, _percent(r.rate), "" if r.tier_percent is None else f"{r.tier_percent}%",
         "是" if r.window_open else "否"] for r in rows])


def ladder_workbook(rows: Sequence[LadderRow], dimension_label: str) -> bytes:
    """People at each of the eight grades per row."""
    headers = [dimension_label, *(g.name for g in GRADES), "合计"]
    return simple_workbook("技能等级", headers, [[r.label, *(r.counts[g.key] for g in GRADES), r.total] for r in rows])


def movement_workbook(table: dict[str, dict[str, int]]) -> bytes:
    """New awards per quarter and grade."""
    headers = ["季度", *(g.name for g in GRADES), "合计"]
    return simple_workbook("等级变动", headers, [[q, *(c[g.key] for g in GRADES), sum(c.values())]
                                             for q, c in sorted(table.items())])


def rows_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """Any other table (placements, follow-ups, claims)."""
    return simple_workbook(title, headers, rows)
