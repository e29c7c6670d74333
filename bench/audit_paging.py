"""Benchmark the audit log's keyset paging against OFFSET paging deep in a large log; prints figures.

Builds a migrated scratch database (SQLite file, or a PostgreSQL database given with --pg), fills audit_events
with set-based INSERT … SELECT over a number series (times repeat every 5 rows, so ties are common), then times
the newest page, a page deep in the log reached by cursor, and the same page read with OFFSET.

    .venv/bin/python bench/audit_paging.py [--events 500000] [--sqlite /tmp/bench_audit.db]
    .venv/bin/python bench/audit_paging.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_audit  (a new, empty
    database: the log is append-only, so a filled one cannot be emptied)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere


def _fill(engine, events: int) -> None:
    from sqlalchemy import text

    postgres = engine.dialect.name == "postgresql"
    series = ("SELECT n FROM generate_series(1, :events) AS n" if postgres else
              "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < :events) SELECT n FROM s")
    at = ("TIMESTAMPTZ '2026-01-01 00:00:00+00' + ((n / 5) * INTERVAL '1 second')" if postgres else
          "strftime('%Y-%m-%d %H:%M:%f', '2026-01-01 00:00:00', '+' || (n / 5) || ' seconds') || '000'")
    with engine.begin() as conn:
        conn.execute(text(
            f"INSERT INTO audit_events (at, actor_id, actor_name, organisation_id, action, object_type, object_id, "
            f"new_value) SELECT {at}, 1, 'admin', 1 + n % 7, 'person.update', 'person', CAST(n % 5000 AS VARCHAR), "
            f"NULL FROM ({series}) AS numbers"), {"events": events})


def _timed(work, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500_000)
    parser.add_argument("--sqlite", default="/tmp/bench_audit.db")
    parser.add_argument("--pg")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from app import create_app
    from app.audit.models import AuditEvent
    from app.audit.services import NEWEST_FIRST, PAGE_SIZE, AuditFilter, Cursor, page_events
    from app.extensions import db
    from config import Config

    uri = args.pg or f"sqlite:///{args.sqlite}"
    if not args.pg:
        Path(args.sqlite).unlink(missing_ok=True)
    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": uri, "TESTING": True})
    app = create_app(config)
    with app.app_context():
        upgrade()
        _fill(db.engine, args.events)
        with Session(db.engine) as session:
            depth = args.events * 9 // 10  # a page near the oldest end
            deep = session.scalars(select(AuditEvent).order_by(*NEWEST_FIRST).offset(depth).limit(1)).one()
            cursor = Cursor.of(deep)
            everything = AuditFilter()
            newest = _timed(lambda: page_events(session, filters=everything))
            keyset = _timed(lambda: page_events(session, filters=everything, after=cursor))
            offset = _timed(lambda: list(session.scalars(
                select(AuditEvent).order_by(*NEWEST_FIRST).offset(depth).limit(PAGE_SIZE + 1))))
            one_object = _timed(lambda: page_events(session, filters=AuditFilter(object_type="person",
                                                                                object_id="42")))
    print(f"{uri.split('://')[0]}: {args.events:,} events; page of {PAGE_SIZE}, medians of 5")
    print(f"  newest page (keyset, with 'newer' check):       {newest * 1000:8.1f} ms")
    print(f"  page at row {depth:,} by cursor:                {keyset * 1000:8.1f} ms")
    print(f"  same page by OFFSET:                            {offset * 1000:8.1f} ms")
    print(f"  one object's history (object_type + object_id): {one_object * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
