"""Rules of organizational life (rules.md §3), as data plus small functions.

Sources: 《中国共产党支部工作条例（试行）》 (2018, "条例"): Art. 12 三会一课 (党员大会一般每季度1次,
支部委员会会议一般每月1次, 党小组会一般每月1次, 党支部书记每年至少为党员讲1次党课), Art. 13 主题党日
(每月相对固定1天), Art. 14 组织生活会 (每年至少1次, 一般安排在第四季度), Art. 15 谈心谈话 (每年一般
不少于1次), Art. 16 民主评议党员 (一般每年1次, 可与组织生活会结合). How often a branch holds party
lectures is a local rule (default quarterly), inherited down the tree like every local setting.
"""

import bisect
import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from core.access import PATH_MAX_LENGTH, subtree_q
from core.registry import Rule
from orglife.models import MeetingKind
from orgs.models import BRANCH_KINDS, OrgKind, OrgSetting
from orgs.rules import BRANCH_COMMITTEE_THRESHOLD, LOCAL_DEFAULTS

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_LABELS = {MONTH: "每月", QUARTER: "每季度", YEAR: "每年"}

# Local rules of this module (rules.md "local"), set per org and inherited down the tree.
LOCAL_RULES = {
    "orglife_lecture_period": QUARTER,  # 党课: at least once per …
    "orglife_due_soon_days": 10,  # yellow from this many days before a period's end
    # 书记讲党课 required of every branch secretary (条例第十五条 as this platform reads it); a region
    # that requires it of committee secretaries only (条例 as the 2019 education regulation puts it)
    # sets False, and the branches' compliance leaves the item out.
    "orglife_branch_secretary_lecture": True,
}

ARTICLE = "《中国共产党支部工作条例（试行）》"


def register_local_defaults() -> None:
    """Called from the app config: orgs.rules.local_setting then knows this module's keys."""
    for key, value in LOCAL_RULES.items():
        LOCAL_DEFAULTS.setdefault(key, value)


@dataclass(frozen=True)
class Requirement:
    """How often an org must hold a kind of meeting. ``holders``: "branch" (党支部, joint and
    temporary branches) or "group" (党小组). ``period`` None means the local lecture setting."""

    key: str
    kind: str
    label: str
    period: str | None
    minimum: int
    source: str
    holders: str = "branch"
    needs_committee: bool = False
    by_secretary: bool = False


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("branch_assembly", MeetingKind.BRANCH_ASSEMBLY, "支部党员大会", QUARTER, 1,
                f"{ARTICLE}第十一条：党员大会一般每季度召开1次"),
    Requirement("committee_meeting", MeetingKind.COMMITTEE_MEETING, "支委会", MONTH, 1,
                f"{ARTICLE}第十二条：党支部委员会会议一般每月召开1次（设支委会的党支部）",
                needs_committee=True),
    Requirement("group_meeting", MeetingKind.GROUP_MEETING, "党小组会", MONTH, 1,
                f"{ARTICLE}第十三条：党小组会一般每月召开1次", holders="group"),
    Requirement("lecture", MeetingKind.LECTURE, "党课", None, 1,
                f"{ARTICLE}第十五条；频次为本地规则（默认每季度至少1次）"),
    Requirement("secretary_lecture", MeetingKind.LECTURE, "书记讲党课", YEAR, 1,
                f"{ARTICLE}第十五条：党支部书记每年至少为党员讲1次党课", by_secretary=True),
    Requirement("theme_day", MeetingKind.THEME_DAY, "主题党日", MONTH, 1,
                f"{ARTICLE}第十六条：每月相对固定1天开展主题党日"),
    Requirement("review_meeting", MeetingKind.REVIEW_MEETING, "组织生活会", YEAR, 1,
                f"{ARTICLE}第十七条：每年至少召开1次组织生活会，一般安排在第四季度"),
    Requirement("appraisal", MeetingKind.APPRAISAL, "民主评议党员", YEAR, 1,
                f"{ARTICLE}第十九条：一般每年开展1次民主评议党员"),
    Requirement("talk", MeetingKind.TALK, "谈心谈话", YEAR, 1,
                f"{ARTICLE}第十八条：谈心谈话每年一般不少于1次"),
)
REQUIREMENTS_BY_KEY = {r.key: r for r in REQUIREMENTS}
HOLDER_KINDS = frozenset({*BRANCH_KINDS, OrgKind.GROUP})
# Committees record the lectures their secretaries give (条例第十五条: 党委书记讲党课); they hold no
# other meeting here and are not among the compliance page's holders.
LECTURING_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH})
RECORDING_KINDS = HOLDER_KINDS | LECTURING_KINDS


# --- who holds what -------------------------------------------------------------------------------


def has_committee(full_members: int) -> bool:
    """A branch with ≥ 7 full members elects a committee (条例第二十条; orgs.rules)."""
    return full_members >= BRANCH_COMMITTEE_THRESHOLD


def holds(requirement: Requirement, org_kind: str, full_members: int) -> bool:
    """Branches hold everything but group meetings (支委会 only with a committee); party groups
    hold group meetings; no other org kind holds meetings of its own here."""
    if requirement.holders == "group":
        return org_kind == OrgKind.GROUP
    if org_kind not in BRANCH_KINDS:
        return False
    return has_committee(full_members) or not requirement.needs_committee


def allowed_kinds(org_kind: str, full_members: int) -> list[str]:
    if org_kind in LECTURING_KINDS:
        return [MeetingKind.LECTURE]
    kinds = {r.kind for r in REQUIREMENTS if holds(r, org_kind, full_members)}
    return [k for k in MeetingKind.values if k in kinds]


# Meetings that may be held together and count for each kind they are (条例第十七条: a 组织生活会
# is held as a 党员大会, a 支委会 or a 党小组会; 第十九条: 民主评议党员 with the 组织生活会).
COMBINED: dict[str, frozenset[str]] = {
    MeetingKind.REVIEW_MEETING: frozenset({MeetingKind.BRANCH_ASSEMBLY, MeetingKind.COMMITTEE_MEETING,
                                           MeetingKind.GROUP_MEETING}),
    MeetingKind.APPRAISAL: frozenset({MeetingKind.REVIEW_MEETING}),
}


def check_also(org, kind: str, also_kind: str, full_members: int) -> None:
    """A combined meeting names a kind it may be held together with, and one the org holds."""
    if not also_kind:
        return
    allowed = COMBINED.get(kind, frozenset())
    if also_kind not in allowed:
        choices = "、".join(MeetingKind(k).label for k in sorted(allowed)) or "无"
        raise ValidationError({"also_kind": (
            f"{MeetingKind(kind).label}不能同时作为{MeetingKind(also_kind).label}计入（可合并召开的：{choices}；"
            f"{ARTICLE}第十七条、第十九条）")})
    try:
        check_kind(org, also_kind, full_members)
    except ValidationError as exc:
        raise ValidationError({"also_kind": exc.message_dict["kind"]}) from exc


def check_committee_quorum(committee: int, present: int) -> None:
    """A branch committee meeting is held with more than half of its members present (条例第十二条)."""
    if present * 2 <= committee:
        raise ValidationError({"attendance": (
            f"支部委员会会议须有半数以上委员到会方能召开（{ARTICLE}第十二条）：本届支部委员会委员{committee}名，"
            f"登记出席的委员{present}名")})


def check_kind(org, kind: str, full_members: int) -> None:
    """Refuse a meeting kind the org does not hold, naming the rule."""
    if org.kind not in RECORDING_KINDS:
        raise ValidationError({"org": (
            f"会议记录须由党支部或党小组录入，“{org.name}”是{org.get_kind_display()}（rules.md §3：三会一课以党支部为基本单位）")})
    if kind in allowed_kinds(org.kind, full_members):
        return
    label = MeetingKind(kind).label
    if org.kind in LECTURING_KINDS:
        message = (f"“{org.name}”是{org.get_kind_display()}，在此只录入党课（书记讲党课，{ARTICLE}第十五条）；"
                   f"{label}由党支部录入")
    elif org.kind == OrgKind.GROUP:
        message = f"党小组只召开党小组会，不能录入{label}（{ARTICLE}第十三条）"
    elif kind == MeetingKind.GROUP_MEETING:
        message = "党小组会由党小组录入，请在党小组下录入"
    else:
        message = (f"“{org.name}”正式党员 {full_members} 名，不足{BRANCH_COMMITTEE_THRESHOLD}名，"
                   f"不设支部委员会，不召开支委会（{ARTICLE}第二十条）")
    raise ValidationError({"kind": message})


# --- periods ------------------------------------------------------------------------------------


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The month, quarter or year that contains ``day`` (first and last day)."""
    if period == MONTH:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if period == QUARTER:
        first = (day.month - 1) // 3 * 3 + 1
        last = first + 2
        return date(day.year, first, 1), date(day.year, last, calendar.monthrange(day.year, last)[1])
    if period == YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(period)


def period_label(period: str, start: date) -> str:
    if period == MONTH:
        return f"{start.year}年{start.month}月"
    if period == QUARTER:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"


def required_in_period(minimum: int, period_start: date, founded: date) -> int:
    """How many meetings an org must hold in a period, given when it was founded.

    The platform's rule for orgs founded mid-period (the regulations say nothing on it): a period
    that began before the org was founded is its first, partial period, and nothing is required
    in it — a branch founded on 20 March is not red for the first quarter's assembly, nor for
    March's theme day. Meetings it did hold there still count and are shown. From the first period
    that begins on or after the founding date, the full minimum applies (a branch founded on
    1 April owes the second quarter's assembly)."""
    return 0 if founded > period_start else minimum


GREEN, YELLOW, RED, PENDING, EXEMPT = "green", "yellow", "red", "pending", "exempt"
STATUS_LABELS = {GREEN: "已完成", YELLOW: "即将到期或部分完成", RED: "逾期未完成", PENDING: "进行中",
                 EXEMPT: "首期免于要求"}
SEVERITY = {RED: 3, YELLOW: 2, PENDING: 1, GREEN: 0, EXEMPT: 0}
# An org of whose subtree nothing is required (no branch or group, or only first periods): its
# bar is grey "no data", never green (issue 10.6: districts without data showed green).
NO_DATA = "nodata"
NO_DATA_LABEL = "暂无数据"


def status(*, required: int, held: int, period_end: date, today: date, due_soon_days: int) -> str:
    """green: met; red: the period ended unmet; yellow: still open and either due within
    ``due_soon_days`` of its end or partly met; pending: open, nothing yet, not yet due."""
    if required == 0:
        return EXEMPT
    if held >= required:
        return GREEN
    if period_end < today:
        return RED
    if (period_end - today).days <= due_soon_days or held > 0:
        return YELLOW
    return PENDING


# --- local settings for many orgs at once -----------------------------------------------------------


def local_values(root, orgs: Sequence[tuple[int, str]], key: str) -> dict[int, Any]:
    """``orgs.rules.local_setting(org, key)`` for the orgs of ``root``'s subtree given as
    (pk, path), in one query: each org takes its own value, else its nearest ancestor's, else the
    default. A setting covers one range of the paths in order: a city's tens of thousands of orgs
    cost a bisection per setting, not a walk up the tree per org."""
    rows = dict(
        OrgSetting.objects.filter(key=key)
        .filter(subtree_q("org__path", root.path) | Q(org__path__in=root.ancestor_paths()))
        .values_list("org__path", "value")
    )
    result = dict.fromkeys((pk for pk, _path in orgs), LOCAL_DEFAULTS.get(key, LOCAL_RULES.get(key)))
    if rows:
        ordered = sorted(orgs, key=lambda org: org[1])
        paths = [path for _pk, path in ordered]
        for path in sorted(rows, key=len):  # the deeper setting is applied later, and wins
            first = bisect.bisect_left(paths, path)
            last = bisect.bisect_right(paths, path + "Z" * (PATH_MAX_LENGTH - len(path)))
            for pk, _path in ordered[first:last]:
                result[pk] = rows[path]
    return result


def lecture_period(value) -> str:
    return value if value in (MONTH, QUARTER, YEAR) else QUARTER


# --- the rules page (core.registry.Rule) -----------------------------------------------------------

_M = "组织生活"
CATALOG = (
    *(Rule(f"orglife.{r.key}", _M, f"{r.label}：{PERIOD_LABELS[r.period]}至少{r.minimum}次" if r.period else
           f"{r.label}：频次为本地设置", r.source.replace(ARTICLE, "《支部工作条例》"),
           **({} if r.period else {"setting": "orglife_lecture_period",
                                   "default": LOCAL_RULES["orglife_lecture_period"], "labels": PERIOD_LABELS}))
      for r in REQUIREMENTS),
    Rule("orglife.committee_lectures", _M, "党委（党工委、党总支）可录入本级书记讲的党课；其他会议由党支部、党小组录入",
         "《支部工作条例》第十五条"),
    Rule("orglife.combined", _M, "组织生活会可以党员大会、支委会或党小组会形式召开，民主评议党员可结合组织生活会进行，"
         "合并召开的会议分别计入各自类别", "《支部工作条例》第十七条、第十九条"),
    Rule("orglife.committee_quorum", _M, "支部委员会会议须有半数以上委员到会方能召开（按会议当天的班子成员计）",
         "《支部工作条例》第十二条"),
    Rule("orglife.committee_only", _M, f"正式党员不足{BRANCH_COMMITTEE_THRESHOLD}名的党支部不设支委会，不召开支委会；"
         "党小组只召开党小组会", "《支部工作条例》第十三条、第二十条"),
    Rule("orglife.branch_secretary_lecture", _M, "党支部书记每年至少讲1次党课是否计入党支部的完成情况", "本地设置",
         setting="orglife_branch_secretary_lecture", default=LOCAL_RULES["orglife_branch_secretary_lecture"]),
    Rule("orglife.absence", _M, "党员没有正当理由连续六个月不参加组织生活的，被认为自行脱党：连续4、5个月提醒党支部书记，满6个月列出名单",
         "党章第九条"),
    Rule("orglife.due_soon", _M, "周期结束前提醒（黄色）的天数", "本地规定", setting="orglife_due_soon_days",
         default=LOCAL_RULES["orglife_due_soon_days"], unit="天"),
)
