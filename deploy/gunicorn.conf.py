"""gunicorn settings for Jiangcai: `gunicorn -c deploy/gunicorn.conf.py app.wsgi:app`.

Any setting can be overridden on the command line (`--bind 10.0.0.5:8000 --workers 8`) or through gunicorn's
own GUNICORN_CMD_ARGS environment variable. The application itself reads its settings from the environment
through config.py (JIANGCAI_CONFIG=production, DATABASE_URL, REDIS_URL, keys): see docs/deployment.md.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from config import Config  # noqa: E402  (the one reader of the environment)

# Behind nginx on the same host; bind a private address instead when nginx runs elsewhere (and name nginx's
# address in TRUSTED_PROXIES: proxy headers from any other peer are ignored).
bind = "127.0.0.1:8000"

# Rate-limit counters and request metrics are shared between processes only through Redis; without it
# (single host, SQLite) one process with threads keeps them exact.
workers = 2 * (os.cpu_count() or 1) + 1 if Config.REDIS_URL else 1
worker_class = "gthread"
threads = 4

# Certificate batches run in the task worker, not here; a request taking a minute is stuck.
timeout = 60
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so memory held by PDF rendering libraries is returned.
max_requests = 2000
max_requests_jitter = 200

# Access log without query strings or referrers: search forms may carry personal data in a query string.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

# The app (app/web/proxies.py: PROXY_HOPS, TRUSTED_PROXIES) decides what to trust from the proxy; gunicorn's
# own handling is left at its default of trusting only 127.0.0.1.

# gunicorn ≥ 24 opens a control socket in the home directory; two instances on one host would share it.
control_socket_disable = True
