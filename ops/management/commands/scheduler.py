"""`dangjian scheduler`: run the scheduled jobs at their times (ops/scheduler.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from ops import scheduler


class Command(BaseCommand):
    help = "定时任务调度：按设定时间运行备份、介绍信过期处理、审计检查点等（--once 只检查一次）"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查并运行一次到期的任务后退出")
        parser.add_argument("--interval", type=int, default=30, help="两次检查之间的秒数（默认 30）")

    def handle(self, *args, once, interval, **options):
        bad = scheduler.check_settings()
        if bad:
            raise CommandError(f"SCHEDULE 中以下任务的时间无法识别：{'、'.join(bad)}（应为 HH:MM、every N 或空）")
        if interval < 1:
            raise CommandError("--interval 须为正整数")
        while True:
            for record in scheduler.tick():
                self.stdout.write(f"{record.job} 第 {record.attempt} 次：{record.get_status_display()}")
            if once:
                return
            time.sleep(interval)
