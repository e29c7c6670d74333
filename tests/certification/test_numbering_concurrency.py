"""Four processes issuing at once get 800 distinct, contiguous numbers on SQLite and on PostgreSQL."""

import multiprocessing
import queue

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.certification.numbering import CertificateSerialCounter
from tests.certification.issuing_worker import LEVEL_DIGIT, OBJECT_TYPE, YEAR, WorkerReport, issue_many
from tests.factories import make_evaluation_org

WORKERS = 4
PER_WORKER = 200
TOTAL = WORKERS * PER_WORKER


def run_workers(uri: str, tmp_path, filing_id: int) -> list[WorkerReport]:
    """Spawn the workers (not fork: a child must not share the parent's connections); collect reports."""
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Barrier(WORKERS)
    results = ctx.Queue()
    processes = [
        ctx.Process(
            target=issue_many, args=(uri, str(tmp_path / f"w{i}"), filing_id, PER_WORKER, start, results)
        )
        for i in range(WORKERS)
    ]
    for process in processes:
        process.start()
    reports = []
    try:
        for _ in processes:
            reports.append(results.get(timeout=180))
    except queue.Empty:
        reports.append(WorkerReport([], [], ["a worker sent no report within 180 s"], 0.0, 0.0))
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
            process.join()
    assert [p.exitcode for p in processes] == [0] * WORKERS
    return reports


def test_concurrent_issues_get_distinct_gap_free_numbers(session, engine, tmp_path):
    filing = make_evaluation_org(session, site_code="210001").filing
    session.commit()
    # No counter row exists yet, so the workers also race to create it.
    uri = engine.url.render_as_string(hide_password=False)

    reports = run_workers(uri, tmp_path, filing.id)

    assert [error for report in reports for error in report.errors] == []
    # The loops overlapped in time, so the workers really contended for the counter.
    assert max(r.began for r in reports) < min(r.ended for r in reports)
    serials = [s for report in reports for s in report.serials]
    numbers = {n for report in reports for n in report.numbers}
    assert sorted(serials) == list(range(1, TOTAL + 1))
    assert numbers == {f"S000021210001{YEAR % 100}{LEVEL_DIGIT}{s:06d}" for s in serials}
    assert len(numbers) == TOTAL
    # Each worker saw its own serials rise: no transaction read a stale counter.
    assert all(report.serials == sorted(report.serials) for report in reports)

    session.rollback()
    counters = session.scalars(
        select(CertificateSerialCounter).where(CertificateSerialCounter.filing_id == filing.id)
    ).all()
    assert [(c.year, c.level_digit, c.last_serial) for c in counters] == [(YEAR, LEVEL_DIGIT, TOTAL)]
    audited = session.scalars(select(AuditEvent.object_id).where(AuditEvent.object_type == OBJECT_TYPE)).all()
    assert len(audited) == TOTAL
    assert set(audited) == numbers
