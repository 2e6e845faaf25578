"""The API's cursor paging (core.api.Pagination, core.keyset; issue 12.2): ``next`` leads through
every row once in the list's order without OFFSET and without counting again; a cursor altered,
of another list, or on a list a cursor cannot page is refused with a Chinese 422."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.tests.test_lists import _meetings, _members
from dangjian.testing import api_client
from members.models import Member
from orglife.models import Meeting


def _walk(client, url, limit):
    items, pages, following = [], 0, None
    while True:
        answer = client.get(url, {"limit": limit, **({"cursor": following} if following else {})})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        items += body["items"]
        pages += 1
        following = body["next"]
        if following is None:
            return items, body["count"], pages
        assert pages < 30


def test_next_walks_the_member_list_once_in_order(world):
    _members(world, 7)
    client = api_client("a_admin")
    expected = list(Member.objects.visible_to(world.users["a_admin"]).filter(status__in=["full", "probationary"])
                    .order_by("org__path", "name", "pk").values_list("pk", flat=True))
    items, count, pages = _walk(client, "/api/v1/members", 3)
    assert [item["id"] for item in items] == expected
    assert count == len(expected) and pages == -(-len(expected) // 3)


def test_next_walks_meetings_ordered_by_date_descending(world):
    _meetings(world, 8)
    client = api_client("a_admin")
    expected = list(Meeting.objects.filter(org__path__startswith=world.district_a.path)
                    .order_by("-held_on", "-pk").values_list("pk", flat=True))
    items, count, _ = _walk(client, "/api/v1/orglife/meetings", 3)
    assert [item["id"] for item in items] == expected
    assert count == len(expected)


def test_a_cursor_page_neither_skips_rows_nor_counts_them(world):
    _meetings(world, 8)
    client = api_client("a_admin")
    first = client.get("/api/v1/orglife/meetings", {"limit": 3}).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/api/v1/orglife/meetings", {"limit": 3, "cursor": first["next"]})
    assert second.status_code == 200 and second.json()["count"] == first["count"]
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "orglife_meeting"' in q["sql"]]
    assert reads and not any("COUNT(" in sql or "OFFSET" in sql for sql in reads), reads


@pytest.mark.parametrize("spoil", ["altered", "other_list", "garbage"])
def test_a_bad_cursor_is_refused_with_a_chinese_422(world, spoil):
    _meetings(world, 8)
    _members(world, 5)
    client = api_client("a_admin")
    meetings = client.get("/api/v1/orglife/meetings", {"limit": 3}).json()["next"]
    token = {"altered": meetings[:-2] + ("xy" if not meetings.endswith("xy") else "zz"),
             "other_list": meetings, "garbage": "not-a-cursor"}[spoil]
    url = "/api/v1/members" if spoil == "other_list" else "/api/v1/orglife/meetings"
    answer = client.get(url, {"cursor": token})
    assert answer.status_code == 422
    error = answer.json()["errors"][0]
    assert error["loc"] == ["query", "cursor"] and "游标" in error["msg"]


def test_next_is_null_on_the_last_page(world):
    _members(world, 2)
    body = api_client("a_admin").get("/api/v1/members", {"limit": 200}).json()
    assert body["next"] is None and len(body["items"]) == body["count"]


def test_a_cursor_page_of_members_reads_the_total_from_the_cursor_not_the_summary(world):
    _members(world, 7)
    client = api_client("a_admin")
    first = client.get("/api/v1/members", {"limit": 3}).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/api/v1/members", {"limit": 3, "cursor": first["next"]}).json()
    assert second["count"] == first["count"]
    assert not any("members_membercount" in q["sql"] for q in queries.captured_queries)
