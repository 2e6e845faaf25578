"""Recruitment (发展党员, rules.md §2; 《中国共产党发展党员工作细则》, "细则"): one case per person,
from the written application to the archived full membership, through 5 stages and 25 steps.

Every figure is a row: each step done is a ``Step`` (case, number, date, org), each assembly vote a
``Vote`` (the tally only: never how anyone voted), each public notice a ``Notice`` with its
``Objection`` rows, each annual plan a ``Plan`` with ``Quota`` rows. Workflows live in
``recruitment.services``; the rules (step table, checks, deadlines) in ``recruitment.rules``."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse

from core import idcard
from core.models import BaseModel, ProtectedNumbers
from members.models import Education, Gender


class Category(models.TextChoices):
    """The applicant's category, as the annual plan earmarks quotas (rules.md §2 年度计划)."""

    FARMER = "farmer", "农民"
    EDUCATED = "educated", "高知识群体"
    SOE = "soe", "国有企业职工"
    NON_PUBLIC = "non_public", "非公有制企业职工"
    SOCIAL_ORG = "social_org", "社会组织从业人员"
    OTHER = "other", "其他"


EARMARKED = (Category.FARMER, Category.EDUCATED, Category.SOE, Category.NON_PUBLIC, Category.SOCIAL_ORG)


class Stage(models.IntegerChoices):
    APPLICATION = 1, "入党申请"
    ACTIVIST = 2, "入党积极分子的确定和培养教育"
    CANDIDATE = 3, "发展对象的确定和考察"
    ADMISSION = 4, "预备党员的接收"
    PROBATION = 5, "预备党员的教育考察和转正"


class CaseStatus(models.TextChoices):
    OPEN = "open", "培养考察中"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "已转正"
    ARCHIVED = "archived", "已归档"
    CLOSED = "closed", "已终止"
    CANCELLED = "cancelled", "已取消预备党员资格"


ACTIVE_CASE_STATUSES = (CaseStatus.OPEN, CaseStatus.PROBATIONARY, CaseStatus.FULL)


class Case(ProtectedNumbers, BaseModel):
    """One person's recruitment (发展党员全程纪实), in the branch that handles it.

    The applicant's ID number and phone are stored like a member's: SM4 cipher, HMAC-SM3 blind
    index and a masked copy; never in clear. ``stage`` and ``last_step`` are kept by the services
    as steps are recorded; ``warn_on`` / ``due_on`` are the first day a pending deadline turns
    yellow / red (recruitment.rules.deadlines), so lists and roll-ups are indexed range queries."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="recruitment_cases",
                            verbose_name="党支部")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=6, choices=Gender)
    birth_date = models.DateField("出生日期")
    id_number_cipher = models.TextField("身份证号（密文）", editable=False)
    id_number_index = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField("身份证号", max_length=18, editable=False)
    phone_cipher = models.TextField("联系电话（密文）", blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_masked = models.CharField("联系电话", max_length=20, blank=True, editable=False)
    education = models.CharField("学历", max_length=14, choices=Education, blank=True)
    occupation = models.CharField("职业", max_length=50, blank=True)
    work_unit = models.CharField("工作单位", max_length=100, blank=True)
    category = models.CharField("人员类别", max_length=12, choices=Category, default=Category.OTHER)

    status = models.CharField("状态", max_length=14, choices=CaseStatus, default=CaseStatus.OPEN)
    stage = models.PositiveSmallIntegerField("阶段", choices=Stage, default=Stage.APPLICATION)
    last_step = models.PositiveSmallIntegerField("最近完成的步骤", default=1)
    applied = models.DateField("递交入党申请书日期")
    admitted = models.DateField("支部大会接收日期", null=True, blank=True)
    approved = models.DateField("上级党委审批日期", null=True, blank=True)
    probation_ends = models.DateField("预备期满日期", null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    converted = models.DateField("转正日期", null=True, blank=True)
    closed = models.DateField("终止日期", null=True, blank=True)
    # Recorded with the branch committee's review (⑫): someone leaving their unit within three
    # months is generally not admitted (rules.leaving_warning, 细则第十九条).
    leaving_on = models.DateField("预计离开工作、学习单位日期", null=True, blank=True)
    close_reason = models.CharField("终止原因", max_length=200, blank=True)
    warn_on = models.DateField("黄色提醒日期", null=True, blank=True)
    due_on = models.DateField("逾期日期", null=True, blank=True)
    member = models.OneToOneField("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="recruitment_case", verbose_name="党员档案")

    audit_masked_fields = {"id_number_cipher": "id_number_masked", "id_number_index": "",
                           "phone_cipher": "phone_masked", "phone_index": ""}

    scope_org = "org"
    scope_perm_prefix = "recruitment"

    class Meta:
        ordering = ["-applied", "-pk"]
        verbose_name = "发展党员"
        verbose_name_plural = "发展党员"
        constraints = [
            # One case per person while it is alive (a closed case may be followed by a new one).
            models.UniqueConstraint(fields=["id_number_index"], condition=~Q(status__in=["closed", "cancelled"]),
                                    name="case_one_open_per_person"),
            models.CheckConstraint(condition=Q(last_step__gte=1, last_step__lte=25), name="case_last_step_range"),
            models.CheckConstraint(condition=Q(extension_months__isnull=True)
                                   | Q(extension_months__gte=6, extension_months__lte=12),
                                   name="case_extension_6_to_12_months"),
            models.CheckConstraint(condition=Q(converted__isnull=True) | Q(converted__gte=F("admitted")),
                                   name="case_converted_after_admitted"),
            models.CheckConstraint(condition=Q(admitted__isnull=True) | Q(admitted__gte=F("applied")),
                                   name="case_admitted_after_applied"),
        ]
        indexes = [models.Index(fields=["org", "applied"]), models.Index(fields=["org", "due_on"]),
                   models.Index(fields=["org", "warn_on"]), models.Index(fields=["org", "approved"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruitment:detail", args=[self.pk])

    def set_id_number(self, value: str) -> str:
        """As a member's, and the gender and birth date follow from the number."""
        number = super().set_id_number(value)
        self.gender = idcard.gender(number)
        self.birth_date = idcard.birth_date(number)
        return number

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def is_open(self) -> bool:
        return self.status in ACTIVE_CASE_STATUSES


class ScopedByCase(BaseModel):
    """Rows of a case are visible where the case is."""

    scope_org = "case__org"
    scope_perm_prefix = "recruitment"

    class Meta:
        abstract = True


class Step(ScopedByCase):
    """One step done (记实): its date, the people responsible, the documents and a note. Steps ⑥
    and ㉑ (assessments) repeat; every other step is done once per case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps", verbose_name="发展党员")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    number = models.PositiveSmallIntegerField("步骤")
    done_on = models.DateField("日期")
    responsible = models.CharField("责任人", max_length=100, blank=True)
    documents = models.CharField("材料", max_length=300, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    training_days = models.PositiveSmallIntegerField("培训天数", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("培训学时", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="登记人")

    class Meta:
        ordering = ["number", "done_on", "pk"]
        verbose_name = "发展党员步骤"
        verbose_name_plural = "发展党员步骤"
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1, number__lte=25), name="step_number_range"),
            models.UniqueConstraint(fields=["case", "number"], condition=~Q(number__in=[6, 21]),
                                    name="step_once_per_case"),
        ]
        indexes = [models.Index(fields=["org", "number", "done_on"])]

    def __str__(self):
        return f"第{self.number}步 {self.done_on:%Y-%m-%d}"


class Person(ScopedByCase):
    """A full member assigned to the case: a mentor (培养联系人, step ⑤) or a sponsor (入党介绍人, ⑨)."""

    class Role(models.TextChoices):
        MENTOR = "mentor", "培养联系人"
        SPONSOR = "sponsor", "入党介绍人"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="people")
    role = models.CharField("身份", max_length=8, choices=Role)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="党员")

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = "培养联系人和入党介绍人"
        constraints = [models.UniqueConstraint(fields=["case", "role", "member"], name="person_once_per_role")]

    def __str__(self):
        return f"{self.get_role_display()} {self.member.name}"


class Review(ScopedByCase):
    """The political review (政治审查, step ⑩): methods, findings, conclusion (细则第十五、十六条)."""

    class Conclusion(models.TextChoices):
        PASSED = "passed", "合格"
        FAILED = "failed", "不合格"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reviews")
    methods = models.CharField("审查方法", max_length=200)
    findings = models.TextField("审查情况")
    conclusion = models.CharField("审查结论", max_length=8, choices=Conclusion)
    concluded_on = models.DateField("结论日期")

    class Meta:
        ordering = ["-concluded_on", "-pk"]
        verbose_name = "政治审查"

    def __str__(self):
        return f"政治审查 {self.get_conclusion_display()}"


class PreReview(ScopedByCase):
    """The upper committee's pre-review (预审, step ⑬) and its written result (细则第十九条)."""

    class Result(models.TextChoices):
        PASSED = "passed", "预审合格"
        FAILED = "failed", "预审不合格"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="prereviews")
    received_on = models.DateField("收到报送材料日期")
    reviewed_on = models.DateField("预审日期")
    result = models.CharField("预审结果", max_length=8, choices=Result)
    opinion = models.TextField("预审意见")

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        verbose_name = "预审"
        constraints = [models.CheckConstraint(condition=Q(reviewed_on__gte=F("received_on")),
                                              name="prereview_after_receipt")]

    def __str__(self):
        return self.get_result_display()


class Vote(ScopedByCase):
    """The branch assembly's vote on one person (细则第二十、二十一条): the tally only. Secret
    ballot; how anyone voted is never recorded. Admission (step ⑮) or conversion (step ㉓).

    Quorum: more than half of the entitled full members present (the written opinions of absent
    entitled members count in the tally, not in the quorum). Passes: yes > half of all entitled."""

    class Purpose(models.IntegerChoices):
        ADMISSION = 15, "接收预备党员"
        CONVERSION = 23, "预备党员转正"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")
    purpose = models.PositiveSmallIntegerField("表决事项", choices=Purpose)
    held_on = models.DateField("支部大会日期")
    entitled = models.PositiveIntegerField("应到会有表决权的正式党员")
    # The roster's count of full members with a vote on the day (members.selectors.voting_members),
    # as it stood when the vote was recorded; entitled = roster - excluded (rules.check_entitled).
    roster = models.PositiveIntegerField("名册中有表决权的正式党员", null=True, editable=False)
    excluded = models.PositiveIntegerField("经上级党组织同意不计入应到会人数的党员", default=0)
    exclusion_approval = models.CharField("上级党组织同意不计入的情况", max_length=200, blank=True)
    present = models.PositiveIntegerField("实到会有表决权的正式党员")
    written_opinions = models.PositiveIntegerField("因故未到会党员的书面意见", default=0)
    ballots_issued = models.PositiveIntegerField("发出选票")
    ballots_returned = models.PositiveIntegerField("收回选票")
    yes = models.PositiveIntegerField("赞成")
    no = models.PositiveIntegerField("反对")
    abstain = models.PositiveIntegerField("弃权")
    passed = models.BooleanField("通过", editable=False)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "支部大会表决"
        constraints = [
            models.CheckConstraint(condition=Q(entitled__gte=1), name="vote_entitled_positive"),
            models.CheckConstraint(condition=Q(present__lte=F("entitled")), name="vote_present_le_entitled"),
            # A written opinion comes from an entitled member who is absent.
            models.CheckConstraint(condition=Q(written_opinions__lte=F("entitled") - F("present")),
                                   name="vote_written_le_absent"),
            # One ballot for each member present (written opinions are counted apart).
            models.CheckConstraint(condition=Q(ballots_issued__lte=F("present")), name="vote_issued_le_present"),
            models.CheckConstraint(condition=Q(ballots_returned__lte=F("ballots_issued")),
                                   name="vote_returned_le_issued"),
            models.CheckConstraint(
                condition=Q(yes__lte=F("ballots_returned") + F("written_opinions") - F("no") - F("abstain")),
                name="vote_tally_le_returned_plus_written"),
            # passed is what the numbers say, nothing else.
            models.CheckConstraint(
                condition=Q(Q(passed=True), GreaterThan(F("present") * 2, F("entitled")),
                            GreaterThan(F("yes") * 2, F("entitled")))
                | Q(Q(passed=False), LessThanOrEqual(F("present") * 2, F("entitled"))
                    | LessThanOrEqual(F("yes") * 2, F("entitled"))),
                name="vote_passed_by_the_numbers"),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()}表决 {self.held_on:%Y-%m-%d}"

    @property
    def quorate(self) -> bool:
        return self.present * 2 > self.entitled

    def compute_passed(self) -> bool:
        return self.quorate and self.yes * 2 > self.entitled

    # What the numbers make of a vote: passed, failed (a valid vote that did not carry) or invalid
    # (no quorum: not a rejection, the assembly must vote again — 细则第二十、二十一条).
    RESULTS = {"passed": "通过", "failed": "未通过", "invalid": "表决无效"}

    @property
    def result(self) -> str:
        if not self.quorate:
            return "invalid"
        return "passed" if self.yes * 2 > self.entitled else "failed"

    @property
    def result_label(self) -> str:
        return self.RESULTS[self.result]


class Notice(ScopedByCase):
    """A public notice (公示) before a decision, for objections from members and the public.
    Its length is counted in working days (core.workdays)."""

    class Kind(models.IntegerChoices):
        ACTIVIST = 3, "入党积极分子公示"
        CANDIDATE = 7, "发展对象公示"
        ADMISSION = 17, "拟接收预备党员公示"
        CONVERSION = 24, "预备党员拟转正公示"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="党支部")
    kind = models.PositiveSmallIntegerField("公示事项", choices=Kind)
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示结束")
    workdays = models.PositiveSmallIntegerField("公示工作日数")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = "公示"
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="notice_ends_after_start")]
        indexes = [models.Index(fields=["ends_on", "starts_on"]), models.Index(fields=["org", "starts_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_on:%Y-%m-%d}—{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("recruitment:detail", args=[self.case_id]) + f"#notice-{self.pk}"


class Objection(ScopedByCase):
    """An objection received during a notice, and how it was resolved. An unresolved objection
    blocks the decision the notice precedes."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    text = models.TextField("反映的问题")
    resolution = models.TextField("核查处理结果", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = "公示期间反映的问题"
        constraints = [models.CheckConstraint(
            condition=Q(resolved_on__isnull=True, resolution="") | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
            name="objection_resolved_with_resolution")]

    def __str__(self):
        return f"{self.received_on:%Y-%m-%d} {self.text[:20]}"


class Plan(BaseModel):
    """A committee's yearly admission plan (年度发展党员计划), with earmarked quotas as rows."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="recruitment_plans",
                            verbose_name="党委")
    year = models.PositiveSmallIntegerField("年度")
    total = models.PositiveIntegerField("计划发展总数")
    note = models.CharField("说明", max_length=200, blank=True)

    scope_org = "org"
    scope_perm_prefix = "recruitment"

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = "年度发展党员计划"
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="plan_once_a_year")]

    def __str__(self):
        return f"{self.org} {self.year}年发展党员计划"


class Quota(BaseModel):
    """One earmarked quota (单列计划) of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quotas")
    category = models.CharField("类别", max_length=12, choices=Category)
    quota = models.PositiveIntegerField("名额")

    scope_org = "plan__org"
    scope_perm_prefix = "recruitment"

    class Meta:
        ordering = ["plan", "category"]
        verbose_name = "单列计划"
        constraints = [models.UniqueConstraint(fields=["plan", "category"], name="quota_once_per_category")]

    def __str__(self):
        return f"{self.get_category_display()} {self.quota}"


class CaseStep(models.Model):
    """Summary table (core.summaries, ``recruitment.case_step``): how many cases of an org stand,
    now, at a status and last step done. Kept by ``recruitment.services`` in the transaction that
    changes a case (every change goes through its ``_refresh``); counts per step over a subtree
    read it instead of the cases. Not a record: no history, no scope of its own (read only under
    an org the caller has checked)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党支部")
    status = models.CharField("状态", max_length=14, choices=CaseStatus)
    last_step = models.PositiveSmallIntegerField("最近完成的步骤")
    cases = models.PositiveIntegerField("人数", default=0)

    class Meta:
        verbose_name = "发展党员步骤汇总"
        verbose_name_plural = "发展党员步骤汇总"
        constraints = [models.UniqueConstraint(fields=["org", "status", "last_step"], name="case_step_once")]

    def __str__(self):
        return f"{self.org_id} {self.status} {self.last_step}: {self.cases}"
