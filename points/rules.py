"""The points rule table (积分规则): what each activity earns and the most it earns in a day.

Points (积分) encourage; they never stand in for class hours (学时, learning.rules), which are what
the regulations require: the pages show points beside the hours, never instead of them. No
regulation sets these numbers; they are the platform's, published on the points page. Every
activity is capped per day, so a member cannot farm points by repeating one thing."""

from dataclasses import dataclass

from core.registry import Rule


@dataclass(frozen=True)
class Activity:
    code: str
    label: str
    how: str  # the rule as the page states it
    points: int  # per counted unit
    daily_cap: int  # points per member and day, at most


ACTIVITIES = (
    Activity("study", "在线学习", "每累计有效学习10分钟得1分", 1, 6),
    Activity("complete", "学完一项学习内容", "每学完一项得2分", 2, 10),
    Activity("practice", "每日一练", "每答对一题得1分", 1, 5),
    Activity("exam", "考试及格", "每场考试及格得5分", 5, 10),
    Activity("group_study", "参加集中学习", "每次出席得3分", 3, 6),
    Activity("training", "参加培训课次", "每次出席得3分", 3, 6),
)
BY_CODE = {a.code: a for a in ACTIVITIES}
CHOICES = [(a.code, a.label) for a in ACTIVITIES]

STUDY_UNIT_SECONDS = 600  # "study": one unit per 10 minutes credited in a day

LOCAL_RULES = {
    "points_ranking": True,  # the branch ranking is shown; an org admin may switch it off for its subtree
}

_M = "学习培训"
CATALOG = (
    Rule("points.table", _M, "学习积分按公布的积分规则计算，每项活动每天有得分上限；积分只作激励，不替代学时",
         "平台规定", platform=True),
    Rule("points.ranking", _M, "显示党支部内的积分排名", "本地规定（组织管理员可关闭）",
         setting="points_ranking", default=LOCAL_RULES["points_ranking"]),
)


def register_local_defaults() -> None:
    from orgs.rules import LOCAL_DEFAULTS

    for key, value in LOCAL_RULES.items():
        LOCAL_DEFAULTS.setdefault(key, value)


def points_for(activity: str, count: int) -> int:
    """The points ``count`` units of ``activity`` earn in one day: each unit's points, up to the cap."""
    rule = BY_CODE[activity]
    return min(max(count, 0) * rule.points, rule.daily_cap)
