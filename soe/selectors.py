"""Reads of the SOE ledgers: a committee's shares still to report this quarter, a task's ledger
(its shares, each with its reports by quarter) and the figures the quarterly bulletin takes."""

from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from core.access import get_scope
from core.registry import BulletinPart
from orgs.models import Org
from orgs.selectors import rollup
from oversight.bulletins import quarter_bounds, quarter_of
from soe.models import Progress, SoeReport, SoeShare, SoeTask


def to_report(user, today: date):
    """Shares of the committees where the user reports (oversight.change) not done and without
    this quarter's report."""
    year, quarter = quarter_of(today)
    scope = get_scope(user)
    return (SoeShare.objects.visible_to(user, "view")
            .filter(scope.org_q("org__path", "oversight.change"), task__year__lte=year)
            .exclude(progress=Progress.DONE).exclude(reports__year=year, reports__quarter=quarter)
            .select_related("task", "org").order_by("due_on", "pk"))


def ledger(task: SoeTask, today: date) -> list[tuple[SoeShare, list[SoeReport | str | None]]]:
    """The task's shares, each with its reports of the task's year by quarter: the report, None
    where one is owed and not in, "" where none is owed (a quarter not begun, or ended before the
    task was divided)."""
    shares = list(task.shares.select_related("org").order_by("org__path"))
    divided = timezone.localtime(task.created).date()
    owed = [quarter_bounds(task.year, q)[0] <= today and quarter_bounds(task.year, q)[1] >= divided
            for q in (1, 2, 3, 4)]
    by_share: dict[int, list[SoeReport | str | None]] = {
        share.pk: [None if owed[q] else "" for q in range(4)] for share in shares}
    for report in SoeReport.objects.filter(share__task=task, year=task.year):
        by_share[report.share_id][report.quarter - 1] = report
    return [(share, by_share[share.pk]) for share in shares]


def bulletin_part(root: Org, children: list[Org], start: date, end: date, as_of: date) -> BulletinPart:
    """国企党建工作台账 for a bulletin, per child org: the shares of the year's tasks held by SOE
    committees in its subtree, those reported this quarter, done by ``as_of``, and past their due
    day undone as of ``as_of`` (one grouped query each on the indexed rows)."""
    year, quarter = quarter_of(start)
    orgs = [root, *children]
    done = Q(done_on__isnull=False, done_on__lte=as_of)
    shares = rollup(orgs, SoeShare.objects.filter(task__year=year), "org__path",
                    {"shares": Count("pk"), "done": Count("pk", filter=done),
                     "overdue": Count("pk", filter=Q(due_on__lt=as_of) & ~done)})
    reported = rollup(orgs, SoeReport.objects.filter(share__task__year=year, year=year, quarter=quarter),
                      "share__org__path", {"reported": Count("pk")})

    def of(org: Org) -> dict:
        figures = {**shares[org.pk], **reported[org.pk]}
        figures["rate"] = round(100 * figures["done"] / figures["shares"]) if figures["shares"] else None
        return figures
    total = of(root)
    text = (f"{year}年国企党建工作任务分工到{root.name}所属国有企业党组织{total['shares']}项次，"
            f"本季度报送进展{total['reported']}项次，已完成{total['done']}项次"
            + (f"（{total['rate']}%）" if total["rate"] is not None else "")
            + (f"，逾期未完成{total['overdue']}项次。" if total["overdue"] else "，没有逾期未完成的任务。"))
    return BulletinPart(
        columns=[("shares", "任务分工（项次）"), ("reported", "本季度报送"), ("done", "已完成"),
                 ("overdue", "逾期未完成"), ("rate", "完成率（%）")],
        rows={child.pk: of(child) for child in children}, total=total, rank_by="rate", higher_better=True,
        text=text,
        basis=(f"soe_soeshare（任务分工，每个责任党组织一行）和 soe_soereport（季度进展）：{root.name}及其下级的"
               f"国有企业党组织承担的{year}年任务；已完成、逾期按截至{as_of:%Y年%m月%d日}的状态，"
               f"报送按{year}年第{quarter}季度"))


def report_periods(share: SoeShare, today: date) -> list[tuple[int, int]]:
    """The quarters a report may be made for, latest first: from the task's first quarter, or the
    last quarter reported (it may be corrected), to the current one."""
    last = share.reports.order_by("-year", "-quarter").values_list("year", "quarter").first()
    start = last or (share.task.year, 1)
    year, quarter = quarter_of(today)
    periods = []
    while (year, quarter) >= start:
        periods.append((year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return periods
