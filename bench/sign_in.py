"""Benchmark trainee self sign-in: 50 trainees open the scanned page and sign in at the same moment.

1. Migrates a temporary SQLite file (or the PostgreSQL database named by TEST_DATABASE_URL, emptied first) and
   fills it through the services: an institution, a class of 50 enrolled trainees, a session starting now.
2. Serves the app with gunicorn as deployed (deploy/gunicorn.conf.py) on loopback, rate limiting on as in
   production (RATELIMIT_ENABLED=0 in the environment switches it off, to compare): on SQLite one worker with
   threads and the limits in memory; on PostgreSQL 2 × cores + 1 workers and the limits in Redis
   (BENCH_REDIS_URL, default redis://127.0.0.1:6379/14, emptied first; "none" for no Redis).
3. 50 client threads, each with its own cookies, GET the sign-in page the QR code opens, wait until all have it,
   then POST their name and ID ending at once (prepared bytes on a raw socket, so the client's own CPU on the
   shared cores stays out of the figure); each then opens the page the sign-in lands on.

Prints per-request figures (median, p95, max, answers) for each step, the records written, and as its last line
`sign-in p95 <N> ms`, the p95 over the POSTs (target ≤ 100 ms).

    .venv/bin/python bench/sign_in.py [--trainees 50] [--workers N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path

import served  # bench/served.py: gunicorn for a benchmark

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

SECRET = "bench-sign-in-secret-key-of-at-least-32-bytes"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国志刚海燕晓东玉兰红梅鑫宇浩然子涵欣怡博文思远佳琪俊峰"


def _config(url: str, instance: Path):
    from config import Config

    return type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance,
                                           "FILE_STORAGE_DIR": instance / "files", "SECRET_KEY": SECRET})


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _resident_id(n: int) -> str:
    from app.idnumbers.resident import resident_id_check_char

    first17 = f"210102{date(1990, 1, 1) + timedelta(days=n * 37):%Y%m%d}{n % 999 + 1:03d}"
    return first17 + resident_id_check_char(first17)


def prepare(url: str, instance: Path, trainees: int) -> tuple[int, list[tuple[str, str]]]:
    """Migrate and fill: a class of `trainees` enrolled people and a one-hour session starting now."""
    from flask_migrate import upgrade

    from app import create_app
    from app.accounts.services import create_organisation, create_user
    from app.catalog.models import Occupation
    from app.catalog.seed import seed_catalog
    from app.clock import LOCAL_ZONE
    from app.database import utcnow
    from app.extensions import db
    from app.idnumbers import uscc_check_char
    from app.people.services import register_person
    from app.training.enrolments import enrol_person
    from app.training.projects import add_session, create_class, create_project

    app = create_app(_config(url, instance))
    with app.app_context():
        upgrade()
        s, now = db.session, utcnow()
        body = "91210100" + "123456789"
        org = create_organisation(s, actor=None, now=now, kind="institution", name="沈阳市职业技能培训学校",
                                  uscc=body + uscc_check_char(body), city_code="2101")
        staff = create_user(s, actor=None, now=now, organisation_id=org.id, username="bench-staff",
                            display_name="教务", password="Bench-sign-in-2026!", roles=["institution_staff"])
        seed_catalog(s, now=now)
        occupation = s.query(Occupation).filter_by(code="6-31-01-03").one()
        project = create_project(s, actor=staff, now=now, name="电工培训", project_type="employment_skills",
                                 occupation_id=occupation.id, target_level_digit=4)
        local = now.astimezone(LOCAL_ZONE)
        klass = create_class(s, actor=staff, now=now, project_id=project.id, name="第1期", start_date=local.date(),
                             end_date=local.date() + timedelta(days=30), capacity=trainees, venue="实训楼201",
                             teacher_names="王老师")
        start = clock_time(local.hour, local.minute)
        end = min(clock_time(23, 59), (datetime.combine(local.date(), start) + timedelta(hours=1)).time()) \
            if start < clock_time(23, 59) else clock_time(23, 59)
        if start >= end:  # the last minute of the day: start a minute earlier (still inside the window)
            start = clock_time(23, 58)
        row = add_session(s, actor=staff, now=now, class_id=klass.id, session_date=local.date(), start_time=start,
                          end_time=end, hours=Decimal("1"), topic="安全用电")
        people = []
        for i in range(trainees):
            name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 5) % len(GIVEN)]
            number = _resident_id(i)
            person = register_person(s, actor=staff, now=now, name=name, id_type="resident_id", id_number=number)
            enrol_person(s, actor=staff, now=now, class_id=klass.id, person_id=person.id)
            people.append((name, number[-4:]))
        s.commit()
        session_id = row.id
        db.engine.dispose()
    return session_id, people


def _redis_url(postgres: bool) -> str | None:
    """The Redis database the benchmark may empty and use (BENCH_REDIS_URL), when a Redis server answers.

    By default only with PostgreSQL, as deployed: a SQLite installation is one host without Redis
    (docs/deployment.md); BENCH_REDIS_URL=none switches Redis off, any other value switches it on."""
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14" if postgres else "none")
    if url in ("", "none"):
        return None
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()  # rate-limit windows of an earlier run
        client.close()
    except Exception:
        return None
    return url


def serve(url: str, instance: Path, workers: int | None, threads: int | None,
          redis_url: str | None) -> tuple[subprocess.Popen, str]:
    """Start gunicorn as deployed (deploy/gunicorn.conf.py) on a free loopback port and wait until it answers.

    With Redis, as in a deployment with Redis, gunicorn runs 2 × cores + 1 workers and the rate-limit counters
    live in Redis; without it one worker with threads keeps them in memory (docs/deployment.md).
    """
    port = served.free_port()
    env = {"DATABASE_URL": url, "JIANGCAI_CONFIG": "development", "SECRET_KEY": SECRET,
           "JIANGCAI_INSTANCE_DIR": str(instance), "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "REDIS_URL": redis_url or "", "RATELIMIT_STORAGE_URI": redis_url or "memory://"}
    chosen = ([] if workers is None else ["-w", str(workers)]) + ([] if threads is None else ["--threads", str(threads)])
    return served.serve(env, ["-c", str(ROOT / "deploy/gunicorn.conf.py"), *chosen, "--access-logfile", "/dev/null"],
                        port=port)


def _server_shape(process: subprocess.Popen) -> str:
    """"gunicorn N workers" as running (the children of the master process)."""
    try:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    except OSError:
        return "gunicorn"
    return f"gunicorn {len(children)} workers"


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASS = re.compile(r'name="form_pass" type="hidden" value="([^"]+)"')


def warm_up(base: str, path: str, clients: int = 40) -> None:
    """A running server has its templates compiled and its connections open: every worker thread opens the page
    once (`clients` at a time, so each thread of each worker gets one and opens its database and Redis
    connections), then a few refused sign-ins run (fewer than the refused-sign-in limit)."""
    import requests

    def one() -> None:
        with requests.Session() as http:
            http.get(base + path)

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(6):
        with requests.Session() as http:
            page = http.get(base + path)
            csrf, form_pass = CSRF.search(page.text), PASS.search(page.text)
            http.post(base + path, data={"csrf_token": csrf.group(1) if csrf else "", "name": "预热",
                                         "form_pass": form_pass.group(1) if form_pass else "", "id_last4": "0000"})


def _raw_post(base: str, path: str, cookie: str, body: bytes) -> tuple[bytes, int, str]:
    """Build a POST as bytes ahead of time, so the timed part costs the client almost no CPU."""
    host = base.removeprefix("http://")
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n").encode()
    address, port = host.split(":")
    return head + body, int(port), address


def _send(request: bytes, address: str, port: int) -> tuple[int, str, list[str]]:
    """Send one prepared request on a fresh connection; the status, Location and cookies of the answer."""
    with socket.create_connection((address, port)) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    location = next((line.split(":", 1)[1].strip() for line in head if line.lower().startswith("location:")), "")
    cookies = [line.split(":", 1)[1].split(";", 1)[0].strip() for line in head
               if line.lower().startswith("set-cookie:")]
    return int(head[0].split()[1]), location, cookies


def run_clients(base: str, path: str, people: list[tuple[str, str]]) -> dict[str, list[tuple[float, int]]]:
    """Every trainee's GET, then all POSTs released together, then the landing page; (ms, status) per request.

    The GETs go through `requests` (a phone's browser keeps the cookie); the POST that is timed against the
    target is sent as prepared bytes on a raw socket: the 50 client threads share the server's two cores, and
    a full HTTP client's own per-request CPU (cookies, URL parsing, header objects) would be counted as the
    server's latency.
    """
    from urllib.parse import urlencode

    import requests

    timings: dict[str, list[tuple[float, int]]] = {"GET page": [], "POST sign-in": [], "GET result": []}
    lock = threading.Lock()
    barrier = threading.Barrier(len(people))

    def record(step: str, started: float, status: int) -> None:
        with lock:
            timings[step].append(((time.perf_counter() - started) * 1000, status))

    def client(name: str, last4: str) -> None:
        with requests.Session() as http:
            started = time.perf_counter()
            page = http.get(base + path)
            record("GET page", started, page.status_code)
            csrf, form_pass = CSRF.search(page.text), PASS.search(page.text)
            body = urlencode({"csrf_token": csrf.group(1) if csrf else "", "name": name, "id_last4": last4.lower(),
                              "form_pass": form_pass.group(1) if form_pass else ""}).encode()
            cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
            request, port, address = _raw_post(base, path, cookie, body)
            barrier.wait()
            started = time.perf_counter()
            status, location, cookies = _send(request, address, port)
            record("POST sign-in", started, status)
            for pair in cookies:  # the flashed result travels in the session cookie, as in a browser
                key, _, value = pair.partition("=")
                http.cookies.set(key, value)
            if status == 302:
                started = time.perf_counter()
                result = http.get(base + location if location.startswith("/") else location)
                record("GET result", started, result.status_code)

    threads = [threading.Thread(target=client, args=person) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def p95(values: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def records_written(url: str, session_id: int) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM attendance_records WHERE session_id = :s AND method = 'self'"),
                             {"s": session_id}).scalar_one()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=50)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: as deploy/gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: as deploy/gunicorn.conf.py)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    limiting = "off" if os.environ.get("RATELIMIT_ENABLED") in ("0", "false", "False") else "on"
    instance = Path(tempfile.mkdtemp(prefix="bench-sign-in-"))
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance / 'bench.db'}"
    if url.startswith("postgresql"):
        _empty_postgres(url)
    try:
        session_id, people = prepare(url, instance, args.trainees)
        redis_url = _redis_url(url.startswith("postgresql"))
        process, base = serve(url, instance, args.workers, args.threads, redis_url)
        try:
            from app.database import utcnow
            from app.training.sign_in import current_token, derive_key

            path = f"/sign-in/{session_id}/{current_token(derive_key(SECRET), session_id, utcnow())}"
            warm_up(base, path)
            timings = run_clients(base, path, people)
            shape = _server_shape(process)
        finally:
            served.stop(process)
        written = records_written(url, session_id)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    print(f"{args.trainees} trainees at once; {url.split(':')[0]}; {shape}; rate limits {limiting}"
          f"{' in Redis' if redis_url and limiting == 'on' else ''}; load average before {load:.1f}")
    print(f"{'request':<14}{'n':>4}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}  answers")
    for step, rows in timings.items():
        ms = [t for t, _ in rows] or [0.0]
        answers = ", ".join(f"{code}×{n}" for code, n in sorted(
            {code: sum(1 for _, c in rows if c == code) for _, code in rows}.items()))
        print(f"{step:<14}{len(rows):>4}{statistics.median(ms):>11.1f}{p95(ms):>9.1f}{max(ms):>9.1f}  {answers}")
    print(f"attendance records with method self: {written} of {args.trainees}")
    print(f"sign-in p95 {p95([t for t, _ in timings['POST sign-in']] or [0.0]):.0f} ms")


if __name__ == "__main__":
    main()
