"""The lagging summary (``LaggingYear``) equals the records after every call of every service; a
row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest
from django.utils import timezone

from core import summaries
from dangjian.testing import check_after_each_call
from lagging import services
from lagging import summaries as lagging_summaries
from lagging.models import Grade, LaggingCase, LaggingYear
from lagging.tests.test_lagging import done, open_case, plan, task

WRITERS = {"case_open", "case_close"}
NOT_WRITING = {"plan_save", "task_add", "task_done"}

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([lagging_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    case = open_case(world)
    plan(world, case)
    done(world, task(world, case))
    services.case_close(actor=world.users["a_admin"], case=case, grade_after=Grade.ADVANCED, text="验收合格")
    other = open_case(world, org=world.branch_a2)
    plan(world, other)
    done(world, task(world, other), actor="a_admin")
    services.case_close(actor=world.users["a_admin"], case=other, grade_after=Grade.FAIR, text="验收合格")
    services.case_open(actor=world.users["b_admin"], org=world.branch_b1)
    assert set(checked) == WRITERS | NOT_WRITING
    rows = LaggingYear.objects.filter(year=timezone.localdate().year).values_list("org__code", "found", "closed",
                                                                                   "upgraded")
    assert sorted(rows) == [("HP01B01", 1, 1, 1), ("HP01B02", 1, 1, 0), ("HX01B01", 1, 0, 0)]


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    case = open_case(world)
    LaggingCase.objects.filter(pk=case.pk).update(state="closed", closed_on=timezone.localdate(),
                                                  grade_after=Grade.GOOD)
    assert differences()
    summaries.rebuild([lagging_summaries.NAME])
    assert not differences()
