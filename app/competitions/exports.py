"""Competition tables as Excel workbooks (entries, marks, results, the marking scheme), headers and labels in the
language `translate` gives; and reading a marking scheme back from a workbook in the exported layout."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.competitions.models import CompetitionEvent, Entry, EventResult, Mark
from app.competitions.scheme import AspectRow, aspects_of, scheme_rows
from app.competitions.vocabulary import ASPECT_KINDS, MEDALS
from app.errors import ValidationFailed
from app.spreadsheets import read_table, simple_workbook
from app.spreadsheets.cells import cell_text
from app.translation import N_, Message, Translate, english, render

SCHEME_HEADERS = [N_("Section"), N_("Weight (%)"), N_("Code"), N_("Aspect"), N_("Kind"), N_("Maximum mark"),
                  N_("Deduction steps"), N_("Score levels")]
MAX_SCHEME_ROWS = 300


def _workbook(title: Message, headers: Sequence[Message], rows: list[list[object]], translate: Translate,
              text_columns: Sequence[int] = ()) -> bytes:
    return simple_workbook(render(title, translate)[:30], [render(h, translate) for h in headers], rows,
                           text_columns=text_columns)


def scheme_workbook(event: CompetitionEvent, translate: Translate = english) -> bytes:
    """The marking scheme, one aspect a row, in the layout `read_scheme` takes back."""
    rows = [[r.section, r.weight, r.code, r.name, r.kind, r.max_mark, r.steps, r.descriptors]
            for r in scheme_rows(event)]
    return _workbook(N_("Marking scheme"), SCHEME_HEADERS, rows, translate, text_columns=(2,))


def read_scheme(data: bytes, filename: str) -> list[AspectRow]:
    """Aspect rows from an uploaded workbook (or CSV) in the exported layout, header in row 1."""
    table = read_table(data, filename, max_rows=MAX_SCHEME_ROWS, max_bytes=2 * 1024 * 1024)
    if len(table.rows) < 2:
        raise ValidationFailed(N_("The file has no aspects below its header row."), field="file")
    rows = []
    for number, raw in enumerate(table.rows[1:], start=2):
        cells = [cell_text(value) for value in raw] + [""] * 8
        if not any(cells[:8]):
            continue
        rows.append(AspectRow(number, *cells[:8]))
    return rows


def entries_workbook(entries: Sequence[Entry], translate: Translate = english) -> bytes:
    """Entry list: admission number, name, masked ID, entering organisation, team, status."""
    rows = [[e.admission_number, e.person.name, e.person.id_masked, e.entered_by.name, e.team_name or "",
             render(N_("Withdrawn"), translate) if e.status == "withdrawn" else ""] for e in entries]
    return _workbook(N_("Entries"), [N_("Admission number"), N_("Full name"), N_("ID number"),
                                     N_("Entered by"), N_("Team"), N_("Status")], rows, translate, text_columns=(0,))


def marks_workbook(session: Session, event: CompetitionEvent, translate: Translate = english) -> bytes:
    """Every mark: admission number, aspect, kind, judge, mark (blank while not entered)."""
    aspects = {a.id: a for a in aspects_of(event)}
    entries = {e.id: e for e in session.scalars(select(Entry).where(Entry.event_id == event.id))}
    judges = {u.id: u.display_name for u in session.scalars(select(User).where(
        User.id.in_([j.user_id for j in event.judges])))}
    rows = []
    for mark in session.scalars(select(Mark).where(Mark.event_id == event.id)
                                .order_by(Mark.entry_id, Mark.aspect_id, Mark.judge_id)):
        aspect = aspects[mark.aspect_id]
        rows.append([entries[mark.entry_id].admission_number, aspect.code, aspect.name,
                     render(ASPECT_KINDS[aspect.kind], translate), judges.get(mark.judge_id, ""),
                     "" if mark.value is None else float(mark.value)])
    return _workbook(N_("Marks"), [N_("Admission number"), N_("Code"), N_("Aspect"), N_("Kind"), N_("Judge"),
                                   N_("Mark")], rows, translate, text_columns=(0,))


def results_workbook(results: Sequence[EventResult], translate: Translate = english) -> bytes:
    """Results by place: place, medal, admission number, name, organisation, totals."""
    rows = [[r.place, render(MEDALS[r.medal], translate) if r.medal else "", r.entry.admission_number,
             r.entry.person.name, r.entry.entered_by.name, float(r.total), float(r.measurement_total),
             float(r.judgement_total)] for r in results]
    return _workbook(N_("Results"), [N_("Placing"), N_("Medal"), N_("Admission number"), N_("Full name"),
                                     N_("Entered by"), N_("Total"), N_("Measurement total"), N_("Judgement total")],
                     rows, translate, text_columns=(2,))
