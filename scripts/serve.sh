#!/bin/sh
# `make run`'s server: gunicorn for the pages and the API, and beside it the task worker that runs
# long jobs (roster imports) from the database queue and the scheduler that runs the scheduled jobs
# (backups, letter expiry, audit checkpoints; ops/scheduler.py). Each of the two is restarted
# whenever it exits, so that a crash does not stop every import until someone notices; one that
# keeps dying at once is restarted after a pause that doubles up to a minute. HOST and PORT choose
# the address (default 127.0.0.1:8000). Ctrl-C, or a TERM to this script, stops all three.
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

if [ "$1" = supervise ]; then
    # The supervisor: a process group of its own (setsid below) holding the loop and the command,
    # so that one signal to the group stops all of it at once, with no trap to race against.
    shift
    name=$1
    pause=1
    while :; do
        started=$(date +%s)
        "$BIN/dangjian" "$@"
        status=$?
        [ $(($(date +%s) - started)) -ge 60 ] && pause=1  # it ran a while: not failing at once
        [ "$name" = scheduler ] && what=调度进程 || what=任务进程
        echo "serve.sh: $what已退出（状态 $status），$pause 秒后重启" >&2
        sleep "$pause"
        pause=$((pause * 2 > 60 ? 60 : pause * 2))
    done
fi

setsid sh "$0" supervise db_worker --interval 1 &
WORKER=$!
setsid sh "$0" supervise scheduler &
SCHEDULER=$!
# The gunicorn workers add up their /metrics counters through files here (prometheus-client's
# multiprocess mode), emptied at each start.
METRICS_DIR="${DANGJIAN_VAR_DIR:-var}/metrics"
rm -rf "$METRICS_DIR" && mkdir -p "$METRICS_DIR"
PROMETHEUS_MULTIPROC_DIR="$METRICS_DIR" "$BIN/gunicorn" dangjian.wsgi --bind "$HOST:$PORT" --workers 2 --threads 4 --access-logfile - &
WEB=$!
# The worker's and the scheduler's groups get TERM (the worker finishes its current task, then
# exits); before setsid has run there is no group yet, and the process itself is stopped.
stop() {
    kill -TERM "-$WORKER" 2>/dev/null || kill -TERM "$WORKER" 2>/dev/null
    kill -TERM "-$SCHEDULER" 2>/dev/null || kill -TERM "$SCHEDULER" 2>/dev/null
    kill -TERM "$WEB" 2>/dev/null
}
trap stop INT TERM
wait "$WEB"  # returns when gunicorn ends, or at once on Ctrl-C or TERM
stop
wait
