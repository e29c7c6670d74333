"""WSGI entry point for production servers: `gunicorn -c deploy/gunicorn.conf.py app.wsgi:app`.

The configuration comes from the environment (JIANGCAI_CONFIG=production, DATABASE_URL, REDIS_URL, keys);
see docs/deployment.md.
"""

from app import create_app

app = create_app()
