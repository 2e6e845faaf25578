"""Reads for the org pages: tree levels with counts, warnings, search."""

from django.db.models import Count, Q
from django.db.models.functions import Substr

from accounts.scope import get_scope
from core.scoping import minimal_paths, subtrees_q
from members.models import Member, MemberStatus
from orgs import rules
from orgs.models import BRANCH_KINDS, Org, OrgKind


def tree_roots(user):
    """The top orgs a user sees: each granted subtree's root (and a member's own org)."""
    scope = get_scope(user)
    paths = minimal_paths(scope.paths_for("org.view"))
    q = Q(path__in=paths)
    if scope.member_org_id:
        q |= Q(pk=scope.member_org_id)
    return list(Org.objects.filter(q).order_by("path"))


def children(org: Org, user):
    return list(
        Org.objects.visible_to(user).subtree(org).filter(depth=org.depth + 1).order_by("path")
    )


def subtree_counts(orgs, *, user) -> dict[int, dict[str, int]]:
    """Sub-org and member counts (``Member.objects.active()``: 正式 and 预备) of each org's subtree, as far as ``user`` may see them (a figure is a
    channel too: a member shown their own branch must not learn what lies beneath it).
    Two grouped queries per depth."""
    result = {o.pk: {"orgs": 0, "members": 0} for o in orgs}
    by_depth: dict[int, list[Org]] = {}
    for org in orgs:
        by_depth.setdefault(len(org.path), []).append(org)
    for length, group in by_depth.items():
        paths = {o.path: o.pk for o in group}
        org_rows = (
            Org.objects.visible_to(user).filter(subtrees_q("path", paths)).order_by()
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix").annotate(n=Count("id")).values_list("prefix", "n")
        )
        for prefix, n in org_rows:
            if prefix in paths:
                result[paths[prefix]]["orgs"] = n - 1  # the visible org itself is in its range
        # Grouped by the member's org path and summed here: both databases then read the index
        # in order instead of sorting every member by a computed prefix (docs/benchmarks.md).
        member_rows = (
            Member.objects.visible_to(user).active().filter(subtrees_q("org__path", paths))
            .order_by()
            .values("org__path").annotate(n=Count("id")).values_list("org__path", "n")
        )
        for org_path, n in member_rows:
            prefix = org_path[:length]
            if prefix in paths:
                result[paths[prefix]]["members"] += n
    return result


def subtree_member_count(org: Org) -> int:
    return Member.objects.active().filter(subtrees_q("org__path", [org.path])).count()


def org_warnings(org: Org) -> list[rules.Warning]:
    term = org.terms.filter(ended__isnull=True).first()
    found = rules.term_warnings(org, term)
    if org.kind in BRANCH_KINDS or org.kind == OrgKind.GENERAL_BRANCH:
        scope_q = subtrees_q("org__path", [org.path])
        counts = Member.objects.active().filter(scope_q).aggregate(
            members=Count("id"), full=Count("id", filter=Q(status=MemberStatus.FULL))
        )
        committee = term.members.count() if term else 0
        found += rules.structure_warnings(
            org, members=counts["members"], full_members=counts["full"], committee_size=committee
        )
    return found


def search(user, text: str):
    """Orgs whose name contains ``text`` or whose code is ``text``, top levels first (paged by the page)."""
    text = text.strip()
    if not text:
        return Org.objects.none()
    return (Org.objects.visible_to(user).filter(Q(name__icontains=text) | Q(code__iexact=text))
            .order_by("depth", "path"))


def with_branch_names(orgs, user) -> None:
    """Set ``branch_name`` on each party group among ``orgs`` (for ``Org.label``): one query for
    the whole list, through the user's scope like every read."""
    groups = [org for org in orgs if org is not None and org.kind == OrgKind.GROUP]
    if not groups:
        return
    names = dict(Org.objects.visible_to(user).filter(path__in={g.path[:-Org.steplen] for g in groups})
                 .values_list("path", "name"))
    for group in groups:
        group.branch_name = names.get(group.path[:-Org.steplen], "")


def ancestors_names(orgs, user) -> dict[int, str]:
    """'天津市 › 和平区 › …' for each org, in one query; ancestors outside the scope are left out."""
    paths = {p for o in orgs for p in o.ancestor_paths()[:-1]}
    names = dict(Org.objects.visible_to(user).filter(path__in=paths).values_list("path", "name"))
    return {o.pk: " › ".join(names[p] for p in o.ancestor_paths()[:-1] if p in names) for o in orgs}
