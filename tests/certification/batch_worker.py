"""Runs one certificate job in a separate process, to be killed with SIGKILL by the test.

Usage: python -m tests.certification.batch_worker DATABASE_URI INSTANCE_DIR JOB_ID
"""

from __future__ import annotations

import sys
from pathlib import Path

from app import create_app
from app.tasks import run_certificate_job
from tests.certification import test_batches  # noqa: F401  (registers the test scope)
from tests.conftest import make_config


def main() -> None:
    uri, instance, job_id = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    app = create_app(make_config(uri, instance))
    run_certificate_job(app, job_id, processes=2, chunk_size=3)


if __name__ == "__main__":
    main()
