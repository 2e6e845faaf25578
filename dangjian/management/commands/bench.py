"""`dangjian bench tree|import|orglife|pages|insights|dues|learning|regional|oversight`: timings of the tree-sized reads on a
synthetic city (dangjian/bench.py), of roster imports, of organizational life, of each role's main pages on
the data in the database (dangjian/bench_pages.py) and of the insights pages
(dangjian/bench_insights.py), dues' yearly amounts and arrears roll-up (dangjian/bench_dues.py), online
study's hours roll-up and heartbeat ingestion (dangjian/bench_learning.py), and regional party building's
counts per district and concurrent order dispatch (dangjian/bench_regional.py), and the city's quarterly
bulletin (dangjian/bench_oversight.py)."""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.context import acting_as
from dangjian import (
    bench,
    bench_dues,
    bench_import,
    bench_insights,
    bench_learning,
    bench_orglife,
    bench_oversight,
    bench_pages,
    bench_regional,
)
from orgs import selectors


class Command(BaseCommand):
    help = ("基准测试：建约6万个党组织、100万名党员的合成城市（已有同规模基准数据则沿用），"
            "测量子树党员数、区管理员的党员列表第一页和组织树计数的耗时")

    def add_arguments(self, parser):
        parser.add_argument("benchmark", choices=["tree", "import", "orglife", "pages", "insights", "dues", "learning",
                                                       "regional", "oversight"],
                            help="tree：组织树读取；import：花名册导入导出（dangjian/bench_import.py）；"
                                 "orglife：会议记录雷同检测与完成情况汇总（dangjian/bench_orglife.py）；"
                                 "pages：用库中现有数据测各角色主要页面（dangjian/bench_pages.py）；"
                                 "insights：工作台、预警、健康指数和年度报告（dangjian/bench_insights.py）；"
                                 "dues：全市下一年度党费计算和欠缴统计（dangjian/bench_dues.py）；"
                                 "learning：全市学时汇总和学习心跳写入（dangjian/bench_learning.py）；"
                                 "regional：各区报到、服务和点单统计与并发派单（dangjian/bench_regional.py）；"
                                 "oversight：全市季度通报的生成（dangjian/bench_oversight.py）")
        parser.add_argument("--seconds", type=int, default=10, help="pages：每个页面并发测量的秒数")
        parser.add_argument("--connections", type=int, default=16, help="pages：并发连接数")
        parser.add_argument("--floor", default="http://127.0.0.1:8090",
                            help="pages：框架基线应用（../shared/perf/run.sh）的地址，在线时同轮测量并给出比值")
        parser.add_argument("--no-load", action="store_true", help="pages：只测单请求，不做并发测量")
        parser.add_argument("--minutes", type=int, default=500_000, help="orglife：会议记录份数")
        parser.add_argument("--rows", type=int, default=100_000, help="import：花名册行数")
        parser.add_argument("--orgs", type=int, default=60_000, help="党组织数（约数）")
        parser.add_argument("--members", type=int, default=1_000_000, help="党员数")
        parser.add_argument("--per-member", type=int, default=20, help="learning：每名党员一年的学习记录行数")
        parser.add_argument("--beat-members", type=int, default=200, help="learning：心跳写入测量的党员数")
        parser.add_argument("--rounds", type=int, default=20, help="learning：每名党员的心跳次数")
        parser.add_argument("--workers", type=int, default=2, help="learning：同时写入的进程数；regional：同时派单的进程数")
        parser.add_argument("--checkins", type=int, default=150_000, help="regional：社区报到补足到的条数")
        parser.add_argument("--orders", type=int, default=50_000, help="regional：群众点单补足到的单数")
        parser.add_argument("--dispatch", type=int, default=200, help="regional：并发派单测量的订单数")
        parser.add_argument("--threads", action="store_true",
                            help="regional：派单员用本进程的线程（各用一个数据库连接）代替进程（测试数据库用）")
        parser.add_argument("--quarter", default="", help="oversight：通报的季度，如 2026-4（默认本季度，截至今天）")
        parser.add_argument("--repeat", type=int, default=5, help="每项测量的次数")
        parser.add_argument("--drop", action="store_true", help="测量后删除基准数据（默认保留，下次沿用）")
        parser.add_argument("--explain", action="store_true", help="输出查询计划")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, orgs, members, repeat, drop, explain, **options):
        if not settings.INVENTED_DATA_ALLOWED:
            raise CommandError("基准测试只能在演示模式（DANGJIAN_DEMO=1）下运行。")
        if repeat < 1 or orgs < 1 or members < 0:
            raise CommandError("--orgs、--repeat 须为正数，--members 不能为负数。")
        as_json = options["json"]
        log = self.stderr.write if as_json else self.stdout.write
        if options["benchmark"] == "pages":
            return self.run_pages(repeat, options, as_json, log)
        if options["benchmark"] == "insights":
            return self.run_insights(repeat, as_json, log)
        if options["benchmark"] == "dues":
            return self.run_dues(repeat, as_json, log)
        if options["benchmark"] == "learning":
            return self.run_learning(repeat, options, as_json, log)
        if options["benchmark"] == "regional":
            return self.run_regional(repeat, options, as_json, log)
        if options["benchmark"] == "oversight":
            return self.run_oversight(repeat, options, as_json, log)
        try:
            bench.check_database()
        except bench.BenchRefused as exc:
            raise CommandError(str(exc)) from exc
        if options["benchmark"] == "import":
            return self.run_import(options["rows"], as_json, log)
        if options["benchmark"] == "orglife":
            return self.run_orglife(options["minutes"], as_json, log)
        with acting_as(None, channel="cli"):
            report = self.run(orgs, members, repeat, explain, log)
            if drop:
                bench.drop()
                log("基准数据已删除。")
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.print_report(report)

    def run_pages(self, repeat, options, as_json, log) -> None:
        if options["seconds"] < 1 or options["connections"] < 1:
            raise CommandError("--seconds、--connections 须为正数。")
        with acting_as(None, channel="cli"):
            report = bench_pages.run(repeat=repeat, seconds=options["seconds"],
                                     connections=options["connections"], floor=options["floor"].rstrip("/"),
                                     load=not options["no_load"], log=log)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write(f"数据库：{report['database']}；{report['orgs']} 个党组织，{report['members']} 名党员；每页 {report['repeat']} 次")
        floor = report["floor_rps"]
        write(f"框架基线（20 行）：{floor} 次/秒" if floor else "框架基线未在线（../shared/perf/run.sh），不计比值")
        if report.get("note"):
            write(report["note"])
        write(f"{'p50 ms':>8} {'p95 ms':>8} {'SQL占比':>7} {'查询':>4} {'次/秒':>8} {'比值':>6}  角色 页面")
        for page in report["pages"]:
            rps = f"{page['rps']:.0f}" if page["rps"] is not None else "-"
            ratio = f"{page['floor_ratio']:.1%}" if page["floor_ratio"] is not None else "-"
            write(f"{page['p50_ms']:>8.1f} {page['p95_ms']:>8.1f} {page['sql_share']:>7.0%} {page['queries']:>4} "
                  f"{rps:>8} {ratio:>6}  {page['role']} {page['label']} {page['url']}"
                  + ("" if page["status"] == 200 else f"（状态 {page['status']}）"))

    def run_insights(self, repeat, as_json, log) -> None:
        with acting_as(None, channel="cli"):
            report = bench_insights.run(repeat=repeat, log=log)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write(f"数据库：{report['database']}；{report['orgs']} 个党组织，{report['members']} 名党员；之后的请求各 {report['repeat']} 次取中位")
        write(f"{'首次 ms':>8} {'SQL ms':>8} {'SQL比':>5} {'查询':>4} {'峰值MB':>7} {'之后 ms':>8}  角色 页面")
        for page in report["pages"]:
            write(f"{page['cold_ms']:>8.1f} {page['sql_ms']:>8.1f} {page['sql_ratio']:>5.0%} {page['queries']:>4} "
                  f"{page['peak_mb']:>7.1f} {page['warm_ms']:>8.1f}  {page['role']} {page['label']}"
                  + ("" if page["status"] == 200 else f"（状态 {page['status']}）"))

    def run_dues(self, repeat, as_json, log) -> None:
        with acting_as(None, channel="cli"):
            try:
                report = bench_dues.run(repeat=repeat, log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        carry = report["carry"]
        write(f"数据库：{report['database']}；{report['orgs']} 个党组织，{report['members']} 名党员，"
              f"本年度已核定 {report['dues_years']} 人；之后的读取各 {report['repeat']} 次取中位")
        write(f"下一年度月缴纳额（全市结转）：{carry['members']} 人，{carry['seconds']} 秒"
              f"（每秒 {carry['per_second']} 人），内存峰值 {carry['peak_mb']} MB")
        write(f"{'首次 ms':>10} {'之后 ms':>9} {'峰值MB':>7}  读取")
        for row in report["reads"]:
            write(f"{row['first_ms']:>10.1f} {row['warm_ms']:>9.1f} {row['peak_mb']:>7.2f}  {row['label']}")
        page = report["page"]
        write(f"{page['cold_ms']:>10.1f} {page['warm_ms']:>9.1f} {page['peak_mb']:>7.2f}  {page['label']}页面"
              + ("" if page["status"] == 200 else f"（状态 {page['status']}）"))
        write(f"汇总表与逐人重算一致：{'是' if report['recount_agrees'] else '否'}")

    def run_learning(self, repeat, options, as_json, log) -> None:
        if min(options["per_member"], options["beat_members"], options["rounds"], options["workers"]) < 1:
            raise CommandError("--per-member、--beat-members、--rounds、--workers 须为正数。")
        with acting_as(None, channel="cli"):
            try:
                report = bench_learning.run(repeat=repeat, per_member=options["per_member"],
                                            members=options["beat_members"], rounds=options["rounds"],
                                            workers=options["workers"], log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write, rollups = self.stdout.write, report["rollups"]
        write(f"数据库：{report['database']}；{report['orgs']} 个党组织，{report['members']} 名在册党员，"
              f"本年度学习记录 {rollups['study_rows']} 行（本次补写 {report['fill']['rows_written']} 行，"
              f"{report['fill']['seconds']} 秒）；之后的读取各 {report['repeat']} 次取中位")
        write(f"{'首次 ms':>10} {'之后 ms':>9} {'峰值MB':>7}  读取")
        for row in rollups["reads"]:
            write(f"{row['first_ms']:>10.1f} {row['warm_ms']:>9.1f} {row['peak_mb']:>7.2f}  {row['label']}")
        page = rollups["page"]
        write(f"{page['cold_ms']:>10.1f} {page['warm_ms']:>9.1f} {page['peak_mb']:>7.2f}  {page['label']}页面"
              + ("" if page["status"] == 200 else f"（状态 {page['status']}）"))
        write(f"全市在线学习 {rollups['city_hours']} 学时；汇总表与逐行重算一致：{'是' if rollups['recount_agrees'] else '否'}")
        for ingest in report["ingestion"]:
            write(f"心跳写入（{ingest['workers']} 个进程）：{ingest['members']} 名党员 {ingest['beats']} 次心跳，"
                  f"计时 {ingest['accepted']} 次，拒绝 {ingest['refused']} 次，{ingest['seconds']} 秒，每秒 {ingest['per_second']} 次")

    def run_regional(self, repeat, options, as_json, log) -> None:
        if min(options["checkins"], options["orders"], options["dispatch"]) < 0 or options["workers"] < 2:
            raise CommandError("--checkins、--orders、--dispatch 不能为负数，--workers 至少为 2。")
        with acting_as(None, channel="cli"):
            try:
                report = bench_regional.run(repeat=repeat, checkins=options["checkins"], orders=options["orders"],
                                            dispatch_orders=options["dispatch"], workers=options["workers"],
                                            threads=options["threads"], log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write, size, counts = self.stdout.write, report["size"], report["counts"]
        write(f"数据库：{report['database']}；{size['orgs']} 个党组织，{size['members']} 名在册党员"
              f"（在职党员 {size['in_service_members']} 名）；社区报到 {size['checkins']} 条（已报到 "
              f"{size['checkins_confirmed']} 条），服务记录 {size['service_records']} 条，群众点单 {size['orders']} 单"
              f"（本次补写报到 {report['fill']['checkins_written']} 条、点单 {report['fill']['orders_written']} 单）")
        write("点单状态：" + "，".join(f"{state} {n}" for state, n in size["orders_by_state"].items()))
        write(f"统计期 {counts['start']} 至 {counts['end']}；之后的读取各 {report['repeat']} 次取中位")
        write(f"{'首次 ms':>10} {'之后 ms':>9} {'峰值MB':>7}  读取")
        for row in counts["reads"]:
            write(f"{row['first_ms']:>10.1f} {row['warm_ms']:>9.1f} {row['peak_mb']:>7.2f}  {row['label']}")
        city = counts["city"]
        write(f"全市：报到 {city['checkins']}，服务 {city['records']} 次 {city['hours']} 小时，点单 {city['orders_ordered']}"
              f"（办结 {city['orders_done']}）；待派单 {counts['open']['waiting']}，超时 {counts['open']['overdue']}；"
              f"汇总表与逐条重算一致：{'是' if counts['recount_agrees'] else '否'}")
        if report["dispatch"] is None:
            return
        write(f"并发派单（{report['dispatch']['community']}）：")
        for run in report["dispatch"]["runs"]:
            write(f"  {run['dispatchers']} 名派单员 × {run['orders']} 单：成功 {run['won']}"
                  f"（各 {'、'.join(map(str, run['won_each']))}），被告知已派出 {run['lost']}，"
                  f"其他错误 {run['errors']}，重复派出 {run['orders_dispatched_twice']} 单；{run['seconds']} 秒，"
                  f"每秒派出 {run['orders_per_second']} 单（尝试 {run['attempts_per_second']} 次）；"
                  f"每单恰好一人派出：{'是' if run['exactly_one_wins'] else '否'}")

    def run_oversight(self, repeat, options, as_json, log) -> None:
        with acting_as(None, channel="cli"):
            try:
                report = bench_oversight.run(repeat=repeat, quarter=options["quarter"], log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write, size = self.stdout.write, report["size"]
        write(f"数据库：{report['database']}；{size['orgs']} 个党组织，{size['members']} 名党员；近12个月会议记录 "
              f"{size['meetings_last_12_months']} 条，整改事项 {size['items']} 项（"
              + "，".join(f"{state} {n}" for state, n in size["items_by_state"].items())
              + f"），群众点单 {size['orders']} 单")
        write(f"{report['quarter']}，截至 {report['as_of']}；之后的读取各 {report['repeat']} 次取中位")
        write(f"{'首次 ms':>10} {'之后 ms':>9} {'峰值MB':>7}  读取")
        for row in report["reads"]:
            write(f"{row['first_ms']:>10.1f} {row['warm_ms']:>9.1f} {row['peak_mb']:>7.2f}  {row['label']}")
        write(f"文件：Word {report['files']['docx_bytes']} 字节，PDF {report['files']['pdf_bytes']} 字节；"
              f"进程峰值内存 {report['peak_rss_mb']} MB")
        recount = report["recount"]
        write(f"全市整改和点单合计：通报 {recount['bulletin']}，逐条重算 {recount['rows']}；"
              f"一致：{'是' if recount['agrees'] else '否'}")

    def run_import(self, rows, as_json, log) -> None:
        if rows < 1:
            raise CommandError("--rows 须为正数。")
        with acting_as(None, channel="cli"):
            report = bench_import.run(rows, log=log)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write(f"数据库：{report['version']}；花名册 {report['rows']} 行（{report['file_mb']} MB .xlsx）")
        write(f"首次导入 {report['import_s']} 秒（预览 {report['preview_s']} + 确认 {report['commit_s']}），新建 {report['created']} 名，"
              f"本进程 CPU {report['import_cpu_s']} 秒，至此峰值内存 {report['import_peak_mb']} MB")
        if "import_db_cpu_s" in report:
            write(f"首次导入期间数据库服务进程 CPU {report['import_db_cpu_s']} 秒")
        write(f"再次导入 {report['reimport_s']} 秒（预览 {report['reimport_preview_s']} + 确认 {report['reimport_commit_s']}），更新 {report['updated']} 名")
        write(f"导出 Excel {report['export_s']} 秒（本进程 CPU {report['export_cpu_s']} 秒；{report['exported']} 行，{report['export_mb']} MB）")
        write(f"峰值内存（RSS）：{report['peak_rss_mb']} MB")

    def run_orglife(self, minutes, as_json, log) -> None:
        if minutes < 1:
            raise CommandError("--minutes 须为正数。")
        with acting_as(None, channel="cli"):
            report = bench_orglife.run(minutes, log=log)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        write = self.stdout.write
        write(f"数据库：{report['version']}；会议记录 {report['minutes']} 份（其中注入的近似抄袭 {report['injected_copies']} 份），"
              f"{report['branches']} 个党支部（{report['orgs']} 个党组织）")
        write(f"生成 {report['generate_s']} 秒，写入会议记录 {report['insert_s']} 秒")
        write(f"建索引 {report['index_build_s']} 秒（指纹 {report['fingerprint_s']} 秒 + 索引行 {report['index_rows_s']} 秒，"
              f"每份 {report['index_per_record_ms']} ms，LSH 分段行 {report['band_rows']} 行）")
        write(f"单份检查（{report['check_samples']} 份）：中位 {report['check_median_ms']} ms，p95 {report['check_p95_ms']} ms，"
              f"最长 {report['check_max_ms']} ms；候选数中位 {report['candidates_median']}，最多 {report['candidates_max']}")
        write(f"查出注入的抄袭 {report['copies_caught']} / {report['copies_sampled']}"
              f"（其中与来源相似度达到阈值的 {report['copies_above_threshold_caught']} / {report['copies_above_threshold']}）；"
              f"原创记录被标记 {report['originals_flagged']} / {report['originals_sampled']}")
        write(f"全市完成情况汇总（{report['rollup_holders']} 个党支部和党小组，{report['rollup_items']} 项）："
              f"最短 {report['rollup_min_ms']} ms，中位 {report['rollup_median_ms']} ms")
        write(f"峰值内存（RSS）：{report['peak_rss_mb']} MB")

    def run(self, orgs, members, repeat, explain, log) -> bench.Report:
        build_seconds = bench.prepare(orgs, members, log=log)
        city = bench.bench_orgs().get(depth=1)
        districts = list(bench.bench_orgs().filter(depth=2).order_by("path"))
        city_admin = bench.bench_user("bench_city_admin", city)
        counts = selectors.subtree_counts(districts, user=city_admin)
        # The largest district: the worst case a district admin meets.
        district = max(districts, key=lambda d: counts[d.pk]["members"])
        district_admin = bench.bench_user("bench_district_admin", district)
        report = bench.Report(
            database=connection.vendor, version=bench.database_version(),
            orgs=bench.bench_orgs().count(), members=selectors.subtree_member_count(city),
            district=district.name, district_members=counts[district.pk]["members"],
            build_seconds=build_seconds,
        )
        bench.run_figures(report, city=city, district=district, districts=districts,
                          city_admin=city_admin, district_admin=district_admin, repeat=repeat)
        if explain:
            report.explains = bench.explain_plans(district, district_admin)
        report.peak_rss_mb = bench.peak_rss_mb()
        return report

    def print_report(self, report: bench.Report) -> None:
        write = self.stdout.write
        write(f"数据库：{report.version}")
        write(f"数据：{report.orgs} 个党组织，{report.members} 名党员；"
              f"测量的区：{report.district}（{report.district_members} 名党员）")
        if report.build_seconds:
            seconds = report.build_seconds
            write(f"建数据用时：党组织 {seconds['orgs']} 秒，党员 {seconds['members']} 秒，"
                  f"统计信息 {seconds['statistics']} 秒")
        write(f"{'最短ms':>10} {'中位ms':>10} {'查询数':>6}  项目")
        for figure in report.figures:
            write(f"{figure.min_ms:>10.1f} {figure.median_ms:>10.1f} {figure.queries:>6}  {figure.label}")
        write(f"峰值内存（RSS）：{report.peak_rss_mb} MB")
        for key, lines in report.explains.items():
            write(f"\n查询计划 {key}：")
            for line in lines:
                write("  " + line)
