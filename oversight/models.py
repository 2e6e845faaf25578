"""Oversight (督导考核): sector guidance plans with their checklists (``GuidancePlan``,
``ChecklistItem``), supervision teams and their visits (``SupervisionTeam``, ``TeamTarget``,
``Visit``, ``VisitCheck``), half-yearly inspections (``Inspection``, ``InspectionTarget``) whose
findings become rectification items (``RectificationItem``) closed only on accepted evidence, every
round kept (``Evidence``), and the counts per org and month (``OversightMonth``, kept by the
services in their transactions).

An inspection and its teams belong to the org that runs them; a rectification item belongs both to
that org (the inspector accepts or returns its evidence) and to the org that must rectify (its
managers submit evidence): ``scope_org`` names both."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import BaseModel
from orgs.models import Sector


class GuidancePlan(BaseModel):
    """分领域指导方案: an org's plan for one sector and year, with its checklist items. An org is
    held to the checklist of the nearest plan above it (or its own) for its sector."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="制定单位")
    sector = models.CharField("领域", max_length=20, choices=Sector)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("方案名称", max_length=100)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org", "sector"]
        verbose_name = "分领域指导方案"
        verbose_name_plural = "分领域指导方案"
        constraints = [models.UniqueConstraint(fields=["org", "sector", "year"], name="oversight_plan_once")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("oversight:plan", args=[self.pk])


class ChecklistItem(BaseModel):
    """One line of a guidance plan's checklist (检查事项)."""

    plan = models.ForeignKey(GuidancePlan, on_delete=models.CASCADE, related_name="items", verbose_name="指导方案")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("检查事项", max_length=200)

    scope_org = "plan__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "检查事项"
        verbose_name_plural = "检查事项"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="oversight_item_number_once")]

    def __str__(self):
        return f"{self.number}. {self.text}"


class SupervisionTeam(BaseModel):
    """督导组: formed by an org for its subtree, with its members and the orgs assigned to it."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="组建单位")
    name = models.CharField("督导组名称", max_length=50)
    formed_on = models.DateField("组建日期")
    leader = models.CharField("组长", max_length=20)
    members = models.CharField("成员", max_length=200, blank=True)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-formed_on", "pk"]
        verbose_name = "督导组"
        verbose_name_plural = "督导组"
        indexes = [models.Index(fields=["org", "formed_on"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("oversight:team", args=[self.pk])


class TeamTarget(BaseModel):
    """An org assigned to a supervision team (in the forming org's subtree)."""

    team = models.ForeignKey(SupervisionTeam, on_delete=models.CASCADE, related_name="targets", verbose_name="督导组")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="督导对象")

    scope_org = "team__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["team", "org__path"]
        verbose_name = "督导对象"
        verbose_name_plural = "督导对象"
        constraints = [models.UniqueConstraint(fields=["team", "org"], name="oversight_team_target_once")]

    def __str__(self):
        return f"{self.team} → {self.org}"


class Visit(BaseModel):
    """A team's visit to one assigned org, recorded on a phone: the items checked against the org's
    sector checklist (``VisitCheck``), the findings, an optional photo."""

    team = models.ForeignKey(SupervisionTeam, on_delete=models.PROTECT, related_name="visits", verbose_name="督导组")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="督导对象")
    day = models.DateField("督导日期")
    findings = models.TextField("发现问题", blank=True)
    problems = models.PositiveSmallIntegerField("问题数", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name="记录人")
    # An optional photo or PDF, stored by core.files (outside the web root, checked by content).
    file = models.CharField("附件（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("附件类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("附件原名", max_length=200, blank=True, editable=False)

    # The team's org runs the visit; the visited org sees what was found there.
    scope_org = ("team__org", "org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "督导记录"
        verbose_name_plural = "督导记录"
        indexes = [models.Index(fields=["org", "day"]), models.Index(fields=["team", "day"])]

    def __str__(self):
        return f"{self.team} {self.day:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("oversight:visit", args=[self.pk])


class VisitCheck(BaseModel):
    """One checklist item as found on a visit: met or not, and a note."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="checks", verbose_name="督导记录")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name="检查事项")
    met = models.BooleanField("符合要求")
    note = models.CharField("说明", max_length=200, blank=True)

    scope_org = ("visit__team__org", "visit__org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["visit", "item__number"]
        verbose_name = "检查结果"
        verbose_name_plural = "检查结果"
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="oversight_check_once")]

    def __str__(self):
        return f"{self.item}: {'符合' if self.met else '不符合'}"


class InspectionKind(models.TextChoices):
    GENERAL = "general", "综合巡查"
    SPECIAL = "special", "专项巡查"


class InspectionTiming(models.TextChoices):
    SCHEDULED = "scheduled", "定期"
    RANDOM = "random", "随机"


class InspectionNotice(models.TextChoices):
    ANNOUNCED = "announced", "明察"
    UNANNOUNCED = "unannounced", "暗访"


class Inspection(BaseModel):
    """巡查: one half-year's inspection by an org of orgs in its subtree (the targets). It is the
    inspecting org's own record: an unannounced inspection is not shown to its targets; they see
    the rectification items it finds."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="巡查单位")
    title = models.CharField("巡查名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=[(1, "上半年"), (2, "下半年")])
    kind = models.CharField("类型", max_length=10, choices=InspectionKind)
    timing = models.CharField("方式", max_length=10, choices=InspectionTiming)
    notice = models.CharField("形式", max_length=12, choices=InspectionNotice)
    started_on = models.DateField("开始日期")
    focus = models.CharField("巡查重点", max_length=200, blank=True)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "-half", "-started_on", "-pk"]
        verbose_name = "巡查"
        verbose_name_plural = "巡查"
        indexes = [models.Index(fields=["org", "year", "half"])]
        constraints = [models.CheckConstraint(condition=Q(half__in=[1, 2]), name="oversight_inspection_half")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("oversight:inspection", args=[self.pk])


class InspectionTarget(BaseModel):
    """An org an inspection covers."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets",
                                   verbose_name="巡查")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="巡查对象")

    scope_org = "inspection__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["inspection", "org__path"]
        verbose_name = "巡查对象"
        verbose_name_plural = "巡查对象"
        constraints = [models.UniqueConstraint(fields=["inspection", "org"], name="oversight_target_once")]

    def __str__(self):
        return f"{self.inspection} → {self.org}"


class ItemState(models.TextChoices):
    OPEN = "open", "待整改"
    SUBMITTED = "submitted", "待验收"
    RETURNED = "returned", "已退回"
    CLOSED = "closed", "已销号"


# The states in which the org that must rectify owes the next step (its deadline runs).
OWED_STATES = (ItemState.OPEN, ItemState.RETURNED)
OPEN_STATES = (ItemState.OPEN, ItemState.SUBMITTED, ItemState.RETURNED)


class RectificationItem(BaseModel):
    """整改台账的一项: a problem an inspection found at one org, with the owner who answers for it,
    the deadline and the evidence required. It closes (销号) only when the inspector accepts the
    evidence; past its deadline it is escalated (督办) one level up the tree at a time, never above
    the inspecting org (``escalated_to``)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="items", verbose_name="巡查")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="整改单位")
    problem = models.TextField("问题")
    owner = models.CharField("整改责任人", max_length=20)
    deadline = models.DateField("整改时限")
    evidence_required = models.CharField("佐证要求", max_length=200)
    found_on = models.DateField("发现日期")
    state = models.CharField("状态", max_length=10, choices=ItemState, default=ItemState.OPEN)
    rounds = models.PositiveSmallIntegerField("提交轮次", default=0)
    escalated_to = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="督办单位")
    escalated_at = models.DateTimeField("督办时间", null=True, blank=True)
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name="记录人")

    # The inspecting org accepts or returns; the org that must rectify submits.
    scope_org = ("inspection__org", "org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "整改事项"
        verbose_name_plural = "整改事项"
        indexes = [models.Index(fields=["state", "deadline"]), models.Index(fields=["org", "state"]),
                   models.Index(fields=["inspection", "state"]), models.Index(fields=["escalated_to", "state"])]

    def __str__(self):
        return f"{self.org}：{self.problem[:20]}"

    def get_absolute_url(self):
        return reverse("oversight:item", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.state in OWED_STATES and self.deadline < timezone.localdate()


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "验收通过"
    RETURNED = "returned", "退回重改"


class Evidence(BaseModel):
    """One round of evidence for a rectification item: what was done, an optional file, and the
    inspector's decision. Every round is kept."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence",
                             verbose_name="整改事项")
    round = models.PositiveSmallIntegerField("轮次")
    text = models.TextField("整改情况")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name="提交人")
    decision = models.CharField("验收意见", max_length=10, choices=Decision, blank=True)
    comment = models.CharField("意见说明", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="验收人")
    decided_at = models.DateTimeField("验收时间", null=True, blank=True)
    # An optional photo or PDF, stored by core.files (outside the web root, checked by content).
    file = models.CharField("附件（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("附件类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("附件原名", max_length=200, blank=True, editable=False)

    scope_org = ("item__inspection__org", "item__org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["item", "round"]
        verbose_name = "整改佐证"
        verbose_name_plural = "整改佐证"
        constraints = [models.UniqueConstraint(fields=["item", "round"], name="oversight_evidence_round_once")]

    def __str__(self):
        return f"{self.item} 第{self.round}轮"


QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]


class BulletinState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已印发"


class Bulletin(BaseModel):
    """季度通报: an org's bulletin on its subtree for one quarter. Generated from the figures each
    module offers (core.registry.bulletin_sections) into ``sections`` — a snapshot of a document
    as printed, per section its columns, rows per child org with their rank, total, text and 统计口径
    — and edited as a draft (title, opening, each section's text, requirements); published, it no
    longer changes. No figure of the platform counts from ``sections``."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="通报单位")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=QUARTERS)
    title = models.CharField("标题", max_length=100)
    intro = models.TextField("导语", blank=True)
    closing = models.TextField("下步要求", blank=True)
    sections = models.JSONField("通报内容", default=list)
    as_of = models.DateField("数据截至")
    generated_at = models.DateTimeField("生成时间")
    state = models.CharField("状态", max_length=10, choices=BulletinState, default=BulletinState.DRAFT)
    published_at = models.DateTimeField("印发时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="印发人")
    on_portal = models.BooleanField("在党务公开栏目发布", default=False)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "-quarter", "org__path"]
        verbose_name = "季度通报"
        verbose_name_plural = "季度通报"
        constraints = [models.UniqueConstraint(fields=["org", "year", "quarter"], name="oversight_bulletin_once"),
                       models.CheckConstraint(condition=Q(quarter__in=[1, 2, 3, 4]), name="oversight_bulletin_quarter")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("oversight:bulletin", args=[self.pk])

    @property
    def draft(self) -> bool:
        return self.state == BulletinState.DRAFT


class OversightMonth(models.Model):
    """Summary table (``oversight.org_month``): per org and month — supervision teams formed (at the
    forming org), visits and problems found (at the visited org), rectification items opened (at
    the org that must rectify, by the day found) and closed (by the month closed)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    teams = models.IntegerField(default=0)
    visits = models.IntegerField(default=0)
    problems = models.IntegerField(default=0)
    opened = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="oversight_month_once")]

    def __str__(self):
        return f"{self.org_id}/{self.month}"
