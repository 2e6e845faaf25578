"""Pledges and duty posts (承诺践诺、设岗定责、挂牌上岗, issue 16.8): each member's yearly pledges
and the records of their fulfilment, both reviewed by the branch; duty posts (先锋岗, 责任区, 示范岗)
held by a member, each with a public badge page reached by QR code that shows the post, its
duties and the holder's approved pledges with the name masked.

The counts per org and year are a summary row (``PledgeOrgYear``) kept by ``services``."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.access import Own
from core.models import BaseModel


class ReviewState(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class PostKind(models.TextChoices):
    VANGUARD = "vanguard", "党员先锋岗"
    ZONE = "zone", "党员责任区"
    MODEL = "model", "党员示范岗"


class Pledge(BaseModel):
    """One of a member's pledges (承诺) for a year, reviewed by the branch."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="pledges", verbose_name="党员")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="所在组织")
    year = models.PositiveSmallIntegerField("年度")
    text = models.CharField("承诺内容", max_length=300)
    state = models.CharField("状态", max_length=8, choices=ReviewState, default=ReviewState.PENDING)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)

    scope_org = "org"
    scope_perm_prefix = "learning"
    scope_own = Own("member")

    class Meta:
        ordering = ["-year", "member__name", "pk"]
        verbose_name = "党员承诺"
        verbose_name_plural = "党员承诺"
        indexes = [models.Index(fields=["member", "year"]), models.Index(fields=["org", "state"])]

    def __str__(self):
        return self.text[:30]

    def get_absolute_url(self):
        return reverse("pledges:pledge", args=[self.pk])


class PledgeRecord(BaseModel):
    """A record of fulfilling a pledge (践诺记录): what was done, when, the evidence; reviewed."""

    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="records", verbose_name="承诺")
    day = models.DateField("日期")
    text = models.CharField("践诺情况", max_length=300)
    evidence = models.CharField("佐证", max_length=200, blank=True)
    state = models.CharField("状态", max_length=8, choices=ReviewState, default=ReviewState.PENDING)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="审核人")
    reviewed_on = models.DateField("审核日期", null=True, blank=True)

    scope_org = "pledge__org"
    scope_perm_prefix = "learning"
    scope_own = Own("pledge__member")

    class Meta:
        ordering = ["pledge", "day", "pk"]
        verbose_name = "践诺记录"
        verbose_name_plural = "践诺记录"

    def __str__(self):
        return f"{self.day} {self.text[:30]}"

    def get_absolute_url(self):
        return self.pledge.get_absolute_url()


def badge_token() -> str:
    return secrets.token_urlsafe(12)


class DutyPost(BaseModel):
    """A duty post (设岗定责) of an org held by a member (挂牌上岗); ``token`` names its public badge
    page (the QR code). ``ended_on``: the post was taken down (撤牌); the badge says so."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="duty_posts", verbose_name="党组织")
    kind = models.CharField("类别", max_length=8, choices=PostKind)
    name = models.CharField("岗位名称", max_length=50)
    duties = models.CharField("岗位职责", max_length=300)
    holder = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="duty_posts",
                               verbose_name="上岗党员")
    started_on = models.DateField("上岗日期")
    ended_on = models.DateField("撤牌日期", null=True, blank=True)
    token = models.CharField(max_length=20, unique=True, default=badge_token, editable=False)

    scope_org = "org"
    scope_perm_prefix = "learning"
    scope_own = Own("holder")

    class Meta:
        ordering = ["org", "kind", "name", "pk"]
        verbose_name = "党员岗位"
        verbose_name_plural = "党员岗位"

    def __str__(self):
        return f"{self.get_kind_display()}·{self.name}"

    def get_absolute_url(self):
        return reverse("pledges:post", args=[self.pk])

    def get_badge_url(self):
        return reverse("pledges:badge", args=[self.token])


class PledgeOrgYear(models.Model):
    """Summary table (core.summaries, ``pledges.org_year``) per org and year: pledges made and
    approved, fulfilment records made and accepted. Kept by ``services``."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    pledges = models.PositiveIntegerField(default=0)
    approved = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="pledges_org_year_once")]

    def __str__(self):
        return f"{self.org_id}/{self.year}"
