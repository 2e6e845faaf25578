"""Rules of group study and tiered training (rules.md §4), as data plus small functions.

Every member of a target group (e.g. all branch secretaries) is to be trained at least once per
cycle (the article: "确保至少轮训一遍"): a member counts as trained for a cycle once they complete
a class for that target whose cycle is the one asked about (``selectors.rotation``). Completing a
class means attending at least ``COMPLETE_SHARE`` of its class hours — a platform value, as is the
length of a session; no regulation sets them."""

from decimal import Decimal

from core.registry import Rule

COMPLETE_SHARE = Decimal("0.8")  # share of a class's hours attended to complete it (结业)
MAX_HOURS = Decimal("8")  # class hours of one group study or one session: a day at most
MIN_HOURS = Decimal("0.5")
MAX_ATTENDEES = 2000  # members recorded at one group study or session (a page's checkboxes)
MAX_ENROL = 1000  # members enrolled in one go
BACKDATE_DAYS = 366  # a group study or session is recorded within a year of its date

_M = "学习培训"
CATALOG = (
    Rule("training.rotation", _M, "每个轮训周期内，培训对象（如全体党组织书记）至少参加一次培训并结业",
         "rules.md §4（全国党员教育培训工作规划：确保至少轮训一遍）"),
    Rule("training.completion", _M, "参加培训班课时达到总学时的80%方可结业，颁发结业证书", "平台规定", platform=True),
    Rule("training.group_hours", _M, "集中学习和培训每次计0.5至8学时，计入出席党员的年度学时", "平台规定", platform=True),
)


def completes(attended: Decimal, total: Decimal) -> bool:
    """Whether ``attended`` class hours of a class of ``total`` hours complete it."""
    return total > 0 and attended >= total * COMPLETE_SHARE
