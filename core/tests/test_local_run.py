"""`make run` beside other things (issue 10 item 13) and its task worker supervised (issue 21 item
1): HOST and PORT choose the address, the README's commands work afterwards with nothing to
export, the worker is restarted when it exits, and Ctrl-C still stops everything.

scripts/serve.sh and the Makefile run against stand-ins for `dangjian` and `gunicorn` that write
down how they were started."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

FAKE_DANGJIAN = """#!/bin/sh
echo "$$ $*" >> "$FAKE_LOG/dangjian"
if [ "$1" = db_worker ]; then
    [ "$FAKE_WORKER" = crash ] && exit 1
    exec sleep 300
fi
if [ "$1" = scheduler ]; then
    [ "$FAKE_SCHEDULER" = crash ] && exit 1
    exec sleep 300
fi
exit 0
"""
FAKE_GUNICORN = """#!/bin/sh
echo "$$ $*" >> "$FAKE_LOG/gunicorn"
[ -n "$FAKE_WEB_SECONDS" ] && exec sleep "$FAKE_WEB_SECONDS"
exit 0
"""


@pytest.fixture
def fakes(tmp_path):
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("dangjian", FAKE_DANGJIAN), ("gunicorn", FAKE_GUNICORN)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    (tmp_path / "venv" / ".installed").touch()  # make's install step is done
    (tmp_path / "log").mkdir()
    return tmp_path


def clean_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DANGJIAN_", "DJANGO_", "DATABASE_URL", "PYTEST", "PORT", "HOST", "MAKE"))}
    env.update(FAKE_LOG=str(tmp_path / "log"), DANGJIAN_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def started(tmp_path, name) -> list[list[str]]:
    path = tmp_path / "log" / name
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def workers(tmp_path, command="db_worker") -> list[list[str]]:
    return [line for line in started(tmp_path, "dangjian") if line[1] == command]


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def serve(tmp_path, **extra):
    return subprocess.Popen(["sh", "scripts/serve.sh"], cwd=ROOT, start_new_session=True,
                            env=clean_env(tmp_path, BIN=str(tmp_path / "venv" / "bin"), **extra),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_serve_restarts_the_worker_when_it_exits(fakes):
    server = serve(fakes, FAKE_WORKER="crash", FAKE_WEB_SECONDS="60")
    try:
        assert wait_for(lambda: len(workers(fakes)) >= 3), workers(fakes)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    assert "任务进程已退出" in server.stderr.read().decode()


def test_serve_restarts_the_scheduler_when_it_exits(fakes):
    server = serve(fakes, FAKE_SCHEDULER="crash", FAKE_WEB_SECONDS="60")
    try:
        assert wait_for(lambda: len(workers(fakes, "scheduler")) >= 3), workers(fakes, "scheduler")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    assert "调度进程已退出" in server.stderr.read().decode()
    assert len(workers(fakes)) == 1  # the worker, still up, was not restarted


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_term_stops_the_server_and_the_worker(fakes, stop):
    server = serve(fakes, FAKE_WORKER="stay", FAKE_WEB_SECONDS="300")
    try:
        assert wait_for(lambda: workers(fakes) and workers(fakes, "scheduler") and started(fakes, "gunicorn"))
        time.sleep(0.3)
    finally:
        # Ctrl-C reaches the whole foreground group; a TERM (systemd, kill) only the script.
        if stop == signal.SIGINT:
            os.killpg(server.pid, stop)
        else:
            server.send_signal(stop)
        server.wait(timeout=15)
    pids = [int(workers(fakes)[0][0]), int(workers(fakes, "scheduler")[0][0]), int(started(fakes, "gunicorn")[0][0])]
    assert wait_for(lambda: not any(alive(pid) for pid in pids), seconds=5), pids
    assert len(workers(fakes)) == 1 and len(workers(fakes, "scheduler")) == 1  # stopping is not a crash


def test_serve_listens_on_host_and_port_from_the_environment(fakes):
    server = serve(fakes, HOST="127.0.0.2", PORT="8123")
    server.wait(timeout=15)
    assert started(fakes, "gunicorn")[0][1:4] == ["dangjian.wsgi", "--bind", "127.0.0.2:8123"]


def test_serve_listens_on_127_0_0_1_port_8000_by_default(fakes):
    serve(fakes).wait(timeout=15)
    assert "127.0.0.1:8000" in started(fakes, "gunicorn")[0]


def test_make_run_records_the_demo_mode_for_later_commands(fakes):
    result = subprocess.run(["make", "--no-print-directory", "run", f"VENV={fakes / 'venv'}"], cwd=ROOT,
                            env=clean_env(fakes, PORT="8124"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (fakes / "var" / "local.env").read_text().split() == ["DANGJIAN_DEMO=1"]
    assert [line[1] for line in started(fakes, "dangjian")][:2] == ["migrate", "demo"]
    assert "127.0.0.1:8124" in started(fakes, "gunicorn")[0]


def dangjian_check(tmp_path):
    env = clean_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run([str(Path(sys.executable).parent / "dangjian"), "check"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_commands_work_after_make_run_without_exporting_the_demo_mode(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "local.env").write_text("DANGJIAN_DEMO=1\n")
    result = dangjian_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_commands_without_the_local_mode_file_stay_in_production_mode(tmp_path):
    (tmp_path / "var").mkdir()
    result = dangjian_check(tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_the_environment_overrides_the_local_mode_file(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "local.env").write_text("DANGJIAN_DEMO=1\n")
    env = clean_env(tmp_path, DANGJIAN_DEMO="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run([str(Path(sys.executable).parent / "dangjian"), "check"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
