"""`dangjian transfers expire`: mark issued letters past their validity expired (run daily)."""

from django.core.management.base import BaseCommand

from core.context import acting_as
from transfers import services


class Command(BaseCommand):
    help = "组织关系转接：将超过有效期仍未接收的介绍信标记为过期（expire，建议每日运行）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{expire}")
        actions.add_parser("expire", help="将超过有效期仍未接收的介绍信标记为过期")

    def handle(self, *args, action, **options):
        with acting_as(None, channel="cli"):
            count = services.expire_overdue()
        self.stdout.write(f"已将 {count} 封超过有效期的介绍信标记为过期")
