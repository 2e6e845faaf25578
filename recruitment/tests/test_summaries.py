"""The summary table of cases per org, status and step (``CaseStep``) equals the cases after every
call of every service that writes a case; a case written past the services is reported by the
check and put right by the rebuild; the per-step roll-up reads it."""

import inspect
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core import summaries
from core.dates import add_months
from dangjian.testing import check_after_each_call
from recruitment import selectors, services
from recruitment import summaries as case_steps
from recruitment.models import Case, CaseStep
from recruitment.tests.helpers import START, id_number, notice, open_case, walk

# Every public service that writes a case (its org, status or steps) …
WRITERS = {"case_create", "step_record", "review_record", "prereview_record", "vote_record", "notice_publish",
           "objection_add", "objection_resolve", "case_extend", "case_cancel", "case_close"}
# … and those that write no case (or only read).
NOT_WRITING = {"plan_save"}


def differences() -> list[str]:
    return [line for d in summaries.check() if d for line in d.describe()]


@pytest.fixture
def checked(monkeypatch):
    """Every writing service, wrapped: after each call the summaries must equal the records."""
    return check_after_each_call(monkeypatch, {services: WRITERS}, differences)


def test_every_public_service_is_named_as_writing_a_case_or_not():
    public = {name for name, f in inspect.getmembers(services, inspect.isfunction)
              if f.__module__ == services.__name__ and not name.startswith("_")}
    assert public - (WRITERS | NOT_WRITING) == set(), "a new service: add it to WRITERS or NOT_WRITING"


def test_the_summary_equals_the_cases_after_every_service_call(world, checked):
    # A case all the way: notices, an objection and its resolution, approval, conversion, archive.
    case = open_case(world)
    walk(world, case, 2)
    after = notice(world, case, 3, add_months(START, 6))
    the_notice = case.notices.get()
    objection = services.objection_add(actor=world.users["secretary"], notice=the_notice,
                                       received_on=the_notice.starts_on, text="群众反映情况")
    services.objection_resolve(actor=world.users["secretary"], objection=objection, resolution="经核查不属实",
                               resolved_on=after)
    services.step_record(actor=world.users["secretary"], case=case, number=3, done_on=after)
    walk(world, case, 25)
    # Probation extended, then cancelled.
    second = open_case(world, number=id_number(seq=13), name="王芳")
    walk(world, second, 22)
    second.refresh_from_db()
    services.case_extend(actor=world.users["a_admin"], case=second, months=6, assembly_on=second.probation_ends, decided_on=second.probation_ends)
    services.case_cancel(actor=world.users["a_admin"], case=second, assembly_on=timezone.localdate(), decided_on=timezone.localdate(), reason="不履行党员义务")
    # Withdrawn before admission, in another branch.
    third = open_case(world, number=id_number(seq=14), name="赵敏", org=world.branch_a2, actor="a_admin")
    services.case_close(actor=world.users["a_admin"], case=third, closed_on=timezone.localdate(), reason="本人撤回申请")

    assert set(checked) == WRITERS, f"not walked: {WRITERS - set(checked)}"
    rows = {(r.org_id, r.status, r.last_step): r.cases for r in CaseStep.objects.filter(cases__gt=0)}
    assert rows == {(world.branch_a1.pk, "archived", 25): 1, (world.branch_a1.pk, "cancelled", 22): 1,
                    (world.branch_a2.pk, "closed", 1): 1}


def test_a_case_written_past_the_services_is_reported_and_the_rebuild_puts_it_right(world):
    case = open_case(world)
    open_case(world, number=id_number(seq=13), name="王芳")
    assert differences() == []
    Case.objects.filter(pk=case.pk).update(org=world.branch_a2, last_step=3)  # past the service

    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("summaries", "--check", stdout=out)
    assert refused.value.returncode == 1
    report = out.getvalue()
    assert "recruitment.case_step" in report and "缺少 1" in report and "不符 1" in report

    out = StringIO()
    call_command("summaries", "--rebuild", stdout=out)
    assert "已更正" in out.getvalue()
    assert differences() == []
    call_command("summaries", "--check", stdout=StringIO())  # exit status 0
    assert CaseStep.objects.get(org=world.branch_a2, status="open", last_step=3).cases == 1
    assert CaseStep.objects.get(org=world.branch_a1, status="open", last_step=1).cases == 1


def test_the_rebuild_of_one_org_leaves_the_others_alone(world):
    open_case(world)
    CaseStep.objects.all().delete()
    summaries.rebuild([case_steps.NAME], org_ids=[world.branch_a2.pk])
    assert not CaseStep.objects.exists()
    summaries.rebuild([case_steps.NAME], org_ids=[world.branch_a1.pk])
    assert differences() == []


def test_the_steps_rolled_up_come_from_the_summary_in_one_query(world, django_assert_num_queries):
    case = open_case(world)
    walk(world, case, 3)
    open_case(world, number=id_number(seq=13), name="王芳", org=world.branch_a2, actor="a_admin")
    user = world.users["city_admin"]
    with django_assert_num_queries(2):  # the visible children, the roll-up
        found = selectors.step_rollup(world.street_a, user)
    by_org = dict(found["children"])
    assert by_org[world.branch_a1] == {3: 1} and by_org[world.branch_a2] == {1: 1}
    assert found["own"] == {}
    assert selectors.step_rollup(world.district_a, user)["children"] == [(world.street_a, {1: 1, 3: 1})]
