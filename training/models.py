"""Group study and tiered training (集中学习与分级培训, issue 16.4–5): the study sessions of
leadership teams (理论学习中心组) and branches with who attended, and the training classes run by
the city, a district or a street for a target group — sessions, enrolment, attendance, completion
with a certificate — from which rotation coverage (轮训) is read.

What the city counts is an indexed row with its org and date: one ``GroupStudyAttendance`` or
``TrainingAttendance`` per member and session (the hours they earned), one ``Enrolment`` per member
and class (a training person-time, 培训人次). The counts per org and month are a summary row
(``TrainingOrgMonth``) kept by ``services`` in the same transaction."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from core.access import Own
from core.models import BaseModel


class GroupStudyKind(models.TextChoices):
    CENTER = "center", "理论学习中心组学习"
    BRANCH = "branch", "党组织集中学习"


class Target(models.TextChoices):
    """Who a class is for; rotation coverage (轮训) is read per target."""

    SECRETARIES = "secretaries", "党组织书记"
    CADRES = "cadres", "党组织班子成员"
    NEW_MEMBERS = "new_members", "新党员（预备党员）"
    ALL = "all", "全体党员"


class GroupStudy(BaseModel):
    """One group study session of ``org`` (its leadership team's 中心组 or the org's members):
    the hours are credited to each member present (``GroupStudyAttendance``)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="group_studies", verbose_name="党组织")
    kind = models.CharField("类别", max_length=8, choices=GroupStudyKind)
    held_on = models.DateField("日期")
    topic = models.CharField("学习主题", max_length=100)
    materials = models.CharField("学习材料", max_length=500, blank=True)
    hours = models.DecimalField("学时", max_digits=3, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="记录人")

    scope_org = "org"
    scope_perm_prefix = "learning"

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "集中学习"
        verbose_name_plural = "集中学习"
        indexes = [models.Index(fields=["org", "held_on"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=8),
                                              name="training_group_study_hours_range")]

    def __str__(self):
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self):
        return reverse("training:group_study", args=[self.pk])


class GroupStudyAttendance(models.Model):
    """A member present at a group study: the hours credited to them. ``org``: the member's org
    then (roll-ups); ``day``: the study's date. Written by ``services`` only."""

    study = models.ForeignKey(GroupStudy, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="group_studies")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(max_digits=3, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["study", "member"], name="training_group_attendance_once")]
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["org", "day"])]

    def __str__(self):
        return f"{self.member_id}@{self.study_id}"


class TrainingClass(BaseModel):
    """A training class (培训班) run by ``org`` (the city, a district, a street) for a target group
    of its subtree, in a rotation cycle (``cycle_start``–``cycle_end``, years): those who complete
    it count as trained for that cycle."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="training_classes",
                            verbose_name="主办组织")
    title = models.CharField("培训班名称", max_length=100)
    target = models.CharField("培训对象", max_length=16, choices=Target)
    cycle_start = models.PositiveSmallIntegerField("轮训周期起")
    cycle_end = models.PositiveSmallIntegerField("轮训周期止")
    starts = models.DateField("开班日期")
    ends = models.DateField("结业日期")
    place = models.CharField("培训地点", max_length=100, blank=True)
    closed_on = models.DateField("结业评定日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="创建人")

    scope_org = "org"
    scope_perm_prefix = "learning"

    class Meta:
        ordering = ["-starts", "-pk"]
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        indexes = [models.Index(fields=["org", "starts"]), models.Index(fields=["target", "cycle_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=F("starts")), name="training_class_dates"),
            models.CheckConstraint(condition=Q(cycle_end__gte=F("cycle_start")), name="training_class_cycle"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("training:class", args=[self.pk])

    @property
    def cycle(self) -> str:
        return f"{self.cycle_start}年" if self.cycle_start == self.cycle_end else f"{self.cycle_start}—{self.cycle_end}年"


class TrainingSession(BaseModel):
    """One session (一次课) of a class: its date, topic and class hours."""

    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="sessions", verbose_name="培训班")
    held_on = models.DateField("日期")
    topic = models.CharField("课程内容", max_length=100)
    hours = models.DecimalField("学时", max_digits=3, decimal_places=1)

    scope_org = "klass__org"
    scope_perm_prefix = "learning"

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = "培训课次"
        verbose_name_plural = "培训课次"
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=8),
                                              name="training_session_hours_range")]

    def __str__(self):
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self):
        return self.klass.get_absolute_url()


class Enrolment(BaseModel):
    """A member enrolled in a class: one training person-time (培训人次). ``completed`` once the
    class is closed with enough hours attended, with the certificate's number."""

    klass = models.ForeignKey(TrainingClass, on_delete=models.CASCADE, related_name="enrolments", verbose_name="培训班")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="enrolments",
                               verbose_name="学员")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="学员所在组织")
    enrolled_on = models.DateField("报名日期")
    completed = models.BooleanField("已结业", default=False)
    completed_on = models.DateField("结业日期", null=True, blank=True)
    certificate_no = models.CharField("结业证书编号", max_length=20, blank=True)

    scope_org = "klass__org"
    scope_perm_prefix = "learning"
    scope_own = Own("member")

    class Meta:
        ordering = ["klass", "member__name", "pk"]
        verbose_name = "培训学员"
        verbose_name_plural = "培训学员"
        constraints = [models.UniqueConstraint(fields=["klass", "member"], name="training_enrolment_once")]
        indexes = [models.Index(fields=["member", "completed"]), models.Index(fields=["org", "enrolled_on"])]

    def __str__(self):
        return f"{self.member} · {self.klass}"

    def get_absolute_url(self):
        return self.klass.get_absolute_url()


class TrainingAttendance(models.Model):
    """An enrolled member present at a session: the session's hours credited to them. Written by
    ``services`` only."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hours = models.DecimalField(max_digits=3, decimal_places=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="training_attendance_once")]
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["org", "day"])]

    def __str__(self):
        return f"{self.member_id}@{self.session_id}"


class TrainingOrgMonth(models.Model):
    """Summary table (core.summaries, ``training.org_month``) per org and month: group studies the
    org held, members of the org present at group studies, enrolments (person-times), completions
    and session attendances of the org's members. Kept by ``services`` in their transactions."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the month's first day
    group_studies = models.PositiveIntegerField(default=0)
    group_attendances = models.PositiveIntegerField(default=0)
    enrolments = models.PositiveIntegerField(default=0)
    completions = models.PositiveIntegerField(default=0)
    session_attendances = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="training_org_month_once")]
        indexes = [models.Index(fields=["month", "org"])]

    def __str__(self):
        return f"{self.org_id}/{self.month:%Y-%m}"
