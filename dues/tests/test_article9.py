"""党章第九条 names both halves: six months without paying dues, or without organizational life.
The branch's dues list (page and API) shows each member's months without organizational life,
from orglife's attendance records, beside the months unpaid."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.dates import add_months
from dangjian.testing import api_client
from dues import rules, selectors, services
from orglife.models import AttendanceStatus
from orglife.tests.test_absence import _attended, _registered_long_ago

TODAY = timezone.localdate()
NOW = rules.month_index(TODAY)


def _standings(world):
    secretary = world.users["secretary"]
    member, other = world.members["a1_member"], world.members["a1_secretary"]
    _registered_long_ago(member, other)
    services.standing_open(actor=secretary, member=member, paid_up_to=NOW - 1)  # dues paid
    services.standing_open(actor=secretary, member=other, paid_up_to=NOW - 4)  # three months behind
    _attended(member, world.branch_a1, add_months(TODAY, -7))  # but no org life for seven months
    _attended(other, world.branch_a1, TODAY - timedelta(days=3), status=AttendanceStatus.LEAVE)
    return member, other


def test_the_branch_list_shows_months_without_organizational_life_beside_the_arrears(world):
    member, other = _standings(world)
    rows = {row.member.pk: row for row in selectors.arrears(world.branch_a1, today=TODAY, minimum=0)}
    assert (rows[member.pk].behind, rows[member.pk].org_life_months, rows[member.pk].org_life_level) == (0, 7, "red")
    assert (rows[other.pk].behind, rows[other.pk].org_life_months, rows[other.pk].org_life_level) == (3, 0, "")

    html = world.client("secretary").get(reverse("dues:org", args=[world.branch_a1.pk])).content.decode()
    assert '<span class="badge badge-red">7个月</span>' in html
    assert "不足1个月" in html


def test_the_api_gives_the_months_without_organizational_life(world):
    member, other = _standings(world)
    answer = api_client("secretary").get(f"/api/v1/dues/orgs/{world.branch_a1.pk}/arrears").json()
    assert [(row["member_id"], row["behind"], row["org_life_months"]) for row in answer] == [(other.pk, 3, 0)]
    # up the tree nobody counts org life one member at a time: the district's counts are the dues'
    counts = selectors.behind_counts(world.district_a, today=TODAY)
    assert counts == {"yellow": 1, "red": 0}
