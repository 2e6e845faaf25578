"""Keyset paging (core.keyset, core.paging; issue 12.2): a long list's 下一页, 上一页 and 末页
seek by a signed cursor instead of skipping rows by OFFSET, reach every row once in the list's
order, carry the counted total, and refuse a cursor that was altered or belongs elsewhere."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import keyset
from core.tests.test_lists import _meetings, _members
from members.models import Member
from orglife.models import Meeting

LINK = {rel: re.compile(rf'<a rel="{rel}" href="([^"]*)"') for rel in ("next", "prev")}
LAST = re.compile(r'<a href="([^"]*)"[^>]*>末页</a>')


def _follow(client, url, rel):
    """The member names of each page, following the pager's ``rel`` link."""
    base = reverse("members:list")
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append([m.name for m in response.context["page"].object_list])
        found = LINK[rel].search(response.content.decode())
        url = base + html.unescape(found.group(1)) if found else None
        assert len(pages) < 30
    return pages


@pytest.fixture
def long_list(world, settings):
    settings.LIST_PAGE_SIZE = 3
    settings.LIST_KEYSET_FROM = 5
    _members(world, 8)
    _members(world, 3, org=world.branch_a2)
    return list(Member.objects.visible_to(world.users["a_admin"]).filter(status__in=["full", "probationary"])
                .order_by("org__path", "name", "pk").values_list("name", flat=True))


def test_next_links_seek_by_cursor_and_reach_every_row_once_in_order(world, long_list):
    client = world.client("a_admin")
    pages = _follow(client, reverse("members:list"), "next")
    assert [name for page in pages for name in page] == long_list
    second = client.get(reverse("members:list")).content.decode()
    assert "cursor=" in LINK["next"].search(second).group(1)


def test_the_last_page_and_prev_links_walk_back_to_the_first(world, long_list):
    client = world.client("a_admin")
    first = client.get(reverse("members:list")).content.decode()
    last = reverse("members:list") + html.unescape(LAST.search(first).group(1))
    pages = _follow(client, last, "prev")
    assert [name for page in reversed(pages) for name in page] == long_list
    assert len(pages[0]) == len(long_list) - 3 * (len(pages) - 1)  # the last page holds the rest


def test_a_cursor_page_reads_no_offset_and_does_not_count_again(world, long_list):
    client = world.client("a_admin")
    url = reverse("members:list") + "?q=" + long_list[0][:1]  # a name filter: the rows are counted
    first = client.get(url)
    assert "按筛选条件逐条计数" in first.content.decode()
    following = reverse("members:list") + html.unescape(LINK["next"].search(first.content.decode()).group(1))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(following)
    assert response.status_code == 200
    member_reads = [q["sql"] for q in queries.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert member_reads and not any("COUNT(" in sql for sql in member_reads), member_reads
    assert not any("OFFSET" in sql for sql in member_reads), member_reads
    assert response.context["page"].paginator.count == first.context["page"].paginator.count


def test_an_altered_cursor_is_refused_with_a_message_and_the_page_by_its_number(world, long_list):
    client = world.client("a_admin")
    first = client.get(reverse("members:list")).content.decode()
    link = html.unescape(LINK["next"].search(first).group(1))
    token = re.search(r"cursor=([^&]+)", link).group(1)
    altered = link.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    response = client.get(reverse("members:list") + altered, follow=True)
    assert response.status_code == 200
    assert keyset.BadCursor.message in response.content.decode()
    assert [m.name for m in response.context["page"].object_list] == long_list[3:6]  # page 2, by offset


def test_a_cursor_of_another_list_is_refused(world, long_list):
    _meetings(world, 8)
    client = world.client("a_admin")
    meetings = client.get(reverse("orglife:list")).content.decode()
    link = html.unescape(LINK["next"].search(meetings).group(1))
    token = re.search(r"cursor=([^&]+)", link).group(1)
    response = client.get(reverse("members:list") + f"?page=2&cursor={token}")
    assert keyset.BadCursor.message in response.content.decode()
    assert [m.name for m in response.context["page"].object_list] == long_list[3:6]


def test_a_short_list_pages_by_number(world, settings):
    settings.LIST_PAGE_SIZE = 3
    _members(world, 5)
    text = world.client("a_admin").get(reverse("members:list")).content.decode()
    assert "cursor=" not in text and "page=2" in text


def test_an_order_over_a_nullable_column_is_not_paged_by_cursor():
    assert keyset.order_of(Member.objects.order_by("org__path", "name")) == [
        keyset.Key("org__path", False), keyset.Key("name", False), keyset.Key("pk", False)]
    assert keyset.order_of(Member.objects.order_by("converted")) is None  # NULL while probationary
    assert keyset.order_of(Meeting.objects.order_by("-held_on", "-pk")) == [
        keyset.Key("held_on", True), keyset.Key("pk", True)]


def test_a_cursor_keeps_dates_and_is_bound_to_its_list_and_order():
    keys = [keyset.Key("held_on", True), keyset.Key("pk", True)]
    token = keyset.encode("/orglife/", keys, keyset.Cursor(values=[date(2026, 7, 1), 9], count=40))
    assert keyset.decode(token, "/orglife/", keys) == keyset.Cursor(values=[date(2026, 7, 1), 9], count=40)
    with pytest.raises(keyset.BadCursor):
        keyset.decode(token, "/members/", keys)
    with pytest.raises(keyset.BadCursor):
        keyset.decode(token, "/orglife/", [keyset.Key("held_on", False), keyset.Key("pk", False)])
