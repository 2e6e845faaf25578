"""Structure rules for the org tree (rules.md §1, 《中国共产党支部工作条例（试行）》 2018,
中办《关于党的基层组织任期的意见》 2018). Hard rules refuse with a message; the rest are warnings."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from orgs.models import BRANCH_KINDS, LeadershipTerm, Org, OrgKind, OrgLevel, OrgSetting

# Which kinds of org may sit directly under which (the tree's grammar).
ALLOWED_CHILDREN: dict[str, frozenset[str]] = {
    OrgKind.COMMITTEE: frozenset(
        {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, *BRANCH_KINDS}
    ),
    OrgKind.WORKING_COMMITTEE: frozenset(
        {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, *BRANCH_KINDS}
    ),
    OrgKind.GENERAL_BRANCH: frozenset(BRANCH_KINDS),
    OrgKind.BRANCH: frozenset({OrgKind.GROUP}),
    OrgKind.JOINT_BRANCH: frozenset({OrgKind.GROUP}),
    OrgKind.TEMPORARY_BRANCH: frozenset({OrgKind.GROUP}),
    OrgKind.GROUP: frozenset(),
}

# Term lengths in years (2018 意见): grassroots committees 5, general branches and branches 3,
# village and community orgs 5.
TERM_YEARS = {
    OrgKind.COMMITTEE: 5,
    OrgKind.WORKING_COMMITTEE: 5,
    OrgKind.GENERAL_BRANCH: 3,
    OrgKind.BRANCH: 3,
    OrgKind.JOINT_BRANCH: 3,
    OrgKind.TEMPORARY_BRANCH: 3,
}

# Local rules (rules.md: "local"): defaults, overridable per org and inherited down the tree.
LOCAL_DEFAULTS = {
    "term_warning_days": 90,
}

BRANCH_COMMITTEE_THRESHOLD = 7  # 条例: ≥ 7 full members elect a branch committee
BRANCH_MAX_MEMBERS = 50  # 条例 Art. 4: a branch generally has no more than 50 members
BRANCH_MIN_FULL_MEMBERS = 3  # 党章 Art. 30: 3+ full members set up a branch
GENERAL_BRANCH_MAX = 100  # common practice: > 100 members → grassroots committee


def check_placement(kind: str, parent: Org | None) -> None:
    """Refuse an org kind under a parent the tree's grammar does not allow."""
    if parent is None:
        if kind not in (OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE):
            raise ValidationError({"kind": "顶层党组织只能是党委或党工委"})
        return
    if kind not in ALLOWED_CHILDREN[parent.kind]:
        label = OrgKind(kind).label
        if kind == OrgKind.GROUP:
            message = "党小组只能设在党支部（含联合、临时党支部）之下（《支部工作条例》第八条）"
        elif parent.kind in BRANCH_KINDS:
            message = f"党支部之下只能设党小组，不能设{label}"
        elif parent.kind == OrgKind.GENERAL_BRANCH:
            message = f"党总支之下只能设党支部，不能设{label}"
        else:
            message = f"{OrgKind(parent.kind).label}之下不能设{label}"
        raise ValidationError({"kind": message})


def check_move(org: Org, new_parent: Org) -> None:
    if new_parent.path.startswith(org.path):
        raise ValidationError({"new_parent": "不能把党组织调整到它自己或其下级组织之下"})
    parent = Org.objects.get_parent(org)
    if parent is not None and parent.pk == new_parent.pk:
        raise ValidationError({"new_parent": "新上级与原上级相同"})
    check_placement(org.kind, new_parent)


def check_founded(founded: date, parent: Org | None) -> None:
    if founded > timezone.localdate():
        raise ValidationError({"founded": "成立日期不能晚于今天"})
    if parent is not None and founded < parent.founded:
        raise ValidationError({"founded": f"成立日期不能早于上级党组织的成立日期（{parent.founded:%Y-%m-%d}）"})


def default_term_end(kind: str, level: str, started: date) -> date:
    years = 5 if level == OrgLevel.COMMUNITY else TERM_YEARS.get(kind, 3)
    try:
        return started.replace(year=started.year + years)
    except ValueError:  # 29 February
        return started.replace(year=started.year + years, day=28)


def local_setting(org: Org, key: str, defaults: dict | None = None):
    """The value of a local rule for ``org``: its own, else the nearest ancestor's, else default.
    Other apps keep their own defaults (e.g. ``recruitment.rules.LOCAL_DEFAULTS``) and pass them."""
    values = dict(
        OrgSetting.objects.filter(org__path__in=org.ancestor_paths(), key=key)
        .order_by("org__depth")
        .values_list("org__depth", "value")
    )
    return values[max(values)] if values else (LOCAL_DEFAULTS if defaults is None else defaults)[key]


@dataclass(frozen=True)
class Warning:
    level: str  # "red" or "yellow"
    message: str


def term_warnings(org: Org, term: LeadershipTerm | None, today: date | None = None) -> list[Warning]:
    today = today or timezone.localdate()
    if org.kind == OrgKind.GROUP:
        return []
    if term is None:
        return [Warning("yellow", "尚未录入班子任期")]
    if term.ends < today:
        return [Warning("red", f"班子任期已于 {term.ends:%Y-%m-%d} 届满，尚未换届")]
    days = local_setting(org, "term_warning_days")
    if term.ends <= today + timedelta(days=days):
        return [Warning("yellow", f"班子任期将于 {term.ends:%Y-%m-%d} 届满，请做好换届准备（{(term.ends - today).days} 天后）")]
    return []


def structure_warnings(org: Org, *, members: int, full_members: int, committee_size: int) -> list[Warning]:
    """Flags from the member counts of a branch or general branch (条例 Arts. 4, 9)."""
    found: list[Warning] = []
    if org.kind in BRANCH_KINDS:
        if full_members >= BRANCH_COMMITTEE_THRESHOLD and committee_size < 3:
            found.append(Warning("red", f"正式党员 {full_members} 名（≥7），应设立支部委员会（《支部工作条例》第九条）"))
        if members > BRANCH_MAX_MEMBERS:
            found.append(Warning("yellow", f"党员 {members} 名，超过 50 名，宜分设党支部（《支部工作条例》第四条）"))
        if org.kind == OrgKind.BRANCH and full_members < BRANCH_MIN_FULL_MEMBERS:
            found.append(Warning("yellow", f"正式党员仅 {full_members} 名（不足3名），宜成立联合党支部（《党章》第三十条）"))
    if org.kind == OrgKind.GENERAL_BRANCH and members > GENERAL_BRANCH_MAX:
        found.append(Warning("yellow", f"党员 {members} 名，超过 100 名，可考虑设立基层党委"))
    return found
