"""Entry point of the task worker: `.venv/bin/huey_consumer app.worker.huey -w 2`."""

from app import create_app

flask_app = create_app()
huey = flask_app.extensions["huey"]
