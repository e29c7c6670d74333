"""Two gunicorn processes, one huey worker, one PostgreSQL database and one Redis: what is shared must be shared.

Runs when TEST_DATABASE_URL is PostgreSQL and Redis answers at TEST_REDIS_URL (CI sets both); it creates its own
scratch database (jiangcai_ops_test) and empties its own Redis database number.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from sqlalchemy import create_engine, text

from config import TestConfig
from tests.conftest import IS_POSTGRES
from tests.ops.cluster import (
    SCRATCH_DATABASE,
    Browser,
    drop_database,
    free_port,
    production_environment,
    recreate_database,
    redis_reachable,
    run_flask,
    start_gunicorn,
    start_worker,
    wait_until_healthy,
)

REDIS_URL = TestConfig.TEST_REDIS_URL
PASSWORD = "Jiangcai2026!"
LOGIN_LIMIT = 4  # failed logins per client address per minute, counted across every process

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not IS_POSTGRES, reason="needs TEST_DATABASE_URL pointing at PostgreSQL"),
]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Ports of two gunicorn processes (A, B) sharing one database, one Redis and one huey worker."""
    if not redis_reachable(REDIS_URL):
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    base = tmp_path_factory.mktemp("ops")
    database_url = recreate_database(TestConfig.SQLALCHEMY_DATABASE_URI, SCRATCH_DATABASE)
    env = production_environment(
        database_url, REDIS_URL, base / "instance",
        LOGIN_LIMIT_PER_ADDRESS=f"{LOGIN_LIMIT} per minute",
        LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS="50 per minute",
    )
    run_flask(env, "db", "upgrade")
    # `demo load` refuses the production configuration: seed the scratch database under the development one,
    # with the same database and keys (config.py reads them from the environment either way).
    run_flask({**env, "JIANGCAI_CONFIG": "development"}, "demo", "load", "--quiet")
    port_a, port_b = free_port(), free_port()
    processes = [start_gunicorn("gunicorn-a", port_a, env, base),
                 start_gunicorn("gunicorn-b", port_b, env, base),
                 start_worker(env, base)]
    try:
        wait_until_healthy(port_a, processes[0])
        wait_until_healthy(port_b, processes[1])
        yield {"a": port_a, "b": port_b, "database_url": database_url, "worker": processes[2],
               "processes": processes}
    finally:
        for process in processes:
            process.stop()
        drop_database(TestConfig.SQLALCHEMY_DATABASE_URI, SCRATCH_DATABASE)
        redis.Redis.from_url(REDIS_URL).flushdb()


def query(database_url: str, sql: str, **params):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql), params).all()
    finally:
        engine.dispose()


def test_both_processes_report_healthy_database_and_queue(cluster):
    for port in (cluster["a"], cluster["b"]):
        response = Browser("127.0.0.1").request(port, "GET", "/healthz")
        assert response.status == 200
        assert '"database":{"detail":"revision' in response.body and '"queue":{"detail":"0 pending"' in response.body


def test_login_throttle_counts_attempts_made_on_either_process(cluster):
    attacker = Browser("203.0.113.9")
    ports = [cluster["a"], cluster["b"]] * LOGIN_LIMIT
    statuses = [attacker.log_in(port, "inst_sy", "wrong-password").status for port in ports[:LOGIN_LIMIT]]
    # Each process saw only half of the attempts; the limit still holds because Redis keeps one count.
    assert statuses == [422] * LOGIN_LIMIT  # each a refused login form
    blocked_b = attacker.log_in(cluster["b"], "inst_sy", "wrong-password")
    blocked_a = attacker.log_in(cluster["a"], "inst_sy", PASSWORD)
    assert (blocked_b.status, blocked_a.status) == (429, 429)
    assert int(blocked_b.headers["Retry-After"]) > 0
    # ProxyFix reads the client address from X-Forwarded-For: another client is not affected.
    assert Browser("203.0.113.10").log_in(cluster["b"], "inst_sy", PASSWORD).status == 302


def test_a_login_made_on_one_process_is_valid_on_the_other_until_logout(cluster):
    user = Browser("198.51.100.20")
    assert user.request(cluster["b"], "GET", "/dashboard").status == 302
    response = user.log_in(cluster["a"], "inst_sy", PASSWORD)
    assert response.status == 302 and "jiangcai_session" in user.cookies
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    dashboard = user.request(cluster["b"], "GET", "/dashboard")
    assert dashboard.status == 200 and "王建国" in dashboard.body
    # Logging out on B ends the server-side session: the old cookie no longer works on A either.
    stolen = dict(user.cookies)
    token = user.csrf_token(cluster["b"], "/dashboard")
    assert user.request(cluster["b"], "POST", "/logout", form={"csrf_token": token}).status == 302
    replay = Browser("198.51.100.20", cookies=stolen)
    assert replay.request(cluster["a"], "GET", "/dashboard").status == 302


def test_a_batch_queued_through_one_process_runs_in_the_worker_and_shows_progress_on_the_other(cluster):
    url = cluster["database_url"]
    (class_id, completed), = query(url, """
        SELECT e.class_id, count(*) FROM enrolments e
        JOIN training_classes c ON c.id = e.class_id
        JOIN training_projects p ON p.id = c.project_id
        JOIN organisations o ON o.id = p.institution_id
        JOIN users u ON u.organisation_id = o.id AND u.username = 'inst_sy'
        WHERE e.status = 'completed' GROUP BY e.class_id ORDER BY count(*) DESC LIMIT 1""")
    assert completed >= 5
    user = Browser("198.51.100.21")
    assert user.log_in(cluster["a"], "inst_sy", PASSWORD).status == 302
    token = user.csrf_token(cluster["b"], "/dashboard")
    started = user.request(cluster["a"], "POST", "/certificates/jobs",
                           form={"csrf_token": token, "scope_type": "training_class", "scope_id": str(class_id)})
    assert started.status == 302, started.body[:500]
    job_id = int(re.search(r"/certificates/jobs/(\d+)$", started.location).group(1))
    seen, deadline = [], time.monotonic() + 120
    while time.monotonic() < deadline:
        status = user.request(cluster["b"], "GET", f"/certificates/jobs/{job_id}.json")
        assert status.status == 200
        progress = json.loads(status.body)
        seen.append((progress["status"], progress["done"]))
        if progress["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    assert progress == {"id": job_id, "status": "done", "done": completed, "total": completed, "error": None}, (
        cluster["worker"].tail())
    issued = query(url, "SELECT count(*) FROM certificates WHERE source_type = 'enrolment'")[0][0]
    assert issued == completed
    # The web processes only queued it: the job was run by the huey consumer.
    assert "certificates.issue_batch" in cluster["worker"].tail()
    assert seen[0][0] in ("queued", "running", "done")


def test_metrics_count_requests_from_every_process(cluster):
    browser = Browser("127.0.0.1", proxied=False)  # a local scrape, straight to gunicorn

    def requests_total(port: int) -> int:
        body = browser.request(port, "GET", "/metrics").body
        return sum(int(v) for v in re.findall(r'^jiangcai_http_requests_total\{[^}]*\} (\d+)$', body, re.M))

    before = requests_total(cluster["b"])
    for _ in range(3):
        assert browser.request(cluster["a"], "GET", "/login").status == 200
    assert requests_total(cluster["b"]) == before + 3
    assert requests_total(cluster["a"]) == before + 3
    metrics = browser.request(cluster["b"], "GET", "/metrics")
    assert metrics.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert re.search(r"^jiangcai_queue_pending \d+$", metrics.body, re.M)
    # A client through the proxy without the metrics token is refused, even one claiming to be loopback.
    assert Browser("203.0.113.50").request(cluster["a"], "GET", "/metrics").status == 403
    assert Browser("127.0.0.1").request(cluster["a"], "GET", "/metrics").status == 403
