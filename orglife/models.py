"""Organizational life (组织生活, rules.md §3): meeting records (三会一课纪实) with their
attendance, attachments and review rounds (纪实报告检查); requested lectures (点题党课) and their
votes; the copy-detection index of the minutes.

Every counted thing is a row with its org and date indexed: a meeting, an attendance, a review
round, a vote. Workflows live in ``orglife.services``."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.access import Own
from core.models import BaseModel, StoredDocument


class MeetingKind(models.TextChoices):
    BRANCH_ASSEMBLY = "branch_assembly", "支部党员大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "党小组会"
    LECTURE = "lecture", "党课"
    THEME_DAY = "theme_day", "主题党日"
    REVIEW_MEETING = "review_meeting", "组织生活会"
    APPRAISAL = "appraisal", "民主评议党员"
    TALK = "talk", "谈心谈话"


class MeetingState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交，待审核"
    RETURNED = "returned", "已退回，待修改"
    APPROVED = "approved", "审核通过"


# A meeting counts as held once its record is submitted (also while returned for correction:
# the meeting took place, only its record is being corrected). Drafts do not count.
COUNTED_STATES = (MeetingState.SUBMITTED, MeetingState.RETURNED, MeetingState.APPROVED)
EDITABLE_STATES = (MeetingState.DRAFT, MeetingState.RETURNED)

SIGNIN_BEFORE = timedelta(minutes=30)
SIGNIN_AFTER = timedelta(hours=2)


class Meeting(BaseModel):
    """One meeting record (纪实) of a branch or a party group: what was held, when, where, by whom,
    who came and what was decided. Lectures may answer a requested topic (点题党课) or be
    delivered by a visiting lecturer (流动党课); they count for the org that held them."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="meetings",
                            verbose_name="党组织")
    kind = models.CharField("类别", max_length=20, choices=MeetingKind)
    state = models.CharField("状态", max_length=10, choices=MeetingState, default=MeetingState.DRAFT)
    held_on = models.DateField("日期")
    start_time = models.TimeField("开始时间", default=time(9, 0))
    place = models.CharField("地点", max_length=100)
    host = models.CharField("主持人", max_length=50)
    recorder = models.CharField("记录人", max_length=50)
    topic = models.CharField("主题", max_length=200)
    minutes = models.TextField("会议记录", blank=True)
    decisions = models.TextField("决定事项", blank=True)
    # Lectures (党课).
    lecturer = models.CharField("授课人", max_length=50, blank=True)
    lecturer_unit = models.CharField("授课人单位", max_length=100, blank=True)
    lecturer_member = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="lectures_given", verbose_name="授课党员")
    by_secretary = models.BooleanField("书记讲党课", default=False)
    # A combined meeting (rules.COMBINED): a 组织生活会 held as a branch assembly or committee meeting,
    # a 民主评议党员 held with the 组织生活会 — it counts for this kind too (orglife.summaries).
    also_kind = models.CharField("同时作为", max_length=20, choices=MeetingKind, blank=True)
    travelling = models.BooleanField("流动党课（送学上门）", default=False)
    requested_topic = models.ForeignKey("orglife.Topic", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="lectures", verbose_name="点题")
    # QR sign-in: a random token in the URL and a window.
    signin_token = models.CharField(max_length=32, unique=True, editable=False)
    signin_opens = models.DateTimeField("签到开始")
    signin_closes = models.DateTimeField("签到截止")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="录入人")

    scope_org = "org"
    scope_perm_prefix = "orglife"
    scope_own = Own("attendances__member")  # a member sees the meetings they are listed for

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "会议记录"
        verbose_name_plural = "会议记录"
        indexes = [
            # (org, kind, held_on) for "meetings of kind K in this subtree this period"; state and
            # by_secretary trail so that the compliance count reads the index alone, never the
            # rows with their minutes (docs/benchmarks.md).
            models.Index(fields=["org", "kind", "held_on", "state", "by_secretary"], name="meeting_org_kind_held"),
            models.Index(fields=["state", "held_on"], name="meeting_state_held"),
            # The lists' order, (held_on, id) both: PostgreSQL's index on held_on alone leaves the
            # ties in heap order, so "the newest 50" sorted a whole day's meetings (docs/benchmarks.md).
            models.Index(fields=["held_on", "id"], name="meeting_held_id"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(signin_closes__gt=models.F("signin_opens")),
                                   name="meeting_signin_window_order"),
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.get_kind_display()}：{self.topic}"

    def get_absolute_url(self):
        return reverse("orglife:detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.held_on, self.start_time))

    def default_window(self) -> tuple[datetime, datetime]:
        """From 30 minutes before the start to 2 hours after it."""
        return self.starts_at - SIGNIN_BEFORE, self.starts_at + SIGNIN_AFTER

    def signin_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.signin_opens <= now <= self.signin_closes


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class SignInHow(models.TextChoices):
    MANUAL = "manual", "书记登记"
    QR = "qr", "扫码签到"


class Attendance(BaseModel):
    """One member's attendance at one meeting: present, on leave or absent (with the reason)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name="会议")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="attendances",
                               verbose_name="党员")
    status = models.CharField("出席情况", max_length=8, choices=AttendanceStatus)
    reason = models.CharField("请假或缺席原因", max_length=200, blank=True)
    signed_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    how = models.CharField("登记方式", max_length=8, choices=SignInHow, default=SignInHow.MANUAL)

    scope_org = "meeting__org"
    scope_perm_prefix = "orglife"
    scope_own = Own("member")

    class Meta:
        ordering = ["meeting", "member__name", "pk"]
        verbose_name = "出席记录"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member")]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"


class Attachment(BaseModel, StoredDocument):
    """A photo, sign-in sheet or scan of a meeting. The file lives outside the web root under a
    random name (core.files) and is served only after the meeting was found through visible_to."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name="会议")

    # Visible with its meeting.
    scope_org = "meeting__org"
    scope_perm_prefix = "orglife"
    scope_own = Own("meeting__attendances__member")

    class Meta:
        ordering = ["pk"]
        verbose_name = "会议附件"


class ReviewDecision(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "通过"
    RETURNED = "returned", "退回修改"


class ReviewRound(BaseModel):
    """One round of the record review (纪实报告检查): a submission and the upper org's decision.
    Every round is kept; at most one is pending per meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="review_rounds",
                                verbose_name="会议")
    number = models.PositiveSmallIntegerField("轮次")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name="提交人")
    decision = models.CharField("审核结论", max_length=10, choices=ReviewDecision, default=ReviewDecision.PENDING)
    comment = models.TextField("审核意见", blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="审核人")

    scope_org = "meeting__org"
    scope_perm_prefix = "orglife"

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = "审核轮次"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="review_round_number"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(decision="pending"),
                                    name="review_one_pending"),
        ]

    def __str__(self):
        return f"第{self.number}轮 {self.get_decision_display()}"


class TopicState(models.TextChoices):
    OPEN = "open", "征集中"
    SCHEDULED = "scheduled", "已安排党课"


class Topic(BaseModel):
    """A lecture topic members of a branch ask for (点题党课); members vote, the secretary
    schedules a lecture on a chosen one."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="lecture_topics",
                            verbose_name="党支部")
    title = models.CharField("题目", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True)
    proposed_by = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="提出人")
    proposed_on = models.DateField("提出日期", default=timezone.localdate)
    state = models.CharField("状态", max_length=10, choices=TopicState, default=TopicState.OPEN)

    scope_org = "org"
    scope_perm_prefix = "orglife"
    scope_own = Own("org", of="org")  # a member sees their own branch's topics

    class Meta:
        ordering = ["-proposed_on", "-pk"]
        verbose_name = "点题"
        indexes = [models.Index(fields=["org", "state"], name="topic_org_state")]

    def __str__(self):
        return self.title


class TopicVote(BaseModel):
    """One member's vote for a topic: one per member per topic. (Who voted for which topic of
    their own branch's open call is not secret; the audit trail records the vote without it.)"""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="votes", verbose_name="点题")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="topic_votes",
                               verbose_name="党员")

    scope_org = "topic__org"
    scope_perm_prefix = "orglife"

    class Meta:
        verbose_name = "点题投票"
        constraints = [models.UniqueConstraint(fields=["topic", "member"], name="topic_vote_once")]


# --- copy detection (orglife.copydetect) ---------------------------------------------------------


class MinutesFingerprint(models.Model):
    """The normalised minutes of a submitted meeting (names, dates and digits replaced), kept so
    candidates can be compared exactly. An index row, not a business record: no audit, no scope;
    never shown to anyone as such."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="fingerprint")
    normalized = models.TextField()
    shingles = models.PositiveIntegerField()

    class Meta:
        verbose_name = "会议记录指纹"

    def __str__(self):
        return f"指纹 {self.meeting_id}"


class MinutesBand(models.Model):
    """One LSH band of a meeting's MinHash signature: meetings sharing a (band, bucket) are
    candidate copies of each other, found by one indexed query."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+", db_index=False)
    band = models.PositiveSmallIntegerField()
    bucket = models.BigIntegerField()

    class Meta:
        verbose_name = "会议记录LSH分段"
        constraints = [models.UniqueConstraint(fields=["meeting", "band"], name="minutes_band_once")]
        indexes = [models.Index(fields=["band", "bucket"], name="minutes_band_bucket")]

    def __str__(self):
        return f"{self.meeting_id}/{self.band}"


class CopyFlag(BaseModel):
    """A submitted record whose minutes nearly copy an earlier record's (similarity = Jaccard of
    their shingle sets), shown to the reviewer beside its source."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="copy_flags",
                                verbose_name="会议")
    source = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="copied_by",
                               verbose_name="疑似来源")
    similarity = models.FloatField("相似度")

    scope_org = "meeting__org"
    scope_perm_prefix = "orglife"

    class Meta:
        ordering = ["-similarity", "pk"]
        verbose_name = "疑似抄袭标记"
        constraints = [models.UniqueConstraint(fields=["meeting", "source"], name="copy_flag_once")]

    def __str__(self):
        return f"{self.meeting_id} ≈ {self.source_id} ({self.similarity:.0%})"


class MeetingMonth(models.Model):
    """Summary table (core.summaries, ``orglife.meeting_month``): the meetings an org held (counted
    states) of one kind in one month, and how many of them were lectures by the secretary. Kept
    by ``orglife.services`` in the transaction that changes a meeting; compliance reads it instead
    of the meetings. Not a record: no history, no scope of its own (read only under an org the
    caller has checked)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    kind = models.CharField("类别", max_length=20, choices=MeetingKind)
    month = models.DateField("月份")  # the month's first day
    held = models.PositiveIntegerField("已召开", default=0)
    by_secretary = models.PositiveIntegerField("其中书记讲党课", default=0)

    class Meta:
        verbose_name = "会议月度汇总"
        verbose_name_plural = "会议月度汇总"
        constraints = [models.UniqueConstraint(fields=["org", "kind", "month"], name="meeting_month_once")]
        # The compliance figures sum held and by_secretary per org over the months of the periods
        # shown: the org's entries of those months are one range of this index (however many years
        # the table holds), and the index alone answers, never the table (selectors.figures).
        indexes = [models.Index(fields=["org", "month", "kind", "held", "by_secretary"], name="meeting_month_figures")]

    def __str__(self):
        return f"{self.org_id} {self.kind} {self.month:%Y-%m}: {self.held}"


class MeetingPeriods(models.Model):
    """Summary table (core.summaries, ``orglife.meeting_periods``): for an org and a month, the
    meetings held (counted states) in each period containing that month that a requirement reads
    — the month's theme days, the quarter's branch assemblies, the year's review meetings, the
    lectures of the month, quarter and year (the lecture period is a local setting) and of them the
    secretary's in the year. One row per org and month answers every requirement of the month, so
    the compliance roll-up of a city reads two rows per holder (this month and the last) instead of
    a year of ``MeetingMonth`` entries. The fields are ``orglife.summaries.COLUMNS``
    (kind_period[_by_secretary]); kept by ``orglife.services`` with ``MeetingMonth``: a meeting
    moves the rows of every month of its year whose periods contain it (at most 12)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    month = models.DateField("月份")  # the month's first day
    branch_assembly_quarter = models.PositiveIntegerField("本季度支部党员大会", default=0)
    committee_meeting_month = models.PositiveIntegerField("本月支委会", default=0)
    group_meeting_month = models.PositiveIntegerField("本月党小组会", default=0)
    lecture_month = models.PositiveIntegerField("本月党课", default=0)
    lecture_quarter = models.PositiveIntegerField("本季度党课", default=0)
    lecture_year = models.PositiveIntegerField("本年度党课", default=0)
    lecture_year_by_secretary = models.PositiveIntegerField("本年度书记讲党课", default=0)
    theme_day_month = models.PositiveIntegerField("本月主题党日", default=0)
    review_meeting_year = models.PositiveIntegerField("本年度组织生活会", default=0)
    appraisal_year = models.PositiveIntegerField("本年度民主评议党员", default=0)
    talk_year = models.PositiveIntegerField("本年度谈心谈话", default=0)

    class Meta:
        verbose_name = "会议周期汇总"
        verbose_name_plural = "会议周期汇总"
        # Also the compliance figures' index: one seek per holder and month shown.
        constraints = [models.UniqueConstraint(fields=["org", "month"], name="meeting_periods_once")]

    def __str__(self):
        return f"{self.org_id} {self.month:%Y-%m}"
