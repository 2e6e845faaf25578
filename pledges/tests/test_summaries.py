"""The pledges summary (``PledgeOrgYear``) equals the records after every call of every service;
a row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest
from django.utils import timezone

from core import summaries
from dangjian.testing import check_after_each_call
from pledges import services
from pledges import summaries as pledge_summaries
from pledges.models import Pledge, PledgeOrgYear

WRITERS = {"pledge_create", "pledge_review", "record_add", "record_review"}
NOT_WRITING = {"pledge_update", "post_create", "post_end"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([pledge_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    member, admin, today = world.users["member"], world.users["a_admin"], timezone.localdate()
    first = services.pledge_create(actor=member, text="每月走访联系户")
    services.pledge_review(actor=admin, pledge=first, approve=False, note="请写具体")
    services.pledge_update(actor=member, pledge=first, text="每月走访联系户两户")
    services.pledge_review(actor=admin, pledge=first, approve=True)
    record = services.record_add(actor=member, pledge=first, day=today, text="走访了两户联系户")
    services.record_review(actor=admin, record=record, approve=True)
    post = services.post_create(actor=admin, org=world.branch_a1, kind="zone", name="3号楼责任区", duties="联系3号楼住户",
                                holder=world.members["a1_member"])
    services.post_end(actor=admin, post=post)
    assert set(checked) == WRITERS | NOT_WRITING
    row = PledgeOrgYear.objects.get()
    assert (row.pledges, row.approved, row.records, row.accepted) == (1, 1, 1, 1)


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    Pledge.objects.create(member=world.members["a1_member"], org=world.branch_a1, year=timezone.localdate().year,
                          text="补录的承诺内容")
    assert differences()
    summaries.rebuild([pledge_summaries.NAME])
    assert differences() == [] and PledgeOrgYear.objects.get().pledges == 1
