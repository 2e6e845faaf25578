"""Rules of 五好党支部 (five-good branch) standards and assessments, as data plus small functions.

The article (issue 18): "持续深化“五好党支部”创建，我市逐级逐领域逐支部细化标准、列出清单，遴选60个先进典型
进行宣传推广". Standards are checklists per sector and level with five dimensions by default
(``DEFAULT_DIMENSIONS``); a branch is held to the most specific issued set above it; the grade
follows from the upper level's scores by the platform's default thresholds (``grade_for``); only an
upper-level assessment gives or changes a grade; exemplars are chosen among 五好 branches."""

from core.registry import Rule

DEFAULT_DIMENSIONS = ("支部班子好", "党员管理好", "制度落实好", "思想作风好", "作用发挥好")
MAX_DIMENSIONS = 10
MAX_ITEMS = 60  # items of one standard set
MAX_ITEM_POINTS = 100
EXEMPLAR_TARGET = 60  # the article: 60 exemplars chosen in the city

# The platform's default thresholds, as a share (%) of the set's total points (the upper score):
# 五好党支部 at 90 % and above with no dimension below 60 % of its points; 合格 at 75 %; 基本合格 at 60 %;
# below that 不合格. No regulation fixes these figures: they are the platform's defaults.
FIVE_GOOD_SHARE = 90
DIMENSION_MIN_SHARE = 60
QUALIFIED_SHARE = 75
BASIC_SHARE = 60

EVIDENCE_KINDS = {"pdf", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

GRADE_RULE = "等次调整须经上级考评"
SET_ISSUED = "创建标准已印发，不能再修改；可以制定新版本"
NOT_FIVE_GOOD = "只有考评为“五好党支部”的党支部才能遴选为先进典型"

SOURCE = "市委组织部关于持续深化“五好党支部”创建的工作要求"
_M = "督导考核"
CATALOG = (
    Rule("fivegood.standard", _M, "“五好党支部”创建标准由市、区、街道党组织逐级逐领域制定，按维度（默认支部班子好、"
         "党员管理好、制度落实好、思想作风好、作用发挥好）列出条目和分值；印发后不再修改，需要调整的制定新版本", SOURCE,
         platform=True),
    Rule("fivegood.applicable", _M, "党支部适用其上级党组织当年印发的、与其领域（或全部领域）和组织类型相符的创建标准中"
         "最具体的一份：制定单位层级最低的优先，同一单位本领域的优先于全部领域的，同一标准以最新版本为准", SOURCE,
         platform=True),
    Rule("fivegood.assessment", _M, "党支部对照标准逐项自评并提交佐证材料；上级党组织逐项评分后确定等次，可退回自评"
         "（写明理由）；已考评的可由上级党组织退回重评，等次随重评变更并留痕；每项得分在0至该项分值之间", SOURCE,
         platform=True),
    Rule("fivegood.grade", _M, f"等次按上级考评得分占总分的比例确定（平台默认）：{FIVE_GOOD_SHARE}%以上且每个维度不低于"
         f"该维度分值的{DIMENSION_MIN_SHARE}%为五好党支部，{QUALIFIED_SHARE}%以上为合格，{BASIC_SHARE}%以上为基本合格，"
         f"其余为不合格；{GRADE_RULE}，不能直接设置或修改", SOURCE, platform=True),
    Rule("fivegood.exemplar", _M, f"上级党组织从考评为五好党支部的党支部中遴选先进典型（全市约{EXEMPLAR_TARGET}个），"
         "撰写典型事迹并在门户网站党务公开栏目宣传推广", SOURCE, platform=True),
)


def share(points: int, total: int) -> float:
    return 100 * points / total if total else 0


def grade_for(*, total: int, max_total: int, dimensions: list[tuple[int, int]]) -> str:
    """The grade of an upper score ``total`` out of ``max_total``, ``dimensions`` being each
    dimension's (score, points). Returns a ``Grade`` value."""
    ratio = share(total, max_total)
    if ratio >= FIVE_GOOD_SHARE and all(share(score, points) >= DIMENSION_MIN_SHARE for score, points in dimensions):
        return "five_good"
    if ratio >= QUALIFIED_SHARE:
        return "qualified"
    if ratio >= BASIC_SHARE:
        return "basic"
    return "failed"


def parse_items(text: str) -> tuple[list[tuple[str, list[tuple[str, int]]]], list[str]]:
    """A set's dimensions and items as typed: a line "# 维度名" starts a dimension, each following
    line "条目内容 | 分值" is an item. Returns (dimensions, errors), each error naming its line."""
    dimensions: list[tuple[str, list[tuple[str, int]]]] = []
    errors: list[str] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith(("#", "＃")):
            name = line.lstrip("#＃").strip()
            if not name or len(name) > 30:
                errors.append(f"第{number}行：维度名称须为1至30个字")
            dimensions.append((name[:30], []))
            continue
        if not dimensions:
            errors.append(f"第{number}行：请先用“# 维度名称”写明维度")
            continue
        text_part, bar, points_part = line.replace("｜", "|").rpartition("|")
        text_part, points_part = text_part.strip(), points_part.strip()
        if not bar or not text_part:
            errors.append(f"第{number}行：请按“条目内容 | 分值”填写")
        elif len(text_part) > 200:
            errors.append(f"第{number}行：条目内容不能超过200字")
        elif not points_part.isdigit() or not 1 <= int(points_part) <= MAX_ITEM_POINTS:
            errors.append(f"第{number}行：分值须是1至{MAX_ITEM_POINTS}的整数")
        else:
            dimensions[-1][1].append((text_part, int(points_part)))
    return dimensions, errors


def items_text(dimensions) -> str:
    """The inverse of ``parse_items``: (name, [(text, points)]) as lines."""
    lines = []
    for name, items in dimensions:
        lines.append(f"# {name}")
        lines.extend(f"{text} | {points}" for text, points in items)
    return "\n".join(lines)
