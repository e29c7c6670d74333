"""Helpers shared by the web forms: select options with translated labels, and the lists several forms offer."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms.fields.choices import SelectChoice

from app.catalog.occupations import list_occupations
from app.demand.services import enterprises
from app.extensions import db
from app.translation import Message
from app.web.actions import localize

BLANK = ("", "—")  # the empty first option of a select that starts unchosen


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs (marked labels translated), as WTForms 3.3+ expects."""
    # Lazy, because forms build their choices at import time, before any request has a language.
    return [SelectChoice(value, LazyString(localize, label) if isinstance(label, Message) else label)
            for value, label in pairs]


def blank_first(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Select options led by an empty one, so nothing is chosen until the user picks."""
    return choices([BLANK, *pairs])


def occupation_choices() -> list[SelectChoice]:
    """Active occupations as "code name", led by an empty option."""
    return blank_first((o.id, f"{o.code} {o.name}") for o in list_occupations(db.session, active_only=True))


def offer_enterprises(form, offered: bool) -> None:
    """Let the user pick the enterprise a record is for (every enterprise, none chosen yet), or drop the field
    when the record can only be for the user's own enterprise."""
    if offered:
        form.enterprise_id.choices = blank_first((o.id, o.name) for o in enterprises(db.session))
    else:
        del form.enterprise_id


def sheet_file() -> FileField:
    """The upload field of every import: .xlsx, or CSV / tab-separated text (an old .xls gets its how-to from
    the reader, so it is let through here)."""
    return FileField(_l("Excel or CSV file"), validators=[
        FileRequired(_l("Choose the file to upload.")),
        FileAllowed(["xlsx", "xlsm", "csv", "txt", "tsv", "xls"],
                    _l("Upload an Excel (.xlsx) or CSV file; other kinds of file cannot be read."))])
