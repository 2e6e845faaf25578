"""Reads for the org pages: tree levels with counts, warnings, search."""

from django.db.models import Count, Q

from accounts.scope import get_scope
from core.scoping import minimal_paths, subtrees_q
from members.models import ACTIVE_STATUSES, Member, MemberStatus
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


# --- the tree roll-up ------------------------------------------------------------------------------


def rollup(orgs, queryset, path_lookup: str, aggregates: dict) -> dict[int, dict]:
    """Figures of each org's subtree: ``aggregates`` (name → Count/Sum expression) over the rows of
    ``queryset`` whose org path (``path_lookup``: ``"org__path"``, ``"meeting__org__path"``, or
    ``"path"`` for orgs) lies in the org's subtree, as ``{org pk: {name: figure}}``, zero where
    no row counts. A roll-up page passes a root and its children: per child org of the root,
    these figures (and the root's total).

    One grouped query whatever the number, depths and size of the subtrees: the rows are grouped
    by their own org path, which both databases read in index order, and each group is added to
    every listed org whose path begins it; grouping by a computed path prefix made the database
    sort every row instead (docs/benchmarks.md). So the aggregates must add up across groups
    (Count, Sum; not Avg or Max). The queryset carries the scope (``visible_to``): a figure is a
    channel too. A summary table (a row per org and month) feeds it the same way."""
    orgs = list(orgs)
    if not orgs:
        return {}
    names = list(aggregates)
    rows = (queryset.filter(subtrees_q(path_lookup, [o.path for o in orgs])).order_by()
            .values(path_lookup).annotate(**aggregates).values_list(path_lookup, *names))
    return rollup_rows(orgs, ((row[0], dict(zip(names, row[1:], strict=True))) for row in rows), names)


def rollup_rows(orgs, rows, names) -> dict[int, dict]:
    """``rollup`` for figures already at hand: ``rows`` of (org path, {name: figure}), added up
    per listed org whose subtree holds the path (figures computed in Python per org, such as
    orglife's compliance)."""
    result = {o.pk: dict.fromkeys(names, 0) for o in orgs}
    by_path = {o.path: result[o.pk] for o in orgs}
    lengths = sorted({len(path) for path in by_path})
    for path, figures in rows:
        for length in lengths:
            target = by_path.get(path[:length]) if len(path) >= length else None
            if target is None:
                continue
            for name, value in figures.items():
                if value:
                    target[name] += value
    return result


def subtree_counts(orgs, *, user) -> dict[int, dict[str, int]]:
    """Sub-org and active member counts (正式 and 预备; not the archives of members who died,
    left or moved out) of each org's subtree, as far as ``user`` may see them (a figure is a
    channel too: a member shown their own branch must not learn what lies beneath it).
    Two queries (``rollup``)."""
    org_counts = rollup(orgs, Org.objects.visible_to(user), "path", {"orgs": Count("id")})
    member_counts = rollup(orgs, Member.objects.visible_to(user).filter(status__in=ACTIVE_STATUSES),
                           "org__path", {"members": Count("id")})
    # The visible org itself is in its own range.
    return {pk: {"orgs": max(org_counts[pk]["orgs"] - 1, 0), "members": member_counts[pk]["members"]}
            for pk in org_counts}


def subtree_member_count(org: Org) -> int:
    return Member.objects.filter(subtrees_q("org__path", [org.path]), status__in=ACTIVE_STATUSES).count()


def org_warnings(org: Org) -> list[rules.Warning]:
    term = org.terms.filter(ended__isnull=True).first()
    found = rules.term_warnings(org, term)
    if org.kind in BRANCH_KINDS or org.kind == OrgKind.GENERAL_BRANCH:
        scope_q = subtrees_q("org__path", [org.path])
        counts = Member.objects.filter(scope_q).aggregate(
            members=Count("id"), full=Count("id", filter=Q(status=MemberStatus.FULL))
        )
        committee = term.members.count() if term else 0
        found += rules.structure_warnings(
            org, members=counts["members"], full_members=counts["full"], committee_size=committee
        )
    return found


def search(user, text: str, limit: int = 50):
    text = text.strip()
    if not text:
        return []
    return list(
        Org.objects.visible_to(user)
        .filter(Q(name__icontains=text) | Q(code__iexact=text))
        .order_by("depth", "path")[:limit]
    )


def ancestors_names(orgs, user) -> dict[int, str]:
    """'天津市 › 和平区 › …' for each org, in one query; ancestors outside the scope are left out."""
    paths = {p for o in orgs for p in o.ancestor_paths()[:-1]}
    names = dict(Org.objects.visible_to(user).filter(path__in=paths).values_list("path", "name"))
    return {o.pk: " › ".join(names[p] for p in o.ancestor_paths()[:-1] if p in names) for o in orgs}
