"""Regional party building (区域化党建), building committees (楼宇党委): a building hangs from its
committee (an org of the tree); its enterprises and social organizations (楼宇两新组织), with or
without members and a party org of their own; the instructors (党建指导员) assigned to the units
with no members; the orgs affiliated elsewhere that the committee serves without changing their
affiliation (服务不转隶). Coverage (组织覆盖 / 工作覆盖) is one summary row per building committee
(BuildingCoverage), kept by regional.services in the same transaction as the records."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from core.models import BaseModel


class Building(BaseModel):
    """A building (商务楼宇) and its building committee (楼宇党委), an org of the tree."""

    committee = models.OneToOneField("orgs.Org", on_delete=models.PROTECT, related_name="building",
                                     verbose_name="楼宇党委")
    name = models.CharField("楼宇名称", max_length=100)
    address = models.CharField("地址", max_length=200, blank=True)

    scope_org = "committee"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "商务楼宇"
        verbose_name_plural = "商务楼宇"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("regional:building", args=[self.pk])


class UnitKind(models.TextChoices):
    ENTERPRISE = "enterprise", "非公有制企业"
    SOCIAL_ORG = "social_org", "社会组织"


class BuildingUnit(BaseModel):
    """An enterprise or social organization in the building. Organizational coverage: it has its
    own party org, or is in a joint branch (联合党支部); work coverage: that, or an instructor, or
    the committee's work reaches it (``reached``)."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units", verbose_name="楼宇")
    name = models.CharField("单位名称", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=UnitKind)
    members = models.PositiveIntegerField("党员人数", default=0)
    party_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="本单位党组织")
    joint_branch = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="所在联合党支部")
    reached = models.BooleanField("楼宇党委工作已覆盖", default=False)

    scope_org = "building__committee"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["building", "name", "pk"]
        verbose_name = "楼宇单位"
        verbose_name_plural = "楼宇单位"
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="regional_unit_name_once")]

    def __str__(self):
        return self.name

    @property
    def org_covered(self) -> bool:
        return self.party_org_id is not None or self.joint_branch_id is not None


class Instructor(BaseModel):
    """A 党建指导员 assigned to a unit of the building that has no members (work coverage)."""

    unit = models.ForeignKey(BuildingUnit, on_delete=models.CASCADE, related_name="instructors", verbose_name="派驻单位")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="指导员")
    assigned_on = models.DateField("派驻日期")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="派驻人")

    scope_org = "unit__building__committee"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["unit", "pk"]
        verbose_name = "党建指导员"
        verbose_name_plural = "党建指导员"
        constraints = [models.UniqueConstraint(fields=["unit", "member"], name="regional_instructor_once")]

    def __str__(self):
        return f"{self.member.name}（{self.unit.name}）"


class ServedOrg(BaseModel):
    """An org affiliated elsewhere that the building committee serves (服务不转隶): its place in
    the tree is not changed; ``members`` is its headcount when the service began (the ledger)."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="served", verbose_name="楼宇")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="服务的党组织")
    members = models.PositiveIntegerField("党员人数", default=0)
    since = models.DateField("开始服务日期")

    scope_org = "building__committee"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["building", "since", "pk"]
        verbose_name = "服务不转隶党组织"
        verbose_name_plural = "服务不转隶党组织"
        constraints = [models.UniqueConstraint(fields=["building", "org"], name="regional_served_once")]

    def __str__(self):
        return str(self.org)


class BuildingCoverage(models.Model):
    """Summary table (core.summaries, ``regional.coverage``): one row per building committee —
    its units, those with organizational and with work coverage, members in the units, instructors,
    orgs served and their members. A street's or district's figures sum the rows of its subtree.
    Not a record: no scope of its own."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="楼宇党委")
    units = models.IntegerField("单位数", default=0)
    org_covered = models.IntegerField("组织覆盖单位数", default=0)
    work_covered = models.IntegerField("工作覆盖单位数", default=0)
    members = models.IntegerField("单位党员数", default=0)
    instructors = models.IntegerField("党建指导员", default=0)
    served_orgs = models.IntegerField("服务不转隶党组织", default=0)
    served_members = models.IntegerField("服务不转隶党员", default=0)

    class Meta:
        verbose_name = "楼宇覆盖汇总"
        verbose_name_plural = "楼宇覆盖汇总"
        constraints = [models.UniqueConstraint(fields=["org"], name="regional_coverage_once")]

    def __str__(self):
        return f"{self.org_id}: {self.org_covered}/{self.work_covered}/{self.units}"


# --- difficult-village pairing (困难村结对帮扶, 一村一策) ---------------------------------------------


class Difficulty(models.TextChoices):
    WEAK_ECONOMY = "weak_economy", "集体经济薄弱"
    WEAK_LEADERSHIP = "weak_leadership", "班子软弱涣散"
    INFRASTRUCTURE = "infrastructure", "基础设施落后"
    HARDSHIP = "hardship", "因病因灾致困"
    OTHER = "other", "其他"


class Village(BaseModel):
    """A village (an org of sector 农村) marked difficult, with the kind of difficulty, its first
    secretary (第一书记) and the plan (一村一策: ``goals``; tasks are ``PlanTask``)."""

    org = models.OneToOneField("orgs.Org", on_delete=models.PROTECT, related_name="difficult_village",
                               verbose_name="村党组织")
    difficulty = models.CharField("困难类型", max_length=20, choices=Difficulty)
    marked_on = models.DateField("确定日期")
    first_secretary = models.ForeignKey("members.Member", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+", verbose_name="第一书记")
    goals = models.TextField("帮扶目标（一村一策）", blank=True)

    scope_org = "org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["org__path"]
        verbose_name = "困难村"
        verbose_name_plural = "困难村"

    def __str__(self):
        return str(self.org)


class Pairing(BaseModel):
    """A unit paired with the village (结对帮扶单位)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="pairings", verbose_name="困难村")
    unit_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="帮扶单位党组织")
    since = models.DateField("结对日期")

    scope_org = "village__org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["village", "since", "pk"]
        verbose_name = "结对帮扶"
        verbose_name_plural = "结对帮扶"
        constraints = [models.UniqueConstraint(fields=["village", "unit_org"], name="regional_pairing_once")]

    def __str__(self):
        return f"{self.unit_org} → {self.village}"


class PlanTask(BaseModel):
    """A task of the village's plan: who owns it, by when, and when it was done."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="tasks", verbose_name="困难村")
    title = models.CharField("任务", max_length=200)
    owner = models.CharField("责任人/责任单位", max_length=100)
    deadline = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)

    scope_org = "village__org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["village", "deadline", "pk"]
        verbose_name = "帮扶任务"
        verbose_name_plural = "帮扶任务"

    def __str__(self):
        return self.title


class ProgressReport(BaseModel):
    """A progress report with its evidence (a photo or PDF, checked by content: core.files)."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="reports", verbose_name="困难村")
    task = models.ForeignKey(PlanTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
                             verbose_name="帮扶任务")
    reported_on = models.DateField("报告日期")
    text = models.TextField("进展情况")
    evidence = models.CharField("佐证材料（存储名）", max_length=64, blank=True)
    evidence_type = models.CharField("佐证材料类型", max_length=80, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="报告人")

    scope_org = "village__org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["village", "-reported_on", "-pk"]
        verbose_name = "帮扶进展"
        verbose_name_plural = "帮扶进展"

    def __str__(self):
        return f"{self.village} {self.reported_on:%Y-%m-%d}"


class VillageAssessment(BaseModel):
    """The yearly assessment's grade (先进 / 达标 / 后进 by default; the grades are a local setting,
    ``regional_village_grades``). One per village and year; the rows are the grade history."""

    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="assessments", verbose_name="困难村")
    year = models.PositiveSmallIntegerField("年度")
    grade = models.CharField("等次", max_length=20)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name="考核人")

    scope_org = "village__org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["village", "-year"]
        verbose_name = "困难村年度考核"
        verbose_name_plural = "困难村年度考核"
        constraints = [models.UniqueConstraint(fields=["village", "year"], name="regional_assessment_once")]

    def __str__(self):
        return f"{self.village} {self.year}年 {self.grade}"


class VillageYear(models.Model):
    """Summary table (core.summaries, ``regional.village_year``): rows per village org — ``year`` 0
    holds the village marked and whether it is paired, each other year its grade that year. A
    street's, district's or the city's figures sum the rows of its subtree. Not a record."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    year = models.PositiveSmallIntegerField("年度（0：结对情况）")
    grade = models.CharField("等次", max_length=20, blank=True)
    villages = models.IntegerField("村数", default=0)
    paired = models.IntegerField("已结对村数", default=0)

    class Meta:
        verbose_name = "困难村汇总"
        verbose_name_plural = "困难村汇总"
        constraints = [models.UniqueConstraint(fields=["org", "year", "grade"], name="regional_village_year_once")]

    def __str__(self):
        return f"{self.org_id} {self.year} {self.grade}: {self.villages}"


# --- expanded committees and co-building (街道大工委、社区大党委, 共驻共建) -------------------------------


class CommitteeSeat(BaseModel):
    """A part-time member (兼职委员) of an expanded committee: a leader of a co-building unit
    seated on a street's working committee (大工委) or a community's committee (大党委)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="街道/社区党组织")
    partner_unit = models.CharField("共建单位", max_length=100)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+", verbose_name="兼职委员")
    post = models.CharField("职务", max_length=50, default="兼职委员")

    scope_org = "org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["org", "pk"]
        verbose_name = "兼职委员"
        verbose_name_plural = "兼职委员"
        constraints = [models.UniqueConstraint(fields=["org", "member"], name="regional_seat_once")]

    def __str__(self):
        return f"{self.partner_unit} {self.member.name}"


class JointMeeting(BaseModel):
    """A joint meeting (联席会议) of the expanded committee and its co-building units."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="街道/社区党组织")
    held_on = models.DateField("召开日期")
    topic = models.CharField("议题", max_length=200)
    units = models.PositiveIntegerField("参会共建单位数", default=0)

    scope_org = "org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["org", "-held_on", "-pk"]
        verbose_name = "联席会议"
        verbose_name_plural = "联席会议"

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class ListKind(models.TextChoices):
    NEED = "need", "需求清单"
    RESOURCE = "resource", "资源清单"
    PROJECT = "project", "项目清单"


class CoBuildItem(BaseModel):
    """One entry of the three lists: a residents' need, a partner's resource, or a joint project
    (tracked to completion: ``done_on``)."""

    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+", verbose_name="街道/社区党组织")
    kind = models.CharField("清单", max_length=10, choices=ListKind)
    title = models.CharField("内容", max_length=200)
    partner_unit = models.CharField("共建单位", max_length=100, blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)

    scope_org = "org"
    scope_perm_prefix = "regional"

    class Meta:
        ordering = ["org", "kind", "-pk"]
        verbose_name = "共驻共建清单"
        verbose_name_plural = "共驻共建清单"

    def __str__(self):
        return self.title


class CoBuildingCount(models.Model):
    """Summary table (core.summaries, ``regional.cobuilding``): per street or community org, its
    part-time members, joint meetings, the three lists' entries and the projects completed. A
    district's figures sum the rows of its subtree. Not a record."""

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", verbose_name="党组织")
    seats = models.IntegerField("兼职委员", default=0)
    meetings = models.IntegerField("联席会议", default=0)
    needs = models.IntegerField("需求", default=0)
    resources = models.IntegerField("资源", default=0)
    projects = models.IntegerField("项目", default=0)
    projects_done = models.IntegerField("已完成项目", default=0)

    class Meta:
        verbose_name = "共驻共建汇总"
        verbose_name_plural = "共驻共建汇总"
        constraints = [models.UniqueConstraint(fields=["org"], name="regional_cobuilding_once")]

    def __str__(self):
        return f"{self.org_id}: {self.projects_done}/{self.projects}"
