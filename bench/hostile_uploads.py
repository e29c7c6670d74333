"""Benchmark the refusal of hostile uploads on every import's page; prints measured figures, asserts nothing.

Posts each hostile file of tests/hostile_files.py — a 1,000,000-row workbook (about 5 MB), a zip bomb (about
4 MB holding a 1 GB sheet), a 1,000,000-row CSV (about 16 MB), and a 100,000-row sheet without a dimension that
is within every size bound, so that only the streamed row cap stops it — to the upload form of each import
(people, class enrolment, shortage catalogue, bulk certificate check) of an app on a fresh, migrated SQLite
database, through the test client, as the browser would. One line per case:

    hostile-upload <import> <case> status=<code> seconds=<s> peak_mb=<mb>

`seconds` is the request's wall time on its own; `peak_mb` is tracemalloc's peak over the same request made
again under tracemalloc (which slows Python several times over, so it is never timed). Target: every case
refused (422) within 2 s and 100 MB. Issue #16 reported 36 s and 1.24 GB for a 395 KB million-row workbook
on /verify/bulk and more than 6 GB for a 2.4 MB zip bomb. Measured on the reader of commit 49beeb3 (before the
bounds; untraced, peak RSS): this zip bomb 93 s and 878 MB (openpyxl parsed the whole 1 GB sheet looking for a
dimension), the 1.3-million-text workbook of tests/hostile_files.py 12.4 s and 260 MB; a sheet whose dimension
understated its 20,000 rows was read as 2 rows.

    .venv/bin/python bench/hostile_uploads.py
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

CASES = ("million_rows_xlsx", "zip_bomb_xlsx", "million_rows_csv", "shared_strings_flood", "no_dimension_100k_rows")


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy.orm import Session

    from app import create_app
    from app.extensions import db as flask_db
    from tests import hostile_files as hostile
    from tests.conftest import make_config

    files = {case: getattr(hostile, case)() for case in CASES[:4]}  # built once, before anything is measured
    # Within every size bound, so only the streamed row cap stops it: the most work any refusal does.
    files["no_dimension_100k_rows"] = hostile.rows_without_dimension(100_000)
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        app = create_app(make_config(f"sqlite:///{instance / 'bench.db'}", instance))
        with app.app_context():
            upgrade()
            engine = flask_db.engine
        for name, upload in hostile.IMPORTS.items():
            client = app.test_client()
            with Session(engine) as session:
                url = hostile.open_import(client, session, name)
            for case in CASES:
                filename = "名单.csv" if case.endswith("csv") else "名单.xlsx"
                figures = hostile.measure(partial(hostile.post_upload, client, url, upload, files[case], filename))
                print(f"hostile-upload {name} {case} status={figures.outcome.status_code} "
                      f"seconds={figures.seconds:.2f} peak_mb={figures.peak_mb:.1f}", flush=True)


if __name__ == "__main__":
    main()
