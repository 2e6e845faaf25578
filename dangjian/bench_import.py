"""The roster benchmark behind `dangjian bench import [--rows N]`.

It writes a roster (.xlsx) of N valid rows, then times what a person does with it: the preview
(read and check every row), the commit (one transaction), a second import of the same file (every
row an update), and the export of the imported list to .xlsx. The code paths are the pages' own
(members.importing). Peak RSS is the benchmark process's; the file is generated in a child process.

The data lives under its own org subtree (codes ``BENCHIMP…``, kept apart from `bench tree`'s
data set) and is deleted at the end of the run, so runs do not pile up.
"""

import io
import multiprocessing
import os
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from openpyxl import Workbook

from accounts.models import User
from core import audit, files, idcard
from dangjian import bench
from members import importing
from members.models import ImportBatch, Member, MemberEvent
from orgs import bulk
from orgs.bulk import Node
from orgs.demo import random_name
from orgs.models import Org, OrgKind, OrgLevel

PREFIX = "BENCHIMP"
REGION = "120225"  # not among bench.REGIONS: these ID numbers never meet `bench tree`'s
BRANCHES = 50
USERNAME = "bench_import_admin"
EDUCATION = ("大学本科", "大学专科", "研究生", "高中", "中专")
CATEGORY = ("在职", "离退休", "农牧渔民", "学生")


def build_orgs() -> Org:
    root = Node("基准测试导入党委", f"{PREFIX}0000", OrgKind.COMMITTEE, OrgLevel.DISTRICT)
    for i in range(1, BRANCHES + 1):
        root.add(Node(f"基准测试导入第{i}党支部", f"{PREFIX}{i:04d}", OrgKind.BRANCH))
    with transaction.atomic():
        orgs = bulk.build([root])
    return orgs[f"{PREFIX}0000"]


def write_roster(path: Path, rows: int) -> None:
    """A roster in the common layout, with the usual mix of spellings."""
    rng = random.Random(rows)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    sheet.append(["序号", "姓名", "性别", "民族", "出生日期", "身份证号", "学历", "入党日期", "转正日期",
                  "所在党组织", "人员类别", "联系电话", "工作单位"])
    today = timezone.localdate()
    for serial in range(1, rows + 1):
        number = bench.id_number(REGION, serial)
        born = idcard.birth_date(number)
        joined = born + timedelta(days=365 * 18 + 10 + rng.randrange(0, 365 * 20))
        joined = min(joined, today - timedelta(days=400))
        joined = max(joined, born + timedelta(days=365 * 18 + 10))
        converted = joined + timedelta(days=365)
        sheet.append([
            serial, random_name(rng), "男" if idcard.gender(number) == "male" else "女", "汉族",
            f"{born.year}/{born.month}/{born.day}", number, rng.choice(EDUCATION),
            joined if serial % 2 else f"{joined.year}年{joined.month}月{joined.day}日",
            converted if converted <= today else None, f"{PREFIX}{serial % BRANCHES + 1:04d}",
            rng.choice(CATEGORY), f"139{serial:08d}", "基准测试单位",
        ])
    workbook.save(path)


def drop() -> None:
    """Delete the benchmark's members, their timeline, batches, user and orgs (plain DELETEs:
    the ORM would load 100,000 members first)."""
    quote = connection.ops.quote_name
    member, event, org = (quote(m._meta.db_table) for m in (Member, MemberEvent, Org))
    members_of_bench = f"SELECT m.id FROM {member} m JOIN {org} o ON o.id = m.org_id WHERE o.code LIKE %s"
    with transaction.atomic():
        for batch in ImportBatch.objects.filter(uploaded_by__username=USERNAME):
            files.delete(batch.stored_name)
            batch.delete()
        User.objects.filter(username=USERNAME).delete()
        with connection.cursor() as cursor:
            bench.drop_summary_rows(cursor, PREFIX)
            cursor.execute(f"DELETE FROM {event} WHERE member_id IN ({members_of_bench})", [PREFIX + "%"])
            cursor.execute(f"DELETE FROM {member} WHERE org_id IN (SELECT id FROM {org} WHERE code LIKE %s)",
                           [PREFIX + "%"])
            cursor.execute(f"DELETE FROM {org} WHERE code LIKE %s", [PREFIX + "%"])


def _import(user, path: Path) -> tuple[ImportBatch, float, float]:
    started = time.monotonic()
    with path.open("rb") as upload:
        batch = importing.batch_upload(actor=user, upload=upload, file_name=path.name)
    batch = importing.batch_preview(actor=user, batch=batch)
    parsed = time.monotonic() - started
    if batch.error_rows or batch.status != ImportBatch.Status.PREVIEWED:
        raise RuntimeError(f"基准花名册有错误：{batch.message or batch.outcomes[:3]}")
    started = time.monotonic()
    batch = importing.batch_commit(actor=user, batch=batch)
    if batch.status != ImportBatch.Status.COMMITTED:
        raise RuntimeError(batch.message)
    return batch, parsed, time.monotonic() - started


def _server_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this
    machine (read from /proc); None on SQLite (its work is in the process's own CPU time) or a
    remote server."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def run(rows: int, *, log) -> dict:
    """Wall-clock seconds per phase, and the benchmark process's own CPU seconds for the whole
    import (``import_cpu_s``): on a machine shared with other work the CPU time is the steadier
    figure (with SQLite it is nearly all the work; PostgreSQL's server time is not in it)."""
    bench.check_database()
    drop()
    root = build_orgs()
    user = bench.bench_user(USERNAME, root)
    report = {"database": connection.vendor, "version": bench.database_version(), "rows": rows}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"roster-{rows}.xlsx"
            started = time.monotonic()
            # In a child process, so the peak memory reported is the import's and the export's,
            # not the file generator's.
            child = multiprocessing.get_context("fork").Process(target=write_roster, args=(path, rows))
            child.start()
            child.join()
            if child.exitcode:
                raise RuntimeError("生成花名册失败")
            report["generate_s"] = round(time.monotonic() - started, 1)
            report["file_mb"] = round(path.stat().st_size / 2**20, 1)
            log(f"已生成 {rows} 行花名册（{report['file_mb']} MB），用时 {report['generate_s']} 秒；正在导入……")
            cpu, server = time.process_time(), _server_cpu()
            batch, parsed, committed = _import(user, path)
            if server is not None:
                report["import_db_cpu_s"] = round(_server_cpu() - server, 1)
            report.update(import_cpu_s=round(time.process_time() - cpu, 1),
                          preview_s=round(parsed, 1), commit_s=round(committed, 1),
                          import_s=round(parsed + committed, 1), created=batch.created_rows,
                          import_peak_mb=bench.peak_rss_mb())
            log(f"首次导入：预览 {parsed:.1f} 秒，确认 {committed:.1f} 秒；正在再次导入同一文件……")
            batch, parsed, committed = _import(user, path)
            report.update(reimport_preview_s=round(parsed, 1), reimport_commit_s=round(committed, 1),
                          reimport_s=round(parsed + committed, 1), updated=batch.updated_rows)
        started, cpu = time.monotonic(), time.process_time()
        out = io.BytesIO()
        exported = importing.export_xlsx(Member.objects.visible_to(user, "export").order_by("org__path", "name", "pk"), out)
        report.update(export_s=round(time.monotonic() - started, 1), exported=exported,
                      export_cpu_s=round(time.process_time() - cpu, 1),
                      export_mb=round(len(out.getvalue()) / 2**20, 1))
    finally:
        drop()
        with transaction.atomic():
            audit.record("bench.import", changes={"rows": rows})
    report["peak_rss_mb"] = bench.peak_rss_mb()
    return report
