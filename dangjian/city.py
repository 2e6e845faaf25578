"""`dangjian demo --scale city`: 天津市 at full size — about 52,000 orgs over 16 districts of
uneven size and 1,000,000 members — with meetings from January of last year (the article's
figures for last year's annual report, where a module has them: orglife.city), recruitment cases, transfers, care
visits, dues, exams, group studies and training classes, in-service members' check-ins with their
communities (14.4万) and residents' orders (5万), and portal articles with reads, built in bulk in
under half an hour on a 2-core machine.

Each app's generator is ``<app>/city.py`` with one ``load(rng, ...)``; they run in order, one stage
and transaction each, with a progress line per stage (count and elapsed seconds). The records skip
the services (too slow for a million rows), so every registered summary is rebuilt at the end
(``core.summaries.rebuild()``: summaries added later are filled too). Then the demo accounts
(accounts.demo, members.demo.load_accounts) and one audit record. A module that adds records to
``dangjian demo`` adds its ``<app>/city.py`` and a stage here (docs/architecture.md, "Demo")."""

import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from accounts import demo as accounts_demo
from care import city as care_city
from community import demo as community_demo
from core import audit, summaries
from core.context import acting_as
from dangjian import bench
from dangjian import demo_points as points_demo
from dues import city as dues_city
from exams import city as exams_city
from fivegood import demo as fivegood_demo
from lagging import demo as lagging_demo
from learning import city as learning_city
from members import city as members_city
from members import demo as members_demo
from members.models import Member
from orders import demo as orders_demo
from orglife import city as orglife_city
from orgs import city as orgs_city
from oversight import demo as oversight_demo
from pledges import city as pledges_city
from portal import city as portal_city
from recruitment import city as recruitment_city
from reviews import demo as reviews_demo
from soe import demo as soe_demo
from training import city as training_city
from transfers import city as transfers_city


def build(*, rng: random.Random, orgs: int, members: int, log: Callable[[str], None]) -> dict[str, float]:
    """Build the city; returns the seconds of each stage (and ``total``)."""
    started = time.monotonic()
    seconds: dict[str, float] = {}

    def stage(name: str, label: str, fn: Callable[[], object], shown: Callable[[object], object] = str) -> object:
        began = time.monotonic()
        with acting_as(None, channel="cli"), transaction.atomic():
            result = fn()
        seconds[name] = round(time.monotonic() - began, 1)
        log(f"{label}：{shown(result)}，用时 {seconds[name]} 秒（累计 {time.monotonic() - started:.0f} 秒）")
        return result

    def progress(what: str) -> Callable[[int], None]:
        shown = [0]

        def report(done: int) -> None:  # a line per 100,000 rows
            if done // 100_000 > shown[0]:
                shown[0] = done // 100_000
                log(f"  {what} {done}（累计 {time.monotonic() - started:.0f} 秒）")
        return report

    stage("orgs", "党组织", lambda: orgs_city.load(rng, shape=bench.Shape.for_size(orgs), spread=bench.spread))
    serials: dict[str, int] = stage(  # type: ignore[assignment]
        "members", "党员", lambda: members_city.load(rng, total=members, spread=bench.spread, id_number=bench.id_number,
                                  regions=bench.REGIONS, progress=progress("党员")),
        lambda _: Member.objects.count())
    stage("accounts", "演示账号", lambda: len(accounts_demo.load()) + len(members_demo.load_accounts()))
    stage("orglife", "会议记录（三会一课）", lambda: orglife_city.load(rng, members=members, progress=progress("会议记录")))
    stage("recruitment", "发展党员案例", lambda: recruitment_city.load(
        rng, per_branch=0.3, serials=serials, id_number=bench.id_number, regions=bench.REGIONS))
    stage("transfers", "组织关系介绍信", lambda: transfers_city.load(rng))
    stage("care", "走访慰问", lambda: care_city.load(rng))
    stage("dues", "党费（本年度核定、缴纳状态、最近一次缴纳）", lambda: dues_city.load(rng))
    stage("learning", "在线学习记录（抽样党员）", lambda: learning_city.load(rng))
    stage("exams", "学习测试答卷（抽样党员）", lambda: exams_city.load(rng))
    stage("training", "集中学习和培训班", lambda: training_city.load(rng))
    stage("pledges", "党员承诺和岗位（抽样党员）", lambda: pledges_city.load(rng))
    # The members of the districts' organ, institution and SOE branches (orgs/city.py: about a fifth of the
    # branches, so about 220,000 members in the full city) check in where they live: the article's 14.4万 (all
    # of them in a smaller city). `dangjian bench regional` tops the check-ins up to its 150,000 itself.
    stage("community", "在职党员到社区报到（14.4万）", lambda: community_demo.load(rng, target=144_000, max_records=3))
    # Residents' orders of the last month to the communities with confirmed check-ins: 50,000 for the million
    # members (issue 17's bench), in proportion for a smaller city.
    stage("orders", "群众点单（5万）", lambda: orders_demo.load(rng, target=max(1, round(50_000 * members / 1_000_000))))
    # Guidance plans, each district's and street's supervision teams and visits, the half-year's inspections
    # of 8 % of the branches with their findings in every state (issue 18's bench reads them).
    stage("oversight", "督导检查和巡查整改", lambda: oversight_demo.load(rng))
    # 五好党支部: the city's and a district's rural standards, a tenth of the branches assessed this year in
    # every state, the article's 60 exemplars (遴选60个先进典型) among the 五好 ones.
    stage("fivegood", "五好党支部考评", lambda: fivegood_demo.load(rng, share=0.1))
    # The year's 述职评议: the city's districts' secretaries rated and their results fed back, 和平区's
    # round open (only with the demo's accounts: its reviewers are they).
    stage("reviews", "述职评议", lambda: reviews_demo.load(rng))
    # The article's 1,116 lagging orgs (排查相对后进基层党组织1116个) at the full 52,000 orgs, in proportion for a
    # smaller city, with their plans and tasks, a third closed.
    stage("lagging", "后进党组织整顿（1116个）", lambda: lagging_demo.load(rng, target=lagging_demo.city_target(orgs)))
    # The city's five SOE party-building tasks and each district's own, divided among the SOE committees,
    # with this year's quarterly progress (the bulletin's 国企党建工作台账 section).
    stage("soe", "国企党建工作台账", lambda: soe_demo.load(rng))
    stage("points", "学习积分（由学习、练习、考试、集中学习和培训记录得出）", points_demo.load)
    stage("portal", "资讯文章", lambda: portal_city.load(rng, articles=max(20, min(2000, orgs // 25))))
    stage("summaries", "汇总表重建", lambda: "、".join(
        f"{d.summary.name} {d.rows} 行" for d in summaries.rebuild()))
    # Last quarter's bulletins of the city and 和平区 (when the demo's accounts exist), from the summaries.
    stage("bulletins", "季度通报", lambda: f"{len(oversight_demo.load_bulletins())} 期")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    with acting_as(None, channel="cli"), transaction.atomic():
        audit.record("demo.load", changes={"scale": "city", "orgs": orgs, "members": members})
    seconds["total"] = round(time.monotonic() - started, 1)
    log(f"城市规模演示数据已载入，共用时 {seconds['total']} 秒。")
    return seconds
