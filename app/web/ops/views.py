"""Health and metrics endpoints for load balancers and Prometheus, and the request counter behind them."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from flask import Blueprint, Flask, abort, current_app, jsonify, request

from app.extensions import db, limiter
from app.ops.health import check_database, check_queue
from app.ops.metrics import (
    CONTENT_TYPE,
    collect,
    make_counter,
    queue_metric,
    render,
    request_labels,
    request_metric,
    source_metric,
)
from app.web.access import public
from app.web.proxies import is_forwarded, peer_address

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)
UNCOUNTED_ENDPOINTS = frozenset({"ops.healthz", "ops.metrics"})  # scrapes would drown a quiet site's figures


def _pending_tasks() -> int:
    return current_app.extensions["huey"].pending_count()


@bp.get("/healthz")
@public
@limiter.exempt
def healthz():
    """200 when the database and the task queue answer, 503 otherwise (JSON either way)."""
    database = check_database(db.session)
    queue, _pending = check_queue(_pending_tasks)
    healthy = database.ok and queue.ok
    body = {"status": "ok" if healthy else "unavailable",
            "database": {"ok": database.ok, "detail": database.detail},
            "queue": {"ok": queue.ok, "detail": queue.detail}}
    return jsonify(body), 200 if healthy else 503


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return True
    # Judged by the real peer only: a request through a proxy (nginx on this host is loopback too) or one
    # naming a forwarded address is never taken for a local scrape.
    if is_forwarded(request.environ):
        return False
    try:
        return ipaddress.ip_address(peer_address(request.environ) or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
@public
@limiter.exempt
def metrics():
    """Prometheus text format; only for direct loopback clients (no proxy) or holders of METRICS_TOKEN."""
    if not _may_read_metrics():
        abort(403)
    # Each source is read on its own: one that is down is reported as such, never a failed scrape.
    families, up = [], {}
    try:
        families.append(request_metric(current_app.extensions["request_counter"].snapshot()))
        counter_ok = True
    except Exception as exc:
        log.warning("metrics: request counter unreadable: %s", type(exc).__name__)
        counter_ok = False
    try:
        families += collect(db.session)
        up["database"] = True
    except Exception as exc:
        log.warning("metrics: database unreadable: %s", type(exc).__name__)
        up["database"] = False
    db.session.rollback()
    _check, pending = check_queue(_pending_tasks)
    if pending is not None:
        families.append(queue_metric(pending))
    if current_app.config.get("REDIS_URL"):  # the request counter and the queue live there
        up["redis"] = counter_ok and pending is not None
    families.append(source_metric(up))
    return render(families), 200, {"Content-Type": CONTENT_TYPE}


_last_warning = [0.0]


def _count_request(response):
    if request.endpoint in UNCOUNTED_ENDPOINTS:
        return response
    try:
        current_app.extensions["request_counter"].incr(*request_labels(request.method, response.status_code))
    except Exception as exc:  # a metrics outage must never fail a request
        if time.monotonic() - _last_warning[0] > 60:
            _last_warning[0] = time.monotonic()
            log.warning("request counter unavailable: %s", type(exc).__name__)
    return response


def init_ops(app: Flask) -> None:
    """Register /healthz and /metrics and count every response."""
    app.extensions["request_counter"] = make_counter(app.config.get("REDIS_URL"))
    app.after_request(_count_request)
    app.register_blueprint(bp)
