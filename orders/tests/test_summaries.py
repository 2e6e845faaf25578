"""The orders summary (``OrderMonth``) equals the orders after every call of every service; a
row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest

from core import summaries
from dangjian.testing import check_after_each_call
from orders import services
from orders import summaries as orders_summaries
from orders.models import OrderMonth, ServiceOrder
from orders.tests.test_orders import make_setup, place

WRITERS = {"order_place", "order_complete", "order_rate", "order_cancel", "order_reject"}
NOT_WRITING = {"item_save", "order_dispatch", "order_accept", "order_decline", "phone_reveal", "track_token",
               "order_for_token", "order_lookup", "purge_personal_data", "new_order_number", "address_key", "offered_to"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([orders_summaries.NAME, "community.org_month"]) if d
            for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_orders_after_every_service_call(world, monkeypatch):
    setup = make_setup(world)
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    admin = setup["admin"]
    services.item_save(actor=admin, community=setup["community"], name="代买代办")
    order = place(setup)
    services.phone_reveal(actor=admin, order=order)
    services.order_lookup(number=order.number, phone="13812345678")
    services.order_for_token(services.track_token(order))
    services.order_decline(actor=setup["cadre"], order=services.order_dispatch(actor=admin, order=order,
                                                                               checkin=setup["checkin"]), reason="出差")
    order = services.order_dispatch(actor=admin, order=order, checkin=setup["checkin"])
    order = services.order_complete(actor=setup["cadre"], order=services.order_accept(actor=setup["cadre"], order=order),
                                    hours=2, result="已办")
    services.order_rate(order=order, stars=4)
    services.order_cancel(order=place(setup, phone="13900000000"))
    services.order_reject(actor=admin, order=place(setup, phone="13900000001"), reason="不在服务范围")
    services.purge_personal_data()
    assert set(checked) == WRITERS | NOT_WRITING
    assert OrderMonth.objects.values_list("ordered", "done", "rated", "stars", "closed").get() == (3, 1, 1, 4, 2)


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    setup = make_setup(world)
    order = place(setup)
    ServiceOrder.objects.filter(pk=order.pk).update(state="rated", stars=5)
    assert differences()
    summaries.rebuild([orders_summaries.NAME])
    assert differences() == [] and OrderMonth.objects.values_list("done", "rated", "stars").get() == (1, 1, 5)
