"""The member list page and the members API read a listed member with the fields they show
(``MemberTable.only``, ``members.api.LISTED_FIELDS``): not the cipher columns nor the rest of the
archive, and no row reads a deferred field later (the query count does not grow with the rows)."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.testing import api_client
from members import services as member_services
from members.models import MemberStatus
from recruitment.tests.helpers import id_number


def _rows_query(queries) -> str:
    found = [q["sql"] for q in queries if q["sql"].startswith('SELECT "members_member"."id", ') and " LIMIT " in q["sql"]]
    assert len(found) == 1, found
    return found[0]


def _more_members(world, n: int) -> None:
    for i in range(n):
        member_services.member_create(actor=world.users["a_admin"], org=world.branch_a2, name=f"列表党员{i}",
                                      id_number=id_number(seq=40 + i), status=MemberStatus.FULL,
                                      joined=date(2015, 7, 1))


def _queries(fetch) -> list[dict]:
    with CaptureQueriesContext(connection) as captured:
        fetch()
    return captured.captured_queries


def test_the_list_page_reads_only_the_shown_fields_and_no_row_reads_more(world):
    client = world.client("a_admin")
    page = lambda: client.get(reverse("members:list"))  # noqa: E731
    page()
    few = _queries(page)
    assert "id_number_cipher" not in _rows_query(few) and "address" not in _rows_query(few)
    assert '"id_number_masked"' in _rows_query(few)
    _more_members(world, 4)
    many = _queries(page)
    assert len(many) == len(few)
    assert page().content.decode().count("列表党员") == 4


def test_the_api_list_reads_only_the_listed_fields_and_no_row_reads_more(world):
    api = api_client("a_admin")
    listed = lambda: api.get("/api/v1/members")  # noqa: E731
    listed()
    few = _queries(listed)
    assert "id_number_cipher" not in _rows_query(few) and "address" not in _rows_query(few)
    _more_members(world, 4)
    many = _queries(listed)
    assert len(many) == len(few)
    items = listed().json()["items"]
    assert {"id_number", "org_id", "status"} <= set(items[0]) and all(i["id_number"] for i in items)
