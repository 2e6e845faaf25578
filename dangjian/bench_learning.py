"""`dangjian bench learning`: on the data set in the database (the city-sized demo), the two things
issue 16 asks of online study at the city's size:

- **the hours roll-up over a year of study rows**: first the study rows are brought to about
  ``per_member`` rows a year for every active member (20 for 1,000,000 members: about 20 million
  member-item-day rows; written once, in bulk — COPY on PostgreSQL — with the org-year summary
  rows kept alongside, and kept for the next run); then the city's and each district's online hours
  (the summary rows, what the pages read), the largest branch's class hours member by member with
  who is behind, and the city admin's progress page, each timed first and warm with its peak of
  memory, against the same city total recounted from the study rows;
- **heartbeat ingestion**: accepted heartbeats per second through ``learning.services.heartbeat``
  (the whole judgement: session lock, refusal rules, caps, the day row, the summary, the points)
  from 1 and from ``workers`` processes at once, each with its own members and database
  connection. The clock the services read is moved 15 s per round (a heartbeat's interval), so no
  one waits; everything the run wrote (its course, sessions, rows, points, the members' accounts)
  is removed and the summaries of the orgs it touched are rebuilt."""

import multiprocessing
import random
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

from django.db import connection, connections, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone

from accounts.models import User
from core import summaries
from dangjian.bench_dues import timed
from dangjian.bench_insights import time_page
from dangjian.bench_pages import admins
from learning import rules, selectors, services
from learning.models import (
    Course,
    ItemKind,
    RefusedBeat,
    StudyDay,
    StudyItem,
    StudyOrgYear,
    StudySession,
)
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org
from points.models import PointDay

COLUMNS = ("member_id", "item_id", "org_id", "day", "seconds", "completed", "position")
BENCH_USER = "bench-learning-"


# --- the year of study rows ------------------------------------------------------------------------


def _write(rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = StudyDay._meta.db_table
            with cursor.cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO {StudyDay._meta.db_table} ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 50_000):
            cursor.executemany(sql, rows[start:start + 50_000])


def fill(per_member: int, log) -> dict:
    """Bring every active member without study rows this year to ``per_member`` rows (distinct
    days, the city's required lessons, each row well under the item's cap), in chunks of 20,000
    members, each chunk one transaction with its summary rows."""
    today = timezone.localdate()
    start = date(today.year, 1, 1)
    span = (today - start).days + 1
    items = list(StudyItem.objects.filter(course__org__depth=1, course__required_for="all", course__year=today.year)
                 .values_list("pk", "seconds"))
    if not items:
        raise ValueError("库中没有本年度的必学课程（dangjian demo --scale city）")
    have = set(StudyDay.objects.filter(day__gte=start).order_by().values_list("member_id", flat=True).distinct())
    members = [m for m in Member.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk").values_list("pk", "org_id")
               if m[0] not in have]
    log(f"  已有学习记录的党员 {len(have)} 名；需补 {len(members)} 名党员各 {min(per_member, span)} 行")
    rng = random.Random(16)
    started, written = time.perf_counter(), 0
    for first in range(0, len(members), 20_000):
        rows, seconds_by_org = [], defaultdict(int)
        for member_id, org_id in members[first:first + 20_000]:
            for offset in rng.sample(range(span), k=min(per_member, span)):
                item_id, length = rng.choice(items)
                seconds = rng.randint(length // 10, length // 4)
                rows.append((member_id, item_id, org_id, start + timedelta(days=offset), seconds, False, 0.0))
                seconds_by_org[org_id] += seconds
        with transaction.atomic():
            _write(rows)
            for org_id, seconds in seconds_by_org.items():
                summaries.add(StudyOrgYear, {"org_id": org_id, "year": today.year}, seconds=seconds)
        written += len(rows)
        if (first // 20_000) % 10 == 0:
            log(f"  已写入 {written} 行（{time.perf_counter() - started:.0f} 秒）")
    if written and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {StudyDay._meta.db_table}")
    return {"members_filled": len(members), "rows_written": written, "seconds": round(time.perf_counter() - started, 1)}


def rollups(user, root: Org, repeat: int, log) -> dict:
    year = timezone.localdate().year
    districts = list(Org.objects.filter(depth=2, path__startswith=root.path).order_by("path"))
    largest = (Member.objects.filter(status__in=ACTIVE_STATUSES).order_by().values("org_id")
               .annotate(n=Count("pk")).order_by("-n").values_list("org_id", flat=True).first())
    branch = Org.objects.get(pk=largest)

    def recount():
        seconds = StudyDay.objects.filter(day__year=year).aggregate(s=Sum("seconds"))["s"] or 0
        return (Decimal(seconds) / rules.SECONDS_PER_HOUR).quantize(Decimal("0.1"))
    reads, found = [], {}
    for label, fn in [
        ("全市在线学习学时（汇总表）", lambda: selectors.org_year_hours(root, year)),
        (f"各区在线学习学时（汇总表，{len(districts)}个区）", lambda: selectors.children_hours(root, districts, year)),
        (f"一个支部的党员学时和未达标名单（{branch.name}）", lambda: selectors.org_progress(branch, year)),
        ("全市在线学习学时（逐行重算，对照）", recount),
    ]:
        first, warm, peak, result = timed(fn, 1 if "逐行" in label else repeat)
        reads.append({"label": label, "first_ms": first, "warm_ms": warm, "peak_mb": peak})
        found[label] = result
        log(f"{label}: 首次 {first} ms，之后 {warm} ms，峰值 {peak} MB")
    city_hours = found["全市在线学习学时（汇总表）"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    page = time_page(client, "city_admin", "学习进度（全市）", f"/learning/orgs/{root.pk}/progress/", repeat)
    log(f"全市学习进度页: 首次 {page.cold_ms} ms，之后 {page.warm_ms} ms（状态 {page.status}）")
    return {"reads": reads, "page": page.as_dict(), "city_hours": str(city_hours),
            "recount_agrees": city_hours == found["全市在线学习学时（逐行重算，对照）"],
            "study_rows": StudyDay.objects.filter(day__year=year).count()}


# --- heartbeat ingestion -----------------------------------------------------------------------------


def _worker(member_ids: list[int], item_id: int, rounds: int, barrier, results) -> None:
    """One process: open a session for each of its members, then ``rounds`` heartbeats each, the
    services' clock moved 15 s a round."""
    connections.close_all()
    base = timezone.now().replace(microsecond=0)
    clock = {"now": base}
    users = {m.pk: m.user for m in Member.objects.filter(pk__in=member_ids).select_related("user")}
    item = StudyItem.objects.get(pk=item_id)
    with mock.patch("learning.services.timezone.now", lambda: clock["now"]):
        tokens = {pk: services.session_open(actor=users[pk], item=item).token for pk in member_ids}
        barrier.wait()
        accepted = refused = 0
        started = time.perf_counter()
        for seq in range(1, rounds + 1):
            clock["now"] = base + timedelta(seconds=rules.BEAT_INTERVAL * seq)
            for pk in member_ids:
                result = services.heartbeat(actor=users[pk], token=tokens[pk],
                                            beat=services.Beat(seq=seq, elapsed=rules.BEAT_INTERVAL))
                accepted += result.accepted and result.credited > 0
                refused += not result.accepted
        results.put((accepted, refused, time.perf_counter() - started))
    connections.close_all()


def _ingest(member_ids: list[int], item_id: int, workers: int, rounds: int) -> dict:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(workers), context.Queue()
    connections.close_all()
    shares = [member_ids[i::workers] for i in range(workers)]
    processes = [context.Process(target=_worker, args=(share, item_id, rounds, barrier, results)) for share in shares]
    for process in processes:
        process.start()
    found = [results.get() for _ in processes]
    for process in processes:
        process.join()
    accepted, refused = sum(f[0] for f in found), sum(f[1] for f in found)
    seconds = max(f[2] for f in found)
    return {"workers": workers, "members": len(member_ids), "beats": len(member_ids) * rounds, "accepted": accepted,
            "refused": refused, "seconds": round(seconds, 2), "per_second": round(accepted / seconds) if seconds else 0}


def ingestion(user, root: Org, members: int, rounds: int, workers: int, log) -> list[dict]:
    today = timezone.localdate()
    busy = set(StudyDay.objects.filter(day=today).values_list("member_id", flat=True)) | set(
        PointDay.objects.filter(day=today).values_list("member_id", flat=True))
    chosen = [pk for pk in Member.objects.filter(status__in=ACTIVE_STATUSES, user__isnull=True)
              .order_by("?").values_list("pk", flat=True)[:members * 2] if pk not in busy][:members]
    course = services.course_create(actor=user, org=root, title="基准测试：心跳写入")
    item = services.item_add(actor=user, course=course, kind=ItemKind.ARTICLE, title="基准测试内容",
                             seconds=36_000, body="基准测试")
    made = []
    for i in range(len(chosen)):
        account = User(username=f"{BENCH_USER}{i}", full_name="基准测试", must_change_password=False)
        account.set_unusable_password()
        made.append(account)
    User.objects.bulk_create(made)
    accounts = dict(User.objects.filter(username__startswith=BENCH_USER).values_list("username", "pk"))
    for i, pk in enumerate(chosen):
        Member.objects.filter(pk=pk).update(user_id=accounts[f"{BENCH_USER}{i}"])
    runs = []
    try:
        for n in sorted({1, workers}):
            StudySession.objects.filter(item=item).delete()
            run = _ingest(chosen, item.pk, n, rounds)
            runs.append(run)
            log(f"  {n} 个进程：{run['accepted']} 次心跳计时（拒绝 {run['refused']}），{run['seconds']} 秒，"
                f"每秒 {run['per_second']} 次")
            _undo(item, chosen, keep_item=True)
    finally:
        _undo(item, chosen, keep_item=False)
        Member.objects.filter(pk__in=chosen).update(user=None)
        User.objects.filter(username__startswith=BENCH_USER).delete()
    return runs


def _undo(item: StudyItem, member_ids: list[int], *, keep_item: bool) -> None:
    """Remove what a run wrote and rebuild the touched orgs' summary rows."""
    with transaction.atomic():
        orgs = list(set(StudyDay.objects.filter(item=item).values_list("org_id", flat=True)))
        StudyDay.objects.filter(item=item).delete()
        StudySession.objects.filter(item=item).delete()
        RefusedBeat.objects.filter(item=item).delete()
        PointDay.objects.filter(member_id__in=member_ids, day__gte=timezone.localdate()).delete()
        if not keep_item:
            course = item.course
            item.delete()
            Course.objects.filter(pk=course.pk).delete()
        if orgs:
            summaries.rebuild(["learning.study_org_year", "points.member_year", "points.org_year"], org_ids=orgs)


def run(*, repeat: int, per_member: int, members: int, rounds: int, workers: int, log=print) -> dict:
    user = admins().get("city_admin")
    root = Org.objects.filter(depth=1).order_by("path").first()
    if user is None or root is None:
        raise ValueError("库中没有城市规模演示数据（dangjian demo --scale city）")
    report: dict = {"database": connection.vendor, "orgs": Org.objects.count(),
                    "members": Member.objects.filter(status__in=ACTIVE_STATUSES).count(), "repeat": repeat}
    log(f"补足学习记录（每名党员约 {per_member} 行）……")
    report["fill"] = fill(per_member, log)
    log(f"  写入 {report['fill']['rows_written']} 行，用时 {report['fill']['seconds']} 秒")
    report["rollups"] = rollups(user, root, repeat, log)
    log(f"心跳写入：{members} 名党员各 {rounds} 次心跳……")
    report["ingestion"] = ingestion(user, root, members, rounds, workers, log)
    return report
