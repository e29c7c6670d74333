"""A small production deployment on loopback: gunicorn processes, a huey worker, PostgreSQL and Redis.

Used by tests/ops/test_multiprocess.py. Everything runs with JIANGCAI_CONFIG=production and real keys, the way
docs/deployment.md says to run it; requests carry the headers nginx would add (one proxy hop).
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.certification.signing import generate_key

ROOT = Path(__file__).resolve().parents[2]
SCRATCH_DATABASE = "jiangcai_ops_test"
PUBLIC_HOST = "jiangcai.test"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_reachable(url: str) -> bool:
    """True when Redis answers a PING at this URL."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


def recreate_database(server_url: str, name: str) -> str:
    """Drop and create a scratch database on the server of server_url; returns its URL."""
    url = make_url(server_url)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    """Drop a scratch database."""
    engine = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def production_environment(database_url: str, redis_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of every process: production settings with freshly generated keys."""
    kid, seed = generate_key()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TEST_", "JIANGCAI_", "FLASK_", "GUNICORN_", "HUEY_", "PII_", "CERT_"))}
    env.update({
        "JIANGCAI_CONFIG": "production",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PII_ENCRYPTION_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "PII_HASH_KEY": secrets.token_urlsafe(32),
        "CERT_SIGNING_KEYS": f"{kid}:{seed}",
        "JIANGCAI_INSTANCE_DIR": str(instance),
        "FILE_STORAGE_DIR": str(instance / "files"),
        "PUBLIC_BASE_URL": f"https://{PUBLIC_HOST}",
        "HUEY_IMMEDIATE": "0",
        "CERT_RENDER_PROCESSES": "1",
        "PYTHONPATH": str(ROOT),
    })
    env.update(extra)
    return env


def run_flask(env: dict[str, str], *args: str) -> str:
    """Run a `flask --app app …` command to completion; returns its output."""
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@dataclass
class Process:
    """A started server process and its log."""

    name: str
    popen: subprocess.Popen
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


def start(name: str, argv: list[str], env: dict[str, str], logs: Path) -> Process:
    """Start a long-running process in its own process group."""
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    return Process(name, popen, log)


def start_gunicorn(name: str, port: int, env: dict[str, str], logs: Path) -> Process:
    """gunicorn with the project's configuration file, one worker, on a loopback port."""
    return start(name, [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "app.wsgi:app"],
                 env, logs)


def start_worker(env: dict[str, str], logs: Path) -> Process:
    """The huey consumer exactly as documented: `huey_consumer app.worker.huey`."""
    consumer = Path(sys.executable).with_name("huey_consumer")
    return start("huey", [str(consumer), "app.worker.huey", "-w", "1", "-k", "thread"], env, logs)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@dataclass
class Browser:
    """A client behind the (simulated) nginx: it can talk to either gunicorn and keeps its cookies."""

    client_address: str
    user_agent: str = "Mozilla/5.0 (ops test)"
    cookies: dict[str, str] = field(default_factory=dict)
    proxied: bool = True  # False: straight to gunicorn, as a local Prometheus scrape, without proxy headers

    def request(self, port: int, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Response:
        """One request to 127.0.0.1:port with the proxy headers of one nginx hop."""
        sent = {"Host": f"127.0.0.1:{port}", "User-Agent": self.user_agent}
        if self.proxied:
            sent.update({
                "X-Forwarded-For": self.client_address,
                "X-Forwarded-Proto": "https",
                "X-Forwarded-Host": PUBLIC_HOST,
                "Referer": f"https://{PUBLIC_HOST}/",
            })
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode("utf-8", errors="replace"))
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and "1970" not in morsel["expires"] and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def csrf_token(self, port: int, path: str = "/login") -> str:
        """The CSRF token of this browser's session, read from a form page."""
        page = self.request(port, "GET", path)
        match = CSRF_RE.search(page.body)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1) or match.group(2)

    def log_in(self, port: int, username: str, password: str) -> Response:
        """Submit the login form on one process."""
        token = self.csrf_token(port)
        return self.request(port, "POST", "/login",
                            form={"csrf_token": token, "username": username, "password": password})


def wait_until_healthy(port: int, process: Process, timeout: float = 90) -> None:
    """Poll /healthz until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.popen.poll() is None, f"{process.name} exited:\n{process.tail()}"
        try:
            if Browser("127.0.0.1").request(port, "GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{process.name} never became healthy:\n{process.tail()}")
