"""A separate process that issues numbers, for the concurrency test (spawned, so it shares no connections)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import NamedTuple

from sqlalchemy.orm import Session

from app import create_app
from app.accounts.models import EvaluationFiling
from app.audit.services import record_event
from app.certification.numbering import allocate_serial
from app.database import utcnow, write_intent
from app.extensions import db
from tests.conftest import make_config

OBJECT_TYPE = "certificate_test"
YEAR, LEVEL_DIGIT = 2026, 4


class WorkerReport(NamedTuple):
    """What one worker issued, what went wrong, and when its loop ran (wall-clock seconds)."""

    serials: list[int]
    numbers: list[str]
    errors: list[str]
    began: float
    ended: float


def issue_many(uri: str, instance: str, filing_id: int, count: int, start, results) -> None:
    """Issue `count` numbers, each with its audit event in one transaction, and put a WorkerReport."""
    serials: list[int] = []
    numbers: list[str] = []
    errors: list[str] = []
    began = ended = 0.0
    try:
        app = create_app(make_config(uri, Path(instance)))
        with app.app_context():
            start.wait(timeout=120)  # all workers start their loops together, so they really contend
            began = time.time()
            for _ in range(count):
                try:
                    serial, number = _issue_one(filing_id)
                    serials.append(serial)
                    numbers.append(number)
                except Exception as exc:  # every failure goes back to the parent, which fails the test
                    errors.append(repr(exc))
            ended = time.time()
            db.engine.dispose()
    except Exception as exc:  # e.g. the app failed to start: report rather than die silently
        errors.append(repr(exc))
    results.put(WorkerReport(serials, numbers, errors, began, ended))


def _issue_one(filing_id: int) -> tuple[int, str]:
    """One issuing transaction as the edge would run it: write intent, allocate, audit, commit."""
    with write_intent(), Session(db.engine) as session:
        filing = session.get(EvaluationFiling, filing_id)
        serial, number = allocate_serial(session, filing=filing, year=YEAR, level_digit=LEVEL_DIGIT)
        record_event(
            session, actor=None, now=utcnow(), action="issue", object_type=OBJECT_TYPE, object_id=number
        )
        session.commit()
    return serial, number
