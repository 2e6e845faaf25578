"""Rules of the rectification of lagging party organizations (后进/软弱涣散基层党组织整顿), as data
plus small functions.

The level above an org finds it lagging — by its own investigation (排查) or from what the records
show (``SUGGESTION_RULES``) — and leads its rectification: one plan per org (一支一策) with the
responsible cadre, the upper level's contact cadre, the measures, the tasks and their deadlines.
The case closes only when every task is done and the acceptance material is given, and the org's
grade moves up (转化提升、晋位升级)."""

from core.registry import Rule
from lagging.models import GRADE_RANK, Grade

SOURCE = "《中国共产党支部工作条例（试行）》、《关于持续整顿软弱涣散基层党组织的通知》"
ARTICLE = "排查相对后进基层党组织，“一支一策”集中整顿，促进转化提升、晋位升级"

RED_MONTHS = 3  # 三会一课 red this many complete months running
UNREACHED_MIN = 3  # members without a contact phone from which an org is suggested
MAX_PLAN_DAYS = 365  # a plan's deadline at most this many days after approval
MAX_TASKS = 30
EVIDENCE_KINDS = {"pdf", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

ALREADY_OPEN = "该党组织已列为后进党组织、正在整顿，不能重复列入"
NOT_ALL_DONE = "任务未全部完成"
NO_EVIDENCE = "须上传整顿验收材料"
NO_PLAN = "尚未制定整顿方案"
CLOSED = "整顿已销号，不能再修改"

_M = "督导考核"
CATALOG = (
    Rule("lagging.suggest", _M, f"系统按记录提示相对后进的党支部和党总支：三会一课连续{RED_MONTHS}个完整月份红灯"
         f"（逾期未完成）、书记空缺（本届班子无书记或未录入班子）、班子任期届满未换届、巡查整改事项超期、"
         f"{UNREACHED_MIN}名以上党员未留联系电话；已在整顿中的不再提示", SOURCE, platform=True),
    Rule("lagging.plan", _M, "列为后进的党组织由上级党组织认定，“一支一策”制定整顿方案：明确整顿责任人、"
         f"上级联系领导、整顿措施、整顿时限（批准后{MAX_PLAN_DAYS}天以内）和逐项任务的责任人、完成时限；"
         "方案批准后进入整顿", SOURCE, platform=True),
    Rule("lagging.close", _M, "整顿任务全部完成并提交整顿验收材料后，由上级党组织验收销号，评定整顿后等次"
         "（须高于后进，晋位升级），等次变化留档", SOURCE, platform=True),
)


def moves_up(grade_before: str, grade_after: str) -> bool:
    """Whether ``grade_after`` is a better grade than ``grade_before`` (晋位升级)."""
    return GRADE_RANK[Grade(grade_after)] > GRADE_RANK[Grade(grade_before or Grade.LAGGING)]
