"""The dues summaries (core.summaries): computed from the records for `dangjian summaries
--check | --rebuild`; dues.services keeps them in the payment's transaction."""

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth

from core import summaries
from dues.models import DuesMonth, DuesPaidCount, DuesPayment, DuesStanding
from members.models import ACTIVE_STATUSES


def paid_count_rows(org_ids: list[int] | None):
    """Members in good standing per their current org and the month paid up to (a member who left,
    died or moved out is not counted: dues.services.follow_members)."""
    standings = DuesStanding.objects.filter(member__status__in=ACTIVE_STATUSES)
    if org_ids is not None:
        standings = standings.filter(member__org_id__in=org_ids)
    counts: dict[tuple[int, int], int] = {}
    for org_id, paid_up_to, first_due in standings.values_list("member__org_id", "paid_up_to", "first_due").iterator():
        if paid_up_to is not None:
            key = paid_up_to
        else:
            key = first_due - 1 if first_due is not None else 0
        counts[(org_id, key)] = counts.get((org_id, key), 0) + 1
    for (org_id, paid_up_to), members in counts.items():
        yield {"org_id": org_id, "paid_up_to": paid_up_to, "members": members}


def month_rows(org_ids: list[int] | None):
    payments = DuesPayment.objects.filter(voided_on__isnull=True)  # a voided payment counts nowhere
    if org_ids is not None:
        payments = payments.filter(org_id__in=org_ids)
    grouped = (payments.annotate(month=TruncMonth("paid_on")).values("org_id", "month")
               .annotate(payments=Count("pk"), amount_fen=Sum("amount_fen")).order_by())
    for row in grouped:
        yield {"org_id": row["org_id"], "month": row["month"], "payments": row["payments"], "amount_fen": row["amount_fen"]}


def register() -> None:
    summaries.register(summaries.Summary(
        name="dues.paid_count", model=DuesPaidCount, key=("org_id", "paid_up_to"), values=("members",),
        compute=paid_count_rows, label="党费缴纳状态汇总"))
    summaries.register(summaries.Summary(
        name="dues.month", model=DuesMonth, key=("org_id", "month"), values=("payments", "amount_fen"),
        compute=month_rows, label="党费月度收缴汇总"))
