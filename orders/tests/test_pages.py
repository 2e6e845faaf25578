"""Ordered-service pages and API: the resident's public pages (order with a captcha, follow,
cancel, rate, look up), the community's (list, order, dispatch, reject, full phone, menu) and the
member's (accept, decline, complete); 404 for every page and API operation out of scope
(``SCOPE_TESTED``, for orgs/tests/test_scope.py's meta-test)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dangjian.testing import api_client
from orders import services
from orders.models import MenuItem, OrderState, ServiceOrder
from orders.tests.test_orders import PHONE, place, setup  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PAGES = {"orders:home", "orders:list", "orders:order", "orders:dispatch", "orders:reject", "orders:phone",
         "orders:accept", "orders:decline", "orders:complete", "orders:menu", "orders:item_new", "orders:item_edit"}
API = {"api:orders_list", "api:orders_mine", "api:orders_counts", "api:orders_detail", "api:orders_dispatch",
       "api:orders_reject", "api:orders_accept", "api:orders_decline", "api:orders_complete", "api:orders_menu",
       "api:orders_menu_add", "api:orders_menu_change"}
SCOPE_TESTED = PAGES | API
# The resident's pages: no login, on purpose (an order is read only through its signed link).
PUBLIC = {"service:home", "service:order", "service:captcha", "service:lookup", "service:track"}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def public_order(client, setup, **fields):  # noqa: F811
    """The resident's order through the public page, the captcha read from the cache."""
    page = client.get(reverse("service:order", args=[setup["community"].pk])).content.decode()
    key = re.search(r'name="captcha_key" value="([^"]+)"', page).group(1)
    data = {"item": setup["item"].pk, "name": "王大妈", "phone": PHONE, "address": "朝阳里5号楼1门101",
            "need": "周三上午陪同去医院复查", "captcha_key": key, "captcha": cache.get(f"captcha:{key}"), **fields}
    return client.post(reverse("service:order", args=[setup["community"].pk]), data)


def test_a_resident_orders_follows_and_rates_on_the_public_pages(world, setup):  # noqa: F811
    resident = Client()
    home = resident.get(reverse("service:home") + "?q=朝阳").content.decode()
    assert setup["community"].name in home
    response = public_order(resident, setup)
    assert response.status_code == 302, response.content.decode()[:2000]
    order = ServiceOrder.objects.get()
    track = resident.get(response["Location"]).content.decode()
    assert order.number in track and "待派单" in track and PHONE not in track and "138****5678" in track
    services.order_complete(actor=setup["cadre"], order=services.order_accept(
        actor=setup["cadre"], order=services.order_dispatch(actor=setup["admin"], order=order,
                                                            checkin=setup["checkin"])), hours=2, result="已陪同")
    resident.post(response["Location"], {"action": "rate", "stars": 4, "comment": "满意"})
    assert ServiceOrder.objects.get().state == OrderState.RATED
    # Found again by its number and phone.
    found = resident.post(reverse("service:lookup"), {"number": order.number, "phone": PHONE})
    assert found.status_code == 302 and "4星" in resident.get(found["Location"]).content.decode()


def test_a_wrong_captcha_or_bad_field_writes_nothing(world, setup):  # noqa: F811
    resident = Client()
    response = public_order(resident, setup, captcha="abcd")
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    response = public_order(resident, setup, phone="12345")
    assert "手机号应为以1开头的11位数字" in response.content.decode()
    assert not ServiceOrder.objects.exists()
    # The answer typed is not sent back; a fresh image is.
    assert 'name="captcha" ' in response.content.decode() and 'value="' not in re.search(
        r'<input[^>]*name="captcha"[^>]*>', response.content.decode()).group(0)


def test_the_resident_cancels_an_order_nobody_took(world, setup):  # noqa: F811
    resident = Client()
    location = public_order(resident, setup)["Location"]
    resident.post(location, {"action": "cancel", "reason": "已自行解决"})
    assert ServiceOrder.objects.get().state == OrderState.CANCELLED
    page = resident.get(location).content.decode()
    assert "已撤销" in page and "cancel-form" not in page


def test_public_pages_are_not_found_outside_what_they_serve(world, setup):  # noqa: F811
    resident = Client()
    order = place(setup)
    assert resident.get(reverse("service:order", args=[setup["office"].pk])).status_code == 404  # not a community
    assert resident.get(reverse("service:track", args=["forged"])).status_code == 404
    token = services.track_token(order)
    assert resident.get(reverse("service:track", args=[token[:-2] + "xx"])).status_code == 404
    assert resident.get(reverse("service:captcha", args=["nokey"])).status_code == 404
    wrong = resident.post(reverse("service:lookup"), {"number": order.number, "phone": "13900000000"})
    assert wrong.status_code == 200 and "没有找到该订单" in wrong.content.decode()
    MenuItem.objects.update(active=False)  # a community with no open menu takes no orders
    assert resident.get(reverse("service:order", args=[setup["community"].pk])).status_code == 404


def test_the_round_on_the_staff_pages(world, setup):  # noqa: F811
    order = place(setup)
    admin = world.client("a_admin")
    assert order.number in admin.get(reverse("orders:list")).content.decode()
    assert "待派单" in admin.get(reverse("orders:home")).content.decode()
    admin.post(reverse("orders:dispatch", args=[order.pk]), {"checkin": setup["checkin"].pk, "team": ""})
    assert ServiceOrder.objects.get().state == OrderState.DISPATCHED
    shown = admin.post(reverse("orders:phone", args=[order.pk])).content.decode()
    assert PHONE in shown
    cadre = client_of(setup["cadre"])
    assert order.number in cadre.get(reverse("orders:home")).content.decode()
    cadre.post(reverse("orders:accept", args=[order.pk]))
    cadre.post(reverse("orders:complete", args=[order.pk]), {"hours": "1.5", "result": "已陪同复查"})
    assert ServiceOrder.objects.get().state == OrderState.DONE
    admin.post(reverse("orders:item_new") + f"?org={setup['community'].code}", {"name": "代买代办", "days": 1,
                                                                                 "active": "on"})
    assert "代买代办" in admin.get(reverse("orders:menu") + f"?org={setup['community'].code}").content.decode()
    item = MenuItem.objects.get(name="代买代办")
    admin.post(reverse("orders:item_edit", args=[item.pk]), {"name": "代买代办", "days": 2})
    assert MenuItem.objects.get(pk=item.pk).active is False


def test_a_declined_and_a_rejected_order_on_the_pages(world, setup):  # noqa: F811
    order = services.order_dispatch(actor=setup["admin"], order=place(setup), checkin=setup["checkin"])
    cadre = client_of(setup["cadre"])
    response = cadre.post(reverse("orders:decline", args=[order.pk]), {"reason": ""})
    assert response.status_code == 200 and ServiceOrder.objects.get().state == OrderState.DISPATCHED
    cadre.post(reverse("orders:decline", args=[order.pk]), {"reason": "本周出差"})
    assert ServiceOrder.objects.get().state == OrderState.NEW
    world.client("a_admin").post(reverse("orders:reject", args=[order.pk]), {"reason": "不在服务范围"})
    assert ServiceOrder.objects.get().state == OrderState.REJECTED


def test_out_of_scope_pages_and_api_are_not_found(world, setup):  # noqa: F811
    order = services.order_dispatch(actor=setup["admin"], order=place(setup), checkin=setup["checkin"])
    other = world.client("b_admin")  # another district: neither the community's nor offered the order
    for name in ("orders:order", "orders:dispatch", "orders:reject", "orders:phone", "orders:accept",
                 "orders:decline", "orders:complete", "orders:item_edit"):
        target = setup["item"].pk if name == "orders:item_edit" else order.pk
        response = other.post(reverse(name, args=[target])) if name in ("orders:phone", "orders:accept") else \
            other.get(reverse(name, args=[target]))
        assert response.status_code == 404, name
    for name in ("orders:menu", "orders:item_new"):
        assert other.get(reverse(name) + f"?org={setup['community'].code}").status_code == 404, name
    assert order.number not in other.get(reverse("orders:list")).content.decode()
    # The member it is dispatched to acts as a member, not as the community.
    cadre = client_of(setup["cadre"])
    for name in ("orders:dispatch", "orders:reject"):
        assert cadre.get(reverse(name, args=[order.pk])).status_code == 404, name
    cadre2 = client_of(setup["cadre2"])  # same community and team, but not offered this one
    assert cadre2.get(reverse("orders:order", args=[order.pk])).status_code == 404
    assert cadre2.post(reverse("orders:accept", args=[order.pk])).status_code == 404
    assert world.client("outsider").get(reverse("orders:home")).status_code == 404
    assert Client().get(reverse("orders:home")).status_code == 302
    api = api_client("b_admin")
    base = f"/api/v1/orders/{order.pk}"
    assert api.get(base).status_code == 404
    for url, body in [(f"{base}/dispatch", {"team_id": setup["team"].pk}), (f"{base}/reject", {"reason": "不"}),
                      (f"{base}/accept", {}), (f"{base}/decline", {"reason": "不"}),
                      (f"{base}/complete", {"hours": 1, "result": "办了"}),
                      ("/api/v1/orders/menu", {"community_id": setup["community"].pk, "name": "代办"})]:
        assert api.post(url, body, content_type="application/json").status_code == 404, url
    assert api.put(f"/api/v1/orders/menu/{setup['item'].pk}", {"name": "改名"},
                   content_type="application/json").status_code == 404
    assert api.get(f"/api/v1/orders/menu?org={setup['community'].code}").status_code == 404
    assert api.get(f"/api/v1/orders/counts?org={setup['community'].code}").status_code == 404
    assert api.get("/api/v1/orders").json()["items"] == []
    assert api_client("outsider").get("/api/v1/orders/mine").status_code == 404
    assert api_client("outsider").get("/api/v1/orders/counts").status_code == 404
    assert ServiceOrder.objects.get().state == OrderState.DISPATCHED and MenuItem.objects.get(pk=setup["item"].pk).name \
        == "助老陪诊"


def test_the_api_round(world, setup):  # noqa: F811
    order = place(setup)
    admin = api_client("a_admin")
    listed = admin.get("/api/v1/orders?state=new").json()["items"]
    assert [o["number"] for o in listed] == [order.number] and listed[0]["phone_masked"] == "138****5678"
    assert "phone_cipher" not in listed[0]
    assert admin.post(f"/api/v1/orders/{order.pk}/dispatch", {"team_id": setup["team"].pk},
                      content_type="application/json").json()["state"] == "dispatched"
    cadre2 = api_client("cadre2")
    assert [o["id"] for o in cadre2.get("/api/v1/orders/mine").json()["offered"]] == [order.pk]
    assert cadre2.post(f"/api/v1/orders/{order.pk}/accept", content_type="application/json").status_code == 200
    refused = api_client("cadre").post(f"/api/v1/orders/{order.pk}/accept", content_type="application/json")
    assert refused.status_code == 422 and "已由他人接单" in refused.json()["detail"]
    done = cadre2.post(f"/api/v1/orders/{order.pk}/complete", {"hours": 2, "result": "已办"},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "done"
    counts = admin.get(f"/api/v1/orders/counts?org={world.district_a.code}").json()
    assert counts["rows"][0]["ordered"] == 1 and counts["rows"][0]["done"] == 1
    made = admin.post("/api/v1/orders/menu", {"community_id": setup["community"].pk, "name": "理发", "days": 7},
                      content_type="application/json")
    assert made.status_code == 201
    again = admin.post("/api/v1/orders/menu", {"community_id": setup["community"].pk, "name": "理发"},
                       content_type="application/json")
    assert again.status_code == 422 and "已有服务项目" in again.json()["detail"]
    assert {i["name"] for i in admin.get(f"/api/v1/orders/menu?org={setup['community'].code}").json()} == \
        {"助老陪诊", "家电维修", "理发"}


def test_the_news_portal_leads_residents_to_the_order_page(client):
    page = client.get(reverse("portal:index")).content.decode()
    assert f'href="{reverse("service:home")}"' in page


def test_the_landing_page_lists_a_few_communities_and_says_how_many_there_are(world, setup, monkeypatch):  # noqa: F811
    from orders import public
    from orgs import services as org_services
    from orgs.models import OrgKind, OrgLevel, Sector

    second = org_services.org_create(actor=world.users["city_admin"], parent=world.street_a, name="新华里社区党委",
                                     code="HP01C02", kind=OrgKind.COMMITTEE, founded=setup["community"].founded,
                                     sector=Sector.COMMUNITY, level=OrgLevel.COMMUNITY)
    services.item_save(actor=setup["admin"], community=second, name="代买代办")
    monkeypatch.setattr(public, "SHOWN", 1)
    page = Client().get(reverse("service:home")).content.decode()
    assert "共 2 个社区开通点单，这里列出前 1 个" in page
    found = Client().get(reverse("service:home") + "?q=新华").content.decode()
    assert "新华里社区党委" in found and "共 2 个" not in found
