"""Rules of oversight (督导考核), as data plus small functions.

Inspections run every half year (集中/专项, 定期/随机, 明察/暗访) over orgs below the inspecting org;
each problem found becomes a rectification item with an owner, a deadline of at most
``MAX_DEADLINE_DAYS`` and the evidence required. The org that must rectify submits evidence; the
inspecting org accepts it (销号) or returns it, and nobody accepts their own submission. An item
past its deadline while the rectifying org owes the next step is escalated (督办) to the level
above it, and one level further every ``ESCALATE_EVERY_DAYS`` days, never above the inspecting org."""

from core.registry import Rule

MAX_DEADLINE_DAYS = 180  # a rectification item's deadline, from the day the problem was found
ESCALATE_EVERY_DAYS = 7  # an overdue item moves one level up every week it stays overdue
EVIDENCE_KINDS = {"pdf", "png", "jpeg"}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
MAX_TARGETS = 500  # orgs one inspection or one supervision team covers
MAX_CHECKLIST = 50  # items of one guidance plan

BULLETIN_PUBLISHED = "通报已印发，不能再修改或重新生成"

SOURCE = "《中国共产党组织工作条例》、市委组织部巡查整改工作要求"

_M = "督导考核"
CATALOG = (
    Rule("oversight.inspection", _M, "巡查每半年开展一次，分综合巡查和专项巡查、定期和随机、明察和暗访；"
         "巡查对象须是巡查单位的下级党组织", SOURCE, platform=True),
    Rule("oversight.rectification", _M, f"巡查发现的问题逐项建立整改台账，明确责任人、整改时限（不超过"
         f"{MAX_DEADLINE_DAYS}天）和佐证要求；整改单位提交佐证材料，巡查单位验收通过后方可销号，"
         "退回的须重新整改；不得验收本人提交的材料；每一轮提交和验收意见都留存", SOURCE, platform=True),
    Rule("oversight.escalation", _M, f"超过整改时限仍未提交或被退回未重新提交的，提级至上一级党组织督办，"
         f"此后每超期{ESCALATE_EVERY_DAYS}天再提一级，最高至巡查单位", SOURCE, platform=True),
    Rule("oversight.checklist", _M, "督导检查按分领域指导方案的检查事项逐项进行：党组织适用本级或上级"
         "为其所在领域制定的最近一份指导方案", "市委组织部分领域指导方案", platform=True),
    Rule("oversight.bulletin", _M, "季度通报由系统按通报单位及其下级党组织的记录生成（三会一课落实、发展党员环节、"
         "在线学习、巡查整改、在职党员报到和服务、群众点单），逐项按下级单位排名；尚未开始的季度不能生成；"
         "草稿可修改文字、不能修改数据，印发后不再修改", SOURCE, platform=True),
)


def escalation_depth(*, org_depth: int, inspector_depth: int, days_overdue: int) -> int:
    """The tree depth an item overdue by ``days_overdue`` days is escalated to: the level above the
    rectifying org on the first overdue day, one more level each ``ESCALATE_EVERY_DAYS`` days,
    never above the inspecting org."""
    if days_overdue <= 0:
        return org_depth
    steps = 1 + (days_overdue - 1) // ESCALATE_EVERY_DAYS
    return max(org_depth - steps, inspector_depth)
