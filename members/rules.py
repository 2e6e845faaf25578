"""The archive's rules as the rules page lists them (core.registry.Rule); they are enforced in
members.services (the archive rules) and read by recruitment (who may vote and sponsor)."""

from core.registry import Rule

_M = "党员档案"
CATALOG = (
    Rule("members.age", _M, "入党时年满十八岁；申请日期不晚于入党日期，转正日期不早于入党日期", "党章第一条；细则第五条"),
    Rule("members.observation", _M, "留党察看最长不超过两年；察看期间没有表决权、选举权和被选举权", "党章第四十条"),
    Rule("members.observation_probationary", _M, "预备党员不适用留党察看，不具备党员条件的取消其预备党员资格", "党章第七条"),
    Rule("members.appraisal", _M, "民主评议党员每年一次，每名党员每年一个评议结果", "《支部工作条例》第十九条"),
    Rule("members.membership_branch", _M, "党员的组织关系在党支部（含联合党支部），不在临时党支部", "《支部工作条例》第九条"),
)
