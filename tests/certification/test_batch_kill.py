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


def _children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid` (Linux /proc), e.g. a worker's render processes."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_a_batch_whose_worker_died_is_resumed_by_the_next_worker_without_a_command(app, session, job_setup,  # noqa: F811
                                                                                   monkeypatch):
    from datetime import timedelta

    from app.certification.models import CertificateJob
    from app.database import utcnow
    from app.tasks import run_batch_recovery

    org, job_id = job_setup
    staff = session.scalars(select(User).where(User.organisation_id == org.id)).first()
    for _ in range(PEOPLE - 6):
        make_person(session, staff)
    session.commit()
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.certification.batch_worker", app.config["SQLALCHEMY_DATABASE_URI"],
         str(app.config["INSTANCE_DIR"]), str(job_id)], cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    renderers: list[int] = []
    while time.monotonic() < deadline and worker.poll() is None:
        session.rollback()
        renderers = _children_of(worker.pid)
        if session.scalar(select(func.count()).select_from(Certificate)) >= 3 and len(renderers) >= 2:
            break
        time.sleep(0.05)
    assert worker.poll() is None and renderers
    os.kill(worker.pid, signal.SIGKILL)  # the worker alone, as the OOM killer or a crash would
    worker.wait(timeout=10)
    gone = time.monotonic() + 10
    while time.monotonic() < gone and any(_alive(pid) for pid in renderers):
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in renderers), "render processes outlived their worker"
    session.rollback()
    job = session.get(CertificateJob, job_id)
    assert job.status == "running" and 3 <= job.done < PEOPLE
    # Within the lease the job is left alone: its worker might only be slow.
    assert run_batch_recovery(app, now=utcnow()) == []
    later = utcnow() + timedelta(seconds=app.config["CERT_JOB_LEASE_SECONDS"] + 1)
    # Past it, the next worker's minutely check claims it and resumes it: no command needed. (The check runs
    # here with the lease shortened, since the test cannot wait five minutes; HUEY_IMMEDIATE runs it inline.)
    monkeypatch.setitem(app.config, "CERT_JOB_LEASE_SECONDS", 0)
    time.sleep(0.01)
    app.extensions["huey_tasks"]["recover_batches"]()
    assert run_batch_recovery(app, now=later) == []  # claimed once only, and now finished
    session.rollback()
    job = session.get(CertificateJob, job_id)
    assert (job.status, job.done, job.total) == ("done", PEOPLE, PEOPLE)
    storage_dir = issuing_context(app).storage_dir
    issued, reserved = check_invariants(session, storage_dir)
    assert issued == list(range(1, PEOPLE + 1)) and reserved == []
    # Every PDF on disk belongs to a certificate: one rendered but not recorded before the kill was adopted.
    on_disk = {str(p.relative_to(storage_dir)) for p in (storage_dir / "certificates").rglob("*.pdf")}
    assert on_disk == set(session.scalars(select(Certificate.pdf_path)))
