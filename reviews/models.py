"""述职评议 (report_review): the yearly round in which an org's standing committee hears the
secretaries of the orgs directly below it report on party building (``ReportRound``, one per org
and year), each secretary's report with the problems inspections found attached
(``ReportSubject``), the reviewer groups and their weights (``ReviewerGroup``, ``Reviewer``), each
reviewer's rating (``Rating``), and, once the round is closed, each subject's computed result,
the feedback and the follow-ups the reviewed org must complete (``FollowUp``).

A round belongs to the org that convenes it; a subject belongs both to that org and to the org
reviewed (its managers write the report and see the result and feedback), and its round's reviewers
see it while they rate (``ReportSubject.scope_filter``). The ratings themselves stay with the
convening org."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.models import BaseModel


class RoundState(models.TextChoices):
    DRAFT = "draft", "准备中"
    OPEN = "open", "评议中"
    CLOSED = "closed", "已完成"


class Grade(models.TextChoices):
    GOOD = "good", "好"
    FAIR = "fair", "较好"
    AVERAGE = "average", "一般"
    POOR = "poor", "差"


class ReportRound(BaseModel):
    """述职评议: one org's yearly round, in which the secretaries of the orgs directly below it
    report and are rated. Prepared as a draft (subjects, reviewer groups), opened for rating,
    closed with the results computed (reviews.rules)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    meeting_day = models.DateField("述职会议日期", null=True, blank=True)
    state = models.CharField("状态", max_length=10, choices=RoundState, default=RoundState.DRAFT)
    opened_at = models.DateTimeField("开始评议时间", null=True, blank=True)
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="计算结果人")

    scope_org = "org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = "述职评议"
        verbose_name_plural = "述职评议"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="reviews_round_once")]
        indexes = [models.Index(fields=["state", "year"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:round", args=[self.pk])

    @property
    def draft(self) -> bool:
        return self.state == RoundState.DRAFT

    @property
    def open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def closed(self) -> bool:
        return self.state == RoundState.CLOSED


def _subject_scope(scope, action: str) -> Q:
    """Managers (``oversight.<action>``) of the convening or of the reviewed org; for "view", also
    the reviewers of the subject's round."""
    perm = f"oversight.{action}"
    q = scope.org_q("round__org__path", perm) | scope.org_q("org__path", perm)
    if action == "view" and scope.user_id:
        q |= Q(round_id__in=Reviewer.objects.filter(user_id=scope.user_id).values("round_id"))
    return q


class ReportSubject(BaseModel):
    """One org reviewed in a round (述职对象): its secretary, the report (text and/or a document),
    and, once the round is closed, the result (score, grade) and the feedback."""

    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="subjects", verbose_name="述职评议")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="述职单位")
    secretary = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="述职人（书记）")
    secretary_name = models.CharField("述职人姓名", max_length=50, blank=True)
    report = models.TextField("述职报告", blank=True)
    # The report as a document, stored by core.files (outside the web root, checked by content).
    file = models.CharField("述职报告文件（存储名）", max_length=80, blank=True, editable=False)
    file_type = models.CharField("文件类型", max_length=100, blank=True, editable=False)
    file_name = models.CharField("文件原名", max_length=200, blank=True, editable=False)
    score = models.DecimalField("综合得分", max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField("评议等次", max_length=10, choices=Grade, blank=True)
    feedback = models.TextField("反馈意见", blank=True)

    scope_custom = ("the convening org's and the reviewed org's managers (oversight.*), and, to view it, "
                    "the reviewers of its round")

    class Meta:
        ordering = ["round", "org__path"]
        verbose_name = "述职对象"
        verbose_name_plural = "述职对象"
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="reviews_subject_once")]
        indexes = [models.Index(fields=["org", "round"])]

    def __str__(self):
        return f"{self.org}（{self.secretary_name or '书记未定'}）"

    def get_absolute_url(self):
        return reverse("reviews:subject", args=[self.pk])

    @classmethod
    def scope_filter(cls, scope, action):
        return _subject_scope(scope, action)

    def audit_org(self):
        return self.round.org


class ReviewerGroup(BaseModel):
    """评议组: reviewers of one kind (市委常委, 党代表, 基层党组织书记, 群众代表 …) and the weight (%)
    their average counts with in a subject's score."""

    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="groups", verbose_name="述职评议")
    name = models.CharField("评议组", max_length=30)
    weight = models.PositiveSmallIntegerField("权重（%）")

    scope_org = "round__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["round", "pk"]
        verbose_name = "评议组"
        verbose_name_plural = "评议组"
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="reviews_group_name_once"),
                       models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=100),
                                              name="reviews_group_weight_range")]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class Reviewer(BaseModel):
    """A user in a reviewer group; in at most one group of a round (``round`` is the group's)."""

    group = models.ForeignKey(ReviewerGroup, on_delete=models.CASCADE, related_name="reviewers",
                              verbose_name="评议组")
    round = models.ForeignKey(ReportRound, on_delete=models.CASCADE, related_name="+", verbose_name="述职评议")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name="评议人")

    scope_org = "round__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["group", "pk"]
        verbose_name = "评议人"
        verbose_name_plural = "评议人"
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="reviews_reviewer_once")]
        indexes = [models.Index(fields=["user", "round"])]

    def __str__(self):
        return f"{self.group.name}：{self.user}"


class Rating(BaseModel):
    """One reviewer's rating of one subject (好 / 较好 / 一般 / 差), given once."""

    subject = models.ForeignKey(ReportSubject, on_delete=models.CASCADE, related_name="ratings",
                                verbose_name="述职对象")
    reviewer = models.ForeignKey(Reviewer, on_delete=models.PROTECT, related_name="ratings", verbose_name="评议人")
    grade = models.CharField("评议等次", max_length=10, choices=Grade)
    comment = models.CharField("意见建议", max_length=500, blank=True)

    # The ratings stay with the convening org: the reviewed org sees only the result.
    scope_org = "subject__round__org"
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["subject", "pk"]
        verbose_name = "评议"
        verbose_name_plural = "评议"
        constraints = [models.UniqueConstraint(fields=["subject", "reviewer"], name="reviews_rating_once")]
        indexes = [models.Index(fields=["reviewer", "subject"])]

    def __str__(self):
        return f"{self.subject}：{self.get_grade_display()}"


class FollowUp(BaseModel):
    """整改落实: a step the feedback requires of the reviewed org, by a due day; the reviewed org's
    managers record when it was done."""

    subject = models.ForeignKey(ReportSubject, on_delete=models.CASCADE, related_name="followups",
                                verbose_name="述职对象")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="落实单位")
    text = models.CharField("整改要求", max_length=300)
    due = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("完成情况", max_length=300, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name="填报人")

    # The convening org follows it up; the reviewed org (``org``, the subject's) completes it.
    scope_org = ("subject__round__org", "org")
    scope_perm_prefix = "oversight"

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = "整改落实"
        verbose_name_plural = "整改落实"
        indexes = [models.Index(fields=["org", "due"]), models.Index(fields=["done_on", "due"])]

    def __str__(self):
        return self.text[:30]

    def get_absolute_url(self):
        return reverse("reviews:subject", args=[self.subject_id]) + f"#followup-{self.pk}"

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.due < timezone.localdate()
