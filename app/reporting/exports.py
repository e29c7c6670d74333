"""Report tables as Excel workbooks (formula-safe: text that looks like a formula stays text).

Sheet names, headers and labels are in the language of the `translate` the edge passes (flask_babel's
gettext); the default leaves the English message ids.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.catalog.ladder import GRADES
from app.reporting.employment import ClassEmployment
from app.reporting.funnel import FunnelStep
from app.reporting.ladder import LadderRow
from app.spreadsheets import simple_workbook
from app.translation import N_, Message, Translate, english, render

# Report names (sheet titles), defined once; the web pages use them too.
REPORT_NAMES: dict[str, Message] = {
    "funnel": N_("Funnel"),
    "classes": N_("Class employment rates"),
    "ladder": N_("Skill levels"),
    "movement": N_("Level changes"),
}



def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _workbook(title: Message | str, headers: Sequence[object], rows: Sequence[Sequence[object]],
              translate: Translate) -> bytes:
    """One sheet with title, headers and every marked cell in the language `translate` gives."""
    return simple_workbook(render(title, translate)[:31], [render(h, translate) for h in headers],
                           [[render(value, translate) for value in row] for row in rows])


def funnel_workbook(steps: Sequence[FunnelStep], translate: Translate = english) -> bytes:
    """The funnel steps with conversions."""
    headers = [N_("Step"), N_("Number of people"), N_("Conversion from the step before")]
    return _workbook(REPORT_NAMES["funnel"], headers,
                     [[s.label, s.count, _percent(s.conversion)] for s in steps], translate)


def classes_workbook(rows: Sequence[ClassEmployment], window_months: int, translate: Translate = english) -> bytes:
    """Per-class employment within the window and the subsidy tier."""
    headers = [N_("Training institution"), N_("Project"), N_("Class"), N_("Completion date"),
               N_("End of the {months}-month window", months=window_months), N_("Trainees started"), N_("Employed"),
               N_("Employment rate"), N_("Subsidy tier"), N_("Window still open")]
    return _workbook(REPORT_NAMES["classes"], headers, [
        [r.institution_name, r.project_name, r.class_name, r.end_date.isoformat(), r.window_ends.isoformat(),
         r.started, r.employed, _percent(r.rate), "" if r.tier_percent is None else f"{r.tier_percent}%",
         N_("Yes") if r.window_open else N_("No")] for r in rows], translate)


def ladder_workbook(rows: Sequence[LadderRow], dimension_label: str, translate: Translate = english) -> bytes:
    """People at each of the eight grades per row."""
    headers = [dimension_label, *(g.name for g in GRADES), N_("Total people")]
    return _workbook(REPORT_NAMES["ladder"], headers,
                     [[r.label, *(r.counts[g.key] for g in GRADES), r.total] for r in rows], translate)


def movement_workbook(table: dict[str, dict[str, int]], translate: Translate = english) -> bytes:
    """New awards per quarter and grade."""
    headers = [N_("Quarter"), *(g.name for g in GRADES), N_("Total people")]
    return _workbook(REPORT_NAMES["movement"], headers,
                     [[q, *(c[g.key] for g in GRADES), sum(c.values())] for q, c in sorted(table.items())], translate)


def rows_workbook(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]],
                  translate: Translate = english) -> bytes:
    """Any other table (placements, follow-ups, claims)."""
    return _workbook(title, headers, rows, translate)
