"""The points summaries (``PointMemberYear``, ``PointOrgYear``) equal the day rows after every call
of ``award``, whichever module calls it; a row written past the services is reported and rebuilt."""

import inspect
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import summaries
from dangjian.testing import check_after_each_call
from points import services
from points.models import PointDay, PointMemberYear
from training import services as training_services

WRITERS = {"award"}
NOT_WRITING = {"ranking_set"}
NAMES = ["points.member_year", "points.org_year"]

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check(NAMES) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summaries_equal_the_records_after_every_call(world, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    today = timezone.localdate()
    day = max(today - timedelta(days=1), today.replace(month=1, day=1))
    members = [world.members["a1_member"], world.members["a1_secretary"]]
    for _ in range(3):  # past the cap
        study = training_services.group_study_record(actor=world.users["secretary"], org=world.branch_a1,
                                                      kind="branch", held_on=day, topic="学习党章",
                                                      hours=Decimal("1"), attendees=members)
    training_services.group_study_delete(actor=world.users["secretary"], study=study)
    services.ranking_set(actor=world.users["a_admin"], org=world.district_a, enabled=False)
    assert set(checked) == WRITERS | NOT_WRITING and checked["award"] == 8
    assert sorted(PointMemberYear.objects.values_list("points", flat=True)) == [6, 6]


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    PointDay.objects.create(member=world.members["a1_member"], org=world.branch_a1, day=timezone.localdate(),
                            activity="exam", count=1, points=5)
    assert differences()
    summaries.rebuild(NAMES)
    assert differences() == [] and PointMemberYear.objects.get().points == 5
