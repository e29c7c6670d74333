"""/healthz and /metrics in one process; proxy headers; production settings; ops stays Flask-free."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, request
from sqlalchemy import select

from app import create_app
from app.certification.models import Certificate
from app.extensions import db, limiter
from app.ops.metrics import (
    DB_COLLECTORS,
    LocalCounter,
    Metric,
    RedisCounter,
    make_counter,
    render,
    request_labels,
)
from app.tasks import run_certificate_job
from app.web.access import public
from tests.certification.test_batches import job_setup  # noqa: F401  (fixture)
from tests.conftest import make_config
from tests.unit.test_architecture import APP, imports_of


def sample(body: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text body."""
    label_text = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = "^" + re.escape(name) + (r"\{" + re.escape(label_text) + r"\}" if labels else "") + r" (\S+)$"
    match = re.search(pattern, body, re.M)
    return float(match.group(1)) if match else None


def test_healthz_reports_database_and_queue(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["queue"] == {"ok": True, "detail": "0 pending"}
    assert body["database"]["detail"].startswith("revision ")


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'missing' / 'nowhere.db'}", tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["database"] == {"ok": False, "detail": "unreachable"}
    assert "nowhere.db" not in response.get_data(as_text=True)  # no addresses or paths leak out


def test_healthz_is_503_when_the_queue_is_unreachable(app, client):
    class DeadQueue:
        def pending_count(self):
            raise ConnectionError("redis down")

    app.extensions["huey"] = DeadQueue()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["queue"] == {"ok": False, "detail": "unreachable"}


def test_health_and_metrics_are_never_rate_limited(migrated_database, tmp_path):
    config = make_config(migrated_database, tmp_path)
    config.RATELIMIT_APPLICATION = "5 per minute"  # a site-wide limit, to show the two are exempt from it
    app = create_app(config)
    client = app.test_client()
    try:
        assert [client.get("/login").status_code for _ in range(6)][-1] == 429
        assert all(client.get("/healthz").status_code == 200 for _ in range(50))
        assert all(client.get("/metrics").status_code == 200 for _ in range(50))
    finally:
        # The limiter is one object shared by every app in this run, and keeps application limits once set.
        limiter.limit_manager.set_application_limits([])
        with app.app_context():
            db.engine.dispose()


def test_metrics_count_requests_by_method_and_status_class(client):
    client.get("/login")
    client.get("/login")
    client.get("/no-such-page")
    client.post("/login", data={})  # no CSRF token: 400
    client.get("/healthz")  # not counted: probes would drown the figures
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    body = response.get_data(as_text=True)
    assert "# TYPE jiangcai_http_requests_total counter" in body
    assert sample(body, "jiangcai_http_requests_total", method="GET", status="2xx") == 2
    assert sample(body, "jiangcai_http_requests_total", method="GET", status="4xx") == 1
    assert sample(body, "jiangcai_http_requests_total", method="POST", status="4xx") == 1
    assert sample(body, "jiangcai_queue_pending") == 0
    assert sample(body, "jiangcai_certificates_issued_total") == 0


def test_metrics_show_issued_certificates_by_status(app, client, job_setup):  # noqa: F811
    _org, job_id = job_setup
    run_certificate_job(app, job_id, processes=0)
    body = client.get("/metrics").get_data(as_text=True)
    assert sample(body, "jiangcai_certificates_issued_total") == 6
    assert sample(body, "jiangcai_certificates", status="valid") == 6
    assert sample(body, "jiangcai_certificates", status="revoked") == 0
    assert sample(body, "jiangcai_certificate_jobs", status="done") == 1


def test_metrics_count_verification_checks_by_channel_and_result(app, client, session, job_setup):  # noqa: F811
    _org, job_id = job_setup
    run_certificate_job(app, job_id, processes=0)
    session.rollback()  # job_setup's session read the job back after committing: start a fresh snapshot
    certificate = session.scalars(select(Certificate).order_by(Certificate.id)).first()
    number, name = certificate.number, certificate.holder_name
    session.rollback()
    assert client.get("/api/v1/verify", query_string={"number": number, "name": name}).status_code == 200
    assert client.get("/api/v1/verify", query_string={"number": number, "name": "别人"}).status_code == 404
    assert client.get("/api/v1/verify", query_string={"number": number, "name": name}).status_code == 200
    body = client.get("/metrics").get_data(as_text=True)
    assert sample(body, "jiangcai_verification_checks_total", channel="api", result="valid") == 2
    assert sample(body, "jiangcai_verification_checks_total", channel="api", result="name_mismatch") == 1


def test_metrics_need_loopback_or_the_token(app, client):
    outside = {"REMOTE_ADDR": "198.51.100.7"}
    assert client.get("/metrics", environ_base=outside).status_code == 403
    app.config["METRICS_TOKEN"] = "s3cret-metrics-token-0123456789"
    assert client.get("/metrics", environ_base=outside).status_code == 403
    assert client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer wrong"}).status_code == 403
    ok = client.get("/metrics", environ_base=outside,
                    headers={"Authorization": "Bearer s3cret-metrics-token-0123456789"})
    assert ok.status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_a_new_collector_is_one_function(app, client, monkeypatch):
    def verification_checks(session):
        yield Metric("jiangcai_verification_checks_total", "counter", "Checks.", [({"result": "valid"}, 3.0)])

    monkeypatch.setattr("app.ops.metrics.DB_COLLECTORS", [*DB_COLLECTORS, verification_checks])
    body = client.get("/metrics").get_data(as_text=True)
    assert sample(body, "jiangcai_verification_checks_total", result="valid") == 3


def test_render_escapes_label_values():
    text = render([Metric("m", "gauge", "Help.", [({"x": 'a"b\\c\nd'}, 1.5), ({}, 2.0)])])
    assert text == '# HELP m Help.\n# TYPE m gauge\nm{x="a\\"b\\\\c\\nd"} 1.5\nm 2\n'


def test_request_labels_bound_the_label_values():
    assert request_labels("GET", 204) == ("GET", "2xx")
    assert request_labels("PROPFIND", 405) == ("OTHER", "4xx")


def test_counters_are_local_without_redis_and_shared_with_it():
    assert isinstance(make_counter(None), LocalCounter)
    assert isinstance(make_counter("redis://127.0.0.1:6379/9"), RedisCounter)

    class FakeRedis:
        def __init__(self):
            self.hash = {}

        def hincrby(self, key, field, n):
            self.hash[field.encode()] = self.hash.get(field.encode(), 0) + n

        def hgetall(self, key):
            return {k: str(v).encode() for k, v in self.hash.items()}

    shared = FakeRedis()
    one, two = RedisCounter(shared), RedisCounter(shared)
    one.incr("GET", "2xx")
    two.incr("GET", "2xx")
    two.incr("POST", "3xx")
    assert one.snapshot() == {("GET", "2xx"): 2, ("POST", "3xx"): 1}


# --- proxies and production settings -------------------------------------------------------------------------

def _echo_app(hops: int, tmp_path: Path) -> Flask:
    config = make_config("sqlite://", tmp_path)
    config.PROXY_HOPS = hops
    app = create_app(config)

    @public
    def probe():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    app.add_url_rule("/probe", "probe", probe)
    return app


@pytest.mark.parametrize("hops, expected", [
    (1, {"addr": "203.0.113.5", "scheme": "https", "host": "jiangcai.example.cn"}),
    (0, {"addr": "127.0.0.1", "scheme": "http", "host": "localhost"}),
])
def test_proxy_headers_are_trusted_for_exactly_the_configured_hops(tmp_path, hops, expected):
    app = _echo_app(hops, tmp_path)
    # A client-supplied X-Forwarded-For comes first; nginx appends the address it saw.
    response = app.test_client().get("/probe", headers={
        "X-Forwarded-For": "10.9.9.9, 203.0.113.5", "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "jiangcai.example.cn"})
    assert response.get_json() == expected


def test_production_trusts_one_proxy_and_checks_connections():
    from config import Config, ProductionConfig

    assert ProductionConfig.PROXY_HOPS == 1 and Config.PROXY_HOPS == 0
    assert ProductionConfig.SQLALCHEMY_ENGINE_OPTIONS["pool_pre_ping"] is True


def test_gunicorn_settings_file_loads(tmp_path):
    namespace: dict = {"__file__": str(APP.parent / "deploy" / "gunicorn.conf.py")}
    exec(compile((APP.parent / "deploy" / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)
    assert namespace["worker_class"] == "gthread" and namespace["workers"] >= 1
    assert "%(U)s" in namespace["access_log_format"] and "%(r)s" not in namespace["access_log_format"]


def test_ops_package_is_flask_free():
    offenders = []
    for path in sorted((APP / "ops").rglob("*.py")):
        for found in imports_of(path):
            module = found.target
            top = module.split(".")[0]
            if top in {"flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug"} or module.startswith(
                    ("app.web", "app.api", "app.extensions", "app.tasks")):
                offenders.append(f"{path.relative_to(APP)} imports {module}")
    assert offenders == []
