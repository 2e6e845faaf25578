"""The training summary (``TrainingOrgMonth``) equals the records after every call of every
service, through a whole flow (a group study recorded and undone, a class opened, enrolled,
taught and closed); a row written past the services is reported and the rebuild puts it right."""

import inspect
from datetime import date

import pytest
from django.db.models import Sum

from core import summaries
from dangjian.testing import check_after_each_call
from training import services
from training import summaries as training_summaries
from training.models import GroupStudy, TrainingOrgMonth
from training.tests.test_training import DAY, YEAR

WRITERS = {"group_study_record", "group_study_delete", "enrol", "session_record", "class_close"}
NOT_WRITING = {"class_create"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([training_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    admin, a1, a2 = world.users["a_admin"], world.members["a1_member"], world.members["a2_member"]
    kept = services.group_study_record(actor=admin, org=world.branch_a1, kind="branch", held_on=DAY, topic="一",
                                       hours=2, attendees=[a1])
    undone = services.group_study_record(actor=admin, org=world.branch_a2, kind="branch", held_on=DAY, topic="二",
                                         hours=2, attendees=[a2])
    services.group_study_delete(actor=admin, study=undone)
    klass = services.class_create(actor=admin, org=world.district_a, title="班", target="all", cycle_start=YEAR,
                                  cycle_end=YEAR, starts=date(YEAR, 1, 1), ends=date(YEAR, 12, 31))
    services.enrol(actor=admin, klass=klass, members=[a1, a2])
    services.session_record(actor=admin, klass=klass, held_on=DAY, topic="课", hours=3, present=[a1])
    services.class_close(actor=admin, klass=klass)
    assert set(checked) == WRITERS | NOT_WRITING
    row = TrainingOrgMonth.objects.filter(org=world.branch_a1).aggregate(*(Sum(name) for name in training_summaries.VALUES))
    assert list(row.values()) == [1, 1, 1, 1, 1]  # a study, its attendance, an enrolment, a completion, a session
    assert kept.pk and not GroupStudy.objects.filter(pk=undone.pk).exists()


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    GroupStudy.objects.create(org=world.branch_a1, kind="branch", held_on=DAY, topic="补录", hours=1)
    assert differences()
    summaries.rebuild([training_summaries.NAME])
    assert differences() == [] and TrainingOrgMonth.objects.get().group_studies == 1
