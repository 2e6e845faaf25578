"""The tree roll-up (orgs.selectors.rollup): each org's subtree figures from one grouped query,
whatever the number, depths and size of the subtrees; the pages' counts built on it."""


import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.access import get_scope
from members.models import Member
from orgs.models import Org
from orgs.selectors import rollup, rollup_rows, subtree_counts


@pytest.mark.parametrize("group_by_prefix", [False, True])
def test_rollup_gives_each_org_the_figures_of_its_subtree_in_one_query(world, django_assert_num_queries,
                                                                       group_by_prefix):
    orgs = [world.city, world.district_a, world.branch_a1, world.group_a1, world.district_b]
    with django_assert_num_queries(1):
        figures = rollup(orgs, Member.objects.all(), "org__path", {"members": Count("id")},
                         group_by_prefix=group_by_prefix)
    assert {pk: row["members"] for pk, row in figures.items()} == {
        world.city.pk: 4, world.district_a.pk: 3, world.branch_a1.pk: 2, world.group_a1.pk: 0,
        world.district_b.pk: 1}


def test_a_root_and_its_children_give_the_figures_per_child_org_and_the_total(world):
    children = list(Org.objects.filter(depth=world.street_a.depth + 1, path__startswith=world.street_a.path))
    figures = rollup([world.street_a, *children], Member.objects.all(), "org__path",
                     {"members": Count("id"), "born": Sum("birth_date__year")})
    assert figures[world.street_a.pk]["members"] == 3
    assert figures[world.branch_a1.pk]["members"] == 2 and figures[world.branch_a2.pk]["members"] == 1
    # A subtree without rows has zeros (a Sum over nothing too), not None.
    empty = rollup([world.district_b], Member.objects.filter(birth_date__year=1800), "org__path",
                   {"members": Count("id"), "born": Sum("birth_date__year")})
    assert empty == {world.district_b.pk: {"members": 0, "born": 0}}


def test_rollup_rows_adds_figures_at_hand_to_every_org_above_them_once(world):
    a, b = world.district_a, world.branch_a1
    rows = [(a.path, {"n": 1}), (b.path, {"n": 2}), (b.path + "0001", {"n": 4}), (world.branch_b1.path, {"n": 8})]
    figures = rollup_rows([world.city, a, b], rows, ["n"])
    # The district's own row is not counted again for the branch below it.
    assert figures == {world.city.pk: {"n": 15}, a.pk: {"n": 7}, b.pk: {"n": 6}}


def test_tree_counts_take_two_queries_whatever_the_number_and_depths_of_the_orgs(world, django_assert_num_queries):
    user = world.users["city_admin"]
    get_scope(user)  # read once per request, before
    orgs = list(Org.objects.all())
    with django_assert_num_queries(2):
        counts = subtree_counts(orgs, user=user)
    assert counts[world.city.pk] == {"orgs": len(orgs) - 1, "members": 4}
    assert counts[world.street_a.pk] == {"orgs": 3, "members": 3}


def test_care_counts_take_two_queries_whatever_the_number_and_depths_of_the_orgs(world, django_assert_num_queries):
    from care.selectors import year_counts

    user = world.users["city_admin"]
    get_scope(user)
    orgs = list(Org.objects.all())
    with django_assert_num_queries(2):
        counts = year_counts(orgs, user=user, year=timezone.localdate().year)
    assert set(counts) == {org.pk for org in orgs}


def test_the_tree_page_counts_its_top_org_and_the_open_children_in_one_roll_up(world):
    """A district admin's tree shows the district open: its figures and its children's come from
    one roll-up (two queries), not one per level."""
    client = world.client("a_admin")
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("orgs:tree"))
    assert page.status_code == 200 and page.context["open_pk"] == world.district_a.pk
    sums = [q["sql"] for q in captured.captured_queries if ("SUM(" in q["sql"] or "COUNT(" in q["sql"]) and "notifications_notification" not in q["sql"]]
    assert len(sums) == 2, sums
    counts = page.context["counts"]
    assert counts[world.district_a.pk]["members"] == 3 and counts[world.street_a.pk] == {"orgs": 3, "members": 3}
