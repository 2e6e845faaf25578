"""Lagging party organizations (后进/软弱涣散基层党组织) and their rectification, 一支一策: a case per
org listed as lagging (``LaggingCase``) with the reasons it was listed for, one row each
(``LaggingReason``), its plan (``LaggingPlan``: the responsible cadre, the upper level's contact
cadre, the measures, the deadline) and the plan's tasks (``LaggingTask``), closing on evidence with
the org's grade moving up; each grade an org is given is a row of its history (``GradeChange``);
the counts per org and year (``LaggingYear``, kept by the services in their transactions).

A case belongs to the lagging org (``scope_org``): the level above it lists it, approves its plan
and closes it (``oversight.inspect`` strictly above the org); the org's own managers mark its
tasks done (``oversight.change`` on the org)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import BaseModel


class Grade(models.TextChoices):
    """An org's grade (等次), best first; a lagging org is 后进 until its case closes."""

    ADVANCED = "advanced", "先进"
    GOOD = "good", "较好"
    FAIR = "fair", "一般"
    LAGGING = "lagging", "后进"


# Higher is better: closing a case must move the grade up (晋位升级).
GRADE_RANK = {Grade.LAGGING: 0, Grade.FAIR: 1, Grade.GOOD: 2, Grade.ADVANCED: 3}


class Source(models.TextChoices):
    ADMIN = "admin", "上级排查认定"
    SUGGESTED = "suggested", "系统记录提示"


class CaseState(models.TextChoices):
    OPEN = "open", "待制定方案"
    RECTIFYING = "rectifying", "整顿中"
    CLOSED = "closed", "已销号"


OPEN_STATES = (CaseState.OPEN, CaseState.RECTIFYING)


class ReasonCode(models.TextChoices):
    COMPLIANCE = "compliance", "三会一课连续三个月红灯"
    NO_SECRETARY = "no_secretary", "书记空缺"
    TERM_OVERDUE = "term_overdue", "班子超期未换届"
    RECTIFICATION_OVERDUE = "rectification_overdue", "整改事项超期"
    UNREACHED = "unreached", "党员联系不上"
    OTHER = "other", "其他（排查发现）"


class LaggingCase(BaseModel):
    """后进党组织整顿台账的一项: an org listed as lagging in a year, with the reasons, its plan and
    tasks; open → rectifying (plan approved) → closed (every task done, evidence given, the grade
    moved up). One open case per org."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党组织")
    year = models.PositiveSmallIntegerField("年度")
    found_on = models.DateField("认定日期")
    source = models.CharField("来源", max_length=10, choices=Source)
    state = models.CharField("状态", max_length=10, choices=CaseState, default=CaseState.OPEN)
    grade_before = models.CharField("整顿前等次", max_length=10, choices=Grade, blank=True)
    grade_after = models.CharField("整顿后等次", max_length=10, choices=Grade, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    closing_text = models.TextField("整顿验收材料", blank=True)
    # An optional PDF or photo, stored by core.files (outside the web root, checked by content).
    file = models.CharField("附件（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("附件类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("附件原名", max_length=200, blank=True, editable=False)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name="认定人")

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = "后进党组织整顿"
        verbose_name_plural = "后进党组织整顿"
        indexes = [models.Index(fields=["org", "state"]), models.Index(fields=["state", "found_on"])]
        constraints = [models.UniqueConstraint(fields=["org"], condition=~Q(state="closed"),
                                               name="lagging_one_open_case")]

    def __str__(self):
        return f"{self.org}（{self.year}年）"

    def get_absolute_url(self):
        return reverse("lagging:case", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED

    @property
    def overdue(self) -> bool:
        """Past its plan's deadline and not closed (needs ``plan`` selected)."""
        plan = getattr(self, "plan", None)
        return self.is_open and plan is not None and plan.deadline < timezone.localdate()


class LaggingReason(BaseModel):
    """One reason an org was listed: a code and a sentence with the figure found."""

    case = models.ForeignKey(LaggingCase, on_delete=models.CASCADE, related_name="reasons", verbose_name="整顿")
    code = models.CharField("原因", max_length=24, choices=ReasonCode)
    text = models.CharField("说明", max_length=200)

    scope_org = "case__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = "后进原因"
        verbose_name_plural = "后进原因"
        indexes = [models.Index(fields=["code", "case"])]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="lagging_reason_once")]

    def __str__(self):
        return self.text


class LaggingPlan(BaseModel):
    """一支一策: the case's plan, approved by the level above — the cadre responsible at the org,
    the upper level's contact cadre (联系领导), the measures and the deadline."""

    case = models.OneToOneField(LaggingCase, on_delete=models.CASCADE, related_name="plan", verbose_name="整顿")
    responsible = models.CharField("整顿责任人", max_length=20)
    responsible_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name="责任人账号")
    contact = models.CharField("上级联系领导", max_length=20)
    measures = models.TextField("整顿措施")
    deadline = models.DateField("整顿时限")
    approved_on = models.DateField("方案批准日期")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name="批准人")

    scope_org = "case__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = "整顿方案"
        verbose_name_plural = "整顿方案"
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self):
        return f"{self.case}的整顿方案"


class LaggingTask(BaseModel):
    """A task of the plan: what, who, by when; done on a day with a note (and an optional photo)."""

    plan = models.ForeignKey(LaggingPlan, on_delete=models.CASCADE, related_name="tasks", verbose_name="整顿方案")
    number = models.PositiveSmallIntegerField("序号")
    text = models.CharField("任务", max_length=200)
    responsible = models.CharField("责任人", max_length=20)
    due = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("完成情况", max_length=500, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name="记录人")
    file = models.CharField("附件（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("附件类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("附件原名", max_length=200, blank=True, editable=False)

    scope_org = "plan__case__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = "整顿任务"
        verbose_name_plural = "整顿任务"
        indexes = [models.Index(fields=["due", "done_on"])]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="lagging_task_number_once")]

    def __str__(self):
        return f"{self.number}. {self.text}"

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due < timezone.localdate()


class GradeChange(BaseModel):
    """One grade given to an org (the grade history): listed as lagging (→ 后进) or its case closed
    (后进 → the grade after, 晋位升级), by whom and when."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党组织")
    year = models.PositiveSmallIntegerField("年度")
    grade_from = models.CharField("原等次", max_length=10, choices=Grade, blank=True)
    grade_to = models.CharField("新等次", max_length=10, choices=Grade)
    case = models.ForeignKey(LaggingCase, on_delete=models.PROTECT, null=True, blank=True, related_name="grades",
                             verbose_name="整顿")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name="评定人")
    on = models.DateField("评定日期")

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["org", "-on", "-pk"]
        verbose_name = "等次变化"
        verbose_name_plural = "等次变化"
        indexes = [models.Index(fields=["org", "on"])]

    def __str__(self):
        return f"{self.org} {self.get_grade_from_display() or '—'}→{self.get_grade_to_display()}"


class LaggingYear(models.Model):
    """Summary table (``lagging.org_year``): per org and year — cases found (by the year found),
    closed (by the year closed) and of those closed with the grade moved above 一般 (较好/先进)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    found = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    upgraded = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="lagging_year_once")]

    def __str__(self):
        return f"{self.org_id}/{self.year}"
