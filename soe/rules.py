"""Rules of the SOE party-building work ledgers (国企党建工作台账), as data plus small functions.

An org (the city's or a district's SOE work committee, or any org above SOE party committees)
divides each year's tasks among the party committees of state-owned enterprises in its subtree;
each committee reports its share's progress every quarter, from the task's year on, for quarters
that have begun; a quarter's report may be corrected while no later quarter's is in; a share
reported done stays done unless that same report is corrected. The quarterly bulletin (季度通报)
counts the shares and the reports (seed article: "国企党建工作任务分工、工作台账、季度通报")."""

from core.registry import Rule

MAX_SHARES = 500  # SOE party committees one task is divided among
MAX_TASKS_A_YEAR = 99  # tasks of one org's yearly division (序号 1–99)

SOURCE = "市国资委党委国企党建工作任务分工和季度通报制度"

_M = "督导考核"
CATALOG = (
    Rule("soe.division", _M, "国企党建工作任务按年度逐项分工到分工单位下级的国有企业党组织（领域为“国有企业”，"
         f"党小组除外），每项任务至多分到{MAX_SHARES}个党组织，明确完成时限；已报送进展的分工不能取消",
         SOURCE, platform=True),
    Rule("soe.report", _M, "责任党组织每季度报送所承担任务的进展（未启动、推进中、已完成）：只能报送已经开始的、"
         "不早于任务年度的季度；某季度的进展在下一季度报送前可以更正；报告已完成后不再报送，"
         "季度通报按分工和各季度进展统计", SOURCE, platform=True),
)
