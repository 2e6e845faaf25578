"""`dangjian bench dues`: on the data set in the database (the city-sized demo, whose members all
have this year's confirmed amount), the two things the city asks of dues at scale:

- computing next year's amounts for every member (services.year_carry over the whole city: last
  year's base and category, the rules, the branch's local farmers' amount), timed, then its peak of
  memory (tracemalloc, a second run: it slows Python several times over); both rolled back, so the
  data set is left as it was;
- the city's arrears roll-up (selectors.behind_counts: who is behind by the yellow and red
  thresholds, from the DuesPaidCount summary rows) for the city and each district, against the
  same counts recomputed from the members' standings, and the year's money per month and the
  reconciliation (DuesMonth rows); then the city admin's dues page, cold and warm."""

import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from dangjian.bench_insights import time_page
from dangjian.bench_pages import admins
from dues import rules, selectors, services
from dues.models import DuesStanding, DuesYear
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org


class _RolledBack(Exception):
    pass


def _carry(user, root: Org, year: int, *, traced: bool, log) -> tuple[float, int, float]:
    """(seconds, members carried, peak MB or 0) of year_carry over ``root``, rolled back."""
    found: dict = {}
    if traced:
        tracemalloc.start()
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 200_000 == 0:
            log(f"  已结转 {done}（{time.perf_counter() - started:.0f} 秒）")
    try:
        with transaction.atomic():
            found["result"] = services.year_carry(actor=user, org=root, year=year, progress=progress)
            found["seconds"] = time.perf_counter() - started
            raise _RolledBack
    except _RolledBack:
        pass
    peak = 0.0
    if traced:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return found["seconds"], found["result"].carried, peak


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float, object]:
    """(first ms, median ms of ``repeat`` more, peak MB, result)."""
    started = time.perf_counter()
    result = fn()
    first = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - started) * 1000)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return round(first, 1), round(statistics.median(warm), 1), round(peak, 2), result


def recount(root: Org, today) -> dict[str, int]:
    """The arrears counts recomputed member by member (what the summary rows spare every request)."""
    yellow, red = selectors.thresholds(root)
    counts = {"yellow": 0, "red": 0}
    standings = (DuesStanding.objects.filter(member__org__path__startswith=root.path, member__status__in=ACTIVE_STATUSES)
                 .values_list("paid_up_to", "first_due"))
    for paid_up_to, first_due in standings.iterator(chunk_size=20_000):
        level = rules.warning_level(rules.months_behind(paid_up_to=paid_up_to, first_due=first_due, today=today),
                                    yellow=yellow, red=red)
        if level in counts:
            counts[level] += 1
    return counts


def run(*, repeat: int, log=print) -> dict:
    today = timezone.localdate()
    users = admins()
    user = users.get("city_admin")
    root = Org.objects.filter(depth=1).order_by("path").first()
    if user is None or root is None:
        raise ValueError("库中没有城市规模演示数据（dangjian demo --scale city）")
    report: dict = {"database": connection.vendor, "orgs": Org.objects.count(), "members": Member.objects.count(),
                    "dues_years": DuesYear.objects.filter(year=today.year).count(), "repeat": repeat}
    year = today.year + 1
    log(f"计算 {year} 年度月缴纳额（全市结转，之后回滚）……")
    seconds, carried, _ = _carry(user, root, year, traced=False, log=log)
    log(f"  {carried} 名党员，用时 {seconds:.1f} 秒；再测一次内存峰值……")
    _, _, peak = _carry(user, root, year, traced=True, log=log)
    report["carry"] = {"members": carried, "seconds": round(seconds, 1),
                       "per_second": round(carried / seconds) if seconds else 0, "peak_mb": round(peak, 2)}
    log(f"  内存峰值 {peak:.1f} MB")

    reads = []
    districts = list(Org.objects.filter(depth=2, path__startswith=root.path).order_by("path"))
    for label, fn in [
        ("全市欠缴人数（汇总表）", lambda: selectors.behind_counts(root, today=today)),
        ("各区欠缴人数（汇总表，16个区）", lambda: [selectors.behind_counts(d, today=today) for d in districts]),
        ("全市各月收缴金额（汇总表）", lambda: selectors.month_totals(root, today.year)),
        ("全市对账（汇总表和上缴记录）", lambda: selectors.reconciliation(root, today.year)),
        ("全市欠缴人数（逐人重算，对照）", lambda: recount(root, today)),
    ]:
        first, warm, peak_mb, result = timed(fn, 1 if "逐人" in label else repeat)
        reads.append({"label": label, "first_ms": first, "warm_ms": warm, "peak_mb": peak_mb})
        log(f"{label}: 首次 {first} ms，之后 {warm} ms，峰值 {peak_mb} MB")
        if label.startswith("全市欠缴人数（汇总表）"):
            report["city_counts"] = result
        if "逐人" in label:
            report["recount_agrees"] = result == report["city_counts"]
    report["reads"] = reads
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    page = time_page(client, "city_admin", "党费（全市）", f"/dues/orgs/{root.pk}/", repeat)
    report["page"] = page.as_dict()
    log(f"全市党费页: 首次 {page.cold_ms} ms，之后 {page.warm_ms} ms（状态 {page.status}）")
    return report
