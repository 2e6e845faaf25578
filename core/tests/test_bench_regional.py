"""`dangjian bench regional` on the test world with a community of two confirmed check-ins: the
check-ins and orders topped up in bulk (the summaries rebuilt), the counts per district from the
summary rows equal to the recount; and (on PostgreSQL, as the other concurrency tests: the SQLite
test database lives in one process's memory) two dispatchers racing over the same orders, each
order won by exactly one of them, the bench's orders removed afterwards."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from community.models import CheckIn, CheckInState
from core import summaries
from dangjian import bench_regional
from dangjian.bench import id_number
from members import services as member_services
from members.models import MemberStatus
from orders.models import MenuItem, OrderState, ServiceOrder
from orders.tests.test_orders import make_setup

pytestmark = pytest.mark.usefixtures("transactional_db")
TODAY = timezone.localdate()


@pytest.fixture
def setup(world):
    """make_setup's two check-ins decided two months ago (orders go to check-ins a month old), and
    one more in-service member, not checked in, for the top-up."""
    setup = make_setup(world)
    CheckIn.objects.update(requested_on=TODAY - timedelta(days=60), decided_on=TODAY - timedelta(days=58))
    summaries.rebuild(["community.org_month"])
    member_services.member_create(actor=world.users["city_admin"], org=setup["office"], name="孙丽",
                                  id_number=id_number("120103", 9), status=MemberStatus.FULL, joined=date(2016, 7, 1))
    return setup


def bench(**options) -> dict:
    out = StringIO()
    call_command("bench", "regional", **{"repeat": 2, "checkins": 3, "orders": 30, "dispatch": 0, "threads": True,
                                         "json": True, **options}, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_it_tops_up_once_and_counts_each_district_as_the_recount_does(setup):
    report = bench()
    assert report["fill"]["checkins_written"] == 1 and report["fill"]["orders_written"] == 30
    size = report["size"]
    assert size["checkins"] == size["checkins_confirmed"] == 3 and size["in_service_members"] == 3
    assert size["orders"] == 30 and sum(size["orders_by_state"].values()) == 30
    counts = report["counts"]
    assert counts["recount_agrees"] is True
    assert counts["city"]["checkins"] == 3 and counts["city"]["orders_ordered"] == 30
    assert {row["district"] for row in counts["districts"]} == {"中共天津市和平区委员会", "中共天津市河西区委员会"}
    assert counts["open"]["waiting"] == size["orders_by_state"][OrderState.NEW]
    assert {read["label"][:6] for read in counts["reads"]} >= {"各区报到和服", "全市和各区群", "以上各区数字"}
    assert report["dispatch"] is None
    assert not any(summaries.check(bench_regional.SUMMARIES))
    again = bench()  # what was written stays: nothing more to write
    assert again["fill"]["checkins_written"] == again["fill"]["orders_written"] == 0
    assert again["size"]["orders"] == 30 and again["counts"]["recount_agrees"] is True


def test_two_dispatchers_race_over_the_same_orders_and_exactly_one_wins_each(setup):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    report = bench(dispatch=10)
    single, race = report["dispatch"]["runs"]
    assert single["dispatchers"] == 1 and single["won"] == 10 and single["lost"] == 0
    assert race["dispatchers"] == 2 and race["won"] == 10 and race["lost"] == 10 and race["errors"] == 0
    assert race["orders_dispatched_twice"] == 0 and race["audit_dispatches"] == 10 and race["members_used"] >= 1
    assert single["exactly_one_wins"] and race["exactly_one_wins"]
    assert not ServiceOrder.objects.filter(number__startswith=bench_regional.BENCH_NUMBER).exists()
    assert not MenuItem.objects.filter(name=bench_regional.BENCH_ITEM).exists()
    assert not any(summaries.check(bench_regional.SUMMARIES))


def test_the_table_names_its_columns(setup):
    out = StringIO()
    call_command("bench", "regional", repeat=1, checkins=2, orders=5, dispatch=0, stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "峰值MB" in text and "汇总表与逐条重算一致：是" in text and "群众点单 5 单" in text


def test_a_database_without_checked_in_members_is_refused_clearly(world):
    CheckIn.objects.filter(state=CheckInState.CONFIRMED).delete()
    with pytest.raises(CommandError, match="已确认报到"):
        call_command("bench", "regional", checkins=0, orders=0, threads=True, stdout=StringIO(), stderr=StringIO())
