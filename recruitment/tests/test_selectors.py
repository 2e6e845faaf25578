"""Roll-ups up the tree: plan progress per category and warnings per child org, each level in a
fixed number of queries (no N+1), and the step table itself."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recruitment import rules, selectors, services
from recruitment.models import Case
from recruitment.tests.helpers import id_number, open_case, walk


def test_the_step_table_has_25_steps_in_5_stages_each_citing_its_source():
    assert [s.number for s in rules.STEPS] == list(range(1, 26))
    assert sorted({s.stage for s in rules.STEPS}) == [1, 2, 3, 4, 5]
    assert all(s.article for s in rules.STEPS)
    assert rules.STEP[20].circled == "⑳" and rules.STEP[21].circled == "㉑" and rules.STEP[25].circled == "㉕"
    assert rules.UPPER_STEPS == {4, 8, 13, 16, 17, 18, 24}


def test_plan_progress_counts_approvals_per_category_down_the_tree(world):
    a = open_case(world, category="farmer")
    walk(world, a, 17)
    b = open_case(world, number=id_number(seq=61), name="吴敏", category="educated", org=world.branch_a2,
                  actor="a_admin")
    walk(world, b, 17, branch="a_admin")
    year = Case.objects.get(pk=a.pk).approved.year
    services.plan_save(actor=world.users["a_admin"], org=world.district_a, year=year, total=10,
                       quotas={"farmer": 3, "educated": 2})
    with CaptureQueriesContext(connection) as queries:
        progress = selectors.plan_progress(world.district_a, world.users["a_admin"], year)
    assert len(queries) <= 6, [q["sql"] for q in queries]
    own = progress["own"]
    assert own["plan"].total == 10 and own["admitted"] == (2 if b.approved.year == year else 1)
    farmer = next(row for row in own["categories"] if row[0] == "farmer")
    assert farmer[1:] == (3, 1)
    street = progress["children"][0]
    assert street["org"] == world.street_a and street["plan"] is None and street["drill"]
    branches = selectors.plan_progress(world.street_a, world.users["a_admin"], year)["children"]
    assert {line["org"].pk: line["admitted"] for line in branches}[world.branch_a1.pk] == 1
    assert not branches[0]["drill"]
    # Out of scope: district B sees nothing of it.
    assert selectors.plan_progress(world.district_b, world.users["b_admin"], year)["own"]["admitted"] == 0


def test_warnings_roll_up_per_child_org_in_one_query(world):
    old = open_case(world, applied=timezone.localdate() - timedelta(days=60))  # the talk is overdue
    open_case(world, number=id_number(seq=62), name="郑华", applied=timezone.localdate() - timedelta(days=27),
              org=world.branch_a2, actor="a_admin")  # due within the week: yellow
    with CaptureQueriesContext(connection) as queries:
        rollup = selectors.warning_rollup(world.district_a, world.users["a_admin"])
    assert len(queries) <= 3
    assert rollup["children"] == [(world.street_a, {"red": 1, "yellow": 1})]
    branches = dict(selectors.warning_rollup(world.street_a, world.users["a_admin"])["children"])
    assert branches[world.branch_a1] == {"red": 1, "yellow": 0} and branches[world.branch_a2] == {"red": 0, "yellow": 1}
    assert list(selectors.overdue_cases(world.district_a, world.users["a_admin"])) == [old]
    assert selectors.warning_rollup(world.district_b, world.users["b_admin"])["children"] == [
        (world.branch_b1, {})]


def test_the_case_list_is_a_fixed_number_of_queries(world):
    for seq in range(5):
        open_case(world, number=id_number(seq=70 + seq), name=f"张{seq}")
    client = world.client("a_admin")
    client.get("/recruitment/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/recruitment/").status_code == 200
    first = len(queries)
    open_case(world, number=id_number(seq=80), name="张9")
    with CaptureQueriesContext(connection) as queries:
        client.get("/recruitment/")
    assert len(queries) == first
