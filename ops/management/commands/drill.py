"""`dangjian drill MODE`: the load and fault drills of ../shared/reliability.md (ops/drill.py)."""

import json

from django.core.management.base import BaseCommand, CommandError

from core.context import acting_as
from ops import drill

MODES = ["load", "spike", "kill", "pg-restart", "sqlite-crash"]


class Command(BaseCommand):
    help = ("负载与故障演练（仅演示模式）：load 持续负载（L1）、spike 突增（L2）、kill 杀工作进程（F1）、"
            "pg-restart PostgreSQL 立即停止再启动（F2）、sqlite-crash SQLite 并发写入中杀掉服务（F4）")

    def add_arguments(self, parser):
        parser.add_argument("mode", choices=MODES)
        parser.add_argument("--users", type=int, default=50, help="模拟用户数（sqlite-crash：并发写入者数）")
        parser.add_argument("--seconds", type=int, default=600, help="演练时长（秒）")
        parser.add_argument("--peak", type=int, default=200, help="spike：突增到的模拟用户数")
        parser.add_argument("--every", type=int, default=15, help="kill：每隔多少秒杀一个工作进程")
        parser.add_argument("--writes", type=float, default=0.2, help="写请求所占比例（0–1）")
        parser.add_argument("--think", type=float, default=1.0, help="每个模拟用户两次请求之间的平均间隔（秒）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, mode, users, seconds, peak, every, writes, think, **options):
        if users < 1 or seconds < 1 or every < 1 or peak < users or not 0 <= writes <= 1 or think < 0:
            raise CommandError("参数无效：用户数、时长、间隔须为正数，--peak 不小于 --users，--writes 在 0 到 1 之间")
        with acting_as(None, channel="cli"):
            try:
                result = drill.run(mode, users=users, seconds=seconds, peak=peak, every=every, writes=writes,
                                   think=think, log=self.stdout.write)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(_json(result) if options["json"] else _text(result))
        if result["writes"]["lost"] or result["writes"]["duplicated"]:
            raise CommandError("有已确认的写入丢失或重复")


def _json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def _text(result: dict) -> str:
    lines = [f"演练 {result['mode']}（{result['database']}，{result['users']} 个模拟用户，{result['seconds']} 秒）"]
    for kind, figures in result["all"].items():
        lines.append(f"  {'读' if kind == 'read' else '写'}：{figures['requests']} 个请求，p50 {figures['p50_ms']} ms，"
                     f"p95 {figures['p95_ms']} ms，状态 {figures['statuses']}")
    for key, label in (("peak", "突增期间"), ("during_stop", "数据库停止期间")):
        for kind, figures in result.get(key, {}).items():
            lines.append(f"  {label}{'读' if kind == 'read' else '写'}：状态 {figures['statuses']}，p95 {figures['p95_ms']} ms")
    if "recovery_s" in result:
        lines.append(f"  恢复用时：{result['recovery_s']} 秒" if result["recovery_s"] is not None else "  演练结束前未恢复")
    if "integrity" in result:
        lines.append(f"  integrity_check：{result['integrity']}")
    writes = result["writes"]
    lines.append(f"  写入：已确认 {writes['acknowledged']}，丢失 {writes['lost']}，重复 {writes['duplicated']}，"
                 f"未得到答复 {writes['unanswered']}（其中已写入 {writes['unanswered_present']}）")
    lines.append(f"  服务进程内存：开始 {result['rss_start_mb']} MB，结束 {result['rss_end_mb']} MB")
    return "\n".join(lines)
