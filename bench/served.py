"""Serve the application with gunicorn on a free loopback port for a benchmark, and stop it afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(env: dict[str, str], gunicorn_args: list[str], *, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """Start gunicorn with `gunicorn_args` and the environment plus `env`; wait until /ping answers.

    Returns the master process (in a session of its own, see stop()) and the base URL."""
    port = port or free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    process = subprocess.Popen([gunicorn, *gunicorn_args, "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                "app:create_app()"],
                               cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT), **env), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            with urllib.request.urlopen(f"{base}/ping", timeout=1) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    """Stop gunicorn and its workers."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    process.wait(timeout=20)
