"""Benchmark batch issuance end to end (numbering, rendering in parallel processes, storing, recording).

Builds a fresh SQLite database with N people, then runs one certificate job the way the worker does.
Prints time, throughput and peak memory; asserts nothing.

    .venv/bin/python bench/issue_certificates.py [-n 1000] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.accounts.models import Organisation  # noqa: E402
from app.accounts.services import (  # noqa: E402
    create_organisation,
    create_user,  # noqa: E402
    set_evaluation_filing,
)
from app.certification.batches import create_job, register_source  # noqa: E402
from app.certification.issuing import CertificateDraft  # noqa: E402
from app.database import write_intent  # noqa: E402
from app.extensions import db  # noqa: E402
from app.idnumbers import resident_id_check_char, uscc_check_char  # noqa: E402
from app.people.models import Person  # noqa: E402
from app.people.services import register_person  # noqa: E402
from app.tasks import run_certificate_job  # noqa: E402
from config import TestConfig  # noqa: E402

NOW = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚"


def drafts(session, scope_id):
    """Every person registered by the organisation gets a 焊工 四级 certificate."""
    org = session.get(Organisation, int(scope_id))
    people = session.scalars(select(Person).where(Person.registered_by_org_id == org.id).order_by(Person.id))
    return [CertificateDraft(kind="skill_level", person=p, issuer=org, occupation_code="6-18-02-04",
                             occupation_name="焊工", variant_name=None, level_digit=4,
                             source_type="bench", source_id=str(p.id)) for p in people]


register_source("bench_people", "skill_level", drafts)


def rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def build(app, count: int) -> int:
    with app.app_context(), write_intent():
        upgrade()
        session = db.session
        body = "91210100MA0BENCH0"
        org = create_organisation(session, actor=None, now=NOW, kind="evaluation", name="辽宁技能评价中心（基准测试）",
                                  uscc=body + uscc_check_char(body))
        set_evaluation_filing(session, actor=None, now=NOW, organisation=org, org_type="S", org_code="0000",
                              province_code="21", site_code="210001", scopes=[("6-18-02-04", 4)])
        staff = create_user(session, actor=None, now=NOW, organisation_id=org.id, username="bench",
                            display_name="基准", password="Jiangcai2026!", roles=["evaluation_staff"])
        for i in range(count):
            first17 = f"210102{1970 + i % 30}{(i % 12) + 1:02d}{(i % 28) + 1:02d}{i % 1000:03d}"
            register_person(session, actor=staff, now=NOW, name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)], id_type="resident_id",
                            id_number=first17 + resident_id_check_char(first17))
            if i % 500 == 499:
                session.flush()
        job = create_job(session, actor=staff, now=NOW, scope_type="bench_people", scope_id=str(org.id),
                         organisation_id=org.id)
        session.commit()
        return job.id


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jc-bench-"))
    config = type("BenchConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.db'}", "INSTANCE_DIR": folder,
        "FILE_STORAGE_DIR": folder / "files", "PASSWORD_HASH_PROFILE": "test"})
    app = create_app(config)
    job_id = build(app, args.n)
    print(f"database ready in {folder} with {args.n} people; RSS before the job {rss_mb():.0f} MB")
    checkpoints = []
    cpu_parent, cpu_children = time.process_time(), _children_cpu()
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if not checkpoints or done - checkpoints[-1][0] >= total // 5 or done == total:
            checkpoints.append((done, time.perf_counter() - start, rss_mb()))

    done, total = run_certificate_job(app, job_id, processes=args.processes, chunk_size=32, progress=progress)
    elapsed = time.perf_counter() - start
    parent_cpu, children_cpu = time.process_time() - cpu_parent, _children_cpu() - cpu_children
    print(f"issued {done}/{total} certificates in {elapsed:.1f} s "
          f"({done / elapsed:.1f}/s) with {args.processes} rendering processes")
    for count, seconds, rss in checkpoints:
        print(f"  after {count:5d}: {seconds:6.1f} s, parent peak RSS {rss:.0f} MB")
    print(f"CPU: parent {parent_cpu:.1f} s ({parent_cpu / done * 1000:.0f} ms a certificate), renderers "
          f"{children_cpu:.1f} s ({children_cpu / done * 1000:.0f} ms a certificate); load average now "
          f"{os.getloadavg()[0]:.2f} (other work on the machine slows the wall time, not the CPU figures)")
    print(f"peak RSS: parent {rss_mb():.0f} MB, largest rendering process {rss_mb(resource.RUSAGE_CHILDREN):.0f} MB")


if __name__ == "__main__":
    main()
