"""pg_dump and pg_restore: run with the connection in PG* variables, and only when as new as the server."""

from __future__ import annotations

import os
import re
import subprocess

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url


class ClientToolError(RuntimeError):
    """A PostgreSQL client tool is missing, too old or failed."""


def libpq_environment(database_url: str) -> dict[str, str]:
    """PG* variables for the client tools, so that no password appears on a command line."""
    url = make_url(database_url)
    env = {}
    for variable, value in (("PGHOST", url.host or url.query.get("host")), ("PGPORT", url.port),
                            ("PGUSER", url.username), ("PGPASSWORD", url.password),
                            ("PGDATABASE", url.database)):
        if value:
            env[variable] = str(value)
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if option in url.query:
            env[f"PG{option.upper()}"] = str(url.query[option])
    return env


def run_tool(argv: list[str], database_url: str) -> None:
    env = {**os.environ, **libpq_environment(database_url)}
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise ClientToolError(f"{argv[0]} is not installed (Debian: apt install postgresql-client)") from exc
    if done.returncode != 0:
        raise ClientToolError(f"{argv[0]} failed: {done.stderr.strip()[-2000:]}")


def _major(version_text: str) -> int:
    # "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" -> 15
    match = re.search(r"\)\s*(\d+)", version_text) or re.search(r"(\d+)", version_text)
    if not match:
        raise ClientToolError(f"cannot read a version from {version_text!r}")
    return int(match.group(1))


def check_client_version(tool: str, conn: Connection) -> None:
    """pg_dump and pg_restore must be at least as new as the server."""
    server = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        raise ClientToolError(f"{tool} is not installed (Debian: apt install postgresql-client-{server})") from exc
    client = _major(output)
    if client < server:
        raise ClientToolError(f"{tool} {client} is older than the PostgreSQL {server} server; "
                          f"install postgresql-client-{server}")
