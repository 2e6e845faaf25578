"""Ordered-service workflows. The resident orders (``order_place``, public: captcha checked by the
view, throttled here), follows the order by a signed link (``track_token``/``order_for_token``),
cancels it while nobody has taken it (``order_cancel``) and rates it when done (``order_rate``).
The community keeps its menu (``item_save``), dispatches an order to a checked-in member or a team
(``order_dispatch``: one dispatcher wins, the order row locked) or rejects it (``order_reject``);
the member accepts (``order_accept``: one team member wins), declines (``order_decline``: back to
the community) and completes it with hours (``order_complete``: a service record on the member's
check-in). One transaction each, an audit entry each, the summary rows kept in the same one.

States: new → dispatched → accepted → done → rated; new/dispatched → rejected or cancelled;
dispatched → new (declined). ``due_at`` is the deadline of the step the order waits for."""

import hmac
import random
import re
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from community import rules as community_rules
from community import services as community_services
from community.models import CheckIn, CheckInState, ServiceTeam
from core import audit, summaries, throttle
from core.access import get_scope
from core.crypto import get_provider
from core.errors import NotFound
from core.phone import mask_phone, normalize_phone
from core.text import clean_text
from orders import rules
from orders.models import MenuItem, OrderMonth, OrderState, ServiceOrder
from orgs.models import Org

PERM = "regional.change"
TRACK_SALT = "orders.track"
TRACK_MAX_AGE = 180 * 24 * 3600
_NUMBER_CHARS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no I, L, O, 0 or 1: a resident reads the number aloud
PURGED = "（已清除）"  # what stands for a resident's name, address and need after ORDERS_KEEP_DAYS
CLOSED_STATES = (OrderState.DONE, OrderState.RATED, OrderState.REJECTED, OrderState.CANCELLED)


def _require(actor, org: Org) -> None:
    if not get_scope(actor).covers(org.path, PERM):
        raise NotFound


def _count(order: ServiceOrder, **deltas: int) -> None:
    summaries.add(OrderMonth, {"org_id": order.community_id, "month": order.day.replace(day=1)}, **deltas)


def _locked(order: ServiceOrder) -> ServiceOrder:
    return ServiceOrder.objects.select_for_update().select_related("item", "community").get(pk=order.pk)


def _event(action: str, order: ServiceOrder, actor, before: str, **changes) -> None:
    audit.record(f"orders.{action}", obj=order, user=actor, changes={"state": [before, order.state], **changes})


# --- the menu ----------------------------------------------------------------------------------------

def item_save(*, actor, community: Org, name: str, description: str = "", days: int = 3, active: bool = True,
              item: MenuItem | None = None) -> MenuItem:
    """Add a line to a community's service menu, or change one."""
    _require(actor, community)
    if not community_rules.is_community(community):
        raise ValidationError({"community": "服务菜单须由社区党组织发布"})
    name = clean_text(name, max_length=30)
    if not name:
        raise ValidationError({"name": "请填写服务项目"})
    if not 1 <= int(days) <= rules.MAX_ITEM_DAYS:
        raise ValidationError({"days": f"承诺办结天数须在1到{rules.MAX_ITEM_DAYS}天之间"})
    with transaction.atomic():
        same = MenuItem.objects.filter(community=community, name=name)
        if (same.exclude(pk=item.pk) if item else same).exists():
            raise ValidationError({"name": f"已有服务项目“{name}”"})
        before = item.audit_snapshot() if item else None
        if item is None:
            item = MenuItem(community=community)
        item.name, item.description, item.days, item.active = name, clean_text(description, max_length=200), days, active
        item.save()
        audit.record("orders.item_save", obj=item, user=actor, changes={"before": before, "after": item.audit_snapshot()})
    return item


# --- the resident ----------------------------------------------------------------------------------

def new_order_number(day: date, *, rng: random.Random | None = None) -> str:
    """An order's number: the day and six characters, unguessable by default, reproducible with a
    seeded ``rng`` (the demo, which draws again on a clash; the number column is unique)."""
    choice = rng.choice if rng is not None else secrets.choice
    return day.strftime("%Y%m%d") + "".join(choice(_NUMBER_CHARS) for _ in range(6))


def address_key(address: str) -> str:
    """The blind index that counts a home address's orders a day: spaces and letter case do not
    make it another address."""
    return get_provider().blind_index(re.sub(r"\s+", "", address).lower())


def order_place(*, item: MenuItem, name: str, phone: str, address: str, need: str, ip: str = "") -> ServiceOrder:
    """A resident orders a service from a community's menu (no login; the view checked the
    captcha). Every field is checked; floods are refused per address, phone and home address."""
    if throttle.exceeded("orders:place", [f"ip:{throttle.source_hash(ip)}"], settings.ORDERS_PUBLIC_LIMITS):
        raise ValidationError("提交过于频繁，请稍后再试")
    errors: dict[str, str] = {}
    name, address = clean_text(name, max_length=20), clean_text(address, max_length=100)
    need = clean_text(need, max_length=300, multiline=True)
    if not name:
        errors["name"] = "请填写联系人姓名"
    if not address:
        errors["address"] = "请填写服务地址"
    if not need:
        errors["need"] = "请简要说明需求"
    try:
        phone = normalize_phone(phone)
        if not phone:
            errors["phone"] = "请填写联系电话"
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if not item.active:
        errors["item"] = f"“{item.name}”暂不接受点单"
    if errors:
        raise ValidationError(errors)
    provider = get_provider()
    phone_index, home_key = provider.blind_index(phone), address_key(address)
    today = timezone.localdate()
    with transaction.atomic():
        same_phone = ServiceOrder.objects.filter(phone_index=phone_index)
        if same_phone.filter(state__in=[OrderState.NEW, OrderState.DISPATCHED, OrderState.ACCEPTED]).count() \
                >= rules.OPEN_PER_PHONE:
            raise ValidationError({"phone": f"该号码已有{rules.OPEN_PER_PHONE}件点单正在办理，请办结后再点单"})
        if same_phone.filter(day=today).count() >= rules.PER_PHONE_PER_DAY:
            raise ValidationError({"phone": f"同一号码每天最多点单{rules.PER_PHONE_PER_DAY}次"})
        if ServiceOrder.objects.filter(address_key=home_key, day=today).count() >= rules.PER_ADDRESS_PER_DAY:
            raise ValidationError({"address": f"同一地址每天最多点单{rules.PER_ADDRESS_PER_DAY}次"})
        order = ServiceOrder.objects.create(
            number=new_order_number(today), community_id=item.community_id, item=item, name=name,
            phone_cipher=provider.encrypt(phone), phone_index=phone_index, phone_masked=mask_phone(phone),
            address=address, address_key=home_key, need=need, day=today,
            due_at=timezone.now() + timedelta(hours=rules.DISPATCH_HOURS))
        _count(order, ordered=1)
        audit.record("orders.order_place", obj=order, user=None, changes={"item": item.name, "number": order.number})
    return order


def track_token(order: ServiceOrder) -> str:
    return signing.dumps({"o": order.pk, "n": order.number}, salt=TRACK_SALT)


def order_for_token(token: str) -> ServiceOrder:
    try:
        data = signing.loads(token, salt=TRACK_SALT, max_age=TRACK_MAX_AGE)
    except signing.BadSignature as exc:
        raise NotFound from exc
    order = ServiceOrder.objects.select_related("item", "community").filter(
        pk=data.get("o"), number=data.get("n")).first()
    if order is None:
        raise NotFound
    return order


def order_lookup(*, number: str, phone: str, ip: str = "") -> ServiceOrder:
    """A resident finds their order by its number and the phone it was placed with."""
    if throttle.exceeded("orders:lookup", [f"ip:{throttle.source_hash(ip)}"], settings.ORDERS_PUBLIC_LIMITS):
        raise ValidationError("查询过于频繁，请稍后再试")
    number = re.sub(r"\s+", "", number or "").upper()
    try:
        phone = normalize_phone(phone)
    except ValidationError:
        phone = ""
    order = ServiceOrder.objects.filter(number=number).first() if number and phone else None
    if order is None or not hmac.compare_digest(order.phone_index, get_provider().blind_index(phone)):
        raise ValidationError("没有找到该订单：请核对订单号和点单时的手机号")
    return order


def order_cancel(*, order: ServiceOrder, reason: str = "") -> ServiceOrder:
    """The resident withdraws an order nobody has taken yet."""
    with transaction.atomic():
        order = _locked(order)
        if order.state not in (OrderState.NEW, OrderState.DISPATCHED):
            raise ValidationError(f"订单{order.get_state_display()}，不能撤销")
        before = order.state
        order.state, order.due_at, order.note = OrderState.CANCELLED, None, clean_text(reason, max_length=200) or "群众撤销"
        order.save(update_fields=["state", "due_at", "note", "updated"])
        _count(order, closed=1)
        _event("order_cancel", order, None, before)
    return order


def order_rate(*, order: ServiceOrder, stars: int, comment: str = "") -> ServiceOrder:
    """The resident confirms a done order and rates it, once."""
    if stars not in rules.STARS:
        raise ValidationError({"stars": "请选择1到5星"})
    with transaction.atomic():
        order = _locked(order)
        if order.state != OrderState.DONE:
            raise ValidationError("订单已评价" if order.state == OrderState.RATED else "订单办结后才能评价")
        order.state, order.stars, order.rated_at = OrderState.RATED, stars, timezone.now()
        order.comment = clean_text(comment, max_length=200)
        order.save(update_fields=["state", "stars", "comment", "rated_at", "updated"])
        _count(order, rated=1, stars=stars)
        _event("order_rate", order, None, OrderState.DONE, stars=stars)
    return order


# --- the community ---------------------------------------------------------------------------------

def order_dispatch(*, actor, order: ServiceOrder, checkin: CheckIn | None = None,
                   team: ServiceTeam | None = None) -> ServiceOrder:
    """The community gives a new order to one checked-in member or to a service team. Two
    dispatchers at once: the order row is locked, the second finds it dispatched and is refused."""
    _require(actor, order.community)
    if (checkin is None) == (team is None):
        raise ValidationError("请选择一名报到党员或一个服务队（二选一）")
    if checkin is not None and (checkin.community_id != order.community_id or checkin.state != CheckInState.CONFIRMED):
        raise ValidationError({"checkin": "只能派给在本社区报到的党员"})
    if team is not None and team.community_id != order.community_id:
        raise ValidationError({"team": "只能派给本社区的服务队"})
    with transaction.atomic():
        order = _locked(order)
        if order.state != OrderState.NEW:
            raise ValidationError(f"订单{order.get_state_display()}，不能派单（可能已由他人派出）")
        order.state, order.dispatched_at = OrderState.DISPATCHED, timezone.now()
        order.member_id, order.team = (checkin.member_id if checkin else None), team
        order.due_at = order.dispatched_at + timedelta(hours=rules.ACCEPT_HOURS)
        order.save(update_fields=["state", "dispatched_at", "member", "team", "due_at", "updated"])
        _event("order_dispatch", order, actor, OrderState.NEW, to=str(team) if team else str(order.member))
    return order


def order_reject(*, actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    """The community declines an order it cannot serve, with the reason the resident reads."""
    _require(actor, order.community)
    reason = clean_text(reason, max_length=200)
    if not reason:
        raise ValidationError({"reason": "请写明不予受理的理由（群众可以看到）"})
    with transaction.atomic():
        order = _locked(order)
        if order.state not in (OrderState.NEW, OrderState.DISPATCHED):
            raise ValidationError(f"订单{order.get_state_display()}，不能不予受理")
        before = order.state
        order.state, order.due_at, order.note = OrderState.REJECTED, None, reason
        order.save(update_fields=["state", "due_at", "note", "updated"])
        _count(order, closed=1)
        _event("order_reject", order, actor, before, reason=reason)
    return order


def phone_reveal(*, actor, order: ServiceOrder) -> str:
    """The full phone number, for the community's managers and the member who took the order;
    audited like the archive's."""
    scope = get_scope(actor)
    if not (scope.covers(order.community.path, PERM) or (scope.member_id and scope.member_id == order.accepted_by_id)):
        raise NotFound
    audit.record("orders.phone_reveal", obj=order, user=actor, changes={"field": "phone"})
    return get_provider().decrypt(order.phone_cipher)


# --- the member ------------------------------------------------------------------------------------

def _own_checkin(actor, order: ServiceOrder) -> CheckIn:
    """The actor's confirmed check-in with the order's community, if the order is theirs to take."""
    member_id = get_scope(actor).member_id
    if not member_id:
        raise NotFound
    checkin = CheckIn.objects.filter(member_id=member_id, community_id=order.community_id,
                                     state=CheckInState.CONFIRMED).first()
    if checkin is None:
        raise NotFound
    return checkin


def offered_to(order: ServiceOrder, checkin: CheckIn) -> bool:
    """Whether the order was dispatched to the check-in's member or to the member's service team
    (whatever the order's state now); the order's page asks it too."""
    return order.member_id == checkin.member_id or (order.team_id is not None and order.team_id == checkin.team_id)


def order_accept(*, actor, order: ServiceOrder) -> ServiceOrder:
    """The member (or the first member of the team) takes the order."""
    checkin = _own_checkin(actor, order)
    with transaction.atomic():
        order = _locked(order)
        if not offered_to(order, checkin):
            raise NotFound
        if order.state != OrderState.DISPATCHED:
            raise ValidationError(f"订单{order.get_state_display()}，不能接单（可能已由他人接单）")
        order.state, order.accepted_by_id, order.accepted_at = OrderState.ACCEPTED, checkin.member_id, timezone.now()
        order.due_at = order.accepted_at + timedelta(days=order.item.days)
        order.save(update_fields=["state", "accepted_by", "accepted_at", "due_at", "updated"])
        _event("order_accept", order, actor, OrderState.DISPATCHED)
    return order


def order_decline(*, actor, order: ServiceOrder, reason: str) -> ServiceOrder:
    """The member cannot take it: the order goes back to the community to dispatch again."""
    checkin = _own_checkin(actor, order)
    reason = clean_text(reason, max_length=200)
    if not reason:
        raise ValidationError({"reason": "请写明原因，便于社区重新派单"})
    with transaction.atomic():
        order = _locked(order)
        if not offered_to(order, checkin):
            raise NotFound
        if order.state != OrderState.DISPATCHED:
            raise ValidationError(f"订单{order.get_state_display()}，不能退回")
        order.state, order.member, order.team, order.dispatched_at, order.note = OrderState.NEW, None, None, None, reason
        order.due_at = timezone.now() + timedelta(hours=rules.DISPATCH_HOURS)
        order.save(update_fields=["state", "member", "team", "dispatched_at", "due_at", "note", "updated"])
        _event("order_decline", order, actor, OrderState.DISPATCHED, reason=reason)
    return order


def order_complete(*, actor, order: ServiceOrder, hours, result: str) -> ServiceOrder:
    """The member who took the order finishes it: what was done and the hours, which count as
    the member's service in the community (a service record on the check-in)."""
    checkin = _own_checkin(actor, order)
    hours = community_services.service_hours(hours)
    result = clean_text(result, max_length=300, multiline=True)
    if not result:
        raise ValidationError({"result": "请填写办理情况"})
    with transaction.atomic():
        order = _locked(order)
        if order.accepted_by_id != checkin.member_id:
            raise NotFound
        if order.state != OrderState.ACCEPTED:
            raise ValidationError(f"订单{order.get_state_display()}，不能办结")
        order.state, order.done_at, order.due_at = OrderState.DONE, timezone.now(), None
        order.hours, order.result = hours, result
        order.save(update_fields=["state", "done_at", "due_at", "hours", "result", "updated"])
        community_services.record_service(checkin=checkin, day=timezone.localdate(), hours=hours,
                                          content=f"群众点单 {order.number}：{order.item.name}"[:200])
        _count(order, done=1)
        _event("order_complete", order, actor, OrderState.ACCEPTED, hours=str(hours))
    return order


def purge_personal_data(*, now=None) -> int:
    """The scheduled job (`dangjian orders purge`): a finished order's resident (name, phone, home
    address, need) is erased ``settings.ORDERS_KEEP_DAYS`` after it closed — done or rated, rejected
    or cancelled; what was ordered, when, by which community and member, and the rating stay, so
    the counts do too. In batches, one transaction each; one audit entry a batch with the count."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.ORDERS_KEEP_DAYS)
    closed = ServiceOrder.objects.filter(state__in=CLOSED_STATES, updated__lt=before).exclude(name=PURGED)
    count = 0
    while True:
        with transaction.atomic():
            batch = list(closed.order_by("pk").values_list("pk", flat=True)[:1000])
            if not batch:
                return count
            ServiceOrder.objects.filter(pk__in=batch).update(
                name=PURGED, phone_cipher="", phone_index="", phone_masked="", address=PURGED, address_key="",
                need=PURGED)
            audit.record("orders.purge", changes={"orders": len(batch), "closed_before": before.isoformat()})
            count += len(batch)

