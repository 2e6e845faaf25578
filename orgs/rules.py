"""Structure rules for the org tree (rules.md §1, 《中国共产党支部工作条例（试行）》 2018,
中办《关于党的基层组织任期的意见》 2018). Hard rules refuse with a message; the rest are warnings."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.registry import Rule
from orgs.models import BRANCH_KINDS, LeadershipTerm, Org, OrgKind, OrgLevel, OrgSetting, Sector

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

# Term lengths in years (中办《关于党的基层组织任期的意见》 2018): grassroots committees 5, general
# branches and branches 3; every org of a village or community 5 — its branches included (a 社区
# or 村 branch serves 5, not 3). Temporary branches hold no elections (条例 Art. 9): no term.
TERM_SOURCE = "《关于党的基层组织任期的意见》"
FIVE_YEAR_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE})
FIVE_YEAR_SECTORS = frozenset({Sector.RURAL, Sector.COMMUNITY})
NO_TERM_KINDS = frozenset({OrgKind.GROUP, OrgKind.TEMPORARY_BRANCH})
TERM_SHIFT_MAX_DAYS = 366  # bringing an election forward or putting it off: approved, ≤ 1 year

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


def term_years(org: Org) -> int | None:
    """How long a term of ``org`` runs, or None for an org that elects no team (a group, a
    temporary branch)."""
    if org.kind in NO_TERM_KINDS:
        return None
    if org.kind in FIVE_YEAR_KINDS or org.level == OrgLevel.COMMUNITY or org.sector in FIVE_YEAR_SECTORS:
        return 5
    return 3


def default_term_end(org: Org, started: date) -> date:
    years = term_years(org) or 3
    try:
        return started.replace(year=started.year + years)
    except ValueError:  # 29 February
        return started.replace(year=started.year + years, day=28)


def check_term(org: Org, *, started: date, ends: date, current: LeadershipTerm | None, approval: str) -> None:
    """A new term (换届) as the rules allow it: only where the org elects a team, not before the org
    existed, and an election brought forward or a term made longer or shorter than the rule's only
    with the level above's approval (recorded) and by at most a year (2018 意见)."""
    if org.kind == OrgKind.GROUP:
        raise ValidationError("党小组不设班子任期")
    if org.kind == OrgKind.TEMPORARY_BRANCH:
        raise ValidationError("临时党支部不选举产生支部委员会，书记、委员由批准其成立的党组织指定，不设班子任期（《支部工作条例》第九条）")
    if started < org.founded:
        raise ValidationError({"started": f"任期开始日期不能早于本组织成立日期（{org.founded:%Y-%m-%d}）"})
    normal = default_term_end(org, started)
    if ends != normal:
        if abs((ends - normal).days) > TERM_SHIFT_MAX_DAYS:
            raise ValidationError({"ends": f"任期按规定至 {normal:%Y-%m-%d} 届满；延长或缩短任期不得超过一年（{TERM_SOURCE}）"})
        if not approval:
            raise ValidationError({"approval": f"任期届满日期与规定年限（{term_years(org)}年，至 {normal:%Y-%m-%d}）不同，须经上级党组织批准：请填写批准文件（{TERM_SOURCE}）"})
    if current is not None and started < current.ends:
        if (current.ends - started).days > TERM_SHIFT_MAX_DAYS:
            raise ValidationError({"started": f"本届任期至 {current.ends:%Y-%m-%d} 届满；提前换届不得超过一年（{TERM_SOURCE}）"})
        if not approval:
            raise ValidationError({"approval": f"本届任期至 {current.ends:%Y-%m-%d} 届满，提前换届须经上级党组织批准：请填写批准文件（{TERM_SOURCE}）"})


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
    if term_years(org) is None:  # a group or a temporary branch elects no team
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
    """Flags from the member counts of a branch or general branch (条例 Arts. 4, 20)."""
    found: list[Warning] = []
    if org.kind in BRANCH_KINDS:
        if full_members >= BRANCH_COMMITTEE_THRESHOLD and committee_size < 3:
            found.append(Warning("red", f"正式党员 {full_members} 名（≥7），应设立支部委员会（《支部工作条例》第二十条）"))
        if members > BRANCH_MAX_MEMBERS:
            found.append(Warning("yellow", f"党员 {members} 名，超过 50 名，宜分设党支部（《支部工作条例》第四条）"))
        if org.kind == OrgKind.BRANCH and full_members < BRANCH_MIN_FULL_MEMBERS:
            found.append(Warning("yellow", f"正式党员仅 {full_members} 名（不足3名），宜成立联合党支部（《党章》第三十条）"))
    if org.kind == OrgKind.GENERAL_BRANCH and members > GENERAL_BRANCH_MAX:
        found.append(Warning("yellow", f"党员 {members} 名，超过 100 名，可考虑设立基层党委"))
    return found


# --- the rules page (core.registry.Rule) -----------------------------------------------------------

_M = "组织设置"
CATALOG = (
    Rule("orgs.branch_min", _M, f"有正式党员{BRANCH_MIN_FULL_MEMBERS}人以上的单位成立党支部；不足的宜成立联合党支部", "党章第三十条"),
    Rule("orgs.branch_max", _M, f"党支部党员人数一般不超过{BRANCH_MAX_MEMBERS}人", "《支部工作条例》第四条"),
    Rule("orgs.committee", _M, f"正式党员{BRANCH_COMMITTEE_THRESHOLD}人以上的党支部设立支部委员会", "《支部工作条例》第二十条"),
    Rule("orgs.group", _M, "党小组设在党支部之下", "《支部工作条例》第八条"),
    Rule("orgs.temporary", _M, "临时党支部不接转组织关系、不发展党员、不收缴党费、不选举换届，书记、委员由批准其成立的党组织指定",
         "《支部工作条例》第九条"),
    Rule("orgs.terms", _M, "基层党委每届5年；党总支、党支部每届3年；村、社区的党组织（含党支部）每届5年", TERM_SOURCE),
    Rule("orgs.term_shift", _M, "提前或延期换届须经上级党组织批准，一般不超过一年；任期不能早于党组织成立", TERM_SOURCE),
    Rule("orgs.term_warning", _M, "班子任期届满前提醒换届的天数", "本地规定", setting="term_warning_days",
         default=LOCAL_DEFAULTS["term_warning_days"], unit="天"),
)
