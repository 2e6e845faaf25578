"""Party members (党员) and their archives (党员档案): identity, party data, records over time,
and the dated timeline of everything done to the archive (记实)."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.access import Own, ScopedQuerySet
from core.models import BaseModel, ProtectedNumbers, StoredDocument
from core.phone import mask_phone, normalize_phone  # noqa: F401  (imported from here by other modules)
from members.pinyin import pinyin_fields


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"
    SUSPENDED = "suspended", "停止党籍"
    LEFT = "left", "出党"
    DECEASED = "deceased", "死亡"
    # The membership moved to an org outside the platform (an outgoing letter whose receipt came
    # back, transfers.services.letter_complete). The archive stays, as for every other status.
    MOVED_OUT = "moved_out", "已转出"
    # 取消预备党员资格 (党章第七条): a probationary member not admitted to full membership; set by
    # recruitment.services.case_cancel, or recorded in an archive for a case decided earlier.
    CANCELLED = "cancelled", "取消预备党员资格"


# Members who belong to the org's living membership (counted, listed by default, may log in).
ACTIVE_STATUSES = (MemberStatus.FULL, MemberStatus.PROBATIONARY)
# What every member figure counts, named where it is shown: the home page, the org tree and the
# org page, the member list's total and the API's member list (issue 10.3: a cancelled
# probationary member was counted by the list and not by the home page).
ACTIVE_LABEL = "党员（含预备党员）"


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        """The members every figure counts: full and probationary (ACTIVE_LABEL); not the
        archives of members who left, died, were cancelled, suspended or moved out."""
        return self.filter(status__in=ACTIVE_STATUSES)


class MemberCategory(models.TextChoices):
    IN_SERVICE = "in_service", "在职"
    RETIRED = "retired", "离退休"
    STUDENT = "student", "学生"
    FARMER = "farmer", "农牧渔民"
    MOBILE = "mobile", "流动党员"
    UNEMPLOYED = "unemployed", "无固定职业"
    OTHER = "other", "其他"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR = "junior", "初中及以下"


class Member(ProtectedNumbers, BaseModel):
    """A party member of one org. The ID number is stored only encrypted (SM4-GCM), with an
    HMAC-SM3 blind index for exact lookup and a masked copy for display."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="members", verbose_name="所在党组织")
    name = models.CharField("姓名", max_length=50, db_index=True)
    # Derived from the name (members.pinyin), for search by initials or pinyin: set_name().
    name_initials = models.CharField("姓名首字母", max_length=50, blank=True, editable=False, db_index=True)
    name_pinyin = models.CharField("姓名拼音", max_length=300, blank=True, editable=False, db_index=True)
    gender = models.CharField("性别", max_length=6, choices=Gender)
    birth_date = models.DateField("出生日期")
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    status = models.CharField("党员状态", max_length=14, choices=MemberStatus)
    joined = models.DateField("入党日期")
    # Identity (the national member information system's archive fields).
    former_name = models.CharField("曾用名", max_length=50, blank=True)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    native_place = models.CharField("籍贯", max_length=50, blank=True)
    education = models.CharField("学历", max_length=14, choices=Education, blank=True)
    degree = models.CharField("学位", max_length=20, blank=True)
    occupation = models.CharField("职业", max_length=50, blank=True)
    title = models.CharField("专业技术职务", max_length=50, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    work_post = models.CharField("单位职务", max_length=50, blank=True)
    phone_cipher = models.TextField("联系电话（密文）", blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    address = models.CharField("家庭住址", max_length=200, blank=True)
    # Party data.
    applied = models.DateField("申请入党日期", null=True, blank=True)
    converted = models.DateField("转正日期", null=True, blank=True)
    category = models.CharField("人员类别", max_length=12, choices=MemberCategory, default=MemberCategory.IN_SERVICE)
    group = models.ForeignKey(
        "orgs.Org", on_delete=models.SET_NULL, null=True, blank=True, related_name="group_members",
        verbose_name="所在党小组",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="member_records", verbose_name="登录账号",
    )

    audit_masked_fields = {"id_number_cipher": "id_number_masked", "id_number_index": "",
                           "phone_cipher": "phone_masked", "phone_index": "", "address": ""}

    objects = MemberQuerySet.as_manager()

    scope_org = "org"
    scope_perm_prefix = "member"
    scope_own = Own("pk")  # the member's own archive

    class Meta:
        ordering = ["org", "name", "pk"]
        verbose_name = "党员"
        verbose_name_plural = "党员"
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="member_id_number_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="member_user_unique"
            ),
            models.CheckConstraint(
                condition=Q(converted__isnull=True) | Q(converted__gte=models.F("joined")),
                name="member_converted_after_joined",
            ),
            models.CheckConstraint(
                condition=Q(applied__isnull=True) | Q(applied__lte=models.F("joined")),
                name="member_applied_before_joined",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:detail", args=[self.pk])

    def set_name(self, value: str) -> None:
        """The name and its pinyin search fields together: every writer of the name calls this
        (bulk writers too: nothing fills them behind their back)."""
        self.name = (value or "").strip()
        for field, derived in pinyin_fields(self.name).items():
            setattr(self, field, derived)

    def standing_years(self, today: date | None = None) -> int | None:
        """党龄: whole years since conversion to full membership (rules.md §2)."""
        if not self.converted:
            return None
        today = today or timezone.localdate()
        return today.year - self.converted.year - ((today.month, today.day) < (self.converted.month, self.converted.day))

    def age(self, today: date | None = None) -> int:
        today = today or timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- records over time ---------------------------------------------------------------------------


class MemberRecord(BaseModel):
    """Base of the archive's dated records: each belongs to one member and is scoped by the
    member's org."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name="党员")

    scope_org = "member__org"
    scope_perm_prefix = "member"
    scope_own = Own("member")  # the member's own records

    class Meta:
        abstract = True


class PositionHeld(MemberRecord):
    """A post the member held (任职经历)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions", verbose_name="党员")
    title = models.CharField("职务", max_length=50)
    unit = models.CharField("单位", max_length=100, blank=True)
    started = models.DateField("任职日期")
    ended = models.DateField("免职日期", null=True, blank=True)

    class Meta:
        ordering = ["-started", "-pk"]
        verbose_name = "任职经历"

    def __str__(self):
        return f"{self.unit}{self.title}"


class RewardPunishment(MemberRecord):
    """A reward or a punishment (discipline included: 党纪处分)."""

    class Kind(models.TextChoices):
        REWARD = "reward", "奖励"
        PUNISHMENT = "punishment", "惩处"
        DISCIPLINE = "discipline", "党纪处分"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rewards", verbose_name="党员")
    kind = models.CharField("类别", max_length=12, choices=Kind)
    name = models.CharField("名称", max_length=100)
    decided = models.DateField("日期")
    issuer = models.CharField("批准机关", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["-decided", "-pk"]
        verbose_name = "奖惩情况"

    def __str__(self):
        return f"{self.get_kind_display()}：{self.name}"


class FamilyMember(MemberRecord):
    """A family member or social relation (家庭成员及主要社会关系)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="family", verbose_name="党员")
    relation = models.CharField("称谓", max_length=20)
    name = models.CharField("姓名", max_length=50)
    unit_post = models.CharField("工作单位及职务", max_length=100, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "家庭成员"

    def __str__(self):
        return f"{self.relation} {self.name}"


class TravelAbroad(MemberRecord):
    """A journey abroad (出国出境)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="travels", verbose_name="党员")
    destination = models.CharField("前往国家或地区", max_length=50)
    purpose = models.CharField("事由", max_length=100)
    departed = models.DateField("出境日期")
    returned = models.DateField("入境日期", null=True, blank=True)

    class Meta:
        ordering = ["-departed", "-pk"]
        verbose_name = "出国出境"
        constraints = [models.CheckConstraint(
            condition=Q(returned__isnull=True) | Q(returned__gte=models.F("departed")),
            name="travel_returned_after_departed")]

    def __str__(self):
        return f"{self.destination}（{self.purpose}）"


class Hardship(MemberRecord):
    """A hardship the member lives with (困难情况): the ground for care visits."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", "因病"
        DISABILITY = "disability", "残疾"
        INCOME = "income", "低收入"
        DISASTER = "disaster", "灾害事故"
        OTHER = "other", "其他"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="hardships", verbose_name="党员")
    kind = models.CharField("困难类型", max_length=12, choices=Kind)
    description = models.CharField("情况说明", max_length=300)
    since = models.DateField("起始日期")
    resolved = models.DateField("解除日期", null=True, blank=True)

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = "困难情况"

    def __str__(self):
        return self.get_kind_display()


class Appraisal(MemberRecord):
    """The yearly member appraisal (民主评议党员) result."""

    class Result(models.TextChoices):
        EXCELLENT = "excellent", "优秀"
        QUALIFIED = "qualified", "合格"
        BASIC = "basic", "基本合格"
        UNQUALIFIED = "unqualified", "不合格"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="appraisals", verbose_name="党员")
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("评议结果", max_length=12, choices=Result)

    class Meta:
        ordering = ["-year"]
        verbose_name = "民主评议结果"
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="appraisal_once_a_year")]

    def __str__(self):
        return f"{self.year}年 {self.get_result_display()}"


class Observation(MemberRecord):
    """留党察看: a disciplinary sanction under which the member stays a full member but, for its
    period, has no right to vote, to elect or to be elected (党章第四十条), and may not sponsor an
    applicant (细则第十三条). The period is one or two years, at most two (党章第四十条)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="observations", verbose_name="党员")
    starts_on = models.DateField("察看开始日期")
    ends_on = models.DateField("察看期满日期")
    issuer = models.CharField("批准机关", max_length=100)
    document = models.CharField("处分决定文号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = "留党察看"
        indexes = [models.Index(fields=["member", "ends_on"])]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")),
                                              name="observation_ends_after_start")]

    def __str__(self):
        return f"{self.starts_on:%Y-%m-%d}至{self.ends_on:%Y-%m-%d}"

    def covers(self, day: date) -> bool:
        """The member is under observation on ``day`` (the day it ends, the rights come back)."""
        return self.starts_on <= day < self.ends_on


class MemberEvent(MemberRecord):
    """One line of the member's timeline (记实): what happened to the archive, when, by whom."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events", verbose_name="党员")
    occurred = models.DateField("日期", db_index=True)
    kind = models.CharField("事项", max_length=40)
    summary = models.CharField("内容", max_length=300)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="记录人")

    class Meta:
        ordering = ["-occurred", "-pk"]
        verbose_name = "记实"
        indexes = [models.Index(fields=["member", "occurred"])]

    def __str__(self):
        return f"{self.occurred} {self.summary}"


class CorrectionRequest(MemberRecord):
    """A member asks for a correction of their own archive; the branch secretary decides."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        APPROVED = "approved", "已采纳"
        DECLINED = "declined", "未采纳"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="corrections", verbose_name="党员")
    field_name = models.CharField("需更正的项目", max_length=50)
    requested_value = models.CharField("应更正为", max_length=200)
    reason = models.CharField("理由", max_length=300, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField("处理意见", max_length=300, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "档案更正申请"

    def __str__(self):
        return f"{self.field_name} → {self.requested_value}"


class MemberDocument(MemberRecord, StoredDocument):
    """A scanned form or file in the archive. The file lives outside the web root under a random
    name (core.files); it is served only after a scope check, as an attachment."""

    class Kind(models.TextChoices):
        APPLICATION = "application", "入党申请书"
        FORM = "form", "入党志愿书"
        REVIEW = "review", "政审材料"
        CONVERSION = "conversion", "转正申请"
        OTHER = "other", "其他材料"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="documents", verbose_name="党员")
    kind = models.CharField("材料类别", max_length=12, choices=Kind, default=Kind.OTHER)

    class Meta:
        ordering = ["-created"]
        verbose_name = "档案材料"


class ImportBatch(BaseModel):
    """One roster import: the uploaded file, its checked rows (``ImportRow``), then one
    all-or-nothing commit. The check and the commit run on the task worker (members.tasks)."""

    class Status(models.TextChoices):
        PENDING = "pending", "排队等待解析"
        PARSING = "parsing", "解析中"
        PREVIEWED = "previewed", "待确认"
        COMMITTING = "committing", "导入中"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "失败"
        DISCARDED = "discarded", "已放弃"

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name="默认党组织")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=80, unique=True, editable=False)
    status = models.CharField("状态", max_length=12, choices=Status, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    created_rows = models.PositiveIntegerField(default=0)
    updated_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    # The roster columns the file has (field keys): a re-import overwrites only these.
    columns = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)
    phase_started = models.DateTimeField(null=True, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = "花名册导入"

    scope_custom = "the uploader's own work (its rows are checked against their scope when committed)"

    def __str__(self):
        return self.file_name

    @classmethod
    def scope_filter(cls, scope, action):
        return Q(uploaded_by_id=scope.user_id) if scope.user_id else Q(pk__in=[])

    @property
    def outcomes(self) -> list[dict]:
        """Every row's outcome, errors first (tests and small files; pages page through rows)."""
        return [row.outcome() for row in self.rows.order_by("ok", "number")]


class ImportRow(models.Model):
    """One checked row of an import batch: what the preview shows (masked) and, until the
    commit or the discard, the row ready to write (``data``: ID and phone numbers as ciphertext
    and blind index only, never in clear). Kept after the commit, without ``data``, as the
    batch's report."""

    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "更新"
        ERROR = "error", "错误"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField("行号")
    ok = models.BooleanField(default=True)
    name = models.CharField("姓名", max_length=50, blank=True)
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    org_name = models.CharField("所在党组织", max_length=200, blank=True)
    action = models.CharField("结果", max_length=6, choices=Action)
    errors = models.TextField("问题", blank=True)  # one reason a line
    data = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "ok", "number"]
        verbose_name = "导入行"
        constraints = [models.UniqueConstraint(fields=["batch", "number"], name="import_row_unique")]
        indexes = [models.Index(fields=["batch", "ok", "number"], name="import_row_outcome")]

    def __str__(self):
        return f"{self.batch_id}:{self.number}"

    def error_list(self) -> list[str]:
        return self.errors.split("\n") if self.errors else []

    def outcome(self) -> dict:
        return {"row": self.number, "name": self.name, "id": self.id_masked, "org": self.org_name,
                "action": self.action, "errors": self.error_list()}


class MemberCount(models.Model):
    """Summary table (core.summaries, ``members.member_count``): how many members an org's own
    archive holds in each status — the current state, not a period. Kept by every service that
    creates a member or changes a member's org or status (members, the roster import, transfers,
    recruitment through members.services), in its transaction; the org tree, the org pages and the
    member list's total read it instead of counting the archive. Not a record: no history, no scope
    of its own (read only under an org the caller has checked)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    status = models.CharField("党员状态", max_length=20, choices=MemberStatus)
    total = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "党员人数汇总"
        verbose_name_plural = "党员人数汇总"
        constraints = [models.UniqueConstraint(fields=["org", "status"], name="member_count_once")]

    def __str__(self):
        return f"{self.org_id} {self.status}: {self.total}"


class MemberProfile(models.Model):
    """Summary table (core.summaries, ``members.member_profile``, a tree summary): how many members
    in good standing (full and probationary) an org's whole subtree holds with each value of a
    profile dimension — sex, education, occupation (as written), birth year, year joined — as they
    stand. Kept with ``MemberCount`` by the same calls (members.summaries.moved), in the same
    transactions: a member counts in their org's rows and in every ancestor's. Years, not ages: an age band or a 党龄 band is a range of years worked out on the
    day it is read (insights.selectors), so the rows never go stale as the calendar turns."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    dimension = models.CharField("维度", max_length=12)
    value = models.CharField("取值", max_length=50, blank=True)
    total = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "党员构成汇总"
        verbose_name_plural = "党员构成汇总"
        constraints = [models.UniqueConstraint(fields=["org", "dimension", "value"], name="member_profile_once")]

    def __str__(self):
        return f"{self.org_id} {self.dimension}={self.value}: {self.total}"
