"""Care for members (关怀帮扶): the visits paid to members in hardship and to senior members
(走访慰问). Who is due a visit is a query (care.selectors), not a stored flag."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from members.models import Member, MemberRecord


class Occasion(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", "春节"
    JULY_FIRST = "july_first", "七一"
    MID_AUTUMN = "mid_autumn", "中秋"
    DOUBLE_NINTH = "double_ninth", "重阳"
    ILLNESS = "illness", "病困"
    DAILY = "daily", "日常"
    OTHER = "other", "其他"


class CareVisit(MemberRecord):
    """One care visit (走访慰问) to a member: when, by whom, on what occasion, what was given.

    Scoped like the archive's records: by the member's current org (the visits follow a
    transferred member), and the member sees the visits paid to them."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="care_visits", verbose_name="党员")
    visited = models.DateField("走访日期")
    visitors = models.CharField("走访人", max_length=100)
    occasion = models.CharField("走访类型", max_length=16, choices=Occasion, default=Occasion.DAILY)
    gifts = models.CharField("慰问内容", max_length=200, blank=True)
    amount = models.DecimalField("慰问金（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")

    class Meta:
        ordering = ["-visited", "-pk"]
        verbose_name = "走访慰问"
        verbose_name_plural = "走访慰问"
        indexes = [
            models.Index(fields=["member", "visited"]),
            models.Index(fields=["visited"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                                   name="care_visit_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.visited} {self.get_occasion_display()}走访"

    def get_absolute_url(self):
        return reverse("care:member", args=[self.member_id])


class VisitMonth(models.Model):
    """Summary table (core.summaries, ``care.visit_month``): care visits per org and month, counted
    at the member's current org as the visits' records are scoped (a transferred member's visits
    move with them: care.services.follow_members). Kept by the visit services in their
    transactions; read by the insights dashboards."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    month = models.DateField("月份")
    visits = models.PositiveIntegerField("走访人次", default=0)

    class Meta:
        verbose_name = "走访慰问月度汇总"
        verbose_name_plural = "走访慰问月度汇总"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="visit_month_once")]
        indexes = [models.Index(fields=["month"], name="visit_month_by_month")]  # the city's months, no path range

    def __str__(self):
        return f"{self.month:%Y-%m} 走访{self.visits}人次"
