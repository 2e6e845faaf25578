"""Rules of community check-in (在职党员到社区报到), as data plus small functions.

An in-service member (在职党员: a member whose branch belongs to an organ, a public institution or a
state-owned enterprise) checks in with the community where they live; the community confirms or
refuses; the member serves in a team or a post; the community records service hours and rates the
member once a year, and the rating goes back to the member's own branch (两地双向)."""

from core.registry import Rule
from orgs.models import OrgLevel, Sector

# The sectors whose members are "in service" (机关、事业单位、国有企业).
IN_SERVICE_SECTORS = frozenset({Sector.GOVERNMENT, Sector.INSTITUTION, Sector.SOE, Sector.UNIVERSITY,
                                Sector.SCHOOL, Sector.HOSPITAL})
MAX_HOURS_PER_RECORD = 12  # one service activity, in hours
RATINGS = [("excellent", "优秀"), ("good", "合格"), ("basic", "基本合格"), ("poor", "不合格")]

_M = "区域化党建"
CATALOG = (
    Rule("community.checkin", _M, "机关、事业单位和国有企业的在职党员到居住地社区报到，由社区党组织确认；"
         "同一时间只在一个社区报到", "平台规定（天津市在职党员到社区报到的做法）", platform=True),
    Rule("community.rating", _M, "社区党组织每年对报到党员的表现作出评价（优秀、合格、基本合格、不合格），"
         "评价反馈党员所在党组织", "平台规定（两地双向管理）", platform=True),
)


def is_community(org) -> bool:
    return org.level == OrgLevel.COMMUNITY and org.sector == Sector.COMMUNITY


def is_in_service(org) -> bool:
    return org.sector in IN_SERVICE_SECTORS
