"""Rules of 述职评议 (report_review), as data plus small functions.

Once a year an org's standing committee hears the secretaries of the orgs directly below it (the
city: district secretaries and department heads; a district: its street secretaries; a street:
its branch secretaries) report on party building, with the problems inspections found put before
them ("不谈成绩、直奔问题"). Reviewers in weighted groups rate each report 好 / 较好 / 一般 / 差.

The result (``score``, ``grade_for``):

- each rating counts the points of ``POINTS`` (好 100, 较好 80, 一般 60, 差 40);
- a subject's score is, over the groups that rated it, Σ weight × (the group's average points)
  divided by Σ of those groups' weights, rounded half up to two places. A round closes only when
  every reviewer has rated every subject they may rate, so a group without a rating for a subject
  is a group all of whose reviewers are that subject's secretary (conflict of interest): its
  weight is left out and the others re-normalised (``score``);
- the grade by ``THRESHOLDS``: at least 90 好, at least 75 较好, at least 60 一般, else 差."""

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from core.registry import Rule

POINTS = {"good": 100, "fair": 80, "average": 60, "poor": 40}
THRESHOLDS = ((Decimal(90), "good"), (Decimal(75), "fair"), (Decimal(60), "average"))
LOWEST = "poor"
TOTAL_WEIGHT = 100  # the groups' weights of a round add up to 100 (%)
MAX_SUBJECTS = 200
MAX_REVIEWERS = 200  # in one group
REPORT_KINDS = {"pdf", "docx"}
REPORT_MAX_BYTES = 20 * 1024 * 1024
MAX_FOLLOWUP_DAYS = 366  # a follow-up is due within a year of the feedback

NOT_A_REVIEWER = "不在本轮评议组内，不能评议"
RATED_ALREADY = "已评议过该述职对象，不能重复评议"
NOT_OPEN = "述职评议不在评议阶段，不能评议"
OWN_REPORT = "不能评议本人的述职（回避）"

SOURCE = "《中国共产党组织工作条例》、基层党组织书记抓基层党建工作述职评议考核办法"

_M = "督导考核"
CATALOG = (
    Rule("reviews.round", _M, "每年一次，由上级党组织听取直接下级党组织书记（部门负责人）抓基层党建工作述职；"
         "每个党组织每年一轮；有述职对象和评议组、各评议组权重合计100%后方可开始评议", SOURCE, platform=True),
    Rule("reviews.rating", _M, "评议人只能在本人所在的评议组内评议，每个述职对象只评一次（好、较好、一般、差），"
         "评议开始后、结束前方可评议；不得评议本人的述职", SOURCE, platform=True),
    Rule("reviews.result", _M, "好100分、较好80分、一般60分、差40分；综合得分=Σ各评议组权重×该组平均分÷参评组权重之和"
         "（保留两位小数）；90分以上为好、75分以上为较好、60分以上为一般、其余为差；全部评议完成后方可计算结果，"
         "结果记入书记的党员记实", SOURCE, platform=True),
    Rule("reviews.followup", _M, f"评议结果反馈述职单位，提出整改要求和完成时限（{MAX_FOLLOWUP_DAYS}天以内），"
         "述职单位逐项填报完成情况；逾期未完成的列入逾期清单", SOURCE, platform=True),
)

TWO_PLACES = Decimal("0.01")


def score(ratings: Iterable[tuple[int, int, str]]) -> Decimal | None:
    """A subject's score from its ratings, each (group id, group weight, grade): Σ weight × the
    group's average points ÷ Σ the weights of the groups that rated; None without ratings."""
    points: dict[int, list[int]] = defaultdict(list)
    weights: dict[int, int] = {}
    for group, weight, grade in ratings:
        points[group].append(POINTS[grade])
        weights[group] = weight
    total_weight = sum(weights.values())
    if not total_weight:
        return None
    weighted = sum(Decimal(weights[g]) * Decimal(sum(p)) / Decimal(len(p)) for g, p in points.items())
    return (weighted / Decimal(total_weight)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def grade_for(value: Decimal) -> str:
    for threshold, grade in THRESHOLDS:
        if value >= threshold:
            return grade
    return LOWEST
