"""Load and fault drills (issue 15.5; ../shared/reliability.md L1, L2, F1, F2, F4).

`dangjian drill MODE` serves the current database with the README's gunicorn settings on a port of
its own, drives it over loopback with simulated users — API reads of the lists each role opens,
and writes: a secretary recording a meeting draft, each with a marker of its own in the topic —
and, by mode, does to the server what servers go through:

- ``load`` (L1): the users for the given time; p50/p95 per kind, the 5xx count, memory at the start
  and the end;
- ``spike`` (L2): the users, then ``--peak`` users, then the users again; every status seen under
  the peak, and how long after the peak the service answered as before;
- ``kill`` (F1): ``kill -9`` of a gunicorn worker every ``--every`` seconds;
- ``pg-restart`` (F2, PostgreSQL): an immediate stop of the server's cluster, a start again;
- ``sqlite-crash`` (F4, SQLite): ``--users`` writers, then ``kill -9`` of the whole server, a
  restart, ``PRAGMA integrity_check``.

Afterwards every write is looked up by its marker: each acknowledged one (201) must be present
exactly once; one the client never heard back about may be present once or not at all; anything
twice is a duplicate. The drill writes drafts into the database it serves, so it runs in the demo
mode only, on a database that can take them (a fresh `dangjian demo` is what docs/benchmarks.md
uses)."""

import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

READS = ["/api/v1/orglife/meetings?limit=20", "/api/v1/members?limit=20", "/api/v1/notifications?limit=20",
         "/api/v1/insights/workbench"]
MARK = "演练"
TIMEOUT = 30  # seconds a simulated user waits for an answer


@dataclass
class Sample:
    kind: str  # "read" or "write"
    started: float  # seconds since the drill began
    seconds: float
    status: int  # 0: no answer (refused, reset, timed out)
    marker: str = ""


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    integrity: str = ""

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)  # list.append is atomic under the GIL


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn as the README runs it (2 workers × 4 threads), on ``port``, with this process's
    environment (the database, the var folder, the demo mode)."""

    def __init__(self, port: int, workers: int = 2, threads: int = 4):
        self.port, self.workers, self.threads = port, workers, threads
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "dangjian.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
             "--threads", str(self.threads), "--graceful-timeout", "5"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if get(self.port, "/healthz", None)[0] in (200, 503):
                return
            time.sleep(0.2)
        raise RuntimeError("服务在 60 秒内未能启动")

    def worker_pids(self) -> list[int]:
        if not self.process:
            return []
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in found.split()]

    def rss_mb(self) -> float:
        total = 0
        for pid in [self.process.pid, *self.worker_pids()] if self.process else []:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                continue
        return total / 1024

    def kill_worker(self) -> int | None:
        pids = self.worker_pids()
        if not pids:
            return None
        pid = random.choice(pids)
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_all(self) -> None:
        if self.process:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        if self.process:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()
            self.process = None


def get(port: int, path: str, token: str | None) -> tuple[int, bytes]:
    return request(port, "GET", path, token)


def request(port: int, method: str, path: str, token: str | None, body: dict | None = None) -> tuple[int, bytes]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        conn.close()


# --- the users ---------------------------------------------------------------------------------


@dataclass
class Cast:
    """Tokens for the readers (the city's admin, a district's, the secretary, a member) and the
    writer (the secretary) with the branch they record for and one member present."""

    readers: list[str]
    writer: str
    org_id: int
    attendee_id: int


def cast() -> Cast:
    from accounts.models import User
    from accounts.services import token_issue
    from orglife import selectors
    from orglife.services import org_members

    users = {user.username: user for user in User.objects.filter(
        username__in=["city_admin", "heping_admin", "secretary", "member"])}
    if "secretary" not in users:
        raise RuntimeError("演练需要演示账号 secretary（先运行 dangjian demo）")
    readers = [token_issue(user=user) for user in users.values()]
    org = selectors.recording_orgs(users["secretary"]).first()
    if org is None:
        raise RuntimeError("演示账号 secretary 没有可录入会议的组织")
    attendee = org_members(org).first()
    return Cast(readers, token_issue(user=users["secretary"]), org.pk, attendee.pk if attendee else 0)


def meeting_body(cast: Cast, marker: str) -> dict:
    held = timezone.localdate() - timedelta(days=1)
    return {"org_id": cast.org_id, "kind": "theme_day", "held_on": str(held), "place": "活动室", "host": "演练",
            "recorder": "演练", "topic": f"{MARK}{marker}",
            "minutes": "演练写入：与会党员学习了党章并交流体会，记录用于核对确认写入不丢不重。",
            "attendee_ids": [cast.attendee_id] if cast.attendee_id else []}


class Users:
    """Simulated users, one thread each, each doing one thing after another with a pause of
    ``think`` seconds on average: a write with probability ``writes``, else a read."""

    def __init__(self, port: int, cast: Cast, outcome: Outcome, began: float, *, writes: float, think: float):
        self.port, self.cast, self.outcome, self.began = port, cast, outcome, began
        self.writes, self.think = writes, think
        self.threads: list[tuple[threading.Thread, threading.Event]] = []

    def add(self, count: int) -> None:
        for _ in range(count):
            stop = threading.Event()
            thread = threading.Thread(target=self._run, args=(stop,), daemon=True)
            thread.start()
            self.threads.append((thread, stop))

    def remove(self, count: int) -> None:
        for _ in range(min(count, len(self.threads))):
            thread, stop = self.threads.pop()
            stop.set()

    def stop_all(self) -> None:
        for _thread, stop in self.threads:
            stop.set()
        for thread, _stop in self.threads:
            thread.join(timeout=TIMEOUT + 5)
        self.threads = []

    def _run(self, stop: threading.Event) -> None:
        rng = random.Random()
        while not stop.is_set():
            started = time.monotonic()
            if rng.random() < self.writes:
                marker = uuid.uuid4().hex[:16]
                status, _ = request(self.port, "POST", "/api/v1/orglife/meetings", self.cast.writer,
                                    meeting_body(self.cast, marker))
                kind = "write"
            else:
                marker = ""
                status, _ = get(self.port, rng.choice(READS), rng.choice(self.cast.readers))
                kind = "read"
            self.outcome.add(Sample(kind, started - self.began, time.monotonic() - started, status, marker))
            stop.wait(rng.expovariate(1 / self.think) if self.think else 0)


# --- the check afterwards ------------------------------------------------------------------------


@dataclass
class Writes:
    acknowledged: int
    lost: int  # acknowledged, not in the database
    duplicated: int  # in the database more than once
    unanswered: int  # the client heard nothing back
    unanswered_present: int  # of those, written all the same (once)


def check_writes(outcome: Outcome) -> Writes:
    from orglife.models import Meeting

    found = Counter(Meeting.objects.filter(topic__startswith=MARK).values_list("topic", flat=True))
    writes = [sample for sample in outcome.samples if sample.kind == "write"]
    acknowledged = [s for s in writes if s.status == 201]
    unanswered = [s for s in writes if s.status == 0 or s.status >= 500]
    return Writes(
        acknowledged=len(acknowledged),
        lost=sum(1 for s in acknowledged if found[f"{MARK}{s.marker}"] == 0),
        duplicated=sum(1 for count in found.values() if count > 1),
        unanswered=len(unanswered),
        unanswered_present=sum(1 for s in unanswered if found[f"{MARK}{s.marker}"] == 1),
    )


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(outcome: Outcome, *, since: float = 0.0, until: float | None = None) -> dict:
    chosen = [s for s in outcome.samples if s.started >= since and (until is None or s.started < until)]
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in chosen:
        by_kind[sample.kind].append(sample)
    result = {}
    for kind, samples in sorted(by_kind.items()):
        answered = [s.seconds * 1000 for s in samples if s.status and s.status < 500]
        result[kind] = {
            "requests": len(samples),
            "p50_ms": round(percentile(answered, 0.5), 1),
            "p95_ms": round(percentile(answered, 0.95), 1),
            "statuses": dict(sorted(Counter(s.status for s in samples).items())),
        }
    return result


def recovered_after(outcome: Outcome, *, since: float, window: float = 5.0, limit_ms: float = 1000.0) -> float | None:
    """Seconds after ``since`` until a ``window`` of requests all answered below 500 within
    ``limit_ms`` (None: never within the drill)."""
    later = sorted((s for s in outcome.samples if s.started >= since), key=lambda s: s.started)
    if not later:
        return None
    start = since
    while start <= later[-1].started:
        inside = [s for s in later if start <= s.started < start + window]
        if inside and all(s.status and s.status < 500 and s.seconds * 1000 <= limit_ms for s in inside):
            return round(start - since, 1)
        start += 1.0
    return None


# --- the drills --------------------------------------------------------------------------------


def run(mode: str, *, users: int, seconds: int, peak: int, every: int, writes: float, think: float,
        log=print) -> dict:
    if not settings.INVENTED_DATA_ALLOWED:
        raise RuntimeError("演练会写入测试数据，只能在演示模式（DANGJIAN_DEMO=1）下运行")
    vendor = connection.vendor
    if mode == "pg-restart" and vendor != "postgresql":
        raise RuntimeError("pg-restart 只适用于 PostgreSQL（DATABASE_URL）")
    if mode == "sqlite-crash" and vendor != "sqlite":
        raise RuntimeError("sqlite-crash 只适用于 SQLite")
    roles = cast()
    connection.close()
    server = Server(free_port())
    server.start()
    outcome = Outcome()
    began = time.monotonic()
    crowd = Users(server.port, roles, outcome, began,
                  writes=1.0 if mode == "sqlite-crash" else writes, think=0.0 if mode == "sqlite-crash" else think)
    result: dict = {"mode": mode, "database": vendor, "users": users}

    def now() -> float:
        return time.monotonic() - began

    def note(event: str) -> None:
        outcome.events.append((round(now(), 1), event))
        log(f"{now():6.1f} s  {event}")

    try:
        time.sleep(1)
        outcome.rss_start_mb = server.rss_mb()
        crowd.add(users)
        note(f"{users} 个模拟用户开始")
        if mode == "load":
            _wait(seconds, server, outcome, note)
        elif mode == "spike":
            third = max(seconds // 3, 5)
            time.sleep(third)
            crowd.add(peak - users)
            note(f"增至 {peak} 个模拟用户")
            spike_from = now()
            time.sleep(third)
            crowd.remove(peak - users)
            spike_to = now()
            note(f"回到 {users} 个模拟用户")
            time.sleep(third)
            result["peak"] = summary(outcome, since=spike_from, until=spike_to)
            result["recovery_s"] = recovered_after(outcome, since=spike_to)
        elif mode == "kill":
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                time.sleep(min(every, max(deadline - time.monotonic(), 0)))
                if time.monotonic() < deadline:
                    note(f"kill -9 工作进程 {server.kill_worker()}")
        elif mode == "pg-restart":
            third = max(seconds // 3, 5)
            time.sleep(third)
            cluster = _pg_cluster()
            stopped = now()
            note("PostgreSQL 立即停止（immediate）")
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "stop", "-m", "immediate"], check=True)
            time.sleep(5)
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "start"], check=True)
            note("PostgreSQL 已重新启动")
            time.sleep(third)
            result["during_stop"] = summary(outcome, since=stopped, until=stopped + 5)
            result["recovery_s"] = recovered_after(outcome, since=stopped + 5)
        elif mode == "sqlite-crash":
            time.sleep(seconds)
            note("kill -9 整个服务（主进程和工作进程）")
            server.kill_all()
            crowd.stop_all()
            result["integrity"] = _sqlite_integrity()
            server.start()
            note("服务已重新启动")
        else:
            raise RuntimeError(f"未知的演练：{mode}")
        crowd.stop_all()
        outcome.rss_end_mb = server.rss_mb()
        note("模拟用户全部停止")
    finally:
        crowd.stop_all()
        server.stop()
        connection.close()  # a fresh connection for the check: the database may have restarted under us
    result.update(all=summary(outcome), writes=check_writes(outcome).__dict__, events=outcome.events,
                  rss_start_mb=round(outcome.rss_start_mb, 1), rss_end_mb=round(outcome.rss_end_mb, 1),
                  seconds=round(now(), 1))
    return result


def _wait(seconds: int, server: Server, outcome: Outcome, note) -> None:
    deadline = time.monotonic() + seconds
    step = max(seconds // 10, 1)
    while time.monotonic() < deadline:
        time.sleep(min(step, max(deadline - time.monotonic(), 0)))
        done = len(outcome.samples)
        note(f"已完成 {done} 个请求，服务进程内存 {server.rss_mb():.0f} MB")


def _pg_cluster() -> list[str]:
    """The local cluster the database lives on, as pg_ctlcluster names it: (version, name)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        data_directory = cursor.fetchone()[0]
    connection.close()
    parts = Path(data_directory).parts  # /var/lib/postgresql/<version>/<name>
    return [parts[-2], parts[-1]]


def _sqlite_integrity() -> str:
    path = settings.DATABASES["default"]["NAME"]
    with sqlite3.connect(path) as db:
        return ", ".join(row[0] for row in db.execute("PRAGMA integrity_check").fetchall())
