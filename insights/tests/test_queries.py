"""Query counts (no N+1): the warnings page, the health page, the workbench, the dashboard and the
big screen's figures read the same number of queries whatever the number of rows they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.tests.test_warnings import _term
from recruitment.tests.helpers import id_number, open_case
from transfers.tests.helpers import backdate, issue

pytestmark = pytest.mark.django_db


def grow(world, start, n):
    today = timezone.localdate()
    for i in range(start, start + n):
        _term(world.branch_a1 if i % 2 else world.branch_a2, today - timedelta(days=10 + i))
        open_case(world, applied=today - timedelta(days=60 + i), name=f"案例{i}", number=id_number(seq=100 + i))
    for member in ("a1_member", "a2_member")[: min(n, 2)]:
        if start == 0:
            letter = issue(world, member=member, days=30)
            backdate(letter, issued_on=today - timedelta(days=40), valid_until=today - timedelta(days=1))


def queries(client, url):
    client.get(url)  # warm the per-request caches that are not the page's
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/insights/warnings/?org={street}", "/insights/health/?org={street}", "/",
                                 "/insights/dashboard/?org={street}", "/insights/screen/?org={street}&data=1"])
def test_the_pages_read_a_fixed_number_of_queries(world, url):
    client = world.client("a_admin")
    url = url.format(street=world.street_a.pk)
    grow(world, 0, 2)
    few = queries(client, url)
    grow(world, 2, 6)
    assert queries(client, url) == few
