"""Ordered services (issue 17.2): a resident orders from a community's menu; the community
dispatches to a checked-in member or a team (one dispatcher wins); the member accepts (one team
member wins), declines or completes with hours (a service record on the check-in); the resident
cancels or rates. Every refusal writes nothing; the counts per community and month equal a
recount; floods are refused per phone and home address; the phone is kept encrypted."""

import io
import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from community import services as community_services
from community.models import CheckInState, ServiceRecord
from community.tests.test_checkin import make_places
from core import captcha, summaries
from core.audit import AuditEntry
from core.errors import NotFound
from dangjian.bench import id_number
from dangjian.testing import make_user
from members import services as member_services
from members.models import Member, MemberStatus
from orders import rules, selectors, services
from orders.models import OrderMonth, OrderState, ServiceOrder

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def make_setup(world) -> dict:
    """make_places, with the cadre checked in and in a team, a second member (user "cadre2") of the
    same office checked in and in the same team, and a menu of two items (one paused)."""
    places = make_places(world)
    admin = world.users["a_admin"]
    community = places["community"]
    team = community_services.team_create(actor=admin, community=community, name="助老服务队")
    second = member_services.member_create(actor=world.users["city_admin"], org=places["office"], name="李文静",
                                           id_number=id_number("120103", 8), status=MemberStatus.FULL,
                                           joined=date(2015, 7, 1))
    cadre2 = make_user("cadre2")
    Member.objects.filter(pk=second.pk).update(user=cadre2)
    checkins = []
    for user in (places["cadre"], cadre2):
        checkin = community_services.checkin_request(actor=user, community=community, address="朝阳里3号楼")
        checkin = community_services.checkin_decide(actor=admin, checkin=checkin, confirm=True)
        checkins.append(community_services.checkin_assign(actor=admin, checkin=checkin, team=team))
    item = services.item_save(actor=admin, community=community, name="助老陪诊", description="陪同就医", days=2)
    paused = services.item_save(actor=admin, community=community, name="家电维修", active=False)
    return {**places, "team": team, "cadre2": cadre2, "checkin": checkins[0], "checkin2": checkins[1],
            "item": item, "paused": paused, "admin": admin}


@pytest.fixture
def setup(world):
    return make_setup(world)


_addresses = itertools.count(1)


def place(setup, phone=PHONE, address="朝阳里5号楼1门101", ip=None, **kwargs) -> ServiceOrder:
    """An order from a network address of its own (the per-address limit is tested on its own)."""
    return services.order_place(item=kwargs.pop("item", setup["item"]), name="王大妈", phone=phone, address=address,
                                need="周三上午陪同去医院复查", ip=ip or f"10.9.{next(_addresses)}", **kwargs)


def counted_equal_recount():
    assert not any(summaries.check(["orders.org_month", "community.org_month"])), "summary rows differ from a recount"


def test_the_whole_round_new_dispatched_accepted_done_rated(world, setup):
    order = place(setup)
    assert order.state == OrderState.NEW and order.overdue is False
    assert order.due_at > timezone.now() + timedelta(hours=rules.DISPATCH_HOURS - 1)
    order = services.order_dispatch(actor=setup["admin"], order=order, checkin=setup["checkin"])
    assert order.state == OrderState.DISPATCHED and order.member_id == setup["member"].pk
    assert list(selectors.offered(setup["member"].pk)) == [order]
    order = services.order_accept(actor=setup["cadre"], order=order)
    assert order.state == OrderState.ACCEPTED and order.due_at > timezone.now() + timedelta(days=1)
    assert list(selectors.taken(setup["member"].pk)) == [order]
    order = services.order_complete(actor=setup["cadre"], order=order, hours="1.5", result="已陪同复查，结果正常")
    assert order.state == OrderState.DONE and order.due_at is None
    record = ServiceRecord.objects.get()
    assert record.checkin == setup["checkin"] and str(record.hours) == "1.5" and order.number in record.content
    order = services.order_rate(order=order, stars=5, comment="很耐心")
    assert order.state == OrderState.RATED
    month = OrderMonth.objects.get(org=setup["community"])
    assert (month.ordered, month.done, month.rated, month.stars) == (1, 1, 1, 5)
    figures = selectors.counts(world.district_a, order.day, order.day)
    assert figures["ordered"] == 1 and figures["average"] == 5.0
    counted_equal_recount()


def test_a_team_order_goes_to_the_first_member_who_accepts(world, setup):
    order = services.order_dispatch(actor=setup["admin"], order=place(setup), team=setup["team"])
    assert list(selectors.offered(setup["checkin2"].member_id)) == [order]
    services.order_accept(actor=setup["cadre2"], order=order)
    with pytest.raises(ValidationError, match="已由他人接单"):
        services.order_accept(actor=setup["cadre"], order=order)
    with pytest.raises(NotFound):  # only the one who accepted completes it
        services.order_complete(actor=setup["cadre"], order=order, hours=1, result="办了")
    assert ServiceOrder.objects.get().accepted_by_id == setup["checkin2"].member_id


def test_one_order_is_dispatched_once(world, setup):
    order = place(setup)
    services.order_dispatch(actor=setup["admin"], order=order, checkin=setup["checkin"])
    with pytest.raises(ValidationError, match="不能派单"):
        services.order_dispatch(actor=setup["admin"], order=order, team=setup["team"])
    assert ServiceOrder.objects.get().team_id is None


def test_a_declined_order_goes_back_to_the_community(world, setup):
    order = services.order_dispatch(actor=setup["admin"], order=place(setup), checkin=setup["checkin"])
    with pytest.raises(ValidationError, match="请写明原因"):
        services.order_decline(actor=setup["cadre"], order=order, reason=" ")
    with pytest.raises(NotFound):  # not offered to cadre2
        services.order_decline(actor=setup["cadre2"], order=order, reason="没空")
    order = services.order_decline(actor=setup["cadre"], order=order, reason="本周出差")
    assert order.state == OrderState.NEW and order.member_id is None and order.note == "本周出差"
    order = services.order_dispatch(actor=setup["admin"], order=order, checkin=setup["checkin2"])
    assert order.state == OrderState.DISPATCHED and order.member_id == setup["checkin2"].member_id


def test_refusals_write_nothing(world, setup):
    order = place(setup)
    before = ServiceOrder.objects.get()
    with pytest.raises(ValidationError, match="二选一"):
        services.order_dispatch(actor=setup["admin"], order=order)
    with pytest.raises(ValidationError, match="二选一"):
        services.order_dispatch(actor=setup["admin"], order=order, checkin=setup["checkin"], team=setup["team"])
    with pytest.raises(NotFound):  # another street's admin
        services.order_dispatch(actor=world.users["b_admin"], order=order, checkin=setup["checkin"])
    with pytest.raises(NotFound):  # nobody dispatched it to the cadre yet
        services.order_accept(actor=setup["cadre"], order=order)
    with pytest.raises(ValidationError, match="办结后才能评价"):
        services.order_rate(order=order, stars=4)
    with pytest.raises(ValidationError, match="1到5星"):
        services.order_rate(order=order, stars=6)
    with pytest.raises(ValidationError, match="不予受理的理由"):
        services.order_reject(actor=setup["admin"], order=order, reason="")
    ended = community_services.checkin_end(actor=setup["cadre2"], checkin=setup["checkin2"])
    assert ended.state == CheckInState.ENDED
    with pytest.raises(ValidationError, match="只能派给在本社区报到的党员"):
        services.order_dispatch(actor=setup["admin"], order=order, checkin=ended)
    after = ServiceOrder.objects.get()
    assert (after.state, after.member_id, after.team_id, after.note) == (before.state, None, None, "")
    counted_equal_recount()


def test_cancel_and_reject_close_an_order_nobody_took(world, setup):
    cancelled = services.order_cancel(order=place(setup), reason="已自行解决")
    assert cancelled.state == OrderState.CANCELLED
    rejected = services.order_reject(actor=setup["admin"], order=place(setup), reason="不在本社区服务范围")
    assert rejected.state == OrderState.REJECTED and rejected.note == "不在本社区服务范围"
    taken = services.order_accept(actor=setup["cadre"], order=services.order_dispatch(
        actor=setup["admin"], order=place(setup), checkin=setup["checkin"]))
    with pytest.raises(ValidationError, match="不能撤销"):
        services.order_cancel(order=taken)
    with pytest.raises(ValidationError, match="不能不予受理"):
        services.order_reject(actor=setup["admin"], order=taken, reason="迟了")
    assert OrderMonth.objects.get().closed == 2
    counted_equal_recount()


def test_every_field_of_an_order_is_checked(world, setup):
    with pytest.raises(ValidationError) as caught:
        services.order_place(item=setup["item"], name=" ", phone="12345", address="", need="\u200b")
    assert set(caught.value.message_dict) == {"name", "phone", "address", "need"}
    assert "手机号应为以1开头的11位数字" in caught.value.message_dict["phone"][0]
    with pytest.raises(ValidationError, match="暂不接受点单"):
        place(setup, item=setup["paused"])
    assert not ServiceOrder.objects.exists() and not OrderMonth.objects.exists()


def test_floods_are_refused_per_phone_and_address(world, setup):
    for _ in range(rules.OPEN_PER_PHONE):
        place(setup, address="朝阳里6号楼")
    with pytest.raises(ValidationError, match="正在办理"):
        place(setup, address="朝阳里7号楼")
    for order in ServiceOrder.objects.all():
        services.order_cancel(order=order)
    for _ in range(rules.PER_PHONE_PER_DAY - rules.OPEN_PER_PHONE):
        place(setup, address="朝阳里6号楼")
    with pytest.raises(ValidationError, match="每天最多点单"):
        place(setup, address="朝阳里8号楼")
    # The same home written with other spaces and case counts as one address.
    for i in range(rules.PER_ADDRESS_PER_DAY - rules.PER_PHONE_PER_DAY):
        place(setup, phone=f"1391234{i:04d}", address="朝阳里 6号楼")
    with pytest.raises(ValidationError, match="同一地址每天最多点单"):
        place(setup, phone="13700000000", address=" 朝阳里6号楼 ")
    assert ServiceOrder.objects.count() == rules.PER_ADDRESS_PER_DAY


@override_settings(ORDERS_PUBLIC_LIMITS=((60, 2),))
def test_one_address_cannot_flood_the_public_page(world, setup):
    place(setup, phone="13700000001", ip="10.8.0.1")
    place(setup, phone="13700000002", ip="10.8.0.1")
    with pytest.raises(ValidationError, match="提交过于频繁"):
        place(setup, phone="13700000003", ip="10.8.0.1")
    place(setup, phone="13700000004", ip="10.8.0.2")  # another address is not held up
    assert ServiceOrder.objects.count() == 3


def test_the_phone_is_kept_encrypted_and_read_only_by_whom_it_concerns(world, setup):
    order = place(setup)
    stored = ServiceOrder.objects.filter(pk=order.pk).values()[0]
    assert PHONE not in str(stored) and order.phone_masked == "138****5678"
    assert not AuditEntry.objects.filter(changes__icontains=PHONE).exists()
    with pytest.raises(NotFound):  # the member it is not accepted by
        services.phone_reveal(actor=setup["cadre"], order=order)
    with pytest.raises(NotFound):
        services.phone_reveal(actor=world.users["b_admin"], order=order)
    assert services.phone_reveal(actor=setup["admin"], order=order) == PHONE
    assert AuditEntry.objects.filter(action="orders.phone_reveal", object_id=str(order.pk)).count() == 1
    order = services.order_accept(actor=setup["cadre"], order=services.order_dispatch(
        actor=setup["admin"], order=order, checkin=setup["checkin"]))
    assert services.phone_reveal(actor=setup["cadre"], order=order) == PHONE


def test_a_resident_reads_only_their_own_order(world, setup):
    order, other = place(setup), place(setup, phone="13900000000", address="朝阳里9号楼")
    assert services.order_for_token(services.track_token(order)) == order
    assert services.order_lookup(number=order.number.lower(), phone="138 1234 5678") == order
    with pytest.raises(ValidationError, match="没有找到该订单"):
        services.order_lookup(number=order.number, phone="13900000000")  # the other resident's phone
    token = services.track_token(order)
    with pytest.raises(NotFound):
        services.order_for_token(token.replace(str(order.pk), str(other.pk), 1) + "x")
    with pytest.raises(NotFound):
        services.order_for_token("not-a-token")


def test_an_order_waiting_past_its_deadline_is_overdue(world, setup):
    late, fresh = place(setup), place(setup, phone="13900000001", address="朝阳里9号楼")
    ServiceOrder.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    late.refresh_from_db()
    assert late.overdue and not fresh.overdue
    assert selectors.open_counts(setup["admin"], world.district_a) == {"waiting": 2, "overdue": 1}
    assert selectors.overdue_counts(setup["admin"], [world.district_a, world.street_a, world.district_b]) == {
        world.district_a.pk: 1, world.street_a.pk: 1, world.district_b.pk: 0}
    assert selectors.overdue_counts(world.users["b_admin"], [world.district_a]) == {world.district_a.pk: 0}
    services.order_reject(actor=setup["admin"], order=late, reason="重复点单")
    assert selectors.open_counts(setup["admin"], world.district_a) == {"waiting": 1, "overdue": 0}


def test_the_menu_belongs_to_a_community(world, setup):
    with pytest.raises(ValidationError, match="已有服务项目"):
        services.item_save(actor=setup["admin"], community=setup["community"], name="助老陪诊")
    with pytest.raises(ValidationError, match="须由社区党组织发布"):
        services.item_save(actor=world.users["city_admin"], community=setup["office"], name="代办")
    with pytest.raises(ValidationError, match="承诺办结天数"):
        services.item_save(actor=setup["admin"], community=setup["community"], name="代办", days=0)
    with pytest.raises(NotFound):
        services.item_save(actor=world.users["b_admin"], community=setup["community"], name="代办")
    assert list(selectors.menu(setup["community"])) == [setup["item"]]


def test_a_captcha_is_answered_once():
    key, answer = captcha.issue()
    assert captcha.png(key).startswith(b"\x89PNG")
    assert captcha.check(key, answer) is True
    assert captcha.check(key, answer) is False and captcha.png(key) is None
    key, answer = captcha.issue()
    wrong = "0000" if answer != "0000" else "1111"
    assert captcha.check(key, wrong) is False and captcha.check(key, answer) is False


def test_an_overdue_order_is_a_red_warning_and_a_near_one_yellow(world, setup):
    from insights import selectors as insights_selectors

    late, near, fresh = place(setup), place(setup, phone="13900000002"), place(setup, phone="13900000003")
    ServiceOrder.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    ServiceOrder.objects.filter(pk=near.pk).update(due_at=timezone.now() + timedelta(hours=2))
    found = {w.url: w for w in insights_selectors.warnings(world.district_a) if w.kind == "orders"}
    assert set(found) == {late.get_absolute_url(), near.get_absolute_url()}
    assert found[late.get_absolute_url()].level == "red" and "已超过" in found[late.get_absolute_url()].text
    assert found[near.get_absolute_url()].level == "yellow" and "王大妈" not in found[near.get_absolute_url()].text
    assert fresh.get_absolute_url() not in found
    services.order_reject(actor=setup["admin"], order=late, reason="重复点单")
    assert not any(w.url == late.get_absolute_url() for w in insights_selectors.warnings(world.district_a))
    assert not [w for w in insights_selectors.warnings(world.district_b) if w.kind == "orders"]


def test_a_residents_data_is_erased_a_year_after_the_order_closed(world, setup):
    from django.core.management import call_command

    old_done = services.order_complete(actor=setup["cadre"], order=services.order_accept(
        actor=setup["cadre"], order=services.order_dispatch(actor=setup["admin"], order=place(setup),
                                                            checkin=setup["checkin"])), hours=1, result="已办")
    old_open = place(setup, phone="13900000004")
    recent = services.order_cancel(order=place(setup, phone="13900000005"))
    long_ago = timezone.now() - timedelta(days=366)
    ServiceOrder.objects.filter(pk__in=[old_done.pk, old_open.pk]).update(updated=long_ago)
    counts = list(OrderMonth.objects.values_list("ordered", "done"))
    call_command("orders", "purge", stdout=io.StringIO())
    erased = ServiceOrder.objects.get(pk=old_done.pk)
    assert (erased.name, erased.phone_cipher, erased.phone_masked, erased.address, erased.need) == (
        services.PURGED, "", "", services.PURGED, services.PURGED)
    assert erased.state == OrderState.DONE and erased.hours == 1 and erased.number == old_done.number
    assert ServiceOrder.objects.get(pk=old_open.pk).name == "王大妈"  # still open: the member needs it
    assert ServiceOrder.objects.get(pk=recent.pk).name == "王大妈"  # closed lately
    assert AuditEntry.objects.filter(action="orders.purge").count() == 1
    assert list(OrderMonth.objects.values_list("ordered", "done")) == counts
    assert services.purge_personal_data() == 0  # nothing left to erase
    with pytest.raises(ValidationError, match="没有找到该订单"):
        services.order_lookup(number=old_done.number, phone=PHONE)
