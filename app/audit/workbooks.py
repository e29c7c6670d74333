"""The audit log as an Excel workbook: the rows of one filter, headers and names in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from app.audit.actions import action_label, object_type_label
from app.audit.changes import changes, mask_personal
from app.audit.models import AuditEvent
from app.clock import LOCAL_ZONE
from app.spreadsheets.workbooks import BOLD, save, text_cell
from app.translation import N_, Message, Translate, english, render

EXPORT_HEADERS = (N_("Time"), N_("Who"), N_("Organisation"), N_("Action"), N_("Object"), N_("Object no."),
                  N_("Changes"), N_("Note"), N_("Action code"))
WIDTHS = (18, 14, 24, 26, 18, 10, 70, 30, 28)
WRAP = Alignment(wrap_text=True, vertical="top")


Vocabularies = Callable[[str], Mapping[str, Mapping[str, Message]]]


def changes_text(event: AuditEvent, translate: Translate = english, vocabularies: Vocabularies | None = None) -> str:
    """An event's fields, one line each: "label: old → new", or the one value it has."""
    lines = []
    named = vocabularies(event.object_type) if vocabularies else None
    for change in changes(event.old_value, event.new_value, translate, named):
        old, new = render(change.old, translate), render(change.new, translate)
        shown = f"{old or '—'} → {new or '—'}" if event.old_value is not None and event.new_value is not None else (new or old)
        lines.append(f"{render(change.label, translate)}: {shown}")
    return "\n".join(lines)


def export_events_workbook(events: Iterable[AuditEvent], *, organisation_names: Mapping[int, str],
                           translate: Translate = english, cut_short: bool = False,
                           vocabularies: Vocabularies | None = None) -> bytes:
    """The events as one sheet, newest first; a last line says so when the export holds only the newest rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(render(N_("Audit log"), translate))
    for index, size in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = size
    sheet.freeze_panes = "A2"
    sheet.append([text_cell(sheet, render(h, translate), font=BOLD) for h in EXPORT_HEADERS])
    for event in events:
        values = (
            event.at.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S"), event.actor_name,
            organisation_names.get(event.organisation_id, "") if event.organisation_id else "",
            render(action_label(event.action), translate), render(object_type_label(event.object_type), translate),
            event.object_id or "", changes_text(event, translate, vocabularies), mask_personal(event.note or ""), event.action,
        )
        cells = [text_cell(sheet, value) for value in values]
        cells[6].alignment = cells[7].alignment = WRAP
        sheet.append(cells)
    if cut_short:
        sheet.append([text_cell(sheet, render(N_("Only the newest rows are exported; narrow the filter (for example "
                                                 "by dates) to export the rest."), translate), font=BOLD)])
    return save(book)
