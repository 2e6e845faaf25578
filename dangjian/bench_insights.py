"""`dangjian bench insights`: the insights pages (the workbench, the dashboard, the big screen's
figures, warnings, health index, annual report) of the city's admin and of the largest district's
on the data set in the database (the city-sized demo), each timed the way a user meets it — the
first request (cold: the compliance roll-up counted, settings.ROLLUP_CACHE_SECONDS not yet
holding it) and the median of ``repeat`` more (warm) — with the time spent in SQL (and its ratio to
the whole) and the peak of memory Python allocated while serving it (tracemalloc). The annual
report is also timed as its .docx is made (the download)."""

import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass

from django.core.cache import cache
from django.db import connection
from django.test import Client

from dangjian.bench_pages import SqlClock, admins
from members.models import Member
from orgs.models import Org

PAGES = [("工作台（首页）", "/"), ("数据看板", "/insights/dashboard/"), ("大屏数据", "/insights/screen/?data=1"),
         ("预警", "/insights/warnings/"), ("健康指数", "/insights/health/"),
         ("年度统计报告", "/insights/report/"), ("年度统计报告 .docx", "/insights/report/?format=docx")]


@dataclass
class Timed:
    role: str
    label: str
    url: str
    status: int
    cold_ms: float
    warm_ms: float
    sql_ms: float  # of the cold request
    sql_ratio: float
    queries: int
    peak_mb: float

    def as_dict(self) -> dict:
        return asdict(self)


def time_page(client: Client, role: str, label: str, url: str, repeat: int) -> Timed:
    cache.clear()  # cold: nothing counted yet
    clock = SqlClock()
    with connection.execute_wrapper(clock):
        started = time.perf_counter()
        status = client.get(url).status_code
        cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        warm.append((time.perf_counter() - started) * 1000)
    # Memory on a cold request of its own: tracemalloc slows Python down several times over.
    cache.clear()
    tracemalloc.start()
    client.get(url)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return Timed(role, label, url, status, round(cold, 1), round(statistics.median(warm), 1) if warm else 0.0,
                 round(clock.seconds * 1000, 1), round(clock.seconds * 1000 / cold, 2) if cold else 0.0,
                 clock.queries, round(peak, 1))


def run(*, repeat: int, log=print) -> dict:
    found = []
    for role, user in admins().items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        for label, url in PAGES:
            timed = time_page(client, role, label, url, repeat)
            log(f"{role} {label}: 首次 {timed.cold_ms} ms（SQL {timed.sql_ms} ms），之后 {timed.warm_ms} ms")
            found.append(timed)
    return {"database": connection.vendor, "orgs": Org.objects.count(), "members": Member.objects.count(),
            "repeat": repeat, "pages": [t.as_dict() for t in found]}
