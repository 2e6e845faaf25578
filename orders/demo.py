"""Demo ordered services: every community with confirmed check-ins publishes a menu; residents
ordered over the last month, in every state — waiting for dispatch (some overdue), dispatched to
a member or a team (some overdue), accepted (some overdue), done with a service record on the
member's check-in, rated, rejected with a reason, cancelled. Rows go in bulk; ``summaries.rebuild()``
(the demo command) fills the summary. ``target`` (the city data set) sets how many orders: the
article's 3.2万 ordered and delivered, 50,000 for the bench."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from community.models import CheckIn, CheckInState, ServiceRecord, ServiceTeam
from core.bulk import insert_many
from core.crypto import get_provider
from core.phone import mask_phone
from orders import rules
from orders.models import OPEN_STATES, MenuItem, OrderState, ServiceOrder
from orders.services import address_key, new_order_number

MENU = [("代买代办", "代购生活用品、代办证件", 2), ("助老陪诊", "陪同老人就医、取药", 3), ("家电维修", "小家电、水电维修", 3),
        ("政策咨询", "社保、医保、养老政策解答", 2), ("心理疏导", "谈心谈话、矛盾调解", 5), ("学业辅导", "中小学生课后辅导", 7)]
NEEDS = {"代买代办": "腿脚不便，请帮忙买米面油", "助老陪诊": "周三上午陪同去医院复查", "家电维修": "厨房水龙头漏水",
         "政策咨询": "想了解医保异地备案怎么办", "心理疏导": "邻里之间有些矛盾，想请社区调解", "学业辅导": "孩子初二数学跟不上"}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
STREETS = ["朝阳里", "新华里", "光明里", "和平里", "胜利里"]
# (state, share): the month's orders by where they stand now
STATES = [(OrderState.RATED, 0.45), (OrderState.DONE, 0.2), (OrderState.ACCEPTED, 0.1), (OrderState.DISPATCHED, 0.08),
          (OrderState.NEW, 0.08), (OrderState.REJECTED, 0.04), (OrderState.CANCELLED, 0.05)]
# An open order was placed at most this many hours ago (an accepted one: within its item's days and one more).
OPEN_HOURS = {OrderState.NEW: 30, OrderState.DISPATCHED: 48}


def load(rng: random.Random, *, per_community: tuple[int, int] = (6, 16), target: int | None = None) -> int:
    """Returns the number of orders."""
    checkins: dict[int, list[tuple[int, int, int]]] = {}  # community → (check-in, member, unit)
    month_ago = timezone.localdate() - timedelta(days=31)
    for pk, community_id, member_id, unit_id in CheckIn.objects.filter(
            state=CheckInState.CONFIRMED, decided_on__lte=month_ago).values_list("pk", "community_id", "member_id",
                                                                                 "unit_id"):
        checkins.setdefault(community_id, []).append((pk, member_id, unit_id))
    if not checkins:
        return 0
    teams: dict[int, list[int]] = {}
    for pk, community_id in ServiceTeam.objects.filter(community_id__in=checkins).values_list("pk", "community_id"):
        teams.setdefault(community_id, []).append(pk)
    items = []
    for community_id in checkins:
        for name, description, days in rng.sample(MENU, k=rng.randint(3, len(MENU))):
            items.append(MenuItem(community_id=community_id, name=name, description=description, days=days))
    MenuItem.objects.bulk_create(items, batch_size=2000)
    menus: dict[int, list[MenuItem]] = {}
    for item in items:
        menus.setdefault(item.community_id, []).append(item)
    communities = sorted(checkins)
    counts = ([target // len(communities) + (1 if i < target % len(communities) else 0) for i in range(len(communities))]
              if target is not None else [rng.randint(*per_community) for _ in communities])
    provider, now, today = get_provider(), timezone.now(), timezone.localdate()
    orders, records = [], []
    numbers: set[str] = set()
    for community_id, count in zip(communities, counts, strict=True):
        for _ in range(count):
            item = rng.choice(menus[community_id])
            state = rng.choices([s for s, _ in STATES], weights=[w for _, w in STATES])[0]
            if state in OPEN_STATES:  # still open: placed lately, so only some are past their deadline
                hours = rng.uniform(0.2, OPEN_HOURS[state] if state != OrderState.ACCEPTED else 24 * (item.days + 1))
                placed = now - timedelta(hours=hours)
            else:
                placed = timezone.make_aware(datetime.combine(today - timedelta(days=rng.randrange(30)),
                                                              time(rng.randint(7, 20), rng.randrange(60))))
                placed = min(placed, now - timedelta(minutes=rng.randint(5, 600)))
            number = unique_number(rng, placed.date(), numbers)
            phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
            address = f"{rng.choice(STREETS)}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}门{rng.randint(1, 6)}0{rng.randint(1, 4)}"
            row = {"number": number, "community_id": community_id, "item_id": item.pk,
                   "name": f"{rng.choice(SURNAMES)}{rng.choice(['大爷', '大妈', '女士', '先生'])}",
                   "phone_cipher": provider.encrypt(phone), "phone_index": provider.blind_index(phone),
                   "phone_masked": mask_phone(phone), "address": address,
                   "address_key": address_key(address), "need": NEEDS[item.name],
                   "state": state, "day": timezone.localtime(placed).date(), "created": placed, "updated": placed,
                   "due_at": placed + timedelta(hours=rules.DISPATCH_HOURS)}
            advance(rng, row, item, checkins[community_id], teams.get(community_id, []), now, records)
            orders.append(row)
    insert_many(ServiceOrder, orders)
    insert_many(ServiceRecord, records)
    return len(orders)


def unique_number(rng: random.Random, day, taken: set[str]) -> str:
    """A new order number for ``day`` not in ``taken`` (and added to it); the bench's top-up uses it too."""
    while True:
        number = new_order_number(day, rng=rng)
        if number not in taken:
            taken.add(number)
            return number


def advance(rng, row: dict, item: MenuItem, checkins, teams, now, records) -> None:
    """Move the order from its placing to its state, with the times and people of each step (the demo's
    loader and `dangjian bench regional`'s top-up)."""
    state, placed = row["state"], row["created"]
    if state == OrderState.NEW:
        return  # due 24 hours after placing: the older ones are overdue
    if state in (OrderState.REJECTED, OrderState.CANCELLED):
        row.update(due_at=None, note="不在本社区服务范围" if state == OrderState.REJECTED else "已自行解决")
        return
    checkin_id, member_id, unit_id = rng.choice(checkins)
    to_team = state == OrderState.DISPATCHED and teams and rng.random() < 0.4
    dispatched = min(placed + timedelta(hours=rng.uniform(0.5, 20)), now)
    row.update(dispatched_at=dispatched, due_at=dispatched + timedelta(hours=rules.ACCEPT_HOURS),
               team_id=rng.choice(teams) if to_team else None, member_id=None if to_team else member_id)
    if state == OrderState.DISPATCHED:
        return
    accepted = min(dispatched + timedelta(hours=rng.uniform(0.5, 20)), now)
    row.update(accepted_by_id=member_id, accepted_at=accepted, due_at=accepted + timedelta(days=item.days))
    if state == OrderState.ACCEPTED:
        return
    done = min(accepted + timedelta(days=rng.uniform(0.1, item.days)), now)
    hours = Decimal(rng.choice(["0.5", "1", "1.5", "2", "3"]))
    row.update(done_at=done, due_at=None, hours=hours, result="已上门办理，群众满意")
    day = timezone.localtime(done).date()
    records.append({"checkin_id": checkin_id, "member_id": member_id, "community_id": row["community_id"],
                    "unit_id": unit_id, "day": day, "hours": hours, "content": f"群众点单 {row['number']}：{item.name}"})
    if state == OrderState.RATED:
        row.update(stars=rng.choices([5, 4, 3, 2], weights=[70, 22, 6, 2])[0], rated_at=min(done + timedelta(hours=6), now),
                   comment=rng.choice(["", "很耐心", "服务周到", "及时解决了问题"]))
