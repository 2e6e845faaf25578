"""/api/v1/orders: the orders a community's managers see (list, one, dispatch, reject), the
member's orders to take and finish (accept, decline, complete), the community's menu and the
counts of a subtree and its children. Out of scope is 404, as on the pages; refusals answer 422.
Residents order on the public page only: it carries the captcha and the throttles."""

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from community import rules as community_rules
from community.models import CheckIn, CheckInState, ServiceTeam
from core.access import get_scope, require_perm
from core.api import REFUSED, Message, Pagination, PathId, filtered, filters_in, model_out
from core.errors import NotFound
from orders import rules, selectors, services
from orders.filters import OrderFilterSet
from orders.models import MenuItem, ServiceOrder
from orgs.models import Org
from orgs.selectors import children, org_or_first_root, org_param

router = Router(tags=["群众点单"])
PERM = "regional.change"

OrderOut = model_out("ServiceOrderOut", ServiceOrder, [
    "id", "number", "community_id", "item_id", "name", "phone_masked", "address", "need", "state", "day", "due_at",
    "member_id", "team_id", "dispatched_at", "accepted_by_id", "accepted_at", "done_at", "hours", "result", "stars",
    "comment", "note"])
MenuItemOut = model_out("MenuItemOut", MenuItem, ["id", "community_id", "name", "description", "days", "active"])
OrderFilters = filters_in("ServiceOrderFilters", OrderFilterSet)


class DispatchIn(Schema):
    checkin_id: int | None = Field(None, ge=1, le=2**62, description="派给报到党员（报到记录编号）")
    team_id: int | None = Field(None, ge=1, le=2**62, description="或派给服务队")


class OrderReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class CompleteIn(Schema):
    hours: float = Field(..., gt=0, le=rules.MAX_HOURS)
    result: str = Field(..., min_length=1, max_length=300)


class MenuItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=30)
    description: str = Field("", max_length=200)
    days: int = Field(3, ge=1, le=rules.MAX_ITEM_DAYS)
    active: bool = True


class MenuItemCreateIn(MenuItemIn):
    community_id: int = Field(..., ge=1, le=2**62)


class OrdersMineOut(Schema):
    offered: list[OrderOut]  # type: ignore[valid-type]
    taken: list[OrderOut]  # type: ignore[valid-type]


class OrderCountsOut(Schema):
    org_id: int
    org_name: str
    ordered: int
    done: int
    rated: int
    average: float | None
    closed: int
    overdue: int


class OrderOpenOut(Schema):
    since: date
    waiting: int
    overdue: int
    rows: list[OrderCountsOut]


def _order(request, order_id: int) -> ServiceOrder:
    return get_object_or_404(ServiceOrder.objects.visible_to(request.user, "view").select_related("community", "item"),
                             pk=order_id)


def _managed(request, order_id: int) -> ServiceOrder:
    order = _order(request, order_id)
    if not get_scope(request.user).covers(order.community.path, PERM):
        raise NotFound
    return order


@router.get("", response=list[OrderOut])
@paginate(Pagination)
def orders_list(request, filters: Query[OrderFilters]):
    """本人管理的社区收到的群众点单。"""
    require_perm(request.user, "regional.view")
    orders = ServiceOrder.objects.visible_to(request.user, "view").filter(
        get_scope(request.user).org_q("community__path", "regional.view"))
    return filtered(OrderFilterSet, request, orders.order_by("-day", "-pk"), filters)


@router.get("/mine", response=OrdersMineOut)
def orders_mine(request):
    """派给本人（或本人所在服务队）待接单的，和本人已接单待办结的点单。"""
    member_id = get_scope(request.user).member_id
    if not member_id:
        raise NotFound
    return {"offered": list(selectors.offered(member_id)[:200]), "taken": list(selectors.taken(member_id)[:200])}


@router.get("/counts", response={200: OrderOpenOut, 404: Message})
def orders_counts(request, org: str | None = Query(None, max_length=40, description="组织编号或代码")):
    """本年度某组织及其下级组织的点单、办结、评价数，和待派单、超时未办的点单数。"""
    found = org_or_first_root(request.user, org, "regional.view")
    today = timezone.localdate()
    rows = children(found, request.user)
    figures = selectors.children_counts([found, *rows], today.replace(month=1, day=1), today)
    overdue = selectors.overdue_counts(request.user, [found, *rows])
    return {"since": today.replace(month=1, day=1), **selectors.open_counts(request.user, found),
            "rows": [{"org_id": o.pk, "org_name": o.name, **figures[o.pk], "overdue": overdue[o.pk]}
                     for o in [found, *rows]]}


@router.get("/{int:order_id}", response={200: OrderOut, 404: Message})
def orders_detail(request, order_id: PathId):
    """一件点单（社区或接单党员可见；电话只显示掩码）。"""
    return _order(request, order_id)


@router.post("/{int:order_id}/dispatch", response={200: OrderOut, **REFUSED})
def orders_dispatch(request, order_id: PathId, payload: DispatchIn):
    """社区派单：派给一名在本社区报到的党员，或一个服务队（二选一）。"""
    order = _managed(request, order_id)
    checkin = (get_object_or_404(CheckIn, pk=payload.checkin_id, community_id=order.community_id,
                                 state=CheckInState.CONFIRMED) if payload.checkin_id else None)
    team = get_object_or_404(ServiceTeam, pk=payload.team_id, community_id=order.community_id) if payload.team_id else None
    return services.order_dispatch(actor=request.user, order=order, checkin=checkin, team=team)


@router.post("/{int:order_id}/reject", response={200: OrderOut, **REFUSED})
def orders_reject(request, order_id: PathId, payload: OrderReasonIn):
    """社区不予受理（理由群众可见）。"""
    return services.order_reject(actor=request.user, order=_managed(request, order_id), reason=payload.reason)


@router.post("/{int:order_id}/accept", response={200: OrderOut, **REFUSED})
def orders_accept(request, order_id: PathId):
    """党员接单（派给服务队的，先接者得）。"""
    return services.order_accept(actor=request.user, order=_order(request, order_id))


@router.post("/{int:order_id}/decline", response={200: OrderOut, **REFUSED})
def orders_decline(request, order_id: PathId, payload: OrderReasonIn):
    """党员无法接单，退回社区重新派单。"""
    return services.order_decline(actor=request.user, order=_order(request, order_id), reason=payload.reason)


@router.post("/{int:order_id}/complete", response={200: OrderOut, **REFUSED})
def orders_complete(request, order_id: PathId, payload: CompleteIn):
    """党员办结：办理情况和服务时长（记入社区服务记录）。"""
    return services.order_complete(actor=request.user, order=_order(request, order_id), hours=str(payload.hours),
                                   result=payload.result)


@router.get("/menu", response={200: list[MenuItemOut], 404: Message})
def orders_menu(request, org: str = Query(..., max_length=40, description="社区党组织编号或代码")):
    """社区的服务菜单（含暂停点单的项目）。"""
    community = org_param(request.user, org, "regional.view")
    if community is None or not community_rules.is_community(community):
        raise NotFound
    return list(selectors.menu(community, active_only=False))


@router.post("/menu", response={201: MenuItemOut, **REFUSED})
def orders_menu_add(request, payload: MenuItemCreateIn):
    """社区新增服务项目。"""
    community = get_object_or_404(Org.objects.granting(request.user, PERM), pk=payload.community_id)
    data = payload.dict()
    data.pop("community_id")
    return Status(201, services.item_save(actor=request.user, community=community, **data))


@router.put("/menu/{int:item_id}", response={200: MenuItemOut, **REFUSED})
def orders_menu_change(request, item_id: PathId, payload: MenuItemIn):
    """修改服务项目（或暂停点单）。"""
    item = get_object_or_404(MenuItem.objects.visible_to(request.user, "change").select_related("community"), pk=item_id)
    return services.item_save(actor=request.user, community=item.community, item=item, **payload.dict())
