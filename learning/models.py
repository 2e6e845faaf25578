"""Learning (学习教育与培训): the study library (courses of articles, videos, audio and PDFs
published by an org for its subtree), online study counted honestly from heartbeats, offline hours
entered with evidence, and the class hours (学时) a member owes each year (rules.md §4).

What counts is one row per member, item and day (``StudyDay``); the org's yearly figures are a
summary row (``StudyOrgYear``) kept in the same transaction as the study rows."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.access import Own
from core.models import BaseModel


def ancestor_paths_q(lookup: str, org_id: int) -> Q:
    """Rows whose org (at ``lookup``, an org's path) is ``org_id`` or above it: what an org's
    members may study. The paths are the prefixes of the org's own path (one indexed lookup)."""
    from orgs.models import Org

    path = Org.objects.filter(pk=org_id).values_list("path", flat=True).first() or ""
    return Q(**{f"{lookup}__in": [path[:i] for i in range(Org.steplen, len(path) + 1, Org.steplen)]})


class TargetGroup(models.TextChoices):
    ALL = "all", "全体党员"
    SECRETARIES = "secretaries", "书记和委员"
    PROBATIONARY = "probationary", "预备党员"
    ACTIVISTS = "activists", "入党积极分子"


class ItemKind(models.TextChoices):
    ARTICLE = "article", "图文"
    VIDEO = "video", "视频"
    AUDIO = "audio", "音频"
    PDF = "pdf", "PDF 文档"


MEDIA_KINDS = (ItemKind.VIDEO, ItemKind.AUDIO)


MAX_CHANNEL_DEPTH = 3  # 栏目 › 子栏目 › 子栏目


class Channel(BaseModel):
    """A channel (栏目) of the study library: published by ``org`` for its subtree, like a course,
    under a parent channel of its own org or of an org above it (a district's 党史学习 under the
    city's 理论学习), at most three levels deep. A course filed under a channel is found under it
    and under every channel above it."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="发布组织")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="上级栏目")
    name = models.CharField("栏目名称", max_length=30)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)

    scope_custom = "read down the tree like a course (Course.scope_filter)"

    class Meta:
        ordering = ["depth", "name", "pk"]
        verbose_name = "栏目"
        verbose_name_plural = "栏目"
        constraints = [models.UniqueConstraint(fields=["org", "parent", "name"], name="learning_channel_once")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope, action):
        """Managers (learning.*) see the channels of their subtrees and, to file courses under them,
        those of the orgs above; a member sees those of their own org and above."""
        from orgs.models import Org

        q = scope.org_q("org__path", f"learning.{action}")
        if action == "view":
            step = Org.steplen
            above = {path[:i] for path in scope.paths_for("learning.view") for i in range(step, len(path), step)}
            if above:
                q |= Q(org__path__in=sorted(above))
            if scope.member_org_id:
                q |= ancestor_paths_q("org__path", scope.member_org_id)
        return q

    def audit_org(self):
        return self.org

    def get_absolute_url(self):
        return reverse("learning:library") + f"?channel={self.pk}"

    def lineage(self) -> list["Channel"]:
        """The channel and those above it, top first (at most three)."""
        found, node = [], self
        while node is not None:
            found.insert(0, node)
            node = node.parent
        return found


class Course(BaseModel):
    """A course of the study library, published by ``org`` for its whole subtree (the city's for
    everyone, a district's for its district). ``required_for`` and ``year`` make it a required
    course (必学) of that target group for that year."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="courses", verbose_name="发布组织")
    title = models.CharField("课程名称", max_length=100)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="courses",
                                verbose_name="栏目")
    summary = models.CharField("简介", max_length=300, blank=True)
    required_for = models.CharField("必学对象", max_length=16, choices=TargetGroup, blank=True)
    year = models.PositiveSmallIntegerField("必学年度", null=True, blank=True)
    published = models.BooleanField("已发布", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="发布人")

    scope_custom = ("the study library is read down the tree: a member studies what their own org and every org "
                    "above it published; managers see what was published in their subtrees (learning.*)")

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = "课程"
        verbose_name_plural = "课程"
        indexes = [models.Index(fields=["org", "year"])]
        constraints = [models.CheckConstraint(
            condition=Q(required_for="") | Q(year__isnull=False), name="learning_course_required_has_year")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        """Managers see the courses published in their subtrees (``learning.view``); a member sees,
        to study, the published courses of their own org and of every org above it."""
        q = scope.org_q("org__path", f"learning.{action}")
        if action == "view" and scope.member_org_id:
            q |= Q(published=True) & ancestor_paths_q("org__path", scope.member_org_id)
        return q

    def audit_org(self):
        return self.org

    def get_absolute_url(self):
        return reverse("learning:course", args=[self.pk])


class StudyItem(BaseModel):
    """One item of a course: an article (its text), a video or audio (a stored media file served
    with range requests) or a PDF. ``seconds``: the item's length — the media's duration, or the
    reading time of an article or PDF; online study of the item is credited up to it plus a margin."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items", verbose_name="课程")
    kind = models.CharField("类型", max_length=8, choices=ItemKind)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文", blank=True)
    seconds = models.PositiveIntegerField("时长（秒）")
    position = models.PositiveSmallIntegerField("顺序", default=0)
    # The stored file (core.files), checked by content like the archive's documents.
    stored_name = models.CharField(max_length=80, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)

    scope_custom = "read down the tree like its course (Course.scope_filter)"

    class Meta:
        ordering = ["course", "position", "pk"]
        verbose_name = "学习内容"
        verbose_name_plural = "学习内容"
        constraints = [models.CheckConstraint(condition=Q(seconds__gt=0), name="learning_item_seconds_positive")]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope, action):
        q = scope.org_q("course__org__path", f"learning.{action}")
        if action == "view" and scope.member_org_id:
            q |= Q(course__published=True) & ancestor_paths_q("course__org__path", scope.member_org_id)
        return q

    def audit_org(self):
        return self.course.org

    def get_absolute_url(self):
        return reverse("learning:item", args=[self.pk])


class StudySession(models.Model):
    """One opening of an item by a member (a tab, a device): the state the server needs to judge
    the next heartbeat. Opening a new session closes the member's other open sessions, so two tabs
    or two devices never count twice. Not editable by anyone: written by ``services`` only."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="study_sessions")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="sessions")
    token = models.CharField(max_length=43, unique=True)
    opened = models.DateTimeField()
    last_beat = models.DateTimeField()
    seq = models.PositiveIntegerField(default=0)
    position = models.FloatField(default=0)
    closed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["member", "closed"])]

    def __str__(self):
        return f"{self.member_id}/{self.item_id}/{self.token[:6]}"


class StudyDay(models.Model):
    """What counts: a member's credited seconds on one item on one day (Asia/Shanghai), and whether
    the item was completed. ``org``: the member's org when the study was credited (roll-ups)."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="study_days")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, related_name="study_days")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    seconds = models.PositiveIntegerField(default=0)
    completed = models.BooleanField(default=False)
    position = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "item", "day"], name="learning_study_day_once")]
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["org", "day"])]

    def __str__(self):
        return f"{self.member_id}/{self.item_id}/{self.day}: {self.seconds}s"


class RefusedBeat(models.Model):
    """A heartbeat refused as suspicious (forged, replayed, too fast, hidden, closed session…):
    one indexed row with the org and day, so that patterns can be counted per branch."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(StudyItem, on_delete=models.CASCADE, null=True, related_name="+")
    day = models.DateField()
    reason = models.CharField(max_length=16)

    class Meta:
        indexes = [models.Index(fields=["org", "day"])]

    def __str__(self):
        return f"{self.member_id}/{self.day}: {self.reason}"


class OfflineHours(BaseModel):
    """Class hours a member earned offline (a lecture elsewhere, a training off the platform),
    entered by the branch with the evidence."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="offline_hours",
                               verbose_name="党员")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="录入组织")
    day = models.DateField("日期")
    hours = models.DecimalField("学时", max_digits=4, decimal_places=1)
    subject = models.CharField("学习内容", max_length=100)
    evidence = models.CharField("证明材料", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="录入人")

    scope_org = "member__org"
    scope_perm_prefix = "learning"
    scope_own = Own("member")

    class Meta:
        ordering = ["-day", "-pk"]
        verbose_name = "线下学时"
        verbose_name_plural = "线下学时"
        indexes = [models.Index(fields=["member", "day"]), models.Index(fields=["org", "day"])]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=40),
                                              name="learning_offline_hours_range")]

    def __str__(self):
        return f"{self.day} {self.subject}（{self.hours}学时）"


class StudyOrgYear(models.Model):
    """Summary table (core.summaries, ``learning.study_org_year``): the online study seconds
    credited to an org's members in a year, kept by ``services.heartbeat`` in its transaction."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="learning_study_org_year_once")]

    def __str__(self):
        return f"{self.org_id}/{self.year}: {self.seconds}s"
