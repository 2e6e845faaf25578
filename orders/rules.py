"""Rules of ordered services (群众点单、社区派单、党员接单), as data plus small functions.

A community publishes a service menu; a resident orders from it on a public page; the community
dispatches the order to a checked-in member or a service team within ``DISPATCH_HOURS``; the
member accepts within ``ACCEPT_HOURS`` and completes within the menu item's promised days; the
resident confirms by rating it (1–5 stars). An order past its step's deadline is overdue and shown
as a warning. The public page is throttled per address (the cache, ``settings.ORDERS_PUBLIC_LIMITS``)
and per phone and home address (the database: ``OPEN_PER_PHONE``, ``PER_PHONE_PER_DAY``,
``PER_ADDRESS_PER_DAY``)."""

from community.rules import MAX_HOURS_PER_RECORD
from core.registry import Rule

DISPATCH_HOURS = 24  # new → dispatched
ACCEPT_HOURS = 24  # dispatched → accepted
MAX_ITEM_DAYS = 30  # a menu item's promised time, in days (accepted → done)
MAX_HOURS = MAX_HOURS_PER_RECORD  # service hours recorded for one order: a service record's limit
OPEN_PER_PHONE = 3  # unfinished orders (new, dispatched, accepted) of one phone number
PER_PHONE_PER_DAY = 5  # orders placed by one phone number in a day
PER_ADDRESS_PER_DAY = 10  # orders for one home address in a day
STARS = (1, 2, 3, 4, 5)

SOURCE = "平台规定（群众点单、社区派单、党员接单）"

_M = "区域化党建"
CATALOG = (
    Rule("orders.deadlines", _M, f"群众点单后，社区{DISPATCH_HOURS}小时内派单；党员{ACCEPT_HOURS}小时内接单，"
         "并在服务项目承诺的天数内办结；超时的订单标为超时并提醒", SOURCE,
         platform=True),
    Rule("orders.public", _M, f"同一手机号未办结的点单不超过{OPEN_PER_PHONE}件、每天不超过{PER_PHONE_PER_DAY}件；"
         f"同一地址每天不超过{PER_ADDRESS_PER_DAY}件；点单须填写图形验证码", "平台规定（防止恶意点单）",
         platform=True),
)
