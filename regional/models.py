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
