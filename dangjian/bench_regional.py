"""`dangjian bench regional`: on the data set in the database (the city-sized demo), what issue 17
asks of regional party building at the city's size:

- **the data**: orgs, members, check-ins by state, service records and residents' orders by state.
  The check-ins are topped up to ``checkins`` (150,000; the demo writes the article's 14.4万) from
  the in-service members without one, and the orders to ``orders`` (50,000), in bulk as the demo's
  loaders write them (community/demo.py, orders/demo.py), then the two summaries are rebuilt; what
  is written stays for the next run;
- **the city's counts per district**: check-ins, service records and hours as the communities
  count them and as the members' units count them (community.selectors.counts, one call per
  district), and the orders of the city and each district (orders.selectors.children_counts, one
  grouped query), from the summary rows — first and warm, with the peak of memory — against the
  same figures recounted from the check-ins, service records and orders grouped by district (they
  must be equal); and the city admin's live open-order counts (orders.selectors.open_counts:
  waiting and overdue, from the orders themselves);
- **concurrent dispatch**: ``dispatch`` new orders in one community, dispatched through
  ``orders.services.order_dispatch`` by one process, then raced by ``workers`` processes (each its
  own database connection, each to another checked-in member, all over the same orders in the same
  order): exactly one must win each order — the others are told "不能派单" — with one dispatch in
  the audit trail per order. On SQLite the writers queue (IMMEDIATE transactions); on PostgreSQL the
  order row is locked (select_for_update) and the second dispatcher waits, then finds it taken.
  The orders (and the bench's menu item) are removed afterwards; their audit entries stay, as every
  audit entry does. ``dispatch=0`` leaves this part out; ``threads`` runs the dispatchers as threads
  of this process, each with its own connection (the test suite's database is in this process's
  memory; its race runs on PostgreSQL, as the other concurrency tests do)."""

import multiprocessing
import queue
import random
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import User
from community import selectors as community_selectors
from community.models import ACTIVE_STATES, CheckIn, CheckInState, ServiceRecord, ServiceTeam
from community.rules import IN_SERVICE_SECTORS
from core import summaries
from core.audit import AuditEntry
from core.bulk import insert_many
from core.context import acting_as
from core.crypto import get_provider
from core.dates import add_months
from core.phone import mask_phone
from dangjian.bench_dues import timed
from dangjian.bench_pages import admins
from members.models import ACTIVE_STATUSES, Member
from orders import demo as orders_demo
from orders import rules as order_rules
from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import MenuItem, OrderState, ServiceOrder
from orgs.models import Org, OrgLevel, Sector

BENCH_NUMBER = "BENCHRG"  # the numbers of the orders the dispatch race writes (and removes)
BENCH_ITEM = "基准测试派单"
SUMMARIES = ["community.org_month", "orders.org_month"]
SERVICES = ["清理楼道杂物", "陪同老人就医", "宣讲惠民政策", "夜间平安巡逻", "辅导学生作业", "走访困难家庭"]


def _district(path: str) -> str:
    return path[:Org.steplen * 2]


# --- the data ---------------------------------------------------------------------------------------


def _top_up_checkins(rng: random.Random, target: int, log) -> int:
    """Confirmed check-ins for in-service members without an active one, up to ``target`` check-ins
    in all, each with a community of the member's district, decided on a day of this year at least
    31 days ago (so the orders may go to them), a team mostly, and up to three service records."""
    need = target - CheckIn.objects.count()
    if need <= 0:
        return 0
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    last = max(today - timedelta(days=40), start)
    span = max((last - start).days, 1)
    communities: dict[str, list[int]] = defaultdict(list)
    for pk, path in Org.objects.filter(level=OrgLevel.COMMUNITY, sector=Sector.COMMUNITY).values_list("pk", "path"):
        communities[_district(path)].append(pk)
    if not communities:
        return 0
    every = [pk for pks in communities.values() for pk in pks]
    teams: dict[int, list[int]] = defaultdict(list)
    for pk, community_id in ServiceTeam.objects.values_list("pk", "community_id"):
        teams[community_id].append(pk)
    busy = set(CheckIn.objects.filter(state__in=ACTIVE_STATES).values_list("member_id", flat=True))
    free = [m for m in Member.objects.filter(status__in=ACTIVE_STATUSES, org__sector__in=IN_SERVICE_SECTORS)
            .order_by("pk").values_list("pk", "org_id", "org__path") if m[0] not in busy]
    chosen = rng.sample(free, min(need, len(free)))
    if len(chosen) < need:
        log(f"  在职党员中尚未报到的只有 {len(free)} 名：报到只能补到 {CheckIn.objects.count() + len(chosen)} 条")
    made = []
    for member_id, org_id, path in chosen:
        community = rng.choice(communities.get(_district(path)) or every)
        requested = start + timedelta(days=rng.randrange(span))
        team = rng.choice(teams[community]) if teams.get(community) and rng.random() < 0.8 else None
        made.append(CheckIn(member_id=member_id, unit_id=org_id, community_id=community, address="朝阳里1号楼1门",
                            state=CheckInState.CONFIRMED, requested_on=requested,
                            decided_on=min(requested + timedelta(days=rng.randint(1, 5)), last), team_id=team))
    CheckIn.objects.bulk_create(made, batch_size=2000)
    records = []
    for checkin in made:
        assert checkin.decided_on is not None
        for _ in range(rng.randint(0, 3)):
            day = checkin.decided_on + timedelta(days=rng.randrange((today - checkin.decided_on).days + 1))
            records.append({"checkin_id": checkin.pk, "member_id": checkin.member_id,
                            "community_id": checkin.community_id, "unit_id": checkin.unit_id, "day": day,
                            "hours": Decimal(rng.choice(["1", "1.5", "2", "3"])), "content": rng.choice(SERVICES)})
    insert_many(ServiceRecord, records)
    return len(made)


def _top_up_orders(rng: random.Random, target: int) -> int:
    """Orders of the last 30 days, in the demo's states and shares (orders/demo.py), up to
    ``target`` in all, spread over the communities with check-ins confirmed at least 31 days ago;
    a community without a menu gets the demo's."""
    need = target - ServiceOrder.objects.count()
    if need <= 0:
        return 0
    month_ago = timezone.localdate() - timedelta(days=31)
    checkins: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for pk, community_id, member_id, unit_id in CheckIn.objects.filter(
            state=CheckInState.CONFIRMED, decided_on__lte=month_ago).values_list("pk", "community_id", "member_id",
                                                                                 "unit_id"):
        checkins[community_id].append((pk, member_id, unit_id))
    if not checkins:
        return 0
    menus: dict[int, list[MenuItem]] = defaultdict(list)
    for item in MenuItem.objects.filter(community_id__in=checkins, active=True).exclude(name=BENCH_ITEM):
        menus[item.community_id].append(item)
    added = [MenuItem(community_id=community_id, name=name, description=description, days=days)
             for community_id in checkins if not menus.get(community_id)
             for name, description, days in orders_demo.MENU]
    MenuItem.objects.bulk_create(added, batch_size=2000)
    for item in added:
        menus[item.community_id].append(item)
    teams: dict[int, list[int]] = defaultdict(list)
    for pk, community_id in ServiceTeam.objects.filter(community_id__in=checkins).values_list("pk", "community_id"):
        teams[community_id].append(pk)
    provider, now, today = get_provider(), timezone.now(), timezone.localdate()
    numbers = set(ServiceOrder.objects.values_list("number", flat=True))
    communities = sorted(checkins)
    rows, records = [], []
    for n in range(need):
        community_id = communities[n % len(communities)]
        item = rng.choice(menus[community_id])
        state = rng.choices([s for s, _ in orders_demo.STATES], weights=[w for _, w in orders_demo.STATES])[0]
        placed = timezone.make_aware(datetime.combine(today - timedelta(days=rng.randrange(30)),
                                                      clock(rng.randint(7, 20), rng.randrange(60))))
        placed = min(placed, now - timedelta(minutes=rng.randint(5, 600)))
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        address = f"{rng.choice(orders_demo.STREETS)}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}门{rng.randint(1, 6)}01"
        need_text = orders_demo.NEEDS.get(item.name, item.description or item.name)
        row = {"number": orders_demo.unique_number(rng, placed.date(), numbers), "community_id": community_id,
               "item_id": item.pk, "name": f"{rng.choice(orders_demo.SURNAMES)}女士",
               "phone_cipher": provider.encrypt(phone), "phone_index": provider.blind_index(phone),
               "phone_masked": mask_phone(phone), "address": address,
               "address_key": order_services.address_key(address), "need": need_text,
               "state": state, "day": timezone.localtime(placed).date(), "created": placed, "updated": placed,
               "due_at": placed + timedelta(hours=order_rules.DISPATCH_HOURS)}
        orders_demo.advance(rng, row, item, checkins[community_id], teams.get(community_id, []), now, records)
        rows.append(row)
    insert_many(ServiceOrder, rows)
    insert_many(ServiceRecord, records)
    return len(rows)


def fill(checkins: int, orders: int, log) -> dict:
    rng = random.Random(17)
    started = time.perf_counter()
    with transaction.atomic():
        written_checkins = _top_up_checkins(rng, checkins, log)
        written_orders = _top_up_orders(rng, orders)
        if written_checkins or written_orders:
            summaries.rebuild(SUMMARIES)
    if (written_checkins or written_orders) and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (CheckIn, ServiceRecord, ServiceOrder):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {"checkins_written": written_checkins, "orders_written": written_orders,
            "seconds": round(time.perf_counter() - started, 1)}


def size() -> dict:
    checkins = dict(CheckIn.objects.order_by().values_list("state").annotate(n=Count("pk")))
    orders = dict(ServiceOrder.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return {"orgs": Org.objects.count(), "members": Member.objects.filter(status__in=ACTIVE_STATUSES).count(),
            "in_service_members": Member.objects.filter(status__in=ACTIVE_STATUSES,
                                                        org__sector__in=IN_SERVICE_SECTORS).count(),
            "checkins": sum(checkins.values()), "checkins_confirmed": checkins.get(CheckInState.CONFIRMED, 0),
            "checkins_by_state": {state: checkins.get(state, 0) for state in CheckInState.values},
            "service_records": ServiceRecord.objects.count(), "orders": sum(orders.values()),
            "orders_by_state": {state: orders.get(state, 0) for state in OrderState.values}}


# --- the counts per district -----------------------------------------------------------------------


def recount(districts: list[Org], start: date, end: date) -> dict:
    """The figures of the summary rows, recounted from the check-ins, service records and orders
    (grouped by the district's path prefix: what the summary spares every request)."""
    width = Org.steplen * 2
    paths = {d.path: d.pk for d in districts}
    found: dict = {"community": {d.pk: {"checkins": 0, "records": 0, "hours": 0.0} for d in districts},
                   "unit": {d.pk: {"checkins": 0, "records": 0, "hours": 0.0} for d in districts}}
    counted = CheckIn.objects.filter(decided_on__isnull=False, decided_on__range=(start, end)).exclude(
        state=CheckInState.REFUSED)
    records = ServiceRecord.objects.filter(day__range=(start, end))
    for role in ("community", "unit"):
        prefix = Substr(f"{role}__path", 1, width)
        for district, n in counted.order_by().annotate(d=prefix).values("d").annotate(n=Count("pk")).values_list(
                "d", "n"):
            if district in paths:
                found[role][paths[district]]["checkins"] = n
        tenths: dict[int, int] = defaultdict(int)  # by hours given (a handful of values): exact on both databases
        for district, hours, n in (records.order_by().annotate(d=prefix).values("d", "hours").annotate(n=Count("pk"))
                                   .values_list("d", "hours", "n")):
            if district in paths:
                found[role][paths[district]]["records"] += n
                tenths[paths[district]] += int(Decimal(hours) * 10) * n
        for pk, total in tenths.items():
            found[role][pk]["hours"] = total / 10
    orders = {d.pk: dict.fromkeys(order_selectors.FIGURES, 0) for d in districts}
    for district, *figures in (
            ServiceOrder.objects.filter(day__range=(start.replace(day=1), end)).order_by()
            .annotate(d=Substr("community__path", 1, width)).values("d").annotate(
                ordered=Count("pk"), done=Count("pk", filter=Q(state__in=[OrderState.DONE, OrderState.RATED])),
                rated=Count("pk", filter=Q(state=OrderState.RATED)), stars=Sum("stars"),
                closed=Count("pk", filter=Q(state__in=[OrderState.REJECTED, OrderState.CANCELLED])))
            .values_list("d", *order_selectors.FIGURES)):
        if district in paths:
            orders[paths[district]] = {name: value or 0 for name, value in
                                       zip(order_selectors.FIGURES, figures, strict=True)}
    found["orders"] = orders
    return found


def district_counts(user: User, root: Org, repeat: int, log) -> dict:
    today = timezone.localdate()
    start, end = add_months(today.replace(day=1), -11), today  # the last twelve months, this one included
    districts = list(Org.objects.filter(depth=root.depth + 1, path__startswith=root.path).order_by("path"))

    def per_district(role):
        return lambda: {d.pk: community_selectors.counts(d, role, start, end) for d in districts}

    def grouped(role):
        return lambda: community_selectors.children_counts(districts, role, start, end)
    reads, found = [], {}
    for key, label, fn, times in [
        ("community_each", f"各区报到和服务（社区一侧，汇总表，{len(districts)}个区各一次）", per_district("community"),
         repeat),
        ("community", "各区报到和服务（社区一侧，汇总表，一次分组查询）", grouped("community"), repeat),
        ("unit", "各区报到和服务（党员所在单位一侧，汇总表，一次分组查询）", grouped("unit"), repeat),
        ("orders", f"全市和各区群众点单（汇总表，一次分组查询，{len(districts) + 1}个组织）",
         lambda: order_selectors.children_counts([root, *districts], start, end), repeat),
        ("open", "全市待派单和超时订单（逐单实时计数）", lambda: order_selectors.open_counts(user, root), repeat),
        ("recount", "以上各区数字（逐条重算，对照）", lambda: recount(districts, start, end), 1),
    ]:
        first, warm, peak, result = timed(fn, times)
        reads.append({"label": label, "first_ms": first, "warm_ms": warm, "peak_mb": peak})
        found[key] = result
        log(f"{label}: 首次 {first} ms，之后 {warm} ms，峰值 {peak} MB")
    again = found["recount"]
    summary = {"community": found["community"], "unit": found["unit"],
               "orders": {pk: {name: figures[name] for name in order_selectors.FIGURES}
                          for pk, figures in found["orders"].items() if pk != root.pk}}
    agree = all(summary[key][d.pk] == again[key][d.pk] for key in ("community", "unit", "orders") for d in districts)
    agree = agree and found["community_each"] == found["community"]
    city_orders = found["orders"][root.pk]
    agree = agree and all(city_orders[name] == sum(again["orders"][d.pk][name] for d in districts)
                          for name in order_selectors.FIGURES)
    names = {d.pk: d.name for d in districts}
    table = [{"district": names[d.pk], **{f"{role}_{k}": v for role in ("community", "unit")
                                          for k, v in summary[role][d.pk].items()},
              **{f"orders_{k}": v for k, v in summary["orders"][d.pk].items()}} for d in districts]
    return {"start": start.isoformat(), "end": end.isoformat(), "reads": reads, "recount_agrees": agree,
            "city": {"checkins": sum(summary["community"][d.pk]["checkins"] for d in districts),
                     "records": sum(summary["community"][d.pk]["records"] for d in districts),
                     "hours": round(sum(summary["community"][d.pk]["hours"] for d in districts), 1),
                     **{f"orders_{k}": v for k, v in city_orders.items()}},
            "open": found["open"], "districts": table}


# --- concurrent dispatch ----------------------------------------------------------------------------


def _dispatcher(user_id: int, checkin_id: int, order_ids: list[int], barrier, results, *, fork: bool) -> None:
    """One dispatcher: each order to its own check-in, through the service; (won, lost, other
    errors, seconds)."""
    if fork:
        connections.close_all()
    won = lost = failed = 0
    try:
        user = User.objects.get(pk=user_id)
        checkin = CheckIn.objects.get(pk=checkin_id)
        orders = list(ServiceOrder.objects.filter(pk__in=order_ids).order_by("pk"))
        barrier.wait()
        started = time.perf_counter()
        with acting_as(user, channel="cli"):
            for order in orders:
                try:
                    order_services.order_dispatch(actor=user, order=order, checkin=checkin)
                    won += 1
                except ValidationError as exc:
                    if "不能派单" in " ".join(exc.messages):
                        lost += 1
                    else:
                        failed += 1
        results.put((won, lost, failed, time.perf_counter() - started))
    except Exception:
        results.put((won, lost, failed + 1, 0.0))
        raise
    finally:
        connections.close_all()


def _race(user_id: int, checkin_ids: list[int], order_ids: list[int], *, threads: bool) -> list[tuple]:
    """Every dispatcher over the same orders at once; with ``threads`` in threads of this process
    (each its own connection: the test database), else in forked processes."""
    if threads:
        barrier, results = threading.Barrier(len(checkin_ids)), queue.Queue()
        runners = [threading.Thread(target=_dispatcher, args=(user_id, c, order_ids, barrier, results),
                                    kwargs={"fork": False}) for c in checkin_ids]
    else:
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(len(checkin_ids)), context.Queue()
        connections.close_all()
        runners = [context.Process(target=_dispatcher, args=(user_id, c, order_ids, barrier, results),
                                   kwargs={"fork": True}) for c in checkin_ids]
    for runner in runners:
        runner.start()
    found = [results.get(timeout=3600) for _ in runners]
    for runner in runners:
        runner.join()
    return found


def _new_orders(community_id: int, item: MenuItem, count: int, first: int) -> list[int]:
    provider, now = get_provider(), timezone.now()
    phone = "13800000000"
    cipher, index = provider.encrypt(phone), provider.blind_index(phone)
    address = "朝阳里1号楼1门101"
    key = order_services.address_key(address)
    insert_many(ServiceOrder, [
        {"number": f"{BENCH_NUMBER}{first + i:08d}", "community_id": community_id, "item_id": item.pk,
         "name": "基准测试", "phone_cipher": cipher, "phone_index": index, "phone_masked": mask_phone(phone),
         "address": address, "address_key": key, "need": "基准测试：两名派单员同时派同一订单", "state": OrderState.NEW,
         "day": timezone.localdate(), "created": now, "updated": now,
         "due_at": now + timedelta(hours=order_rules.DISPATCH_HOURS)} for i in range(count)])
    return list(ServiceOrder.objects.filter(number__startswith=BENCH_NUMBER, number__gte=f"{BENCH_NUMBER}{first:08d}")
                .order_by("pk").values_list("pk", flat=True))


def _clean(community_id: int | None = None) -> None:
    with transaction.atomic():
        ServiceOrder.objects.filter(number__startswith=BENCH_NUMBER).delete()
        MenuItem.objects.filter(name=BENCH_ITEM).delete()
        if community_id is not None:
            summaries.rebuild(["orders.org_month"], org_ids=[community_id])


def dispatch(user: User, count: int, workers: int, *, threads: bool, log) -> dict:
    _clean()
    community_id = (CheckIn.objects.filter(state=CheckInState.CONFIRMED).order_by().values("community_id")
                    .annotate(n=Count("pk")).filter(n__gte=workers).order_by("-n", "community_id")
                    .values_list("community_id", flat=True).first())
    if community_id is None:
        raise ValueError(f"没有一个社区有 {workers} 名以上已确认报到的党员（dangjian demo --scale city）")
    community = Org.objects.get(pk=community_id)
    checkin_ids = list(CheckIn.objects.filter(community_id=community_id, state=CheckInState.CONFIRMED)
                       .order_by("pk").values_list("pk", flat=True)[:workers])
    item = MenuItem.objects.create(community=community, name=BENCH_ITEM, days=1)
    runs = []
    try:
        for n, first in ((1, 0), (workers, count)):
            order_ids = _new_orders(community_id, item, count, first)
            found = _race(user.pk, checkin_ids[:n], order_ids, threads=threads)
            won, lost, failed = (sum(f[i] for f in found) for i in range(3))
            seconds = max(f[3] for f in found)
            stored = ServiceOrder.objects.filter(pk__in=order_ids)
            dispatched = stored.filter(state=OrderState.DISPATCHED).count()
            members = set(stored.values_list("member_id", flat=True))
            recorded = (AuditEntry.objects.filter(action="orders.order_dispatch", object_type="orders.serviceorder",
                                                  object_id__in=[str(pk) for pk in order_ids])
                        .values("object_id").annotate(n=Count("pk")))
            twice = sum(1 for row in recorded if row["n"] != 1)
            run = {"dispatchers": n, "orders": count, "won": won, "won_each": sorted((f[0] for f in found), reverse=True),
                   "lost": lost, "errors": failed,
                   "dispatched": dispatched, "orders_dispatched_twice": twice,
                   "audit_dispatches": sum(row["n"] for row in recorded),
                   "members_used": len(members - {None}), "seconds": round(seconds, 2),
                   "orders_per_second": round(won / seconds, 1) if seconds else 0,
                   "attempts_per_second": round((won + lost) / seconds, 1) if seconds else 0,
                   "exactly_one_wins": won == count == dispatched and lost == count * (n - 1) and not failed
                   and not twice}
            runs.append(run)
            log(f"  {n} 名派单员同时派 {count} 单：成功 {won}，被告知已派出 {lost}，其他错误 {failed}；"
                f"{run['seconds']} 秒，每秒派出 {run['orders_per_second']} 单"
                f"{'；每单恰好一人派出' if run['exactly_one_wins'] else '；不是每单恰好一人派出！'}")
    finally:
        _clean(community_id)
    return {"community": community.name, "checkins": checkin_ids, "runs": runs}


def run(*, repeat: int, checkins: int, orders: int, dispatch_orders: int, workers: int, threads: bool = False,
        log=print) -> dict:
    user = admins().get("city_admin")
    root = Org.objects.filter(depth=1).order_by("path").first()
    if user is None or root is None:
        raise ValueError("库中没有城市规模演示数据（dangjian demo --scale city）")
    if workers < 2:
        raise ValueError("并发派单至少需要 2 名派单员（--workers）")
    report: dict = {"database": connection.vendor, "repeat": repeat}
    log(f"补足社区报到（{checkins} 条）和群众点单（{orders} 单）……")
    report["fill"] = fill(checkins, orders, log)
    log(f"  补写报到 {report['fill']['checkins_written']} 条、点单 {report['fill']['orders_written']} 单，"
        f"用时 {report['fill']['seconds']} 秒")
    report["size"] = size()
    report["counts"] = district_counts(user, root, repeat, log)
    report["dispatch"] = None
    if dispatch_orders:
        log(f"并发派单：{dispatch_orders} 单，先 1 名派单员，再 {workers} 名同时……")
        report["dispatch"] = dispatch(user, dispatch_orders, workers, threads=threads, log=log)
    return report
