"""`dangjian orders purge`: erase the residents' personal data of orders closed long ago (daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from core.context import acting_as
from orders import services


class Command(BaseCommand):
    help = "群众点单：清除办结或关闭满保存期限的订单中群众的姓名、电话、地址和需求（purge，建议每日运行）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{purge}")
        actions.add_parser("purge", help=f"清除关闭满 {settings.ORDERS_KEEP_DAYS} 天的订单中的群众个人信息")

    def handle(self, *args, action, **options):
        with acting_as(None, channel="cli"):
            count = services.purge_personal_data()
        self.stdout.write(f"已清除 {count} 件订单中的群众个人信息（关闭满 {settings.ORDERS_KEEP_DAYS} 天）")
