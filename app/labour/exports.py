"""A schedule as an Excel workbook, headers and labels in the language `translate` gives."""

from __future__ import annotations

from collections.abc import Sequence

from app.labour.models import Assignment, ScheduleRun
from app.labour.vocabulary import ASSIGNMENT_STATUSES, HALVES, TASKS
from app.spreadsheets import simple_workbook
from app.translation import N_, Translate, english, render


def schedule_workbook(run: ScheduleRun, assignments: Sequence[Assignment], translate: Translate = english) -> bytes:
    """One row per assignment of the run: day, half, enterprise, task, township, worker, masked ID, status, pinned."""
    rows = [[a.slot.day.isoformat(), render(HALVES[a.slot.half], translate), a.slot.demand.enterprise.name,
             render(TASKS[a.slot.demand.task], translate), a.slot.demand.township, a.worker.person.name,
             a.worker.person.id_masked, render(ASSIGNMENT_STATUSES[a.status], translate),
             render(N_("Yes"), translate) if a.pinned else ""] for a in assignments]
    headers = [N_("Day"), N_("Half-day"), N_("Enterprise"), N_("Task"), N_("Township"), N_("Full name"),
               N_("ID number (masked)"), N_("Status"), N_("Pinned")]
    return simple_workbook(render(N_("Schedule"), translate), [render(h, translate) for h in headers], rows)
