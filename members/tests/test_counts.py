"""One definition of the member figure (issue 10.3: the member list said 5,018 where the home page
said 5,017, a cancelled probationary member counted by one and not the other). Every figure counts
``Member.objects.active()`` — full and probationary members — and names it on the page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from core import summaries
from members import summaries as member_counts
from members.models import ACTIVE_LABEL, Member, MemberStatus
from orglife.tests.helpers import add_full_members
from orgs import selectors
from orgs.tests.test_scope import api_client

GONE = [MemberStatus.CANCELLED, MemberStatus.MOVED_OUT, MemberStatus.LEFT, MemberStatus.DECEASED,
        MemberStatus.SUSPENDED]


def figures(world) -> dict[str, int]:
    """The district admin's member figure on each page and in the API."""
    client = world.client("a_admin")
    district = world.district_a
    home = client.get(reverse("core:home"))
    tree = client.get(reverse("orgs:tree"))
    listed = client.get(reverse("members:list"))
    detail = client.get(reverse("orgs:detail", args=[district.pk]))
    api = api_client("a_admin").get(reverse("api:member_list"))
    return {
        "home": home.context["counts"][district.pk]["members"],
        "tree": tree.context["counts"][district.pk]["members"],
        "org page": detail.context["counts"][district.pk]["members"],
        "member list": listed.context["page"].paginator.count,
        "api": api.json()["count"],
        "selector": selectors.subtree_member_count(district),
    }


def set_status(member, status, **fields):
    """A status written straight into the archive (a state no service makes in one step here),
    then the member summary put right, as `dangjian summaries --rebuild` would."""
    Member.objects.filter(pk=member.pk).update(status=status, **fields)
    summaries.rebuild([member_counts.NAME])


@pytest.fixture
def probationary(world):
    member = add_full_members(world.branch_a1, 1, start=900)[0]
    set_status(member, MemberStatus.PROBATIONARY, joined=date(2025, 7, 1))
    return member


def test_every_member_figure_counts_full_and_probationary_members_alike(world, probationary):
    found = figures(world)
    assert set(found.values()) == {4}, found  # a1_member, a1_secretary, a2_member and the probationary one


@pytest.mark.parametrize("status", GONE)
def test_a_member_who_is_gone_changes_no_figure_and_the_figures_agree(world, probationary, status):
    before = figures(world)
    gone = add_full_members(world.branch_a2, 1, start=950)[0]
    set_status(gone, status)
    after = figures(world)
    assert after == before
    assert len(set(after.values())) == 1


def test_a_cancelled_probationary_member_leaves_both_the_home_page_and_the_member_list(world, probationary):
    set_status(probationary, MemberStatus.CANCELLED)
    found = figures(world)
    assert set(found.values()) == {3}, found


def test_the_figure_names_what_it_counts(world):
    client = world.client("a_admin")
    assert ACTIVE_LABEL == "党员（含预备党员）"
    assert ACTIVE_LABEL in client.get(reverse("core:home")).content.decode()
    listed = client.get(reverse("members:list")).content.decode()
    assert re.search(rf"{ACTIVE_LABEL}共 3 人", listed)
    assert "含预备" in client.get(reverse("orgs:tree")).content.decode()


def test_the_member_list_still_finds_every_archive_on_request(world):
    gone = add_full_members(world.branch_a1, 1, start=970)[0]
    set_status(gone, MemberStatus.MOVED_OUT)
    client = world.client("a_admin")
    assert client.get(reverse("members:list") + "?status=all").context["page"].paginator.count == 4
    moved = client.get(reverse("members:list") + "?status=moved_out").context["page"].paginator.count
    assert moved == 1
    assert api_client("a_admin").get(reverse("api:member_list") + "?status=all").json()["count"] == 4


def test_branch_size_warning_counts_only_active_members(world):
    # 49 members (under the 50 of 条例 Art. 4) and five archives of members who left.
    branch = world.branch_a2
    add_full_members(branch, 48, start=1000)
    for member in add_full_members(branch, 5, start=1100):
        set_status(member, MemberStatus.LEFT)
    assert not [w for w in selectors.org_warnings(branch) if "超过 50 名" in w.message]
