"""The warnings (预警) and the org health index (健康指数): thresholds and weights, each with its
source. A weight is a local setting (rules.md "local"): set per org, inherited down the tree; the
page's org decides the weights for every child it ranks."""

from decimal import ROUND_HALF_UP, Decimal

from core.registry import Rule
from orgs.rules import LOCAL_DEFAULTS

# The health index (0–100) of an org's subtree: the weighted mean of the components that have data
# (a component with nothing to judge — no meeting due, no case in progress, nobody due care — is
# left out, and its weight with it):
#     健康指数 = Σ wᵢ·xᵢ / Σ wᵢ  over the components i with data, × 100
#   x_meetings    = 三会一课 requirements met / requirements due this month (orglife compliance)
#   x_recruitment = 1 − cases with an overdue step / cases in progress (发展党员)
#   x_care        = members due care visited this year / members due care (关怀帮扶)
COMPONENTS = (
    ("meetings", "三会一课完成率", "上月已完成的会议要求 ÷ 上月应完成的会议要求（组织生活完成情况：上月及其所在季度、年度的要求）"),
    ("recruitment", "发展党员及时率", "1 − 有逾期步骤的发展对象 ÷ 在办的发展党员案例"),
    ("care", "关怀走访覆盖率", "本年度已走访的关怀对象 ÷ 关怀对象（困难党员、老党员）"),
)
LOCAL_RULES = {
    "insights_weight_meetings": 50,
    "insights_weight_recruitment": 30,
    "insights_weight_care": 20,
}
WEIGHT_MAX = 100
FORMULA = "健康指数 = Σ(权重 × 分项得分) ÷ Σ(有数据分项的权重) × 100，四舍五入到一位小数"

# Warnings (预警): their thresholds. The absence warning follows orglife.absence (4 and 6 months,
# 党章第九条); a transfer letter is flagged this many days before its validity ends.
LETTER_EXPIRY_DAYS = 14
LETTER_SOURCE = "组通字〔2006〕45号：介绍信有效期最长3个月"

RED, YELLOW = "red", "yellow"
ORDER_SOON_HOURS = 6  # a residents' order this close to its step's deadline is a yellow warning
RECTIFY_SOON_DAYS = 7  # a rectification item owed this close to its deadline is a yellow warning
LEVEL_LABELS = {RED: "红色预警", YELLOW: "黄色预警"}


def weight_key(component: str) -> str:
    return f"insights_weight_{component}"


def clean_weight(value) -> int:
    """A weight as set (an integer 0–100); anything else counts as 0 rather than breaking the page."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= WEIGHT_MAX else 0


def health_index(scores: dict[str, float | None], weights: dict[str, int]) -> float | None:
    """The published formula: the weighted mean of the components with data, 0–100, one decimal;
    None where no component has data or every weight of those is 0."""
    present = {name: x for name, x in scores.items() if x is not None}
    total = sum(weights[name] for name in present)
    if not present or total == 0:
        return None
    value = 100 * sum(weights[name] * x for name, x in present.items()) / total
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), ROUND_HALF_UP))  # half up, as people round


def register_local_defaults() -> None:
    """Called from the app config: orgs.rules.local_setting then knows this module's keys."""
    for key, value in LOCAL_RULES.items():
        LOCAL_DEFAULTS.setdefault(key, value)


_M = "智能分析"
CATALOG = (
    *(Rule(f"insights.weight_{key}", _M, f"健康指数中“{label}”的权重（{text}）", "本地设置",
           setting=weight_key(key), default=LOCAL_RULES[weight_key(key)]) for key, label, text in COMPONENTS),
    Rule("insights.letter_expiry", _M, f"组织关系介绍信有效期届满前{LETTER_EXPIRY_DAYS}天起黄色预警，提醒党员报到",
         LETTER_SOURCE, platform=True),
    Rule("insights.order_deadline", _M, "群众点单超过派单、接单或办结时限的红色预警；"
         f"距时限不足{ORDER_SOON_HOURS}小时的黄色预警", "平台规定（群众点单、社区派单、党员接单）", platform=True),
    Rule("insights.rectify_deadline", _M, "巡查整改事项超过整改时限仍未提交或被退回未重新提交的红色预警；"
         f"距时限不足{RECTIFY_SOON_DAYS}天的黄色预警", "市委组织部巡查整改工作要求", platform=True),
)
