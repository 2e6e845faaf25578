"""The resident's pages (no login): find a community, order from its menu (with an image
captcha), follow the order by its signed link, cancel it while nobody has taken it, rate it when
done, and look it up again by its number and phone. A resident reads only the order whose link
or number-and-phone they hold; the link shows the phone masked, never the full number."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from community import rules as community_rules
from core import captcha
from core.errors import NotFound
from core.middleware import client_ip
from core.views import REFUSALS, not_generic, refuse
from orders import selectors, services
from orders.forms import CancelForm, LookupForm, OrderForm, RateForm
from orders.models import MenuItem, OrderState
from orgs.models import Org

SHOWN = 30  # communities listed on the landing page; more are found by name


@not_generic("the public landing: communities that take orders, found by name; no login")
def home(request):
    q = (request.GET.get("q") or "").strip()[:30]
    communities = Org.objects.filter(pk__in=MenuItem.objects.filter(active=True).values("community_id")).order_by("path")
    if q:
        communities = communities.filter(name__contains=q)
    shown = list(communities[:SHOWN])
    total = communities.count() if len(shown) == SHOWN else len(shown)
    return render(request, "orders/public_home.html", {
        "title": "群众点单", "q": q, "communities": shown, "total": total, "more": total > len(shown),
        "lookup": LookupForm()})


def _community(pk: int) -> Org:
    community = get_object_or_404(Org, pk=pk)
    if not community_rules.is_community(community) or not selectors.menu(community).exists():
        raise Http404
    return community


@not_generic("the public order form with its captcha; no login")
@never_cache
@require_http_methods(["GET", "POST"])
def order(request, pk):
    community = _community(pk)
    items = selectors.menu(community)
    form = OrderForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not captcha.check(data["captcha_key"], data["captcha"]):
            form.add_error("captcha", "验证码不正确或已过期，请看新的图片重新输入")
        else:
            try:
                placed = services.order_place(item=data["item"], name=data["name"], phone=data["phone"],
                                              address=data["address"], need=data["need"], ip=client_ip(request))
            except REFUSALS as exc:
                refuse(request, exc, form)
            else:
                return redirect("service:track", token=services.track_token(placed))
    key, _answer = captcha.issue()
    data = form.data.copy() if form.is_bound else {}
    if form.is_bound:  # a new image for the next try; the answer typed is not kept
        data.update(captcha_key=key, captcha="")
        form.data = data
    else:
        form.initial["captcha_key"] = key
    return render(request, "orders/public_order.html", {
        "title": f"{community.name} · 服务点单", "community": community, "items": items, "form": form,
        "captcha_key": key}, status=200)


@not_generic("the captcha image; no login")
@never_cache
def captcha_image(request, key):
    image = captcha.png(key[:40])
    if image is None:
        raise Http404
    return HttpResponse(image, content_type="image/png")


@not_generic("the resident's look-up by order number and phone; no login")
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.order_lookup(ip=client_ip(request), **form.cleaned_data)
        except REFUSALS as exc:
            refuse(request, exc, form)
        else:
            return redirect("service:track", token=services.track_token(found))
    return render(request, "orders/public_lookup.html", {"title": "查询点单", "form": form})


@not_generic("the resident's order by its signed link: status, cancel, rate; no login")
@never_cache
@require_http_methods(["GET", "POST"])
def track(request, token):
    try:
        found = services.order_for_token(token)
    except NotFound as exc:
        raise Http404 from exc
    action = request.POST.get("action") if request.method == "POST" else None
    cancel_form = CancelForm(request.POST if action == "cancel" else None)
    rate_form = RateForm(request.POST if action == "rate" else None)
    if action in ("cancel", "rate"):
        form = cancel_form if action == "cancel" else rate_form
        if form.is_valid():
            try:
                if action == "cancel":
                    services.order_cancel(order=found, **form.cleaned_data)
                else:
                    services.order_rate(order=found, **form.cleaned_data)
            except REFUSALS as exc:
                refuse(request, exc, form)
            else:
                return redirect(reverse("service:track", kwargs={"token": token}))
    return render(request, "orders/public_track.html", {
        "title": f"点单 {found.number}", "order": found, "cancel_form": cancel_form, "rate_form": rate_form,
        "can_cancel": found.state in (OrderState.NEW, OrderState.DISPATCHED),
        "can_rate": found.state == OrderState.DONE})
