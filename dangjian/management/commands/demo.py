"""`dangjian demo`: build the demo city (about a minute at most). Each module adds its records.
`dangjian demo --scale city`: the city at full size, in bulk (dangjian/city.py)."""

import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from care import demo as care_demo
from community import demo as community_demo
from core import audit, summaries
from core.context import acting_as
from dangjian import city
from dangjian import demo_points as points_demo
from dues import demo as dues_demo
from exams import demo as exams_demo
from fivegood import demo as fivegood_demo
from insights import demo as insights_demo
from lagging import demo as lagging_demo
from learning import demo as learning_demo
from members import demo as members_demo
from notifications import demo as notifications_demo
from orders import demo as orders_demo
from orglife import demo as orglife_demo
from orgs import demo as orgs_demo
from orgs.models import Org
from oversight import demo as oversight_demo
from pledges import demo as pledges_demo
from portal import demo as portal_demo
from recruitment import demo as recruitment_demo
from regional import demo as regional_demo
from reviews import demo as reviews_demo
from soe import demo as soe_demo
from training import demo as training_demo
from transfers import demo as transfers_demo

DEMO_MEMBERS = 5000
CITY_ORGS = 52_000
CITY_MEMBERS = 1_000_000


class Command(BaseCommand):
    help = "载入演示数据：天津市16个区，和平区、河西区到党支部和党小组，约5000名党员，以及演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有数据时不做任何事（make run 用）")
        parser.add_argument("--scale", choices=("demo", "city"), default="demo",
                            help="demo：小规模演示（默认）；city：天津市全量规模（约52,000个党组织、100万名党员，批量写入）")
        parser.add_argument("--orgs", type=int, default=CITY_ORGS, help="--scale city 的党组织数（测试用小规模）")
        parser.add_argument("--members", type=int, default=None,
                            help=f"党员数（默认：demo {DEMO_MEMBERS}，city {CITY_MEMBERS}）")
        parser.add_argument("--seed", type=int, default=2017)

    def handle(self, *args, if_empty, members, seed, scale="demo", orgs=CITY_ORGS, **options):
        if Org.objects.exists():
            if if_empty:
                self.stdout.write("已有数据，保留现有数据（不重新载入演示数据）。")
                self.print_accounts()
                return
            raise CommandError("数据库中已有党组织数据；演示数据只能载入空数据库。")
        if not settings.INVENTED_DATA_ALLOWED:
            raise CommandError("演示数据只能在演示模式（DANGJIAN_DEMO=1）下载入。")
        if scale == "city":
            if orgs < 200 or (members or CITY_MEMBERS) < 100:
                raise CommandError("城市规模至少需要200个党组织、100名党员。")
            city.build(rng=random.Random(seed), orgs=orgs, members=members or CITY_MEMBERS, log=self.stdout.write)
            self.print_accounts()
            return
        members = members or DEMO_MEMBERS
        started = time.monotonic()
        rng = random.Random(seed)
        with acting_as(None, channel="cli"), transaction.atomic():
            orgs_demo.load(rng)
            names = members_demo.load(rng, target=members)
            orgs_demo.load_terms(rng, names)
            care_demo.load(rng)
            transfers_demo.load(rng)
            accounts_demo.load()
            members_demo.load_accounts()  # the demo secretary and member, members of a branch
            # its own generator: the loaders after it draw the same numbers as before it was added
            dues_demo.load(random.Random(f"dues-{seed}"))  # after the letters: they carry "paid up to"
            portal_demo.load(rng)  # before recruitment, whose notices land in its 党务公开 channel
            recruitment_demo.load(rng)  # entered by the city admin's account, through the services
            orglife_demo.load(rng)  # after the accounts: the demo secretary's branch gets upcoming meetings
            learning_demo.load(rng)  # a year of online study, most members on track, some behind
            exams_demo.load(random.Random(f"exams-{seed}"))  # the city's bank, this month's exam, practice
            training_demo.load(random.Random(f"training-{seed}"))  # branches' group studies, rotation classes
            pledges_demo.load(random.Random(f"pledges-{seed}"))  # members' pledges and records, duty posts
            points_demo.load()  # points from the study, practice, exams, group study and training above
            regional_demo.load(random.Random(f"regional-{seed}"))  # 创新大厦: its units, instructors, orgs served
            regional_demo.load_villages(random.Random(f"villages-{seed}"))  # 北辰区 双街村 paired, its plan
            regional_demo.load_cobuilding(random.Random(f"cobuilding-{seed}"))  # a street's 大工委 and its lists
            community_demo.load(random.Random(f"community-{seed}"))  # in-service members checked in, service, ratings
            orders_demo.load(random.Random(f"orders-{seed}"))  # menus and a month of residents' orders, every state
            oversight_demo.load(random.Random(f"oversight-{seed}"))  # plans, teams and visits, inspections, findings
            fivegood_demo.load(random.Random(f"fivegood-{seed}"))  # 五好党支部: standards, assessments, exemplars
            reviews_demo.load(random.Random(f"reviews-{seed}"))  # 述职评议: the city's closed, 和平区's open
            lagging_demo.load(random.Random(f"lagging-{seed}"))  # a dozen lagging branches, 一支一策, some closed
            soe_demo.load(random.Random(f"soe-{seed}"))  # SOE tasks divided, this year's quarterly progress
            insights_demo.load()  # the demo secretary's workbench: a correction, a letter coming in, a visit due
            summaries.rebuild()  # the loaders insert in bulk, past the services that keep the summaries
            oversight_demo.load_bulletins()  # last quarter's bulletins, from the summaries just rebuilt
            notifications_demo.load()  # last: letters waiting and today's reminders, for the header's count
            audit.record("demo.load", changes={"orgs": Org.objects.count(), "members": members})
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入，用时 {time.monotonic() - started:.1f} 秒。"))
        self.print_accounts()

    def print_accounts(self):
        self.stdout.write(f"演示账号（密码均为 {accounts_demo.DEMO_PASSWORD}）：")
        for username, _, role, code in accounts_demo.ACCOUNTS:
            self.stdout.write(f"  {username:<13} {role.label}{'@' + code if code else ''}")
        self.stdout.write("  secretary     和平区某社区第一党支部书记")
        self.stdout.write("  member        该党支部党员")
        self.stdout.write("  news_editor   资讯编辑（资讯栏目）；news_reviewer 资讯审核（资讯、通知公告、党务公开）")
