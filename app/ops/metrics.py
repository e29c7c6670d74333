"""Prometheus text-format metrics: request counters shared by every worker, and collectors that read the database.

Request counts live in Redis when the app has REDIS_URL (so every gunicorn worker on every host adds to the same
numbers) and in the process otherwise (one worker process: the single-host set-up). Everything else is read at
scrape time by the functions in DB_COLLECTORS; to expose a new figure, append one function to that list.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.certification.models import STATUSES, Certificate, CertificateJob
from app.verification.models import VerificationLog

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass(frozen=True)
class Metric:
    """One metric family: a name, its type, a help line and labelled samples."""

    name: str
    kind: str  # "counter" or "gauge"
    help: str
    samples: list[tuple[dict[str, str], float]] = field(default_factory=list)


def request_labels(method: str, status: int) -> tuple[str, str]:
    """The (method, status class) a request is counted under; odd methods share one label."""
    return (method if method in KNOWN_METHODS else "OTHER", f"{status // 100}xx")


class LocalCounter:
    """Request counts of this process only."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def incr(self, method: str, status_class: str) -> None:
        """Count one request."""
        with self._lock:
            self._counts[(method, status_class)] += 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        """Counts so far by (method, status class)."""
        with self._lock:
            return dict(self._counts)


class RedisCounter:
    """Request counts in one Redis hash, shared by every process that uses the same Redis database."""

    KEY = "jiangcai:metrics:http_requests"

    def __init__(self, client) -> None:
        self._client = client

    def incr(self, method: str, status_class: str) -> None:
        """Count one request."""
        self._client.hincrby(self.KEY, f"{method} {status_class}", 1)

    def snapshot(self) -> dict[tuple[str, str], int]:
        """Counts so far by (method, status class), from every process."""
        raw = self._client.hgetall(self.KEY)
        counts = {}
        for key, value in raw.items():
            method, _, status_class = (key.decode() if isinstance(key, bytes) else key).partition(" ")
            counts[(method, status_class)] = int(value)
        return counts


def make_counter(redis_url: str | None) -> LocalCounter | RedisCounter:
    """A Redis-backed counter when Redis is configured, else an in-process one (no connection is opened here)."""
    if not redis_url:
        return LocalCounter()
    import redis

    return RedisCounter(redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2))


def request_metric(counts: dict[tuple[str, str], int]) -> Metric:
    """HTTP requests by method and status class."""
    samples = [({"method": m, "status": s}, float(n)) for (m, s), n in sorted(counts.items())]
    return Metric("jiangcai_http_requests_total", "counter", "HTTP requests answered, by method and status class.",
                  samples)


def source_metric(up: dict[str, bool]) -> Metric:
    """Whether each source the figures are read from answered this scrape (1) or not (0)."""
    return Metric("jiangcai_metrics_source_up", "gauge",
                  "Whether a source of these metrics answered this scrape (1) or was unreachable (0).",
                  [({"source": name}, 1.0 if ok else 0.0) for name, ok in sorted(up.items())])


def queue_metric(pending: int) -> Metric:
    """Tasks waiting in the queue."""
    return Metric("jiangcai_queue_pending", "gauge", "Tasks waiting in the task queue.", [({}, float(pending))])


def certificates(session: Session) -> Iterable[Metric]:
    """Certificates issued, in total and by current status."""
    rows = session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all()
    by_status = dict.fromkeys(STATUSES, 0) | {status: count for status, count in rows}
    yield Metric("jiangcai_certificates_issued_total", "counter", "Certificates issued (every status).",
                 [({}, float(sum(by_status.values())))])
    yield Metric("jiangcai_certificates", "gauge", "Certificates by current status.",
                 [({"status": s}, float(n)) for s, n in sorted(by_status.items())])


def certificate_jobs(session: Session) -> Iterable[Metric]:
    """Batch issuance jobs by status."""
    rows = session.execute(select(CertificateJob.status, func.count()).group_by(CertificateJob.status)).all()
    yield Metric("jiangcai_certificate_jobs", "gauge", "Certificate batch jobs by status.",
                 [({"status": s}, float(n)) for s, n in sorted(rows)])


def verification_checks(session: Session) -> Iterable[Metric]:
    """Certificate checks recorded in the verification log, by channel and result."""
    rows = session.execute(select(VerificationLog.channel, VerificationLog.result, func.count())
                           .group_by(VerificationLog.channel, VerificationLog.result)).all()
    yield Metric("jiangcai_verification_checks_total", "counter",
                 "Certificate checks (public, QR, share link, bulk, API), by channel and result.",
                 [({"channel": c, "result": r}, float(n)) for c, r, n in sorted(rows)])


# Each function reads the database at scrape time and yields metric families.
DB_COLLECTORS: list[Callable[[Session], Iterable[Metric]]] = [certificates, certificate_jobs, verification_checks]


def collect(session: Session) -> list[Metric]:
    """Every database-backed metric."""
    return [metric for collector in DB_COLLECTORS for metric in collector(session)]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render(metrics: Iterable[Metric]) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines = []
    for metric in metrics:
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} {metric.kind}")
        for labels, value in metric.samples:
            label_text = ",".join(f'{k}="{_escape(str(v))}"' for k, v in labels.items())
            lines.append(f"{metric.name}{{{label_text}}} {_number(value)}" if label_text
                         else f"{metric.name} {_number(value)}")
    return "\n".join(lines) + "\n"
