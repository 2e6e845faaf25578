"""The community summary (``CommunityMonth``) equals the records after every call of every
service; a row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest
from django.utils import timezone

from community import services
from community import summaries as community_summaries
from community.models import CheckIn, CommunityMonth
from community.tests.test_checkin import make_places
from core import summaries
from dangjian.testing import check_after_each_call

WRITERS = {"checkin_decide", "record_add", "record_service"}
NOT_WRITING = {"service_hours", "checkin_request", "checkin_assign", "checkin_end", "team_create", "rating_record"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([community_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    places = make_places(world)
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    admin, today = world.users["a_admin"], timezone.localdate()
    checkin = services.checkin_request(actor=places["cadre"], community=places["community"], address="朝阳里3号楼")
    services.checkin_decide(actor=admin, checkin=checkin, confirm=True)
    team = services.team_create(actor=admin, community=places["community"], name="助老服务队")
    services.checkin_assign(actor=admin, checkin=checkin, team=team)
    services.record_add(actor=admin, checkin=checkin, day=today, hours="1.5", content="陪同老人就医")
    services.rating_record(actor=admin, checkin=checkin, year=today.year, grade="good")
    services.checkin_end(actor=places["cadre"], checkin=checkin)
    assert set(checked) == WRITERS | NOT_WRITING
    rows = {(r.org_id, r.role): (r.checkins, r.records, r.tenths) for r in CommunityMonth.objects.all()}
    assert rows == {(places["community"].pk, "community"): (1, 1, 15), (places["office"].pk, "unit"): (1, 1, 15)}


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    places = make_places(world)
    CheckIn.objects.create(member=places["member"], unit=places["office"], community=places["community"],
                           address="补录", state="confirmed", requested_on=timezone.localdate(),
                           decided_on=timezone.localdate())
    assert differences()
    summaries.rebuild([community_summaries.NAME])
    assert differences() == [] and CommunityMonth.objects.count() == 2
