"""The organization tree (党组织), leadership teams (班子), affiliation history, local settings."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.access import SELF, Own, ScopedQuerySetMixin, subtree_q
from core.models import BaseModel


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    WORKING_COMMITTEE = "working_committee", "党工委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    GROUP = "group", "党小组"


BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH})
# The branches that hold members' membership (组织关系): a temporary branch does not — its members
# keep their membership where it is, and it admits no one (《支部工作条例》第九条).
MEMBERSHIP_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH})
TEMPORARY_BRANCH_RULE = "临时党支部不接转组织关系、不发展党员，党员的组织关系留在原党组织（《支部工作条例》第九条）"


class Sector(models.TextChoices):
    RURAL = "rural", "农村"
    COMMUNITY = "community", "社区"
    GOVERNMENT = "government", "机关"
    INSTITUTION = "institution", "事业单位"
    SOE = "soe", "国有企业"
    UNIVERSITY = "university", "高校"
    SCHOOL = "school", "中小学校"
    HOSPITAL = "hospital", "医院"
    NON_PUBLIC = "non_public", "非公有制企业"
    SOCIAL_ORG = "social_org", "社会组织"
    BUILDING = "building", "商务楼宇"
    PARK = "park", "园区"


class OrgLevel(models.TextChoices):
    CITY = "city", "市"
    DISTRICT = "district", "区"
    STREET = "street", "街道乡镇"
    COMMUNITY = "community", "社区村"
    UNIT = "unit", "基层单位"


class OrgQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    def subtree(self, org):
        return self.filter(subtree_q("path", org.path))


class OrgManager(MP_NodeManager):
    def get_queryset(self):
        return OrgQuerySet(self.model).order_by("path")

    def visible_to(self, user, action="view", *, tree_order=True):
        return self.get_queryset().visible_to(user, action, tree_order=tree_order)

    def granting(self, user, perm):
        """The orgs on which the user holds ``perm`` (form dropdowns, org pickers)."""
        return self.get_queryset().granting(user, perm)

    def subtree(self, org):
        return self.get_queryset().subtree(org)


class Org(MP_Node, BaseModel):
    """A party organization. ``path`` (treebeard) places it in the tree; a subtree is a path range."""

    steplen = 4

    name = models.CharField("名称", max_length=100)
    code = models.CharField("组织代码", max_length=32, unique=True)
    kind = models.CharField("组织类别", max_length=20, choices=OrgKind)
    sector = models.CharField("领域", max_length=20, choices=Sector, blank=True)
    level = models.CharField("层级", max_length=12, choices=OrgLevel, default=OrgLevel.UNIT)
    unit_name = models.CharField("所在单位", max_length=100, blank=True)
    founded = models.DateField("成立日期")

    objects = OrgManager()

    scope_org = SELF
    scope_perm_prefix = "org"
    scope_own = Own("pk", of="org")  # a member sees their own org

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        indexes = [
            models.Index(fields=["name"]),
            # An org's children: depth = d + 1 within its path range, one index range (the path
            # index alone reads the whole subtree: 52,000 rows for the city's 16 districts).
            models.Index(fields=["depth", "path"], name="org_depth_path"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("orgs:detail", args=[self.pk])

    @property
    def label(self) -> str:
        """The name as lists show it: a party group beside its branch, since "第一党小组" alone is one
        of hundreds. The branch's name is read for a whole list at once
        (``orgs.selectors.with_branch_names``); without it the group shows its own name."""
        branch = getattr(self, "branch_name", "")
        return f"{branch} · {self.name}" if self.kind == OrgKind.GROUP and branch else self.name

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path) + 1, self.steplen)]


class LeadershipTerm(BaseModel):
    """One elected term (届) of an org's leadership team."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="terms", verbose_name="党组织")
    started = models.DateField("任期开始")
    ends = models.DateField("任期届满")
    ended = models.DateField("换届日期", null=True, blank=True)
    approval = models.CharField("批准文件", max_length=200, blank=True,
                                help_text="提前换届或任期长短与规定不同时，上级党组织的批准文件")

    scope_org = "org"
    scope_perm_prefix = "org"

    class Meta:
        ordering = ["-started"]
        verbose_name = "班子任期"
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=models.F("started")), name="term_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.org} {self.started:%Y}—{self.ends:%Y}"

    @property
    def is_current(self) -> bool:
        return self.ended is None


class Post(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    ORGANIZATION = "organization", "组织委员"
    PROPAGANDA = "propaganda", "宣传委员"
    DISCIPLINE = "discipline", "纪检委员"
    OTHER = "other", "委员"


class LeadershipMember(BaseModel):
    """A person holding a post in a term."""

    term = models.ForeignKey(LeadershipTerm, on_delete=models.CASCADE, related_name="members")
    post = models.CharField("职务", max_length=20, choices=Post)
    name = models.CharField("姓名", max_length=50)
    member = models.ForeignKey(
        "members.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )

    scope_org = "term__org"
    scope_perm_prefix = "org"

    class Meta:
        ordering = ["term", "post", "pk"]
        verbose_name = "班子成员"

    def __str__(self):
        return f"{self.get_post_display()} {self.name}"


class AffiliationChange(BaseModel):
    """History of 调整隶属关系: an org (with its subtree) moved to another parent."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="affiliation_changes")
    from_parent = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="原上级")
    to_parent = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="新上级")
    changed_on = models.DateField("调整日期", default=timezone.localdate)
    reason = models.CharField("调整原因", max_length=200)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, related_name="+")

    scope_org = "org"
    scope_perm_prefix = "org"

    class Meta:
        ordering = ["-changed_on", "-pk"]
        verbose_name = "隶属关系调整"


class OrgSetting(BaseModel):
    """A local rule's value (rules.md "local") set on an org; it holds for the org's subtree
    unless a descendant sets its own."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="settings")
    key = models.CharField("设置项", max_length=60)
    value = models.JSONField("值")

    scope_org = "org"
    scope_perm_prefix = "org"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "key"], name="org_setting_unique")]

