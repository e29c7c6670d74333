"""People import jobs: a sheet too large to import inside a request is imported by the task queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.database import Entity, one_of, ref, stamp

IMPORT_JOB_STATUSES = ("queued", "running", "done", "invalid", "failed")
IMPORT_JOB_CHANNELS = ("web", "api")


class PeopleImportJob(Entity):
    """A people import too large to run inside a request: run by the task queue, with progress and outcome.

    The upload itself is a kept file (app/keptfiles.py, encrypted), named by `upload_token` until the run ends;
    the problems of a refused sheet are kept files too (`report_token`: the marked workbook, `problems_token`:
    the list), so no personal data sits in this table.
    """

    __tablename__ = "people_import_jobs"

    status: Mapped[str] = mapped_column(String(12), nullable=False, default="queued")
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    locale: Mapped[str] = mapped_column(String(8), nullable=False, default="zh")
    filename: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    upload_token: Mapped[str | None] = mapped_column(String(64))
    mapping: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    ignore_unmapped: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    remember_mapping: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    total: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    done: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # rows checked so far
    created: Mapped[int | None] = mapped_column(Integer)
    updated: Mapped[int | None] = mapped_column(Integer)
    unchanged: Mapped[int | None] = mapped_column(Integer)
    work_records_added: Mapped[int | None] = mapped_column(Integer)
    error_count: Mapped[int | None] = mapped_column(Integer)
    report_token: Mapped[str | None] = mapped_column(String(64))
    problems_token: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)  # why a run failed, in the job's language
    organisation_id: Mapped[int | None] = ref("organisations.id", ondelete="SET NULL")
    created_by_id: Mapped[int | None] = ref("users.id", ondelete="SET NULL", index=True)
    created_at: Mapped[datetime] = stamp()
    started_at: Mapped[datetime | None] = stamp()
    finished_at: Mapped[datetime | None] = stamp()
    heartbeat_at: Mapped[datetime | None] = stamp()

    __table_args__ = (
        one_of("status", IMPORT_JOB_STATUSES),
        one_of("channel", IMPORT_JOB_CHANNELS),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
    )
