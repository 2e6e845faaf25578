"""Community check-in (在职党员到社区报到): a member's check-in with a community (``CheckIn``), the
community's service teams (``ServiceTeam``), the service recorded with hours (``ServiceRecord``,
one indexed row per activity with the community, the member's unit and the day), the yearly
rating that goes back to the unit (``CheckInRating``), and the counts per org and month
(``CommunityMonth``, kept by the services in their transactions).

A check-in belongs to two orgs at once: the community (which confirms, records and rates) and the
member's own org, the unit (which sees its members' check-ins, hours and ratings). Its scope is
therefore custom: managers of either org see it, and the member sees their own."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from community.rules import RATINGS
from core.models import BaseModel


class CheckInState(models.TextChoices):
    REQUESTED = "requested", "待社区确认"
    CONFIRMED = "confirmed", "已报到"
    REFUSED = "refused", "社区未确认"
    ENDED = "ended", "已结束"


ACTIVE_STATES = (CheckInState.REQUESTED, CheckInState.CONFIRMED)


def _two_orgs_q(scope, action: str, prefix: str = "") -> Q:
    q = (scope.org_q(f"{prefix}community__path", f"regional.{action}")
         | scope.org_q(f"{prefix}unit__path", f"regional.{action}"))
    if scope.member_id:
        q |= Q(**{f"{prefix}member_id": scope.member_id})
    return q


class ServiceTeam(BaseModel):
    """A community's service team (志愿服务队) or post that checked-in members join."""

    community = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="社区")
    name = models.CharField("服务队名称", max_length=50)
    scope_org = "community"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["community", "name", "pk"]
        verbose_name = "服务队"
        verbose_name_plural = "服务队"
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="community_team_once")]

    def __str__(self):
        return self.name


class CheckIn(BaseModel):
    """A member's check-in with the community where they live."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name="党员")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织")
    community = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="报到社区")
    address = models.CharField("居住地址", max_length=100)
    state = models.CharField("状态", max_length=12, choices=CheckInState, default=CheckInState.REQUESTED)
    requested_on = models.DateField("申请日期")
    decided_on = models.DateField("确认日期", null=True, blank=True)
    note = models.CharField("社区意见", max_length=200, blank=True)
    team = models.ForeignKey(ServiceTeam, on_delete=models.SET_NULL, null=True, blank=True, related_name="members",
                             verbose_name="服务队")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="确认人")

    scope_custom = "two orgs: managers of the community or of the member's unit (regional.*), and the member"

    class Meta:
        ordering = ["-requested_on", "-pk"]
        verbose_name = "社区报到"
        verbose_name_plural = "社区报到"
        indexes = [models.Index(fields=["community", "state"]), models.Index(fields=["unit", "state"])]
        constraints = [models.UniqueConstraint(fields=["member"], condition=Q(state__in=["requested", "confirmed"]),
                                               name="community_checkin_one_active")]

    def __str__(self):
        return f"{self.member} → {self.community}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _two_orgs_q(scope, action)

    def audit_org(self):
        return self.community

    def get_absolute_url(self):
        return reverse("community:checkin", args=[self.pk])


class ServiceRecord(BaseModel):
    """One service activity of a checked-in member, recorded by the community with its hours."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="records", verbose_name="报到")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    day = models.DateField("日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=4, decimal_places=1)
    content = models.CharField("服务内容", max_length=200)

    scope_custom = "as its check-in (CheckIn.scope_filter)"

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        indexes = [models.Index(fields=["community", "day"]), models.Index(fields=["unit", "day"]),
                   models.Index(fields=["member", "day"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=12),
                                              name="community_record_hours_range")]

    def __str__(self):
        return f"{self.day} {self.content}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _two_orgs_q(scope, action)

    def audit_org(self):
        return self.community


class CheckInRating(BaseModel):
    """The community's yearly rating of a checked-in member; the unit reads it (两地双向)."""

    checkin = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="ratings", verbose_name="报到")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("评价", max_length=10, choices=RATINGS)
    comment = models.CharField("评语", max_length=200, blank=True)

    scope_custom = "as its check-in (CheckIn.scope_filter)"

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = "报到评价"
        verbose_name_plural = "报到评价"
        constraints = [models.UniqueConstraint(fields=["checkin", "year"], name="community_rating_once")]

    def __str__(self):
        return f"{self.year} {self.get_grade_display()}"

    @classmethod
    def scope_filter(cls, scope, action):
        return _two_orgs_q(scope, action, "checkin__")

    def audit_org(self):
        return self.checkin.community


class CommunityMonth(models.Model):
    """Summary table (``community.org_month``): per org and month, check-ins confirmed (counted at
    the community and at the unit) and service records and hours (likewise). ``role`` says which:
    "community" rows count what the org received, "unit" rows what its members gave."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10)
    month = models.DateField()
    checkins = models.IntegerField(default=0)
    records = models.IntegerField(default=0)
    tenths = models.BigIntegerField(default=0)  # service hours × 10 (one decimal, kept whole)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "role", "month"], name="community_month_once")]

    def __str__(self):
        return f"{self.org_id}/{self.role}/{self.month}"
