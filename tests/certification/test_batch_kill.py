"""Killing a batch worker with SIGKILL at a random moment leaves no half-issued certificate and no number twice."""

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.certification.models import Certificate, NumberReservation
from app.tasks import issuing_context, run_certificate_job
from tests.certification.test_batches import job_setup  # noqa: F401  (fixture)
from tests.people.factories import make_person

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 24


def serial(number: str) -> int:
    return int(number[-6:])


def check_invariants(session, storage_dir: Path) -> tuple[list[int], list[int]]:
    """Every certificate has its stored, matching PDF; reserved and issued numbers are disjoint and gap-free."""
    session.rollback()
    issued = session.scalars(select(Certificate)).all()
    for certificate in issued:
        data = (storage_dir / certificate.pdf_path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256, certificate.number
    issued_serials = sorted(serial(c.number) for c in issued)
    reserved_serials = sorted(serial(n) for n in session.scalars(select(NumberReservation.number)))
    assert len(set(issued_serials)) == len(issued_serials)
    assert not set(issued_serials) & set(reserved_serials)
    everything = sorted(issued_serials + reserved_serials)
    assert everything == list(range(1, len(everything) + 1))
    session.rollback()  # end the read transaction before other connections write
    return issued_serials, reserved_serials


@pytest.mark.slow
def test_sigkill_during_a_batch_then_resume(app, session, job_setup, tmp_path):  # noqa: F811
    org, job_id = job_setup
    staff = session.scalars(select(User).where(User.organisation_id == org.id)).first()
    for _ in range(PEOPLE - 6):
        make_person(session, staff)
    session.commit()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    log = tmp_path / "worker.log"
    with log.open("wb") as log_file:
        worker = subprocess.Popen(
            [sys.executable, "-m", "tests.certification.batch_worker", uri, str(app.config["INSTANCE_DIR"]),
             str(job_id)],
            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=log_file,
        )
    deadline = time.monotonic() + 60
    target = random.Random().randint(1, PEOPLE // 2)  # kill after a random number of committed certificates
    while time.monotonic() < deadline and worker.poll() is None:
        session.rollback()
        if session.scalar(select(func.count()).select_from(Certificate)) >= target:
            time.sleep(random.Random().uniform(0, 0.3))
            break
        time.sleep(0.05)
    assert worker.poll() is None, log.read_text()[-2000:]
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    storage_dir = issuing_context(app).storage_dir
    issued, reserved = check_invariants(session, storage_dir)
    assert 1 <= len(issued) < PEOPLE and len(issued) + len(reserved) == PEOPLE
    assert run_certificate_job(app, job_id, processes=0) == (PEOPLE, PEOPLE)
    issued, reserved = check_invariants(session, storage_dir)
    assert issued == list(range(1, PEOPLE + 1)) and reserved == []
