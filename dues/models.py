"""Party dues (党费, rules.md §5): each member's yearly base and monthly amount, the payments the
branch records, and two summary tables (core.summaries) kept by dues.services in the same
transaction: how many members of each org are paid up to each month (arrears up the tree are
one range of it), and the money each org received per month."""

from django.conf import settings
from django.db import models

from core.models import BaseModel
from dues.rules import Category, fen_to_yuan, month_label
from members.models import Member, MemberRecord


class DuesYear(MemberRecord):
    """A member's dues for one year (年度党费核定): the base and category the branch entered or
    imported, the monthly amount the rules give, a reduction or exemption approved by the level
    above, and the secretary's confirmation. The amount is fixed for the year once confirmed."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_years", verbose_name="党员")
    year = models.PositiveSmallIntegerField("年度")
    category = models.CharField("人员类别", max_length=12, choices=Category)
    base_fen = models.BigIntegerField("缴费基数（分）", null=True, blank=True)
    rate_bp = models.PositiveSmallIntegerField("费率（万分之）", null=True, blank=True)
    amount_fen = models.PositiveIntegerField("按规定月缴纳额（分）")
    adjusted_fen = models.PositiveIntegerField("减免后月缴纳额（分）", null=True, blank=True)
    adjustment_approval = models.CharField("减免批准文件", max_length=200, blank=True)
    confirmed_on = models.DateField("书记确认日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="确认人")

    class Meta:
        ordering = ["-year", "member_id"]
        verbose_name = "年度党费核定"
        verbose_name_plural = "年度党费核定"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="dues_year_once"),
            models.CheckConstraint(condition=models.Q(base_fen__isnull=True) | models.Q(base_fen__gte=0),
                                   name="dues_year_base_not_negative"),
        ]

    def __str__(self):
        return f"{self.year}年党费 {fen_to_yuan(self.due_fen)}元/月"

    @property
    def due_fen(self) -> int:
        """What the member pays a month: the approved reduced amount, else the rules' amount."""
        return self.amount_fen if self.adjusted_fen is None else self.adjusted_fen


class DuesStanding(MemberRecord):
    """Where a member stands (缴费状态): the month their dues are paid up to and the first month
    they owe (the admission month). One row per member, kept by the payment service."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="dues_standing", verbose_name="党员")
    # The branch whose figures count the member (DuesPaidCount): the member's org, followed on
    # every change of org (members.signals.member_moved → dues.services.follow_members).
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="计入党组织")
    paid_up_to = models.IntegerField("党费交至（月序号）", null=True, blank=True)
    first_due = models.IntegerField("起缴月份（月序号）", null=True, blank=True)

    class Meta:
        verbose_name = "党费缴纳状态"
        verbose_name_plural = "党费缴纳状态"

    def __str__(self):
        return f"党费交至{month_label(self.paid_up_to)}" if self.paid_up_to is not None else "尚未缴纳党费"


class Method(models.TextChoices):
    CASH = "cash", "现金"
    TRANSFER = "transfer", "银行转账"
    STATEMENT = "statement", "银行对账单导入"


class DuesPayment(MemberRecord):
    """One payment (党费缴纳): the months it covers (one, or three with the branch's consent), the
    amount, how it was paid, and the receipt number (收据号), unique in the city."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="dues_payments", verbose_name="党员")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="收缴党组织")
    first_month = models.IntegerField("起始月份（月序号）")
    months = models.PositiveSmallIntegerField("月数")
    amount_fen = models.PositiveIntegerField("金额（分）")
    method = models.CharField("缴纳方式", max_length=10, choices=Method)
    paid_on = models.DateField("缴纳日期")
    receipt = models.CharField("收据号", max_length=40, unique=True)
    # A bank statement line's serial (流水号): a line imported twice is refused.
    reference = models.CharField("银行流水号", max_length=60, blank=True, db_index=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")
    # Where the member stood before this payment: a void (撤销, services.payment_void) puts it back.
    paid_up_to_before = models.IntegerField("缴纳前党费交至（月序号）", null=True, blank=True, editable=False)
    # 撤销: a payment recorded in error is kept, marked void with the reason; it no longer counts.
    voided_on = models.DateField("撤销日期", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="撤销人")
    void_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        ordering = ["-first_month", "-pk"]
        verbose_name = "党费缴纳"
        verbose_name_plural = "党费缴纳"
        indexes = [models.Index(fields=["member", "first_month"]), models.Index(fields=["org", "paid_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(months__in=(1, 3)), name="dues_payment_months")]

    def __str__(self):
        last = self.first_month + self.months - 1
        span = month_label(self.first_month) if self.months == 1 else f"{month_label(self.first_month)}至{month_label(last)}"
        return f"{span}党费 {fen_to_yuan(self.amount_fen)}元"

    @property
    def last_month(self) -> int:
        return self.first_month + self.months - 1


class DuesPaidCount(models.Model):
    """Summary table (core.summaries, ``dues.paid_count``): how many members of an org are paid up
    to a month (never paid: counted under the month before the first due). Arrears of a subtree
    on a day are the rows whose month lies far enough back: one range of the index, never a scan
    of the members. Not a record: no scope of its own."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    paid_up_to = models.IntegerField("党费交至（月序号）")
    members = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "党费缴纳状态汇总"
        verbose_name_plural = "党费缴纳状态汇总"
        constraints = [models.UniqueConstraint(fields=["org", "paid_up_to"], name="dues_paid_count_once")]

    def __str__(self):
        return f"{self.org_id} 交至{month_label(self.paid_up_to)}: {self.members}"


class DuesMonth(models.Model):
    """Summary table (core.summaries, ``dues.month``): the payments an org received in a month (by
    the day paid) and their total in fen; the branch's monthly and yearly totals and the city's
    figures sum it. Not a record: no scope of its own."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    month = models.DateField("月份")  # the month's first day
    payments = models.PositiveIntegerField("笔数", default=0)
    amount_fen = models.BigIntegerField("金额（分）", default=0)

    class Meta:
        verbose_name = "党费月度收缴汇总"
        verbose_name_plural = "党费月度收缴汇总"
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="dues_month_once")]

    def __str__(self):
        return f"{self.org_id} {self.month:%Y-%m}: {fen_to_yuan(self.amount_fen)}"


class DuesRemittance(BaseModel):
    """党费上缴: money an org passed to the level above (the whole of a period's dues, or part),
    when, with the bank's reference. Reconciliation compares, per child org, what its subtree
    received (DuesMonth) with what it remitted (selectors.reconciliation)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="上缴党组织")
    to_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="接收党组织")
    year = models.PositiveSmallIntegerField("所属年度")
    amount_fen = models.PositiveBigIntegerField("金额（分）")
    remitted_on = models.DateField("上缴日期")
    reference = models.CharField("凭证号", max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")

    scope_org = ("org", "to_org")
    scope_perm_prefix = "member"

    class Meta:
        ordering = ["-remitted_on", "-pk"]
        verbose_name = "党费上缴"
        verbose_name_plural = "党费上缴"
        indexes = [models.Index(fields=["org", "year"]), models.Index(fields=["to_org", "year"])]
        constraints = [models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="dues_remittance_positive")]

    def __str__(self):
        return f"{self.year}年度党费上缴 {fen_to_yuan(self.amount_fen)}元"
