"""Reads of the members that other apps' pages show: the org pages' counts and member list
(registered in ``members.apps`` as ``core.registry.OrgMembers``, since orgs sits below members)."""

from django.db.models import Count, Q

from core.access import subtrees_q
from members.models import Member, MemberStatus
from orgs.selectors import rollup


def subtree_figures(orgs, user) -> dict[int, dict[str, int]]:
    """Active members (正式 and 预备) of each listed org's subtree that ``user`` sees (one query)."""
    return rollup(orgs, Member.objects.visible_to(user).active(), "org__path", {"members": Count("id")})


def subtree_member_count(path: str) -> int:
    return Member.objects.active().filter(subtrees_q("org__path", [path])).count()


def structure_counts(path: str) -> dict[str, int]:
    """Active and full members in the subtree at ``path`` (the branch size warnings)."""
    return Member.objects.active().filter(subtrees_q("org__path", [path])).aggregate(
        members=Count("id"), full_members=Count("id", filter=Q(status=MemberStatus.FULL))
    )


def org_members(org, user):
    """The org's own active members that ``user`` sees, by name (the org page)."""
    return Member.objects.visible_to(user).filter(org=org).active().order_by("name")
