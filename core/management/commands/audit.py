"""`dangjian audit verify|checkpoint|purge|guard`: the audit trail's keyed hash chain, its signed
checkpoints outside the database, the retention, and the database triggers."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core import audit, audit_guard
from core.context import acting_as


class Command(BaseCommand):
    help = "审计日志：校验哈希链（verify）、写入检查点（checkpoint）、删除超过保存期限的记录（purge）、重新安装触发器（guard）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True,
                                        metavar="{verify,checkpoint,purge,guard}")
        verify = actions.add_parser("verify", help="校验审计链是否完整；被篡改时退出码为 1")
        verify.add_argument("--checkpoints", default=None, metavar="FILE",
                            help="对照的检查点文件，默认为日志目录中的 audit-checkpoints.jsonl；"
                                 "也可以是从日志中取出的 audit checkpoint 行")
        actions.add_parser("checkpoint", help="为审计链的当前末尾写入签名检查点（文件和日志；应定时运行）")
        purge = actions.add_parser("purge", help="删除超过保存期限的审计记录（不少于 184 天）")
        purge.add_argument("--days", type=int, default=None,
                           help="保存天数，默认取 DANGJIAN_AUDIT_RETENTION_DAYS；小于 184 按 184 计")
        actions.add_parser("guard", help="重新安装审计表的只追加触发器（部署检查报告缺失时）")

    def handle(self, *args, action, **options):
        getattr(self, action)(**options)

    def verify(self, checkpoints=None, **options):
        result = audit.verify(checkpoints=checkpoints)
        self.stdout.write(result.message())
        if not result.intact:
            raise CommandError("审计链校验未通过", returncode=1)

    def checkpoint(self, **options):
        line = audit.write_checkpoint()
        self.stdout.write(f"已写入检查点：第 {line['seq']} 条，{line['time']}")

    def purge(self, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days 须为正整数")
        with acting_as(None, channel="cli"):
            deleted = audit.purge_expired(days=days)
        self.stdout.write(f"已删除 {deleted} 条超过保存期限的审计记录")

    def guard(self, **options):
        with acting_as(None, channel="cli"), transaction.atomic():
            missing = audit_guard.missing(connection)
            audit_guard.install(connection)
            audit.record("audit.guard", changes={"installed": missing})
        self.stdout.write(f"已安装审计表触发器（原缺少：{'、'.join(missing) or '无'}）")
