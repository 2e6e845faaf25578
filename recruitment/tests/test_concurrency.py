"""Two upper-committee users approving one case at once (step ⑰), on PostgreSQL with real threads
and connections: exactly one wins, one member is created, one audit entry. The case row is locked
(select_for_update) and the history read inside the lock."""


import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.context import acting_as
from core.models import AuditEntry
from dangjian.testing import make_world, run_in_threads
from members.models import Member
from recruitment import services
from recruitment.models import Case, Step
from recruitment.tests.helpers import grow_branches, notice, open_case, walk

pytestmark = [pytest.mark.usefixtures("transactional_db"), pytest.mark.postgres]


def test_two_simultaneous_approvals_of_one_case_exactly_one_succeeds():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests run on PostgreSQL")
    world = make_world()
    grow_branches(world)  # a branch needs three full members to vote on an admission
    case = open_case(world)
    d = walk(world, case, 16)
    after = notice(world, case, 17, d)  # approved once the notice has ended, within 3 months of the assembly
    approvers = [world.users["a_admin"], world.users["city_admin"]]

    def approve(i):
        with acting_as(approvers[i], channel="web"):
            return services.step_record(actor=approvers[i], case=Case.objects.get(pk=case.pk), number=17,
                                        done_on=after)

    results, errors = run_in_threads(2, approve)
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "第17步“上级党委审批”已登记" in " ".join(errors[0].messages)
    assert Step.objects.filter(case=case, number=17).count() == 1
    assert Member.objects.filter(id_number_index=Case.objects.get(pk=case.pk).id_number_index).count() == 1
    assert AuditEntry.objects.filter(action="recruitment.step", object_id=str(case.pk),
                                     changes__number=17).count() == 1
    assert Case.objects.get(pk=case.pk).status == "probationary"
