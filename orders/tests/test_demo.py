"""The demo's orders follow the rules the services enforce: every state present, some overdue;
an order dispatched to a member or a team of its own community, accepted and done by a member
checked in there, a done order with its service record; the phone encrypted; the summaries equal
the orders; the pages show them. Early in a year too: the check-ins they need are a month old."""

import random
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import User
from community import demo as community_demo
from community.models import CheckIn, ServiceRecord
from core import summaries
from core.crypto import get_provider
from members import demo as members_demo
from orders import demo as orders_demo
from orders.models import OPEN_STATES, OrderState, ServiceOrder
from orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_the_demo_orders_follow_the_rules(small_demo, settings, client):
    settings.INVENTED_DATA_ALLOWED = True
    orders = list(ServiceOrder.objects.select_related("team"))
    assert {o.state for o in orders} == set(OrderState.values)
    assert ServiceOrder.objects.filter(state__in=OPEN_STATES, due_at__lt=timezone.now()).exists()  # some overdue
    checked_in = {(c.member_id, c.community_id) for c in CheckIn.objects.filter(state="confirmed")}
    for order in orders:
        if order.member_id:
            assert (order.member_id, order.community_id) in checked_in
        if order.team_id:
            assert order.team.community_id == order.community_id
        if order.accepted_by_id:
            assert (order.accepted_by_id, order.community_id) in checked_in
        if order.state in (OrderState.DONE, OrderState.RATED):
            assert order.hours and ServiceRecord.objects.filter(content__contains=order.number).exists()
        assert (order.stars is not None) == (order.state == OrderState.RATED)
    sample = orders[0]
    assert get_provider().decrypt(sample.phone_cipher)[-4:] == sample.phone_masked[-4:]
    assert not any(summaries.check(["orders.org_month", "community.org_month"]))
    client.force_login(User.objects.get(username="city_admin"))
    assert "超时未办" in client.get("/orders/").content.decode()
    assert client.get("/orders/list/?overdue=yes").status_code == 200


def test_the_demo_has_orders_on_the_tenth_of_january():
    """Orders go to check-ins confirmed 31 days before (orders/demo.py); the demo's check-ins span
    the twelve months before today (community/demo.py), so a demo built in January has orders too."""
    tenth = date(2026, 1, 10)
    with mock.patch("django.utils.timezone.now", return_value=timezone.make_aware(datetime.combine(tenth, time(9)))):
        assert timezone.localdate() == tenth
        rng = random.Random(2017)  # the loaders the orders stand on, seeded as `dangjian demo` seeds them
        orgs_demo.load(rng)
        members_demo.load(rng, target=600)
        community_demo.load(random.Random("community-2017"))
        assert orders_demo.load(random.Random("orders-2017")) > 0
    checkins = CheckIn.objects.all()
    assert checkins.filter(requested_on__lt=date(2026, 1, 1)).exists()
    assert not checkins.filter(requested_on__lt=tenth - timedelta(days=366)).exists()
    assert not checkins.filter(requested_on__gt=tenth).exists()
    assert set(ServiceOrder.objects.values_list("state", flat=True)) == set(OrderState.values)
