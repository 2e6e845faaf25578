"""五好党支部 (five-good branches, issue 18 item 6): standards issued by an upper org as checklists
per sector and org kind (``StandardSet``, its ``Dimension``s and their ``StandardItem``s with
points), a branch's yearly assessment (``Assessment``: self scores with evidence, then the upper
level's scores and the grade, ``AssessmentScore`` per item), every change of a branch's grade
(``GradeChange``, written only by the assessing service), the exemplars (先进典型) chosen among the
五好 branches and published on the portal (``Exemplar``), and the counts per org and year
(``FiveGoodYear``, kept by the services in their transactions).

A standard set belongs to the org that issues it; an assessment, its scores, grade changes and
exemplars belong to the branch assessed: its own managers and every org above it see them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.models import BaseModel
from orgs.models import OrgKind, Sector


class SetState(models.TextChoices):
    DRAFT = "draft", "草稿"
    ISSUED = "issued", "已印发"


# The org kinds a standard is written for (a party group is not assessed).
ASSESSED_KINDS = [(k.value, k.label) for k in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH,
                                              OrgKind.GENERAL_BRANCH)]


class StandardSet(BaseModel):
    """五好党支部创建标准: an org's (city, district, street) checklist for one year, one sector (or
    all sectors when blank) and one org kind. A draft can change; an issued set does not — a new
    version (a draft copy) is made instead."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="制定单位")
    year = models.PositiveSmallIntegerField("年度")
    sector = models.CharField("领域", max_length=20, choices=Sector, blank=True, help_text="空为全部领域")
    org_kind = models.CharField("适用组织类型", max_length=20, choices=ASSESSED_KINDS, default=OrgKind.BRANCH)
    title = models.CharField("标准名称", max_length=100)
    version = models.PositiveSmallIntegerField("版本", default=1)
    state = models.CharField("状态", max_length=10, choices=SetState, default=SetState.DRAFT)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org__path", "sector", "-version"]
        verbose_name = "五好党支部创建标准"
        verbose_name_plural = "五好党支部创建标准"
        indexes = [models.Index(fields=["year", "state", "org"])]
        constraints = [models.UniqueConstraint(fields=["org", "year", "sector", "org_kind", "version"],
                                               name="fivegood_set_version_once")]

    def __str__(self):
        return f"{self.title}（第{self.version}版）" if self.version > 1 else self.title

    def get_absolute_url(self):
        return reverse("fivegood:standard", args=[self.pk])

    @property
    def draft(self) -> bool:
        return self.state == SetState.DRAFT


class Dimension(BaseModel):
    """One of a set's dimensions (支部班子好 …), with its items."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="dimensions",
                                     verbose_name="创建标准")
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("维度", max_length=30)

    scope_org = "standard_set__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["standard_set", "number"]
        verbose_name = "标准维度"
        verbose_name_plural = "标准维度"
        constraints = [models.UniqueConstraint(fields=["standard_set", "number"], name="fivegood_dimension_once")]

    def __str__(self):
        return self.name


class StandardItem(BaseModel):
    """One line of a dimension's checklist, with the points it carries."""

    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items", verbose_name="维度")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("标准内容", max_length=200)
    points = models.PositiveSmallIntegerField("分值")

    scope_org = "dimension__standard_set__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["dimension__number", "number"]
        verbose_name = "标准条目"
        verbose_name_plural = "标准条目"
        constraints = [models.UniqueConstraint(fields=["dimension", "number"], name="fivegood_item_once"),
                       models.CheckConstraint(condition=Q(points__gte=1), name="fivegood_item_points")]

    def __str__(self):
        return f"{self.text}（{self.points}分）"


class AssessmentState(models.TextChoices):
    SELF = "self", "自评中"
    SUBMITTED = "submitted", "待上级考评"
    ASSESSED = "assessed", "已考评"


class Grade(models.TextChoices):
    FIVE_GOOD = "five_good", "五好党支部"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    FAILED = "failed", "不合格"


class Assessment(BaseModel):
    """A branch's assessment for one year against the standard set it is held to: the branch scores
    itself with evidence and submits; an org above it scores each item and the grade follows from
    the scores (``rules.grade_for``); it may return the self-assessment (with a reason) or, once
    assessed, reopen it for re-assessment."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度")
    standard_set = models.ForeignKey(StandardSet, on_delete=models.PROTECT, related_name="+", verbose_name="创建标准")
    state = models.CharField("状态", max_length=10, choices=AssessmentState, default=AssessmentState.SELF)
    self_total = models.PositiveSmallIntegerField("自评得分", default=0)
    upper_total = models.PositiveSmallIntegerField("考评得分", null=True, blank=True)
    grade = models.CharField("等次", max_length=10, choices=Grade, blank=True)
    return_reason = models.CharField("退回理由", max_length=200, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    assessed_at = models.DateTimeField("考评时间", null=True, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="考评人")
    assessor = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="考评单位")

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = "五好党支部考评"
        verbose_name_plural = "五好党支部考评"
        indexes = [models.Index(fields=["year", "state"]), models.Index(fields=["year", "grade"])]
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="fivegood_assessment_once"),
            # A grade only on an assessed assessment (等次调整须经上级考评).
            models.CheckConstraint(condition=Q(grade="") | Q(state="assessed"), name="fivegood_grade_assessed"),
        ]

    def __str__(self):
        return f"{self.org}{self.year}年五好党支部考评"

    def get_absolute_url(self):
        return reverse("fivegood:assessment", args=[self.pk])


class AssessmentScore(BaseModel):
    """One item of an assessment: the branch's score and evidence (text and/or a file), the upper
    level's score and note. Scores lie within 0 and the item's points."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name="考评")
    item = models.ForeignKey(StandardItem, on_delete=models.PROTECT, related_name="+", verbose_name="标准条目")
    self_score = models.PositiveSmallIntegerField("自评分", null=True, blank=True)
    evidence = models.TextField("佐证说明", blank=True)
    # An optional photo or PDF, stored by core.files (outside the web root, checked by content).
    file = models.CharField("佐证材料（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("佐证材料类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("佐证材料原名", max_length=200, blank=True, editable=False)
    upper_score = models.PositiveSmallIntegerField("考评分", null=True, blank=True)
    upper_note = models.CharField("考评意见", max_length=200, blank=True)

    scope_org = "assessment__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["assessment", "item__dimension__number", "item__number"]
        verbose_name = "考评得分"
        verbose_name_plural = "考评得分"
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="fivegood_score_once")]

    def __str__(self):
        return f"{self.assessment} · {self.item.text[:20]}"


class GradeChange(BaseModel):
    """The history of a branch's grade: one row each time an assessment gives, changes or (when it
    is reopened) withdraws it. Written only by the assessing services."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度")
    from_grade = models.CharField("原等次", max_length=10, choices=Grade, blank=True)
    to_grade = models.CharField("新等次", max_length=10, choices=Grade, blank=True)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="grade_changes",
                                   verbose_name="考评")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name="操作人")
    reason = models.CharField("说明", max_length=200, blank=True)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "等次变更"
        verbose_name_plural = "等次变更"
        indexes = [models.Index(fields=["org", "year"])]

    def __str__(self):
        return f"{self.org_id}/{self.year}: {self.from_grade or '—'} → {self.to_grade or '—'}"


class ExemplarState(models.TextChoices):
    SELECTED = "selected", "已遴选"
    PUBLISHED = "published", "已宣传"


class Exemplar(BaseModel):
    """先进典型: a 五好 branch an upper org selects for the year, with a short story; published, the
    story is a notice in the portal's 党务公开 channel."""

    assessment = models.OneToOneField(Assessment, on_delete=models.PROTECT, related_name="exemplar",
                                      verbose_name="考评")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    year = models.PositiveSmallIntegerField("年度")
    selected_by = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="遴选单位")
    title = models.CharField("标题", max_length=100)
    story = models.TextField("典型事迹")
    state = models.CharField("状态", max_length=10, choices=ExemplarState, default=ExemplarState.SELECTED)
    published_at = models.DateTimeField("宣传时间", null=True, blank=True)

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = "先进典型"
        verbose_name_plural = "先进典型"
        indexes = [models.Index(fields=["year", "state"]), models.Index(fields=["org", "year"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("fivegood:assessment", args=[self.assessment_id])

    @property
    def portal_key(self) -> str:
        return f"fivegood:exemplar:{self.pk}"


class FiveGoodYear(models.Model):
    """Summary table (``fivegood.org_year``): per branch and year — assessed, by grade, exemplars
    (selected and published)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    assessed = models.IntegerField(default=0)
    five_good = models.IntegerField(default=0)
    qualified = models.IntegerField(default=0)
    basic = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    exemplars = models.IntegerField(default=0)
    published = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="fivegood_year_once")]

    def __str__(self):
        return f"{self.org_id}/{self.year}"
