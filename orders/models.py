"""Ordered services (群众点单、社区派单、党员接单): a community's service menu (``MenuItem``), a
resident's order (``ServiceOrder``: one indexed row with the community and the day, the phone
encrypted as the archive keeps it), and the counts per community and month (``OrderMonth``, kept
by the services in their transactions).

An order belongs to its community: the community's managers (regional.*) see and dispatch it.
The member it is dispatched to (or any confirmed member of the team it is dispatched to) sees it
too, to accept and complete it. The resident follows it by a signed link, never by logging in."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from community.models import CheckIn, CheckInState
from core.models import BaseModel


class MenuItem(BaseModel):
    """One service a community offers residents (a line of its 服务菜单)."""

    community = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="社区")
    name = models.CharField("服务项目", max_length=30)
    description = models.CharField("说明", max_length=200, blank=True)
    days = models.PositiveSmallIntegerField("承诺办结天数", default=3)
    active = models.BooleanField("接受点单", default=True)
    scope_org = "community"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["community", "name", "pk"]
        verbose_name = "服务项目"
        verbose_name_plural = "服务项目"
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="orders_item_once")]

    def __str__(self):
        return self.name


class OrderState(models.TextChoices):
    NEW = "new", "待派单"
    DISPATCHED = "dispatched", "已派单"
    ACCEPTED = "accepted", "已接单"
    DONE = "done", "已办结"
    RATED = "rated", "已评价"
    REJECTED = "rejected", "不予受理"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATES = (OrderState.NEW, OrderState.DISPATCHED, OrderState.ACCEPTED)


class ServiceOrder(BaseModel):
    """A resident's order of one menu item."""

    number = models.CharField("订单号", max_length=20, unique=True)
    community = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="社区")
    item = models.ForeignKey(MenuItem, on_delete=models.PROTECT, related_name="orders", verbose_name="服务项目")
    name = models.CharField("联系人", max_length=20)
    phone_cipher = models.TextField("联系电话（密文）", editable=False)
    phone_index = models.CharField(max_length=64, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, editable=False)
    address = models.CharField("服务地址", max_length=100)
    address_key = models.CharField(max_length=64, editable=False)
    need = models.CharField("需求描述", max_length=300)
    state = models.CharField("状态", max_length=12, choices=OrderState, default=OrderState.NEW)
    day = models.DateField("点单日期")
    due_at = models.DateTimeField("本环节时限", null=True, blank=True)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="派给党员")
    team = models.ForeignKey("community.ServiceTeam", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="派给服务队")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    accepted_by = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="接单党员")
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=4, decimal_places=1, null=True, blank=True)
    result = models.CharField("办理情况", max_length=300, blank=True)
    stars = models.PositiveSmallIntegerField("评价（星）", null=True, blank=True)
    comment = models.CharField("群众评价", max_length=200, blank=True)
    rated_at = models.DateTimeField("评价时间", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)  # why rejected, cancelled or declined

    scope_custom = "the community's managers (regional.*), and the member or team it is dispatched to"
    audit_masked_fields = {"phone_cipher": "phone_masked", "phone_index": "", "address_key": ""}

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "群众点单"
        verbose_name_plural = "群众点单"
        indexes = [models.Index(fields=["community", "day"]), models.Index(fields=["community", "state"]),
                   models.Index(fields=["state", "due_at"]), models.Index(fields=["phone_index", "day"]),
                   models.Index(fields=["address_key", "day"]), models.Index(fields=["member", "state"]),
                   models.Index(fields=["team", "state"]), models.Index(fields=["accepted_by", "state"])]
        constraints = [
            models.CheckConstraint(condition=Q(stars__isnull=True) | Q(stars__gte=1, stars__lte=5),
                                   name="orders_stars_range"),
            models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0, hours__lte=12),
                                   name="orders_hours_range"),
        ]

    def __str__(self):
        return self.number

    @classmethod
    def scope_filter(cls, scope, action):
        q = scope.org_q("community__path", f"regional.{action}")
        if scope.member_id:
            teams = CheckIn.objects.filter(member_id=scope.member_id, state=CheckInState.CONFIRMED,
                                           team__isnull=False).values("team_id")
            q |= Q(member_id=scope.member_id) | Q(accepted_by_id=scope.member_id) | Q(team_id__in=teams)
        return q

    def audit_org(self):
        return self.community

    def get_absolute_url(self):
        return reverse("orders:order", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def overdue(self) -> bool:
        """Waiting past its step's deadline (dispatch, accept or complete)."""
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()


class OrderMonth(models.Model):
    """Summary table (``orders.org_month``): per community and month (of the order's day), orders
    placed, done (done or rated), rated, the stars given, rejected and cancelled."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    ordered = models.IntegerField(default=0)
    done = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    stars = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)  # rejected or cancelled

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="orders_month_once")]

    def __str__(self):
        return f"{self.org_id}/{self.month}"
