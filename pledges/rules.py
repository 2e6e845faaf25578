"""Rules of pledges and duty posts (承诺践诺、设岗定责、挂牌上岗), as data plus small functions.
No regulation sets these numbers; they are the platform's, named here."""

from core.registry import Rule

MAX_PLEDGES = 5  # pledges of one member in one year
TEXT_MIN, TEXT_MAX = 5, 300  # a pledge's or a record's text, in characters

_M = "学习培训"
CATALOG = (
    Rule("pledges.review", _M, "党员年度承诺和践诺记录由所在党支部审核：通过或退回（退回须写明理由），不能审核本人的承诺；"
         "承诺通过后方可记录践诺", "平台规定", platform=True),
    Rule("pledges.limit", _M, "每名党员每年承诺不超过5项", "平台规定", platform=True),
    Rule("pledges.badge", _M, "挂牌上岗公开页只显示岗位、职责和经审核通过的承诺，党员姓名部分遮挡", "平台规定（个人信息保护）",
         platform=True),
)


def mask_name(name: str) -> str:
    """The name on a public badge: the surname and one asterisk per other character (张*英 → 张**)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""
