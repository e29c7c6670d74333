"""Benchmark verification throughput on 1,000,000 certificates; prints measured figures, asserts nothing.

1. Creates (once) a PostgreSQL database ``bench_verify`` at the migration head and fills it with
   1,000,000 certificates by COPY (not through the issuing service: no PDFs are rendered). Every 500th
   certificate carries a real Ed25519 signature of its QR payload; the benchmark samples only those, so
   the QR page checks a real signature. The rest carry a placeholder signature and are never requested.
2. Serves the app with gunicorn (2 sync workers) on loopback with rate limiting switched off
   (RATELIMIT_ENABLED=0) and access logging off.
3. Loads it with wrk (random paths from a Lua list) and prints requests/s and p99 latency for
   ``/ping`` (hello world), ``/api/v1/verify?number=&name=`` (API) and ``/v/<token>?n=…&s=`` (QR page),
   and the ratios to hello world. Targets: API ≥ 50 %, page ≥ 35 %, p99 ≤ 50 ms.

Every API and page request looks the certificate up by an indexed column and writes one verification log
row, as in production.

    .venv/bin/python bench/verify_throughput.py [--rows 1000000] [--duration 15] [--connections 8]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_verify] [--refill]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote, urlencode

import served  # bench/served.py: gunicorn for a benchmark

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_verify"
SIGNED_EVERY = 500
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国志刚海燕晓东玉兰红梅鑫宇浩然子涵欣怡博文思远佳琪俊峰"
NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _plain_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def ensure_database(url: str) -> None:
    """Create the benchmark database if it does not exist."""
    import psycopg

    base, _, name = _plain_url(url).rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate(url: str, instance: Path) -> None:
    """Bring the benchmark database to the migration head."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from config import Config

    config = type("BenchConfig", (Config,), {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_DIR": instance,
                                             "FILE_STORAGE_DIR": instance / "files"})
    app = create_app(config)
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 13 + 5) % len(GIVEN)]


def _number(i: int) -> str:
    level = 1 + i % 5
    serial = i // 5 + 1  # at most 200,000 per level for a million rows
    return f"S000021210001{26 if serial < 999_999 else 25}{level}{serial % 1_000_000:06d}"


def fill(url: str, rows: int) -> None:
    """Insert one evaluation organisation, 10,000 people and `rows` certificates with COPY."""
    import psycopg

    from app import pii
    from app.certification.issuing import qr_payload
    from app.certification.signing import keyring_from_config
    from config import Config

    pii.configure(Config.PII_ENCRYPTION_KEY, Config.PII_HASH_KEY)
    ring = keyring_from_config(Config.CERT_SIGNING_KEYS)
    kid = ring.active_key_id
    encrypted = pii.encrypt("210102199003071234")  # never decrypted by verification
    started = time.monotonic()
    with psycopg.connect(_plain_url(url)) as conn:
        conn.execute("TRUNCATE verification_log, share_links, national_checks, certificate_prints, certificates, "
                     "people, organisations RESTART IDENTITY CASCADE")
        org_id = conn.execute(
            "INSERT INTO organisations (kind, name, uscc, city_code, created_at) VALUES "
            "('evaluation', '辽宁省职业技能鉴定指导中心', '91210000MA0000000X', '2101', %s) RETURNING id",
            (NOW,)).fetchone()[0]
        people = 10_000
        with conn.cursor().copy(
                "COPY people (name, id_type, id_number_enc, id_hash, id_masked, birth_date, target_groups, "
                "registered_by_org_id, created_at, updated_at) FROM STDIN") as copy:
            for p in range(people):
                copy.write_row((_name(p), "resident_id", encrypted, hashlib.sha256(f"p{p}".encode()).hexdigest(),
                                "2101**********1234", date(1990, 3, 7), "[]", org_id, NOW, NOW))
        first_person = conn.execute("SELECT min(id) FROM people").fetchone()[0]
        columns = ("kind, number, status, person_id, holder_name, id_type, id_number_enc, id_masked, occupation_code, "
                   "occupation_name, level_digit, issuer_org_id, issuer_name, issue_date, printed_fields, token, "
                   "key_id, signature, pdf_path, pdf_sha256, print_serial, source_type, source_id, created_at")
        issued = date(2026, 11, 24)
        placeholder = "x" * 86
        with conn.cursor().copy(f"COPY certificates ({columns}) FROM STDIN") as copy:
            for i in range(rows):
                number = _number(i)
                level = 1 + i % 5
                signature = placeholder
                if i % SIGNED_EVERY == 0:
                    signature = ring.sign(qr_payload(number, level, "6-31-01-03", issued, kid))
                token = hashlib.blake2b(f"t{i}".encode(), digest_size=16).hexdigest()
                copy.write_row(("skill_level", number, "valid", first_person + i % people, _name(i % people),
                                "resident_id", encrypted, "2101**********1234", "6-31-01-03", "电工", level, org_id,
                                "辽宁省职业技能鉴定指导中心", issued, "{}", token, kid, signature,
                                f"certificates/2026/{number}.pdf", "0" * 64, f"LN2026A{i:07d}",
                                "assessment_result", str(i), NOW))
                if i and i % 200_000 == 0:
                    print(f"  … {i:,} certificates ({time.monotonic() - started:.0f} s)", flush=True)
        conn.commit()
        conn.execute("ANALYZE")
    print(f"filled {rows:,} certificates in {time.monotonic() - started:.0f} s", flush=True)


def certificate_count(url: str) -> int:
    """How many certificates the benchmark database holds (0 if it has no tables yet)."""
    import psycopg

    with psycopg.connect(_plain_url(url)) as conn:
        try:
            return conn.execute("SELECT count(*) FROM certificates").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def sample_paths(rows: int, count: int = 1000) -> tuple[list[str], list[str]]:
    """API and QR-page paths for randomly chosen signed certificates."""
    from app.certification.issuing import qr_payload
    from app.certification.signing import keyring_from_config
    from config import Config

    ring = keyring_from_config(Config.CERT_SIGNING_KEYS)
    rng = random.Random(1)
    signed = list(range(0, rows, SIGNED_EVERY))
    api, page = [], []
    for i in rng.sample(signed, min(count, len(signed))):
        number, level = _number(i), 1 + i % 5
        token = hashlib.blake2b(f"t{i}".encode(), digest_size=16).hexdigest()
        payload = qr_payload(number, level, "6-31-01-03", date(2026, 11, 24), ring.active_key_id)
        query = urlencode({"n": number, "l": str(level), "o": "6-31-01-03", "d": "2026-11-24",
                           "k": ring.active_key_id, "s": ring.sign(payload)})
        api.append(f"/api/v1/verify?number={number}&name={quote(_name(i % 10_000))}")
        page.append(f"/v/{token}?{query}")
    return api, page


def serve(url: str, instance: Path, workers: int, gunicorn_args: list[str]) -> tuple[subprocess.Popen, str]:
    """Start gunicorn (rate limiting off) on a free loopback port and wait until it answers."""
    return served.serve({"DATABASE_URL": url, "RATELIMIT_ENABLED": "0", "JIANGCAI_CONFIG": "development",
                         "JIANGCAI_INSTANCE_DIR": str(instance)}, ["-w", str(workers), *gunicorn_args])


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def run_wrk(base: str, paths: list[str], duration: int, connections: int, threads: int) -> dict:
    """One wrk run over the paths in turn; returns requests/s, p99 (ms) and non-2xx count."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % ", ".join(json.dumps(p) for p in paths))
    try:
        out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
                              "-s", script.name, base], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99_text = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(p99_text.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99_text.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rate": rate, "p99": p99, "non_2xx": int(errors.group(1)) if errors else 0}


def check_answers(base: str, api: list[str], page: list[str]) -> None:
    """Make sure the sampled requests really find their certificates (a benchmark of 404s proves nothing)."""
    for path in api[:3]:
        with urllib.request.urlopen(base + path) as response:
            body = json.load(response)
            assert body["result"] == "found", body
    for path in page[:3]:
        with urllib.request.urlopen(base + path) as response:
            html = response.read().decode()
            assert 'data-signature="valid"' in html and 'data-status="valid"' in html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--gunicorn", default="", help="extra gunicorn arguments, e.g. '-k gthread --threads 4'")
    parser.add_argument("--refill", action="store_true", help="fill again even if the database is full")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    instance = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    ensure_database(args.database_url)
    migrate(args.database_url, instance)
    if args.refill or certificate_count(args.database_url) != args.rows:
        fill(args.database_url, args.rows)
    else:
        print(f"database already holds {args.rows:,} certificates")
    api, page = sample_paths(args.rows)
    process, base = serve(args.database_url, instance, args.workers, args.gunicorn.split())
    try:
        check_answers(base, api, page)
        results = {}
        for label, paths in (("hello world /ping", ["/ping"]), ("API /api/v1/verify", api), ("page /v/<token>", page)):
            run_wrk(base, paths, 3, args.connections, args.threads)  # warm-up
            results[label] = run_wrk(base, paths, args.duration, args.connections, args.threads)
    finally:
        served.stop(process)
        shutil.rmtree(instance, ignore_errors=True)
    hello = results["hello world /ping"]["rate"]
    targets = {"hello world /ping": None, "API /api/v1/verify": 0.50, "page /v/<token>": 0.35}
    print(f"\n{args.rows:,} certificates; gunicorn {args.workers} sync workers; wrk {args.threads} threads, "
          f"{args.connections} connections, {args.duration} s per run; rate limiting off\n")
    print(f"{'route':<22}{'req/s':>10}{'p99 ms':>10}{'ratio':>9}{'target':>9}{'non-2xx':>9}")
    for label, r in results.items():
        target = targets[label]
        ratio = r["rate"] / hello if hello else 0.0
        print(f"{label:<22}{r['rate']:>10.0f}{r['p99']:>10.1f}{ratio:>8.0%} "
              f"{(f'≥{target:.0%}' if target else '-'):>8}{r['non_2xx']:>9}")
    worst = max(r["p99"] for r in results.values())
    print(f"\nworst p99 {worst:.1f} ms (target ≤ 50 ms)")


if __name__ == "__main__":
    main()
