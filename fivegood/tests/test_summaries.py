"""The 五好党支部 summary (``FiveGoodYear``) equals the records after every call of every service;
a row written past the services is reported and the rebuild puts it right."""

import inspect

import pytest
from django.core.exceptions import ValidationError

from core import summaries
from dangjian.testing import check_after_each_call
from fivegood import services
from fivegood import summaries as fivegood_summaries
from fivegood.models import Assessment, FiveGoodYear
from fivegood.tests.test_fivegood import YEAR, assess, fill, item_ids, make_standard, start
from portal.services import channel_create

WRITERS = {"assessment_assess", "assessment_reopen", "exemplar_select", "exemplar_publish"}
NOT_WRITING = {"standard_save", "standard_issue", "standard_new_version", "assessment_start",
               "assessment_self_score", "assessment_submit", "assessment_return",
               "grade_set"}  # always refused: a grade comes from an assessment

pytestmark = pytest.mark.django_db


def differences() -> list[str]:
    return [line for d in summaries.check([fivegood_summaries.NAME]) if d for line in d.describe()]


def test_every_public_service_is_named_as_writing_counts_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public == WRITERS | NOT_WRITING, "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_records_after_every_service_call(world, monkeypatch):
    channel_create(name="党务公开", code="disclosure", slug="dangwu", kind="disclosure")
    checked = check_after_each_call(monkeypatch, {services: WRITERS | NOT_WRITING}, differences)
    standard = make_standard(world)
    services.standard_new_version(actor=world.users["city_admin"], standard=standard)
    secretary, admin = world.users["secretary"], world.users["a_admin"]
    first = start(world)
    other = start(world, org=world.branch_a2)
    fill(world, first)
    fill(world, other, actor=admin)
    services.assessment_submit(actor=secretary, assessment=first)
    services.assessment_return(actor=admin, assessment=first, reason="佐证不全")
    services.assessment_submit(actor=secretary, assessment=first)
    services.assessment_submit(actor=admin, assessment=other)
    assess(world, first, 10)
    assess(world, other, 7)
    services.assessment_reopen(actor=admin, assessment=other, reason="重评")
    services.assessment_assess(actor=admin, assessment=other, scores={pk: (8, "") for pk in item_ids(other)})
    exemplar = services.exemplar_select(actor=admin, org=world.district_a, assessment=first, title="典型", story="事迹")
    services.exemplar_publish(actor=admin, exemplar=exemplar)
    with pytest.raises(ValidationError):
        services.grade_set(actor=admin, org=world.branch_a1, year=YEAR, grade="failed")
    assert set(checked) == (WRITERS | NOT_WRITING) - {"grade_set"}
    rows = FiveGoodYear.objects.filter(year=YEAR).values_list("org__code", "assessed", "five_good", "qualified",
                                                              "basic", "exemplars", "published")
    assert sorted(rows) == [("HP01B01", 1, 1, 0, 0, 1, 1), ("HP01B02", 1, 0, 1, 0, 0, 0)]


def test_a_row_written_past_the_services_is_reported_and_rebuilt(world):
    make_standard(world)
    assessment = start(world)
    fill(world, assessment)
    services.assessment_submit(actor=world.users["secretary"], assessment=assessment)
    assess(world, assessment, 10)
    Assessment.objects.filter(pk=assessment.pk).update(grade="failed")
    assert differences()
    summaries.rebuild([fivegood_summaries.NAME])
    assert not differences()
