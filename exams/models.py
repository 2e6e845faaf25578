"""Exams (学习测试, issue 16.6): a question bank by topic (single choice, multiple choice,
true/false) published by an org for its subtree, exams drawn at random from it with a time limit
and marked automatically, and the daily practice (每日一练).

What the figures count is a row each: an attempt (``Attempt``, with the member's org when it
started) and a day of practice (``PracticeDay``); an exam's results per org are a summary row
(``ExamResult``) kept by ``exams.services.attempt_submit`` in the same transaction."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.access import Own
from core.models import BaseModel
from learning.models import ancestor_paths_q


class QuestionKind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    TRUE_FALSE = "truefalse", "判断题"


class Question(BaseModel):
    """A question of the bank. ``options`` are the choices' texts in order (A, B, C …; none for a
    true/false question, whose choices are 正确 / 错误); ``answer`` the letters of the right ones
    (``"B"``, ``"ACD"``; ``"T"`` or ``"F"`` for true/false). The options are the question's text,
    not a figure: nothing counts them."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="出题组织")
    topic = models.CharField("专题", max_length=50)
    kind = models.CharField("题型", max_length=10, choices=QuestionKind)
    text = models.TextField("题干")
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.CharField("答案", max_length=8)
    explanation = models.CharField("解析", max_length=300, blank=True)
    active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="录入人")

    scope_org = "org"
    scope_perm_prefix = "learning"

    class Meta:
        ordering = ["topic", "pk"]
        verbose_name = "试题"
        verbose_name_plural = "试题"
        indexes = [models.Index(fields=["org", "topic", "active"])]

    def __str__(self):
        return f"【{self.get_kind_display()}】{self.text[:40]}"

    def choices(self) -> list[tuple[str, str]]:
        """(letter, text) of each choice, as shown and as answered."""
        if self.kind == QuestionKind.TRUE_FALSE:
            return [("T", "正确"), ("F", "错误")]
        return [(chr(ord("A") + i), text) for i, text in enumerate(self.options)]

    def get_absolute_url(self):
        return reverse("exams:questions") + f"?topic={self.topic}"


class Exam(BaseModel):
    """An exam of an org for the members of its subtree: ``questions`` drawn at random from the
    bank (the org's own questions and its ancestors', of ``topic`` or any), ``minutes`` to answer,
    open from ``opens`` to ``closes``; ``attempts`` allowed (one unless the organiser allows more)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="组织单位")
    title = models.CharField("考试名称", max_length=100)
    topic = models.CharField("专题", max_length=50, blank=True, help_text="留空：不限专题")
    questions = models.PositiveSmallIntegerField("题目数")
    minutes = models.PositiveSmallIntegerField("限时（分钟）")
    pass_score = models.PositiveSmallIntegerField("及格分", default=60)
    attempts = models.PositiveSmallIntegerField("允许作答次数", default=1)
    opens = models.DateField("开始日期")
    closes = models.DateField("截止日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="发布人")

    scope_custom = ("an exam is taken down the tree: a member sees the exams of their own org and of every org "
                    "above it; managers see the exams of their subtrees (learning.*)")

    class Meta:
        ordering = ["-opens", "-pk"]
        verbose_name = "考试"
        verbose_name_plural = "考试"
        indexes = [models.Index(fields=["org", "opens"])]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        q = scope.org_q("org__path", f"learning.{action}")
        if action == "view" and scope.member_org_id:
            q |= ancestor_paths_q("org__path", scope.member_org_id)
        return q

    def audit_org(self):
        return self.org

    def get_absolute_url(self):
        return reverse("exams:exam", args=[self.pk])


class Attempt(BaseModel):
    """One member's attempt at an exam: the questions drawn (``AttemptQuestion``), the deadline
    set when it started, and once submitted the score (0–100) and whether it passed. ``org`` is
    the member's org when it started: the results per org count there."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempt_set", verbose_name="考试")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+", verbose_name="党员")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="所在党组织")
    number = models.PositiveSmallIntegerField("第几次作答", default=1)
    started = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("截止时间")
    submitted = models.DateTimeField("交卷时间", null=True, blank=True)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    passed = models.BooleanField("及格", null=True, blank=True)

    scope_org = "org"
    scope_perm_prefix = "learning"
    scope_own = Own("member")

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        constraints = [models.UniqueConstraint(fields=["exam", "member", "number"], name="exams_attempt_once")]
        indexes = [models.Index(fields=["exam", "org"]), models.Index(fields=["member", "exam"])]

    def __str__(self):
        return f"{self.exam} 第{self.number}次作答"

    def get_absolute_url(self):
        return reverse("exams:attempt", args=[self.pk])


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, in its place, with the answer given and whether it was
    right (set when the attempt is submitted). Part of its attempt: scoped by it."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    given = models.CharField(max_length=8, blank=True)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="exams_attempt_question_once")]

    def __str__(self):
        return f"第{self.position}题"


class ExamResult(models.Model):
    """Summary table (core.summaries, ``exams.result``): an exam's submitted attempts per org (the
    member's org when they started), how many passed, and the sum of the scores. The results per
    branch, street, district read it. Not a record: no scope of its own."""

    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    submitted = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["exam", "org"], name="exams_result_once")]

    def __str__(self):
        return f"{self.exam_id}@{self.org_id}: {self.passed}/{self.submitted}"


class PracticeDay(models.Model):
    """每日一练: a member's practice of one day (the day's questions, drawn for the member and the
    day), how many were answered and how many right. One row per member and day; a member's own."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    answered = models.PositiveSmallIntegerField(default=0)
    correct = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["member", "day"], name="exams_practice_once")]
        indexes = [models.Index(fields=["org", "day"])]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} 每日一练 {self.correct}/{self.answered}"
