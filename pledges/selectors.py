"""Pledges reads: a member's pledges of a year with their records, the review queue of the orgs a
user reviews, an org's duty posts, the badge a token names, the counts per child from the summary."""

from collections import defaultdict

from django.db.models import Prefetch, Sum
from django.utils import timezone

from core.access import get_scope, subtree_q
from orgs.models import Org
from pledges.models import DutyPost, Pledge, PledgeOrgYear, PledgeRecord, ReviewState
from pledges.summaries import VALUES


def mine(member_id: int, year: int):
    return (Pledge.objects.filter(member_id=member_id, year=year)
            .prefetch_related(Prefetch("records", PledgeRecord.objects.order_by("day", "pk"))).order_by("pk"))


def queue(user):
    """What waits for the user's review: pending pledges and records of the orgs they review,
    never their own."""
    paths = get_scope(user).paths_for("learning.change")
    if not paths:
        return Pledge.objects.none(), PledgeRecord.objects.none()
    own = get_scope(user).member_id or 0
    pledges = (Pledge.objects.visible_to(user, "change").filter(state=ReviewState.PENDING).exclude(member_id=own)
               .select_related("member", "org").order_by("pk"))
    records = (PledgeRecord.objects.visible_to(user, "change").filter(state=ReviewState.PENDING)
               .exclude(pledge__member_id=own).select_related("pledge__member", "pledge__org").order_by("pk"))
    return pledges, records


def posts(user):
    return DutyPost.objects.visible_to(user, "view").select_related("org", "holder")


def badge(token: str) -> tuple[DutyPost, list[Pledge]] | None:
    """The post a badge token names and its holder's approved pledges of the post's last year."""
    post = DutyPost.objects.select_related("org", "holder").filter(token=token).first()
    if post is None:
        return None
    year = (post.ended_on or timezone.localdate()).year
    return post, list(Pledge.objects.filter(member=post.holder, year=year, state=ReviewState.APPROVED).order_by("pk"))


def counts(org: Org, year: int) -> dict[str, int]:
    found = PledgeOrgYear.objects.filter(subtree_q("org__path", org.path), year=year).aggregate(
        **{name: Sum(name) for name in VALUES})
    return {name: found[name] or 0 for name in VALUES}


def children_counts(org: Org, children: list[Org], year: int) -> list[tuple[Org, dict]]:
    width = len(org.path) + Org.steplen
    totals: dict[str, dict] = defaultdict(lambda: dict.fromkeys(VALUES, 0))
    for path, *values in PledgeOrgYear.objects.filter(subtree_q("org__path", org.path), year=year).values_list(
            "org__path", *VALUES):
        for name, value in zip(VALUES, values, strict=True):
            totals[path[:width]][name] += value
    return [(child, totals[child.path]) for child in children]
