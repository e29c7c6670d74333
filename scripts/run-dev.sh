#!/usr/bin/env bash
# Serve the app on http://127.0.0.1:5000 with a task worker beside it (stopped together with Ctrl+C).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p instance
.venv/bin/huey_consumer app.worker.huey -k thread -w 2 >>instance/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Task worker running (pid $worker, log instance/worker.log)"
echo "Serving Jiangcai on http://127.0.0.1:5000 (Ctrl+C to stop)"
.venv/bin/flask --app app run --host 127.0.0.1 --port 5000
