"""The meeting list by date for a whole city: where the user's grants hold the whole org tree the
scope adds no path predicate (core.access.grants_q, ``tree_order=False``), so the database reads
the date index in order and stops at the page; everyone else keeps the path range. The rows seen
are the same either way."""

from datetime import date

import pytest
from django.db import connection

from core.access import clear_scope_cache, get_scope
from orglife import selectors
from orglife.models import Meeting, MeetingKind
from orglife.tests.helpers import counted
from orgs.models import Org, OrgKind, OrgLevel


@pytest.fixture
def meetings(world):
    for day, org in ((3, world.branch_a1), (5, world.branch_a2), (7, world.branch_b1), (9, world.group_a1)):
        counted(org, MeetingKind.GROUP_MEETING if org == world.group_a1 else MeetingKind.THEME_DAY,
                date(2026, 3, day))


def _where(queryset) -> str:
    sql = str(queryset.query)
    return sql[sql.index(" WHERE "):] if " WHERE " in sql else ""


@pytest.mark.parametrize("name", ["city_admin", "a_admin", "b_admin", "secretary", "member", "outsider"])
def test_every_persona_sees_the_same_meetings_in_date_order_as_through_the_tree(world, meetings, name):
    user = world.users[name]
    by_date = list(selectors.meetings(user).order_by("-held_on", "-pk").values_list("pk", flat=True))
    through_tree = list(Meeting.objects.visible_to(user).order_by("-held_on", "-pk").values_list("pk", flat=True))
    assert by_date == through_tree


def test_the_city_admin_lists_meetings_without_the_tree_and_a_district_admin_with_its_range(world, meetings):
    assert "path" not in _where(selectors.meetings(world.users["city_admin"]))
    assert "path" in _where(selectors.meetings(world.users["a_admin"]))
    # The member list stays in tree order: its path range is what the database reads in order.
    assert "path" in _where(Meeting.objects.visible_to(world.users["city_admin"]))


def test_a_second_root_outside_the_grant_brings_the_path_range_back(world, meetings):
    city_admin = world.users["city_admin"]
    assert get_scope(city_admin).holds_whole_tree("org", "orglife.view")
    other = Org.objects.add_root({"name": "中共河北省委员会", "code": "HB", "kind": OrgKind.COMMITTEE,
                                  "level": OrgLevel.CITY, "founded": date(1949, 1, 1)})
    branch = Org.objects.add_child(other, {"name": "另一个党支部", "code": "HB01", "kind": OrgKind.BRANCH,
                                           "level": OrgLevel.UNIT, "founded": date(2000, 1, 1)})
    elsewhere = counted(branch, MeetingKind.THEME_DAY, date(2026, 3, 11))
    clear_scope_cache(city_admin)  # a new request
    assert not get_scope(city_admin).holds_whole_tree("org", "orglife.view")
    listed = selectors.meetings(city_admin)
    assert "path" in _where(listed)
    assert elsewhere.pk not in set(listed.values_list("pk", flat=True))
    assert listed.count() == 4


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's plan")
def test_sqlite_reads_the_city_admins_first_page_in_date_index_order_without_sorting(world, meetings):
    queryset = selectors.meetings(world.users["city_admin"]).order_by("-held_on", "-pk")[:50]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        plan = "\n".join(str(row[3]) for row in cursor.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "meeting_held" in plan, plan


@pytest.mark.postgres
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's plan")
def test_postgresql_reads_the_first_page_from_the_date_and_id_index_without_sorting(world, meetings):
    """PostgreSQL's btree keeps ties in heap order: on held_on alone, "the newest 50" had to sort
    every meeting of the newest days (464 ms for the city demo's). On (held_on, id) the scan is
    the order. The test's tables are tiny, so sorting is made as dear as the city's would be."""
    queryset = selectors.meetings(world.users["city_admin"]).order_by("-held_on", "-pk")[:50]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Sort" not in plan, plan
    assert "Index Scan Backward using meeting_held_id" in plan, plan


def test_a_meeting_elsewhere_is_not_found_by_id(world, meetings):
    """Found through the same scope: out of scope is still 404 for a district admin."""
    elsewhere = Meeting.objects.get(org=world.branch_b1)
    assert not selectors.meetings(world.users["a_admin"]).filter(pk=elsewhere.pk).exists()
    assert selectors.meetings(world.users["city_admin"]).filter(pk=elsewhere.pk).exists()


def test_the_list_page_and_the_api_of_the_city_admin_read_meetings_without_the_tree(world, meetings):
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from orglife.tests.test_api import api

    for url, client in ((reverse("orglife:list"), world.client("city_admin")),
                        ("/api/v1/orglife/meetings?limit=20", api("city_admin"))):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts = [q["sql"] for q in queries.captured_queries
                  if 'FROM "orglife_meeting"' in q["sql"] and "COUNT(*)" in q["sql"]]
        assert counts and all('"path"' not in sql for sql in counts), counts


def test_the_subtree_of_the_only_root_is_every_meeting_without_the_path_range(world, meetings):
    """The workbench's recent meetings (selectors.subtree_meetings): the city's without a path
    predicate, a district's with its range; the same rows as through the tree either way."""
    city = selectors.subtree_meetings(world.city)
    assert "path" not in _where(city)
    assert set(city.values_list("pk", flat=True)) == set(Meeting.objects.values_list("pk", flat=True))
    district = selectors.subtree_meetings(world.district_a)
    assert "path" in _where(district)
    assert {m.org.path[:len(world.district_a.path)] for m in district} == {world.district_a.path}
    assert district.count() == 3  # A1, A2 and A1's group; B1's is elsewhere
    other = Org.objects.add_root({"name": "中共河北省委员会", "code": "HB", "kind": OrgKind.COMMITTEE,
                                  "level": OrgLevel.CITY, "founded": date(1949, 1, 1)})
    assert other.pk
    assert "path" in _where(selectors.subtree_meetings(world.city))  # a second root: the range is back
