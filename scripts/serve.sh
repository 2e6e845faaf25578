#!/bin/sh
# `make run`'s server: gunicorn for the pages and the API, and beside it the task worker that runs
# long jobs (roster imports) from the database queue. Stopping the server (Ctrl-C) stops both.
BIN=${BIN:-.venv/bin}
"$BIN/dangjian" db_worker --interval 1 &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null' EXIT INT TERM
"$BIN/gunicorn" dangjian.wsgi --bind 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile -
