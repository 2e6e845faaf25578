"""The oversight summary (``OversightMonth``) equals the records after every call of every
service; a row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest
from django.utils import timezone

from core import summaries
from dangjian.testing import check_after_each_call
from oversight import bulletins, services
from oversight import summaries as oversight_summaries
from oversight.models import OversightMonth, RectificationItem
from oversight.tests.test_oversight import (
    add_item,
    checks_for,
    make_plan,
    make_team,
    start_inspection,
)

WRITERS = {"team_form", "visit_record", "item_add", "evidence_accept"}
NOT_WRITING = {"plan_save", "inspection_start", "evidence_submit", "evidence_return", "items_escalate",
               "bulletin_generate", "bulletin_edit", "bulletin_publish"}  # a bulletin reads the summaries

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([oversight_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    make_plan(world)
    team = make_team(world)
    services.visit_record(actor=world.users["a_admin"], team=team, org=world.branch_a1,
                          checks={pk: (False, "") for pk in checks_for(world.branch_a1)}, findings="三项都不符合")
    inspection = start_inspection(world)
    item = add_item(world, inspection)
    add_item(world, inspection, org=world.branch_a2)
    services.evidence_submit(actor=world.users["secretary"], item=item, text="已整改")
    services.evidence_return(actor=world.users["a_admin"], item=item, comment="不到位")
    services.evidence_submit(actor=world.users["secretary"], item=item, text="再次整改")
    services.evidence_accept(actor=world.users["a_admin"], item=item)
    services.items_escalate()
    year, quarter = bulletins.quarter_of(timezone.localdate())
    bulletin = services.bulletin_generate(actor=world.users["a_admin"], org=world.district_a, year=year,
                                          quarter=quarter)
    services.bulletin_edit(actor=world.users["a_admin"], bulletin=bulletin, title="和平区季度通报")
    services.bulletin_publish(actor=world.users["a_admin"], bulletin=bulletin)
    assert set(checked) == WRITERS | NOT_WRITING
    month = timezone.localdate().replace(day=1)
    rows = OversightMonth.objects.filter(month=month).values_list("org__code", "teams", "visits", "problems",
                                                                  "opened", "closed")
    assert sorted(rows) == [("HP", 1, 0, 0, 0, 0), ("HP01B01", 0, 1, 3, 1, 1), ("HP01B02", 0, 0, 0, 1, 0)]


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    item = add_item(world, start_inspection(world))
    RectificationItem.objects.filter(pk=item.pk).update(state="closed", closed_at=timezone.now())
    assert differences()
    summaries.rebuild([oversight_summaries.NAME])
    assert not differences()
