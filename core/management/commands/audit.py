"""`dangjian audit verify` checks the hash chain; `dangjian audit purge` applies the retention."""

from django.core.management.base import BaseCommand, CommandError

from core import audit
from core.context import acting_as


class Command(BaseCommand):
    help = "审计日志：校验哈希链（verify），或删除超过保存期限的记录（purge）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,purge}")
        actions.add_parser("verify", help="校验审计链是否完整；被篡改时退出码为 1")
        purge = actions.add_parser("purge", help="删除超过保存期限的审计记录（不少于 184 天）")
        purge.add_argument("--days", type=int, default=None,
                           help="保存天数，默认取 DANGJIAN_AUDIT_RETENTION_DAYS；小于 184 按 184 计")

    def handle(self, *args, action, **options):
        if action == "verify":
            self.verify()
        else:
            self.purge(options.get("days"))

    def verify(self):
        result = audit.verify()
        self.stdout.write(result.message())
        if not result.intact:
            raise CommandError("审计链校验未通过", returncode=1)

    def purge(self, days):
        if days is not None and days < 1:
            raise CommandError("--days 须为正整数")
        with acting_as(None, channel="cli"):
            deleted = audit.purge_expired(days=days)
        self.stdout.write(f"已删除 {deleted} 条超过保存期限的审计记录")
