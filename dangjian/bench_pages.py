"""`dangjian bench pages`: the main pages of each role on the data set in the database (the demo,
`dangjian bench tree`'s city, or the city-sized demo), timed the way a user meets them.

For each page: the single-request latency (p50/p95 over ``repeat`` requests through the whole
middleware stack, in this process) with the share of that time spent in SQL and the query count;
then, when `wrk` is installed, the rate served by gunicorn with the README's settings (2 workers,
4 threads) at 16 connections on loopback — and, when the framework's floor
(`../shared/perf/run.sh`) answers at ``floor``, its rate in the same run and each page's ratio
to it. Absolute times drift on a shared machine; the ratio measured in one run does not.
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from django.test import Client

from accounts import services as account_services
from accounts.models import Grant, User
from core import keyset
from core.access import Role
from members.models import ACTIVE_STATUSES, Member
from members.selectors import listed_total, subtree_member_count
from orgs.models import Org
from oversight.models import Bulletin
from portal.models import Article


@dataclass
class Page:
    role: str
    label: str
    url: str
    status: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    sql_share: float = 0.0
    queries: int = 0
    rps: float | None = None
    floor_ratio: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Reader:
    """Who asks: a signed-in user (session cookie for pages, bearer token for the API) or nobody."""

    role: str
    user: User | None
    cookie: str = ""
    token: str = ""

    def headers(self, url: str) -> dict[str, str]:
        if url.startswith("/api/") and self.token:
            return {"Authorization": f"Bearer {self.token}"}
        return {"Cookie": self.cookie} if self.cookie else {}


def admins() -> dict[str, User]:
    """The first organization-department admin of the top org, and the admin of the largest
    district (most members, from the member summary): the district pages' worst case."""
    found = {}
    grant = (Grant.objects.filter(role=Role.ORG_ADMIN, org__depth=1, user__is_active=True)
             .select_related("user").order_by("org__path", "pk").first())
    if grant is not None:
        found["city_admin"] = grant.user
    districts = list(Grant.objects.filter(role=Role.ORG_ADMIN, org__depth=2, user__is_active=True)
                     .select_related("user", "org").order_by("org__path", "pk"))
    if districts:
        largest = max(districts, key=lambda g: subtree_member_count(g.org.path))
        found["district_admin"] = largest.user
    return found


def pages_of(role: str, user: User | None) -> list[tuple[str, str]]:
    if user is None:
        article = Article.objects.listed().order_by("-publish_at", "-pk").first()
        found = [("资讯首页", "/news/")]
        return found + ([("文章", article.get_absolute_url())] if article else [])
    member = Member.objects.visible_to(user).order_by("pk").first()
    pages = [("首页", "/"), ("组织树", "/orgs/"), ("党员列表", "/members/")]
    deep = deep_pages(user)
    pages += deep[:1]
    if member is not None:
        pages.append(("党员档案", f"/members/{member.pk}/"))
    return pages + [
        ("发展党员", "/recruitment/"), ("年度计划", "/recruitment/plans/"), ("组织生活", "/orglife/"),
        ("完成情况", "/orglife/compliance/"), ("党员接口（20条）", "/api/v1/members?limit=20"),
        *deep[1:], ("会议接口（20条）", "/api/v1/orglife/meetings?limit=20"), *oversight_pages(user),
    ]


def oversight_pages(user: User) -> list[tuple[str, str]]:
    """督导考核's pages over the city's records: its home (figures per child org), the open ledger,
    the rectification plan, the records' lagging suggestions, the SOE ledgers, the orders' home and
    the latest quarterly bulletin the user sees."""
    bulletin = Bulletin.objects.visible_to(user, "view").order_by("-year", "-quarter", "pk").first()
    pages = [("督导考核", "/oversight/"), ("整改台账（未销号）", "/oversight/items/?open=yes"),
             ("整改清单", "/oversight/rectification/"), ("后进提示", "/lagging/suggestions/"),
             ("国企党建任务", "/soe/"), ("国企工作台账", "/soe/ledger/"), ("群众点单", "/orders/")]
    return pages + ([("季度通报", bulletin.get_absolute_url())] if bulletin else [])


def deep_pages(user: User) -> list[tuple[str, str]]:
    """The member list's last page (its 末页 link) and the members API nine tenths of the way
    down (a ``next`` cursor), both by cursor (core.keyset): what the deepest pages cost."""
    listed = Member.objects.visible_to(user).filter(status__in=ACTIVE_STATUSES).order_by("org__path", "name", "pk")
    total = listed_total(user, {})
    keys = keyset.order_of(listed)
    if not total or keys is None or total <= settings.LIST_KEYSET_FROM:
        return []
    last_page = -(-total // settings.LIST_PAGE_SIZE)
    end = keyset.encode("/members/", keys, keyset.Cursor(values=None, backwards=True, count=total))
    row = listed.values_list(*(k.field for k in keys))[total * 9 // 10]
    down = keyset.encode("/api/v1/members", keys, keyset.Cursor(values=list(row), count=total))
    return [("党员列表（末页）", f"/members/?page={last_page}&cursor={quote(end)}"),
            ("党员接口（游标，九成深处）", f"/api/v1/members?limit=20&cursor={quote(down)}")]


def readers() -> list[Reader]:
    """Signed-in readers with a session row and an API token of their own, and the anonymous one."""
    found = []
    for role, user in admins().items():
        client = Client()
        client.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        found.append(Reader(role, user, cookie, account_services.token_issue(user=user)))
    return found + [Reader("anonymous", None)]


class SqlClock:
    """The time this connection spends executing SQL, and how many statements."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def time_page(reader: Reader, url: str, repeat: int) -> tuple[int, list[float], float, int]:
    """(status, milliseconds per request, SQL share of the time, queries of one request)."""
    client = Client(HTTP_HOST="127.0.0.1")
    if reader.user is not None and not url.startswith("/api/"):
        client.cookies.load(reader.cookie)
    extra = {f"HTTP_{k.upper()}": v for k, v in reader.headers(url).items() if k != "Cookie"}
    status = client.get(url, **extra).status_code  # warm: caches, the first plan
    times, clock = [], SqlClock()
    with connection.execute_wrapper(clock):
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, **extra)
            times.append((time.perf_counter() - started) * 1000)
    share = clock.seconds * 1000 / sum(times) if times else 0.0
    return status, times, share, clock.queries // max(repeat, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


# --- under load -------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status < 500
    except (OSError, ValueError):
        return False


def serve(port: int) -> subprocess.Popen:
    """gunicorn with the README's settings, on this database (the environment is inherited)."""
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    process = subprocess.Popen(
        [gunicorn, "dangjian.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        if answers(f"http://127.0.0.1:{port}/accounts/login/"):
            return process
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn 未能启动")


def drained(url: str, *, within: float = 120.0) -> None:
    """Wait until the server answers a cheap page at once again: requests wrk gave up on are still
    queued after a slow page, and would be charged to the next one."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        started = time.monotonic()
        if answers(url) and time.monotonic() - started < 0.2:
            return
        time.sleep(0.5)


def wrk_rate(url: str, headers: dict[str, str], seconds: int, connections: int) -> float:
    """Requests per second at ``connections``; a slow page's answers are waited for (a 30 s
    timeout, not wrk's 2 s, which counted a page slower than that as serving nothing)."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    return float(found.group(1)) if found else 0.0


def run(*, repeat: int, seconds: int, connections: int, floor: str, load: bool,
        log: Callable[[str], None]) -> dict:
    found = readers()
    pages = [Page(r.role, label, url) for r in found for label, url in pages_of(r.role, r.user)]
    by_role = {r.role: r for r in found}
    for page in pages:
        status, times, share, queries = time_page(by_role[page.role], page.url, repeat)
        page.status, page.sql_share, page.queries = status, round(share, 3), queries
        page.p50_ms, page.p95_ms = round(statistics.median(times), 1), round(percentile(times, 0.95), 1)
        log(f"{page.role} {page.label}: p50 {page.p50_ms} ms")
    report = {"database": connection.vendor, "members": Member.objects.count(), "orgs": Org.objects.count(),
              "repeat": repeat, "floor_rps": None, "pages": pages}
    if load and shutil.which("wrk"):
        port = free_port()
        server = serve(port)
        try:
            if answers(f"{floor}/rows"):
                report["floor_rps"] = wrk_rate(f"{floor}/rows", {}, seconds, connections)
            for page in pages:
                page.rps = wrk_rate(f"http://127.0.0.1:{port}{page.url}", by_role[page.role].headers(page.url),
                                    seconds, connections)
                drained(f"http://127.0.0.1:{port}/accounts/login/")
                if report["floor_rps"]:
                    page.floor_ratio = round(page.rps / report["floor_rps"], 3)
                log(f"{page.role} {page.label}: {page.rps} req/s")
        finally:
            server.terminate()
            server.wait(10)
    elif load:
        report["note"] = "未安装 wrk（apt-get install wrk），只测单请求"
    report["pages"] = [page.as_dict() for page in pages]
    return report
