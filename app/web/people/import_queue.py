"""Handing a people import larger than the interactive size to the task queue (issue 16), for the web and API.

The upload is kept again (encrypted, with a fresh two-hour lifetime) under the job, the job is recorded and
committed, and the queue is asked to run it; when the queue cannot be reached the import runs here instead,
so no job waits on a queue that is down.
"""

from __future__ import annotations

from typing import NamedTuple

from flask import current_app
from flask_babel import get_locale

from app.database import utcnow
from app.extensions import db
from app.people.import_columns import KIND, VOCABULARY
from app.people.import_jobs import start_import_job
from app.people.importing import data_row_count
from app.spreadsheets import Table, lay_out
from app.tasks import start_people_import
from app.web.access import current_actor
from app.web.imports import drop_upload, keep_upload


class HandedOver(NamedTuple):
    """The job an import was handed to, and whether the queue took it (False: it ran in the request)."""

    job_id: int
    queued: bool


def rows_for_queue(table: Table, mapping: dict | None, *, ignore_unmapped: bool = False) -> int | None:
    """The sheet's data rows when it goes to the task queue: more than PEOPLE_IMPORT_INTERACTIVE_ROWS, every
    column placed; None when it runs in the request (a column still undecided is reported there at once)."""
    layout = lay_out(table.rows, VOCABULARY, mapping=mapping, ignore_unmapped=ignore_unmapped)
    rows = data_row_count(table, layout)
    return rows if not layout.errors and rows > current_app.config["PEOPLE_IMPORT_INTERACTIVE_ROWS"] else None


def hand_over(data: bytes, filename: str, *, rows: int, mapping: dict, ignore_unmapped: bool = False,
              remember: bool = False, channel: str = "web", pending: str | None = None) -> HandedOver:
    """Record the import as a job of the current user, commit, and queue it (or run it now if the queue is down).

    `pending` is the upload kept by the preview, deleted once the job holds its own copy.
    """
    token = keep_upload(data, filename, KIND)
    job = start_import_job(db.session, actor=current_actor(), now=utcnow(), upload_token=token, filename=filename,
                           total=rows, mapping=mapping, ignore_unmapped=ignore_unmapped, remember_mapping=remember,
                           channel=channel, locale=str(get_locale() or "zh")[:2])
    job_id = job.id
    db.session.commit()
    if pending:
        drop_upload(pending)
    db.session.close()  # release the connection: an inline run opens its own transaction
    return HandedOver(job_id, start_people_import(current_app._get_current_object(), job_id))
