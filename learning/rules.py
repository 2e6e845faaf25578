"""Rules of study and class hours (rules.md §4), as data plus small functions.

The yearly class hours (学时) every member owes — at least 32, at least 56 for branch secretaries
and committee members (《2019—2023年全国党员教育培训工作规划》 as rules.md §4 cites it) — are local
settings inherited down the tree (orgs.rules.local_setting), like every local rule. How online
study is credited (the heartbeat rules) is fixed by the platform: the reasons are in ``services``."""

from core.registry import Rule
from orgs.rules import LOCAL_DEFAULTS

LOCAL_RULES = {
    "learning_hours_member": 32,  # 学时 per year, every member
    "learning_hours_cadre": 56,  # 学时 per year, branch secretaries and committee members
    "learning_daily_cap_minutes": 240,  # online study credited per member per day
}

# One class hour (学时) is 45 minutes of study.
SECONDS_PER_HOUR = 45 * 60

# The heartbeat rules (services.heartbeat).
BEAT_INTERVAL = 15  # seconds between heartbeats the page sends
BEAT_MIN_GAP = 5  # a heartbeat sooner than this after the last accepted one is too fast
BEAT_MAX_GAP = 60  # a longer gap (the page asleep, the network down) credits at most this much
MAX_RATE = 1.25  # media played faster than this credit nothing
LENGTH_MARGIN = 0.5  # an item is credited up to its length plus half of it (re-reading)
COMPLETE_AT = 0.9  # an item counts as completed once this share of its length is credited

_M = "学习培训"
CATALOG = (
    Rule("learning.hours_member", _M, "党员每年参加集中学习培训的学时", "rules.md §4（全国党员教育培训工作规划）",
         setting="learning_hours_member", default=LOCAL_RULES["learning_hours_member"], unit="学时"),
    Rule("learning.hours_cadre", _M, "党支部书记和支部委员每年参加集中学习培训的学时",
         "rules.md §4（全国党员教育培训工作规划）",
         setting="learning_hours_cadre", default=LOCAL_RULES["learning_hours_cadre"], unit="学时"),
    Rule("learning.daily_cap", _M, "每人每天计入的在线学习时间上限", "本地规定",
         setting="learning_daily_cap_minutes", default=LOCAL_RULES["learning_daily_cap_minutes"], unit="分钟"),
    Rule("learning.honest_credit", _M, "在线学习只在页面可见且处于焦点、音视频以不超过1.25倍速播放时计时；"
         "两次心跳之间最多计入实际经过的时间，单项内容最多计入其时长的1.5倍，同一党员多个窗口或设备只计一处；"
         "伪造、重放、过快或来自已关闭会话的心跳不计时并记为可疑", "平台规定", platform=True),
)


def register_local_defaults() -> None:
    """Called from the app config: orgs.rules.local_setting then knows this module's keys."""
    for key, value in LOCAL_RULES.items():
        LOCAL_DEFAULTS.setdefault(key, value)


def item_cap(seconds: int) -> int:
    """The most an item is ever credited to one member: its length plus the re-reading margin."""
    return int(seconds * (1 + LENGTH_MARGIN))
