"""SOE party-building work ledgers (国企党建工作台账): an org divides the year's tasks (``SoeTask``)
among the party committees of state-owned enterprises in its subtree, one ``SoeShare`` each;
every quarter each committee reports its share's progress (``SoeReport``, every quarter kept).
The quarterly bulletin counts the shares (their org, due day and done day) and the reports
(their quarter): indexed rows, no summary table — the ledger's pages list rows, none adds up a
subtree."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import BaseModel
from oversight.models import QUARTERS


class Progress(models.TextChoices):
    PENDING = "pending", "未启动"
    UNDERWAY = "underway", "推进中"
    DONE = "done", "已完成"


class SoeTask(BaseModel):
    """国企党建工作任务: one task of an org's yearly division of SOE party-building work."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="分工单位")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("任务", max_length=100)
    detail = models.TextField("工作要求", blank=True)
    due_on = models.DateField("完成时限")

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org__path", "number"]
        verbose_name = "国企党建工作任务"
        verbose_name_plural = "国企党建工作任务"
        constraints = [models.UniqueConstraint(fields=["org", "year", "number"], name="soe_task_number_once")]

    def __str__(self):
        return f"{self.year}年第{self.number}项：{self.title}"

    def get_absolute_url(self):
        return reverse("soe:task", args=[self.pk])


class SoeShare(BaseModel):
    """A task's share for one SOE party committee (the ledger's row): who leads it, its progress as
    last reported, the day it was reported done."""

    task = models.ForeignKey(SoeTask, on_delete=models.CASCADE, related_name="shares", verbose_name="任务")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="责任党组织")
    lead = models.CharField("牵头负责人", max_length=20, blank=True)
    progress = models.CharField("进展", max_length=10, choices=Progress, default=Progress.PENDING)
    done_on = models.DateField("完成日期", null=True, blank=True)
    due_on = models.DateField("完成时限")  # the task's, kept on the row the bulletin counts

    # The dividing org follows every share; the committee reports its own.
    scope_org = ("task__org", "org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["task", "org__path"]
        verbose_name = "任务分工"
        verbose_name_plural = "任务分工"
        constraints = [
            models.UniqueConstraint(fields=["task", "org"], name="soe_share_once"),
            models.CheckConstraint(condition=Q(progress="done", done_on__isnull=False)
                                   | (~Q(progress="done") & Q(done_on__isnull=True)), name="soe_share_done_on"),
        ]
        indexes = [models.Index(fields=["org", "due_on"])]

    def __str__(self):
        return f"{self.task.title} → {self.org}"

    def get_absolute_url(self):
        return reverse("soe:share", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.progress != Progress.DONE and self.due_on < timezone.localdate()


class SoeReport(BaseModel):
    """季度进展: a committee's report on its share for one quarter; a quarter's report may be
    corrected until the next quarter's is in, never removed."""

    share = models.ForeignKey(SoeShare, on_delete=models.CASCADE, related_name="reports", verbose_name="任务分工")
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", choices=QUARTERS)
    progress = models.CharField("进展", max_length=10, choices=Progress)
    text = models.TextField("工作进展")
    problems = models.TextField("存在问题和下步打算", blank=True)
    reported_on = models.DateField("报送日期")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name="报送人")

    scope_org = ("share__task__org", "share__org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["share", "-year", "-quarter"]
        verbose_name = "季度进展"
        verbose_name_plural = "季度进展"
        constraints = [
            models.UniqueConstraint(fields=["share", "year", "quarter"], name="soe_report_once"),
            models.CheckConstraint(condition=Q(quarter__in=[1, 2, 3, 4]), name="soe_report_quarter"),
        ]
        indexes = [models.Index(fields=["year", "quarter"])]

    def __str__(self):
        return f"{self.share} {self.year}年{self.get_quarter_display()}"
