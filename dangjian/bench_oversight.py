"""`dangjian bench oversight`: on the data set in the database (the city-sized demo), what issue 18
asks of the quarterly bulletin at the city's size — generating the city's bulletin for a quarter
(by default the current one, as of today: the demo's inspections and findings are in it):

- **the data**: orgs, members, meetings of the last twelve months, rectification items by state,
  check-ins and orders;
- **the bulletin**: every section the modules offer (``oversight.bulletins.sections_for``: the
  compliance roll-up, recruitment steps, study hours, rectification, check-ins and services,
  orders), for the city (its districts ranked) and for its largest district (its streets ranked) —
  first call, then the median of ``repeat``, and tracemalloc's peak of a further call — and each
  section of the city's on its own; the .docx and the PDF written from the city's;
- **agreement**: the city's rectification and order totals against the same figures recounted
  from the items and orders themselves (they must be equal).

Nothing is written: the bulletin is computed as the service would store it, not stored."""

from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.registry import bulletin_sections
from dangjian.bench import peak_rss_mb
from dangjian.bench_dues import timed
from members.models import ACTIVE_STATUSES, MemberCount
from orders.models import ServiceOrder
from orglife.models import Meeting
from orgs.models import Org
from orgs.selectors import children
from oversight import bulletins
from oversight.models import Bulletin, InspectionNotice, ItemState, RectificationItem
from soe.models import SoeReport, SoeShare


def size(today) -> dict:
    items = dict(RectificationItem.objects.order_by().values_list("state").annotate(n=Count("pk")))
    members = MemberCount.objects.filter(status__in=ACTIVE_STATUSES).order_by().values_list("total", flat=True)
    return {"orgs": Org.objects.count(), "members": sum(members),
            "meetings_last_12_months": Meeting.objects.filter(held_on__gt=today - timedelta(days=365)).count(),
            "items": sum(items.values()), "items_by_state": {state: items.get(state, 0) for state in ItemState.values},
            "orders": ServiceOrder.objects.count(), "soe_shares": SoeShare.objects.count(),
            "soe_reports": SoeReport.objects.count()}


def recount(city: Org, start, end, as_of) -> dict:
    """The rectification, order and SOE ledger totals of the city's bulletin, recounted from the rows."""
    items = RectificationItem.objects.filter(Q(inspection__org__path__startswith=city.path)
                                             | Q(inspection__notice=InspectionNotice.ANNOUNCED))
    closed_by = timezone.make_aware(timezone.datetime.combine(as_of + timedelta(days=1), timezone.datetime.min.time()))
    open_then = items.filter(found_on__lte=as_of).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=closed_by))
    orders = ServiceOrder.objects.filter(day__range=(start, end))
    shares = SoeShare.objects.filter(task__year=start.year, org__path__startswith=city.path)
    return {"opened": items.filter(found_on__range=(start, end)).count(),
            "closed": items.filter(state=ItemState.CLOSED, closed_at__date__range=(start, end)).count(),
            "open": open_then.count(), "overdue": open_then.filter(deadline__lt=as_of).count(),
            "ordered": orders.count(), "soe_shares": shares.count(),
            "soe_done": shares.filter(done_on__lte=as_of).count()}


def run(*, repeat: int, quarter: str = "", log=print) -> dict:
    today = timezone.localdate()
    city = Org.objects.filter(depth=1).order_by("path").first()
    if city is None:
        raise ValueError("库中没有城市规模演示数据（dangjian demo --scale city）")
    if quarter:
        try:
            year, number = (int(part) for part in quarter.split("-"))
            start, end = bulletins.quarter_bounds(year, number)
        except (ValueError, KeyError) as exc:
            raise ValueError("--quarter 格式为 年-季度，如 2026-4") from exc
    else:
        year, number = bulletins.quarter_of(today)
        start, end = bulletins.quarter_bounds(year, number)
    if start > today:
        raise ValueError("该季度尚未开始")
    as_of = min(end, today)
    report: dict = {"database": connection.vendor, "repeat": repeat, "quarter": f"{year}年第{number}季度",
                    "as_of": as_of.isoformat(), "size": size(today)}
    districts = children(city, groups=False)
    largest = max(districts, key=lambda d: MemberCount.objects.filter(
        org__path__startswith=d.path, status__in=ACTIVE_STATUSES).aggregate(n=Sum("total"))["n"] or 0)
    reads = []

    def measure(label: str, fn) -> object:
        first, warm, peak, result = timed(fn, repeat)
        reads.append({"label": label, "first_ms": first, "warm_ms": warm, "peak_mb": peak})
        log(f"  {label}：首次 {first} ms，之后 {warm} ms，峰值 {peak} MB")
        return result

    log(f"全市季度通报（{report['quarter']}，截至 {as_of}）……")
    sections = measure(f"全市季度通报（{len(districts)} 个区排名）",
                       lambda: bulletins.sections_for(city, year, number, as_of))
    measure(f"{largest.name}季度通报（{len(children(largest, groups=False))} 个下级排名）",
            lambda: bulletins.sections_for(largest, year, number, as_of))
    for section in bulletin_sections():
        measure(f"  其中：{section.title}", lambda s=section: s.compute(city, districts, start, end, as_of))
    draft = Bulletin(org=city, year=year, quarter=number, title=bulletins.default_title(city, year, number),
                     intro=bulletins.default_intro(city, year, number), closing=bulletins.DEFAULT_CLOSING,
                     sections=sections, as_of=as_of, generated_at=timezone.now())
    docx = measure("写出 Word（.docx）", lambda: bulletins.docx_bytes(draft))
    pdf = measure("写出 PDF", lambda: bulletins.pdf_bytes(draft))
    report["reads"] = reads
    report["files"] = {"docx_bytes": len(docx), "pdf_bytes": len(pdf)}
    totals = {s["key"]: s["total"] for s in sections}
    recounted = recount(city, start, end, as_of)
    shown = {**{k: totals["oversight"][k] for k in ("opened", "closed", "open", "overdue")},
             "ordered": totals["orders"]["ordered"], "soe_shares": totals["soe"]["shares"],
             "soe_done": totals["soe"]["done"]}
    report["city"] = totals
    report["recount"] = {"bulletin": shown, "rows": recounted, "agrees": shown == recounted}
    report["peak_rss_mb"] = peak_rss_mb()
    return report
