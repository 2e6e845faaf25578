"""`dangjian notifications remind [--days N]`: the daily reminders (meetings due this period,
recruitment steps due within N days or overdue), run by the scheduler (ops.scheduler JOBS,
"reminders", 08:00). Run twice on a day, it reminds once (one message per recipient, kind, link
and day)."""

from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "站内消息：remind 生成到期提醒（组织生活、发展党员步骤）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        remind = sub.add_parser("remind", help="生成今天的到期提醒（同一天重复运行不重复提醒）")
        remind.add_argument("--days", type=int, default=7, help="提前几天提醒发展党员步骤（默认 7）")

    def handle(self, *args, action: str, days: int = 7, **options):
        written = services.remind(days=days)
        self.stdout.write(f"到期提醒：新增 {written} 条站内消息")
