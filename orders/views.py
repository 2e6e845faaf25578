"""Ordered-service pages for the community and its members: the home (a member's orders to take
and to finish; a manager's counts per child org, waiting and overdue orders), the list, an
order's page with the community's actions (dispatch, reject, full phone) and the member's
(accept, decline, complete), and the community's menu. The resident's pages are in ``public``."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from community import rules as community_rules
from community.models import CheckIn, CheckInState, ServiceTeam
from core.access import get_scope
from core.errors import NotFound
from core.views import (
    GenericView,
    MemberOrManagerView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from orders import selectors, services
from orders.filters import OrderFilterSet
from orders.forms import CompleteForm, DispatchForm, ItemForm, ReasonForm
from orders.models import MenuItem, OrderState, ServiceOrder
from orders.tables import OrderTable
from orgs.selectors import children, managed_roots, org_param

CRUMB = ("群众点单", "/orders/")
PERM = "regional.change"


@not_generic("a dashboard: a member's orders beside a manager's counts per child org")
class OrdersHomeView(MemberOrManagerView):
    title = "群众点单"

    manager_perm = "regional.view"

    def get(self, request):
        scope, today = get_scope(request.user), timezone.localdate()
        context: dict = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": today.year}
        if scope.member_id:
            context.update(member=True, offered=list(selectors.offered(scope.member_id)[:50]),
                           taken=list(selectors.taken(scope.member_id)[:50]))
        roots = managed_roots(request.user, "regional.view")
        if roots:
            org = org_param(request.user, request.GET.get("org"), "regional.view") or roots[0]
            start = today.replace(month=1, day=1)
            rows = children(org, request.user)
            figures = selectors.children_counts([org, *rows], start, today)
            overdue = selectors.overdue_counts(request.user, rows)
            context.update(org=org, total=figures[org.pk], open=selectors.open_counts(request.user, org),
                           rows=[(child, {**figures[child.pk], "overdue": overdue[child.pk]}) for child in rows],
                           is_community=community_rules.is_community(org))
        return render(request, "orders/home.html", context)


class OrderListView(ObjectListView):
    required_perm = "regional.view"
    model = ServiceOrder
    filterset_class = OrderFilterSet
    table = OrderTable
    title = "群众点单"
    breadcrumbs = [CRUMB, ("订单", None)]
    default_order = ("-day", "-pk")

    def get_base_queryset(self):
        scope = get_scope(self.request.user)
        return (ServiceOrder.objects.visible_to(self.request.user, "view")
                .filter(scope.org_q("community__path", "regional.view")).select_related("community", "item"))


class OrderView(ObjectDetailView):
    model = ServiceOrder
    template_name = "orders/order.html"
    phone = ""  # the full number, once, after 查看完整号码

    def get_queryset(self):
        return super().get_queryset().select_related("community", "item", "member", "team", "accepted_by")

    def get_title(self):
        return f"订单 {self.object.number}：{self.object.item.name}"

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.number, None)]

    def get_extra_context(self):
        scope, order = get_scope(self.request.user), self.object
        manage = scope.covers(order.community.path, PERM)
        checkin = (CheckIn.objects.filter(member_id=scope.member_id, community_id=order.community_id,
                                          state=CheckInState.CONFIRMED).first() if scope.member_id else None)
        offered = checkin is not None and order.state == OrderState.DISPATCHED and services.offered_to(order, checkin)
        return {"can_manage": manage, "can_take": offered,
                "can_finish": checkin is not None and order.state == OrderState.ACCEPTED
                and order.accepted_by_id == checkin.member_id,
                "can_reveal": manage or (scope.member_id and scope.member_id == order.accepted_by_id),
                "phone": self.phone, "new": order.state == OrderState.NEW,
                "rejectable": order.state in (OrderState.NEW, OrderState.DISPATCHED)}


class _OrderAction:
    """An action on one order the user sees; ``manager`` says whether it is the community's."""

    manager = True

    def prepare(self):
        self.order = get_object_or_404(ServiceOrder.objects.visible_to(self.request.user, "view")
                                       .select_related("community", "item"), pk=self.kwargs["pk"])
        if self.manager and not get_scope(self.request.user).covers(self.order.community.path, PERM):
            raise NotFound

    def get_service_kwargs(self, form):
        return {"order": self.order, **form.cleaned_data}

    def get_cancel_url(self):
        return self.order.get_absolute_url()

    def get_success_url(self, result):
        return self.order.get_absolute_url()

    def get_breadcrumbs(self):
        return [CRUMB, (self.order.number, self.order.get_absolute_url()), (self.get_title(), None)]

    def get_intro(self):
        return f"{self.order.item.name}：{self.order.need}（{self.order.address}）"


class DispatchView(_OrderAction, ServiceFormView):
    form_class = DispatchForm
    service = services.order_dispatch
    submit_label = "派单"
    success_message = "已派单"

    def get_form_kwargs(self):
        return {"checkins": CheckIn.objects.filter(community=self.order.community, state=CheckInState.CONFIRMED)
                .select_related("member", "team").order_by("member__name", "pk"),
                "teams": ServiceTeam.objects.filter(community=self.order.community)}

    def get_title(self):
        return f"派单：{self.order.number}"


class RejectView(_OrderAction, ServiceFormView):
    form_class = ReasonForm
    service = services.order_reject
    submit_label = "不予受理"
    success_message = "已不予受理，群众查询订单时可以看到理由"

    def get_title(self):
        return f"不予受理：{self.order.number}"


class PhoneView(_OrderAction, ServiceActionView):
    """查看完整号码: audited by the service; the answer is the order's page with the number."""

    manager = False
    service = services.phone_reveal

    def get_service_kwargs(self, form):
        return {"order": self.order}

    def get_back_url(self):
        return self.order.get_absolute_url()

    def succeeded(self, phone):
        return OrderView(request=self.request, kwargs=self.kwargs, object=self.order, phone=phone).get(self.request)


class AcceptView(_OrderAction, ServiceActionView):
    manager = False
    service = services.order_accept
    submit_label = "接单"
    success_message = "已接单，请按时办结"

    def get_service_kwargs(self, form):
        return {"order": self.order}

    def get_back_url(self):
        return self.order.get_absolute_url()


class DeclineView(_OrderAction, ServiceFormView):
    manager = False
    form_class = ReasonForm
    service = services.order_decline
    submit_label = "退回社区"
    success_message = "已退回社区重新派单"

    def get_title(self):
        return f"无法接单：{self.order.number}"

    def get_success_url(self, result):
        return reverse("orders:home")


class CompleteView(_OrderAction, ServiceFormView):
    manager = False
    form_class = CompleteForm
    service = services.order_complete
    submit_label = "办结"
    success_message = "已办结，服务时长已记入社区服务记录"

    def get_title(self):
        return f"办结：{self.order.number}"


@not_generic("a community's service menu with its items and links to edit them")
class MenuView(GenericView):
    def prepare(self):
        org = org_param(self.request.user, self.request.GET.get("org"), "regional.view")
        if org is None or not community_rules.is_community(org):
            raise NotFound
        self.org = org

    def get(self, request):
        return render(request, "orders/menu.html", {
            "title": f"服务菜单（{self.org.name}）", "org": self.org,
            "breadcrumbs": [CRUMB, ("服务菜单", None)], "items": selectors.menu(self.org, active_only=False),
            "can_manage": get_scope(request.user).covers(self.org.path, PERM)})


class ItemFormView(ServiceFormView):
    form_class = ItemForm
    service = services.item_save
    submit_label = "保存"
    success_message = "已保存服务项目：{result}"

    def prepare(self):
        self.item = None
        if "pk" in self.kwargs:
            self.item = get_object_or_404(MenuItem.objects.visible_to(self.request.user, "change")
                                          .select_related("community"), pk=self.kwargs["pk"])
            self.org = self.item.community
        else:
            self.org = org_param(self.request.user, self.request.GET.get("org"), PERM)
        if self.org is None or not community_rules.is_community(self.org):
            raise NotFound

    def get_form_kwargs(self):
        if self.request.method == "POST" or self.item is None:
            return {}
        item = self.item
        return {"initial": {"name": item.name, "description": item.description, "days": item.days,
                            "active": item.active}}

    def get_service_kwargs(self, form):
        return {"community": self.org, "item": self.item, **form.cleaned_data}

    def get_title(self):
        return f"修改服务项目：{self.item.name}" if self.item else f"新增服务项目（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("服务菜单", self._menu_url()), (self.get_title(), None)]

    def _menu_url(self):
        return reverse("orders:menu") + f"?org={self.org.code}"

    def get_success_url(self, result):
        return self._menu_url()

    def get_cancel_url(self):
        return self._menu_url()
