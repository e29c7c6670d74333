"""With its Redis gone, the rate limiter counts in memory instead of failing every request."""

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import json
    from pathlib import Path
    import tempfile
    from flask_migrate import upgrade
    from app import create_app
    from config import TestConfig

    folder = Path(tempfile.mkdtemp())
    Config = type("NoRedis", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'db.sqlite'}", "INSTANCE_DIR": folder,
        "FILE_STORAGE_DIR": folder / "files", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    app = create_app(Config)
    with app.app_context():
        upgrade()
    client = app.test_client()
    import re
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    statuses = [client.post("/login", data={"csrf_token": token, "username": "nobody", "password": "x"}).status_code
                for _ in range(8)]
    print(json.dumps(statuses))
""")


def test_login_survives_an_unreachable_rate_limit_store(tmp_path):
    # A separate interpreter: the limiter is one object per process and the suite's must stay on memory.
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin"}, cwd=str(tmp_path.parent))
    assert done.returncode == 0, done.stderr[-2000:]
    statuses = json.loads(done.stdout.strip().splitlines()[-1])
    assert 500 not in statuses
    assert statuses[0] == 422 and 429 in statuses  # a refused login, then limited by the in-memory fallback
